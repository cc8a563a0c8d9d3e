"""The act journal of a case workflow: every act it accepted, by key, with its outcome.

An act is *received* when the workflow accepts it (an update past its validator, or a signal),
then *applied* (its events written) or *refused* (the rule's code and source). What a caller is
told is the journal's entry, so a re-sent act with the same key gets the stored outcome instead
of a second application; ``get_act`` answers by key. The journal travels across continue-as-new
in ``CaseInput.acts`` (the last :data:`KEPT` acts). Workflow-side code: no I/O.
"""

from __future__ import annotations

from typing import Literal

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.values import Actor
    from workflows.messages import ActRecord, ActResult

KEPT = 2000
"""Acts kept across continue-as-new (the event store keeps every applied act for ever)."""


class Journal:
    """The acts of one case workflow run, oldest first."""

    def __init__(self, carried: tuple[ActRecord, ...] = ()) -> None:
        self._acts: dict[str, ActRecord] = {r.key: r for r in carried}

    def get(self, key: str) -> ActRecord | None:
        return self._acts.get(key)

    def receive(self, key: str, act: str, actor: Actor, via: Literal["update", "signal"],
                fingerprint: str, vouched_by: str | None = None) -> ActRecord:
        """Note an act on receipt (a key already known keeps its first entry)."""
        known = self._acts.get(key)
        if known is not None:
            return known
        record = ActRecord(key=key, act=act, actor=actor, via=via, received_at=workflow.now(),
                           fingerprint=fingerprint, vouched_by=vouched_by)
        self._acts[key] = record
        return record

    def applied(self, key: str, result: ActResult) -> None:
        self._set(key, state="applied", result=result)

    def refused(self, key: str, code: str, message: str, source: str) -> None:
        self._set(key, state="refused", code=code, message=message, source=source)

    def records(self) -> tuple[ActRecord, ...]:
        """What a continued run carries: the latest :data:`KEPT` acts."""
        return tuple(self._acts.values())[-KEPT:]

    def _set(self, key: str, **fields: object) -> None:
        record = self._acts.get(key)
        if record is not None:
            self._acts[key] = record.model_copy(update=fields)
