"""Worker-side instruments of the engine (docs/operations.md "Seeing it run"): operator acts
and refusals by code, act and command latency, in a Prometheus registry of their own.

They are recorded whether or not anything serves them (a counter costs a lock and an add);
``engine/telemetry.py`` serves :data:`REGISTRY` on a loopback port when the worker is asked to
(``--metrics-port``), beside the Temporal SDK's runtime metrics and the read models' gauges.

Acts are counted by :class:`Observing`, a worker interceptor: in the workflow it sees each act
Update's validator (a refusal there: the update is rejected and leaves no history) and its
handler (applied, or refused by a rule the aggregate checks). Metrics are side effects outside
the workflow's history: nothing is recorded while a history is replayed (an evicted workflow
rebuilt from its history runs its handlers again), and what is recorded never reaches a
workflow decision. Commands are timed by the command activity itself
(``workflows/activities.py``), on the worker, never in the sandbox.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram
from temporalio import workflow
from temporalio.exceptions import ApplicationError
from temporalio.worker import (
    HandleUpdateInput,
    Interceptor,
    WorkflowInboundInterceptor,
    WorkflowInterceptorClassInput,
)

from workflows.acts import ActBase
from workflows.messages import CASE_WORKFLOW

REGISTRY = CollectorRegistry(auto_describe=True)
"""The engine's own instruments (the Temporal SDK's are bridged beside them when served)."""

LATENCY_BUCKETS = (0.002, 0.005, 0.01, 0.02, 0.035, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5,
                   0.75, 1.0, 1.5, 2.5, 5.0, 10.0, 30.0)
"""Seconds; fine below 200 ms, where an operator's act should be answered."""

ACTS = Counter("enforcement_acts", "Operator acts (Updates of the case workflow) by kind and "
               "outcome: applied, refused (by the aggregate or the act's rules), rejected (by "
               "the update's validator: no history)", ("kind", "outcome"), registry=REGISTRY)
REFUSALS = Counter("enforcement_refusals", "Refusals by code (domain.*, funds.*, identity.* "
                   "…) and where they were given: act_validator, act, command",
                   ("code", "where"), registry=REGISTRY)
ACT_SECONDS = Histogram("enforcement_act_seconds", "Wall time of an act's Update handler on "
                        "the worker, from the handler's start to its answer (the act's "
                        "commands included)", ("kind",), buckets=LATENCY_BUCKETS,
                        registry=REGISTRY)
COMMANDS = Counter("enforcement_commands", "Domain commands run by the command activity, by "
                   "command and outcome: written, duplicate (an earlier outcome answered), "
                   "refused", ("command", "outcome"), registry=REGISTRY)
COMMAND_SECONDS = Histogram("enforcement_command_seconds", "Wall time of one domain command in "
                            "the command activity: load, decide, append, commit (waiting for "
                            "a command slot excluded)", ("command",), buckets=LATENCY_BUCKETS,
                            registry=REGISTRY)


GC_PAUSES = Histogram("enforcement_gc_pause_seconds", "The interpreter's garbage collections in "
                      "the worker process by generation (2: a full collection, which scans every "
                      "cached workflow's objects and stops every workflow meanwhile)",
                      ("generation",), buckets=LATENCY_BUCKETS, registry=REGISTRY)
_gc_started: list[float] = []


def _gc_callback(phase: str, info: dict[str, int]) -> None:
    if phase == "start":
        _gc_started[:] = [time.perf_counter()]
    elif _gc_started:
        GC_PAUSES.labels(generation=str(info.get("generation", "?"))).observe(
            time.perf_counter() - _gc_started[0])


def watch_gc() -> None:
    """Time the worker process's garbage collections (once per process)."""
    if _gc_callback not in gc.callbacks:
        gc.callbacks.append(_gc_callback)


@contextmanager
def timed_command(command: str) -> Iterator[dict[str, str]]:
    """Time one command; the caller sets ``outcome`` in the yielded dict (``refused`` if it
    raises ``ApplicationError``; the refusal's code is counted too)."""
    said = {"outcome": "written"}
    started = time.perf_counter()
    try:
        yield said
    except ApplicationError as err:
        said["outcome"] = "refused"
        REFUSALS.labels(code=err.type or "unknown", where="command").inc()
        raise
    finally:
        COMMAND_SECONDS.labels(command=command).observe(time.perf_counter() - started)
        COMMANDS.labels(command=command, outcome=said["outcome"]).inc()


def _kind(input: HandleUpdateInput) -> str | None:
    """The act's kind, for an act Update of the case workflow (None otherwise)."""
    if workflow.info().workflow_type != CASE_WORKFLOW:
        return None
    act = input.args[0] if len(input.args) == 1 else None
    return input.update if isinstance(act, ActBase) else None


class Observing(Interceptor):
    """The worker interceptor that counts and times acts (module docstring). Put it first, so
    that it also sees the refusals of the identity check."""

    def workflow_interceptor_class(self, input: WorkflowInterceptorClassInput
                                   ) -> type[WorkflowInboundInterceptor]:
        return _ObservingInbound


class _ObservingInbound(WorkflowInboundInterceptor):
    def handle_update_validator(self, input: HandleUpdateInput) -> None:
        try:
            super().handle_update_validator(input)
        except ApplicationError as err:  # validators never run on replay
            kind = _kind(input)
            if kind is not None:
                ACTS.labels(kind=kind, outcome="rejected").inc()
                REFUSALS.labels(code=err.type or "unknown", where="act_validator").inc()
            raise

    async def handle_update_handler(self, input: HandleUpdateInput) -> Any:
        kind = _kind(input)
        live = kind is not None and not workflow.unsafe.is_replaying()
        started = time.perf_counter()
        try:
            result = await super().handle_update_handler(input)
        except ApplicationError as err:
            if live and kind is not None:
                ACTS.labels(kind=kind, outcome="refused").inc()
                REFUSALS.labels(code=err.type or "unknown", where="act").inc()
                ACT_SECONDS.labels(kind=kind).observe(time.perf_counter() - started)
            raise
        if live and kind is not None:
            ACTS.labels(kind=kind, outcome="applied").inc()
            ACT_SECONDS.labels(kind=kind).observe(time.perf_counter() - started)
        return result
