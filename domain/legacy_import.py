"""Legacy import: check the whole file, then write it (docs/legacy-format.md).

1. **Read** every line: its types (``domain.legacy``), its time and its actor
   (``domain.legacy_checks``).
2. **Check** every case against the store: a case not in the store is created, a case holding
   only imported events is extended, a live case — one with any event not imported, i.e. filed
   or acted on through the engine — is refused (docs/legacy-format.md § Live cases). Each case's
   new acts are built, sealed into its chain and applied to a copy of the case.
3. **Write**, only once every line and every case passed: ``batch_cases`` cases per
   transaction, each under its cases' locks (the locks live commands take), after checking that
   none of them changed since step 2.

One bad line or one live case refuses the whole file and nothing of it is written. Only a
writer that changes one of its cases between steps 2 and 3 stops an import half-way
(``legacy.concurrent_write``): the transactions before it are written, and importing the same
file again completes it (the import is idempotent), or refuses it if that writer made the case
live.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from pydantic import BaseModel

from domain.case import EnforcementCase, seal
from domain.errors import ConcurrencyError
from domain.events import CaseEvent
from domain.ids import case_id
from domain.legacy import SOURCE, LegacyImportError, LegacyLine, build_event, parse_line
from domain.legacy_checks import check_act_dates, check_actor, check_time

if TYPE_CHECKING:
    from domain.application import EnforcementCases

LIVE_RULE = "docs/legacy-format.md § Live cases"
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
    """An import touching a live case (``legacy.live_case``): names the case, the first line
    of the file for it and the case's first event that was not imported."""

    def __init__(self, line: int, case_number: str, event: CaseEvent) -> None:
        self.case_number = case_number
        super().__init__(
            line, "case_number", f"case {case_number} is live (its event "
            f"{event.originator_version}, {type(event).__name__}, was recorded by the engine, "
            "not imported): an import may create a case or extend a case holding nothing but "
            "imported events", code="legacy.live_case", source=LIVE_RULE)


@dataclass
class _Plan:
    """One case's new acts, checked and built, waiting to be written."""

    number: str
    ref: UUID
    seen: int  # the case's stored version when it was checked (0: not in the store)
    case: EnforcementCase  # with the new events pending


def import_legacy(app: EnforcementCases, lines: Iterable[str | bytes | dict[str, Any]],
                  now: datetime, batch_cases: int = 500) -> ImportSummary:
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
    summary = ImportSummary()
    grouped = read_lines(lines, now, summary)
    summary.cases = len(grouped)
    plans = check_cases(app, grouped, now, batch_cases, summary)
    write(app, plans, batch_cases, summary)
    summary.seconds = round(time.perf_counter() - started, 3)
    return summary


def read_lines(lines: Iterable[str | bytes | dict[str, Any]], now: datetime,
               summary: ImportSummary) -> dict[str, Entries]:
    """Every line parsed and checked on its own, grouped by case (in order of appearance)."""
    grouped: dict[str, Entries] = {}
    for number, raw in enumerate(lines, start=1):
        if not isinstance(raw, dict) and not raw.strip():
            continue
        line = parse_line(number, raw)
        check_time(number, line, now)
        check_actor(number, line)
        summary.lines += 1
        grouped.setdefault(line.case_number, []).append((number, line))
    return grouped


def check_cases(app: EnforcementCases, grouped: dict[str, Entries], now: datetime,
                batch_cases: int, summary: ImportSummary) -> list[_Plan]:
    """Each case's new acts built on what the store holds (one lookup per ``batch_cases``
    cases); a live case is refused. The lines of a case are dropped once it is built."""
    plans: list[_Plan] = []
    numbers = list(grouped)
    for start in range(0, len(numbers), batch_cases):
        chunk = numbers[start:start + batch_cases]
        present = app.existing([case_id(n) for n in chunk])
        for number in chunk:
            entries, ref = grouped.pop(number), case_id(number)
            stored = _stored(app, ref, number, entries) if ref in present else None
            case = _extend(app, stored, entries, now, summary)
            if case is not None:
                plans.append(_Plan(number, ref, stored.version if stored else 0, case))
    return plans


def _stored(app: EnforcementCases, ref: UUID, number: str, entries: Entries
            ) -> EnforcementCase:
    """The case as stored, replayed from its events (a copy of its own); refused if live."""
    case: EnforcementCase | None = None
    for event in app.events.get(ref):
        assert isinstance(event, CaseEvent)
        if not event.imported:
            raise LiveCaseImportError(min(n for n, _ in entries), number, event)
        case = EnforcementCase.project(case, event)
    assert case is not None
    return case


def _extend(app: EnforcementCases, stored: EnforcementCase | None, entries: Entries,
            now: datetime, summary: ImportSummary) -> EnforcementCase | None:
    """The case with the new lines applied, or None if every line is already there."""
    case = stored
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
        check_act_dates(number, line, now)
        seal(event, app.chain, case.state.chain_head if case else "")
        try:
            case = EnforcementCase.project(case, event)
        except Exception as exc:  # the act does not fit the history before it
            raise LegacyImportError(number, "data", f"{line.event} does not fit the case's "
                                    f"earlier acts: {exc!r}") from None
        case._pending.append(event)  # saved with the batch, like record() does for commands
        new = True
    return case if new else None


def write(app: EnforcementCases, plans: list[_Plan], batch_cases: int,
          summary: ImportSummary) -> None:
    """Save the checked cases, ``batch_cases`` per transaction under their locks."""
    for start in range(0, len(plans), batch_cases):
        batch = plans[start:start + batch_cases]
        with app._writing({plan.ref: plan.number for plan in batch}) as saving:
            for plan in batch:
                if saving.tx.events_after(plan.ref, plan.seen, 1):
                    raise ConcurrencyError(
                        "legacy.concurrent_write", f"case {plan.number} changed while the "
                        f"import was checked; {summary.cases_written} case(s) of earlier "
                        "transactions are written, the rest is not: import the file again "
                        "(it is idempotent)", SOURCE)
            written = sum(len(plan.case._pending) for plan in batch)
            saving.save(*(plan.case for plan in batch))
        summary.events_written += written
        summary.cases_written += len(batch)
        summary.batches += 1
