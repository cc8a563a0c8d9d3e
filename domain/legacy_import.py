"""Legacy import: check the whole file, then write it (docs/legacy-format.md).

The input is read twice, in batches of ``batch_cases`` cases (a case's lines need not be
contiguous: a later batch extends it):

1. **Check.** Every line: its types (``domain.legacy``), its time and its actor
   (``domain.legacy_checks``). Every case against the store: a case not in the store is created,
   a case holding only imported events is extended, a live case — any event not imported, i.e.
   filed or acted on through the engine — is refused (docs/legacy-format.md § Live cases). Each
   act is built, sealed and applied to the case; only the cases' states are kept, so memory
   stays that of one batch plus one state per case.
2. **Write**, only once the whole input passed: the same batches again, each in one
   transaction holding its cases' locks (the locks live commands take), after checking that
   none of them changed since step 1 and that the batch is the one checked.

One bad line or one live case refuses the whole input and nothing of it is written. Only a
writer that changes one of its cases between the steps, or an input that changes between its
two readings, stops an import half-way (``legacy.concurrent_write``, ``legacy.input_changed``):
the transactions before it are written, and importing the same file again completes it (the
import is idempotent), or refuses it if that writer made the case live.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.persistence import EventStore
from pydantic import BaseModel

from domain.case import EnforcementCase, seal
from domain.caselock import CaseTransaction
from domain.errors import ConcurrencyError
from domain.events import CaseEvent
from domain.ids import case_id
from domain.legacy import SOURCE, LegacyImportError, LegacyLine, build_event, parse_line
from domain.legacy_checks import check_actor, check_data, check_time
from domain.tamper import HashChain


class Saving(Protocol):
    """The transaction a batch of cases is written in, holding their locks."""

    tx: CaseTransaction

    def save(self, *cases: EnforcementCase) -> None: ...


class ImportTarget(Protocol):
    """What the import needs of the application (:class:`domain.application.EnforcementCases`
    is one): which cases exist, their events, the hash chain and a locked transaction."""

    chain: HashChain

    @property
    def events(self) -> EventStore[UUID]: ...

    def existing(self, refs: Sequence[UUID]) -> set[UUID]: ...

    def writing(self, cases: dict[UUID, str]) -> AbstractContextManager[Saving]: ...


LIVE_RULE = "docs/legacy-format.md § Live cases"
Line = str | bytes | dict[str, Any]
Lines = Iterable[Line] | Callable[[], Iterable[Line]]
"""The input: lines (held in memory to be read twice) or a function that reads them afresh
(e.g. opens the file again), which keeps memory to one batch."""
Entries = list[tuple[int, LegacyLine]]


class ImportSummary(BaseModel):
    """What an import read and wrote."""

    lines: int = 0  # non-blank lines read
    cases: int = 0  # distinct case numbers
    events_written: int = 0
    events_present: int = 0  # lines already imported with the same content (skipped)
    cases_written: int = 0  # cases that received new events
    batches: int = 0  # transactions
    seconds: float = 0.0


class LiveCaseImportError(LegacyImportError):
    """An import touching a live case (``legacy.live_case``): names the case, the input's
    first line for it and the case's first event that was not imported."""

    def __init__(self, line: int, case_number: str, event: CaseEvent) -> None:
        self.case_number = case_number
        super().__init__(
            line, "case_number", f"case {case_number} is live (its event "
            f"{event.originator_version}, {type(event).__name__}, was recorded by the engine, "
            "not imported): an import may create a case or extend a case holding nothing but "
            "imported events", code="legacy.live_case", source=LIVE_RULE)


class _Checked(BaseModel):
    """What step 1 found: the store's version of each case it read, and each batch's digest."""

    seen: dict[str, int] = {}  # case number -> stored version (0: not in the store)
    digests: list[str] = []


def import_legacy(app: ImportTarget, lines: Lines, now: datetime,
                  batch_cases: int = 500) -> ImportSummary:
    """Import JSON Lines (text lines or decoded objects) as imported facts.

    ``now`` is the import's business time (timezone-aware): no act may be recorded or dated
    after it. The whole input is checked before anything is written; the first problem raises
    a :class:`LegacyImportError` naming its line and field (``legacy.*`` codes) and nothing is
    written. Then ``batch_cases`` cases are written per transaction. Blank lines are skipped
    but counted in line numbers.
    """
    if batch_cases < 1:
        raise ValueError("batch_cases must be at least 1")
    if now.tzinfo is None:
        raise ValueError("the import's business time must be timezone-aware")
    started = time.perf_counter()
    if callable(lines):
        read = lines
    else:
        kept = list(lines)

        def read() -> Iterable[Line]:
            return kept

    checked = check(app, read(), now, batch_cases)
    summary = write(app, read(), now, batch_cases, checked)
    summary.seconds = round(time.perf_counter() - started, 3)
    return summary


def batches(lines: Iterable[Line], now: datetime, batch_cases: int,
            summary: ImportSummary) -> Iterator[dict[str, Entries]]:
    """The input's lines, each parsed and checked on its own, in batches of cases."""
    batch: dict[str, Entries] = {}
    seen: set[str] = set()
    for number, raw in enumerate(lines, start=1):
        if not isinstance(raw, dict) and not raw.strip():
            continue
        line = parse_line(number, raw)
        check_time(number, line, now)
        check_actor(number, line)
        summary.lines += 1
        seen.add(line.case_number)
        if line.case_number not in batch and len(batch) >= batch_cases:
            yield batch
            batch = {}
        batch.setdefault(line.case_number, []).append((number, line))
    if batch:
        yield batch
    summary.cases = len(seen)


def check(app: ImportTarget, lines: Iterable[Line], now: datetime,
          batch_cases: int) -> _Checked:
    """Step 1: every line and every case checked and built; nothing written."""
    checked, summary = _Checked(), ImportSummary()
    cases: dict[str, EnforcementCase] = {}  # built so far (states only)
    for batch in batches(lines, now, batch_cases, summary):
        checked.digests.append(_digest(batch))
        fresh = [n for n in batch if n not in cases]
        present = app.existing([case_id(n) for n in fresh])
        for number, entries in batch.items():
            base = cases.get(number)
            if base is None and case_id(number) in present:
                base = _stored(app, number, entries)
            if number in fresh:
                checked.seen[number] = base.version if base else 0
            case = _extend(app, base, entries, now, summary, sealed=False)
            if case is not None:
                case.collect_events()  # not written in this step
                cases[number] = case
    return checked


def write(app: ImportTarget, lines: Iterable[Line], now: datetime, batch_cases: int,
          checked: _Checked) -> ImportSummary:
    """Step 2: the checked batches again, each saved in one transaction under its locks."""
    summary = ImportSummary()
    cases: dict[str, EnforcementCase] = {}  # saved by this step
    read = 0
    try:
        for batch in batches(lines, now, batch_cases, summary):
            if read >= len(checked.digests) or _digest(batch) != checked.digests[read]:
                raise _changed(summary, "it is not the input that was checked")
            read += 1
            with app.writing({case_id(number): number for number in batch}) as saving:
                changed = []
                for number, entries in batch.items():
                    base = _base(app, saving.tx, number, entries, cases.get(number), checked,
                                 summary)
                    case = _extend(app, base, entries, now, summary)
                    if case is not None:
                        changed.append(case)
                written = sum(case.unsaved for case in changed)
                saving.save(*changed)
            cases.update((case.state.case_number, case) for case in changed)
            summary.events_written += written
            summary.cases_written = len(cases)
            summary.batches += int(bool(changed))
    except LegacyImportError as exc:  # the input changed between its two readings
        raise _changed(summary, exc.message) from None
    if read != len(checked.digests):
        raise _changed(summary, "it is shorter than the input that was checked")
    return summary


def _base(app: ImportTarget, tx: CaseTransaction, number: str, entries: Entries,
          saved: EnforcementCase | None, checked: _Checked, summary: ImportSummary
          ) -> EnforcementCase | None:
    """The case to extend in step 2: as this step saved it, or as stored — unchanged since
    then, or since step 1 (read under the case's lock)."""
    seen = saved.version if saved is not None else checked.seen.get(number, 0)
    if tx.events_after(case_id(number), seen, 1):
        raise ConcurrencyError(
            "legacy.concurrent_write", f"case {number} changed while the import was checked; "
            f"{summary.cases_written} case(s) of earlier transactions are written, the rest is "
            "not: import the file again (it is idempotent)", SOURCE)
    if saved is not None:
        return EnforcementCase(saved.state.model_copy(deep=True))  # the cached one stays
    return _stored(app, number, entries) if seen else None


def _changed(summary: ImportSummary, why: str) -> ConcurrencyError:
    return ConcurrencyError(
        "legacy.input_changed", f"the input changed between its check and its writing ({why}); "
        f"{summary.cases_written} case(s) of earlier transactions are written, the rest is "
        "not: import the file again, unchanged (it is idempotent)", SOURCE)


def _digest(batch: dict[str, Entries]) -> str:
    """What a batch holds: its cases and their lines' content, in order."""
    digest = hashlib.sha256()
    for number, entries in batch.items():
        digest.update(number.encode())
        for _, line in entries:
            digest.update(line.fingerprint.encode())
    return digest.hexdigest()


def _stored(app: ImportTarget, number: str, entries: Entries) -> EnforcementCase:
    """The case as stored, replayed from its events (a copy of its own); refused if live."""
    case: EnforcementCase | None = None
    for event in app.events.get(case_id(number)):
        assert isinstance(event, CaseEvent)
        if not event.imported:
            raise LiveCaseImportError(min(n for n, _ in entries), number, event)
        case = EnforcementCase.project(case, event)
    assert case is not None
    return case


def _extend(app: ImportTarget, case: EnforcementCase | None, entries: Entries,
            now: datetime, summary: ImportSummary, sealed: bool = True
            ) -> EnforcementCase | None:
    """The case (changed in place) with the new lines applied, or None if every line is
    already there. Step 1 does not seal the events it builds (it writes none)."""
    new = False
    for number, line in sorted(entries, key=lambda entry: entry[1].seq):
        version = case.version if case else 0
        if line.seq <= version:
            assert case is not None
            if case.state.commands.get(line.command_id) != line.fingerprint:
                raise LegacyImportError(number, "seq", f"act {line.seq} of {line.case_number} "
                                        "is already recorded with other content")
            summary.events_present += 1
            continue
        if line.seq != version + 1:
            raise LegacyImportError(number, "seq", f"expected seq {version + 1} of "
                                    f"{line.case_number} (acts are numbered without gaps)")
        event = build_event(number, line)
        check_data(number, line, now)
        if sealed:
            seal(event, app.chain, case.state.chain_head if case else "")
        try:
            case = EnforcementCase.extended(case, event)  # saved with the batch
        except Exception as exc:  # the act does not fit the history before it
            raise LegacyImportError(number, "data", f"{line.event} does not fit the case's "
                                    f"earlier acts: {exc!r}") from None
        new = True
    return case if new else None
