"""Legacy import: check the whole file, then write it (docs/legacy-format.md).

The input is read once, in batches of ``batch_cases`` cases (a case's lines need not be
contiguous: a later batch extends it):

1. **Check and build.** Every line: its types (``domain.legacy``), its time and its actor
   (``domain.legacy_checks``). Every case against the store: a case not in the store is created,
   a case holding only imported events is extended, a live case — any event not imported, i.e.
   filed or acted on through the engine — is refused (docs/legacy-format.md § Live cases). Each
   act is built, sealed into its case's hash chain, applied to the case and encoded (encrypted)
   as the row the store will hold; the rows, the cases' heads and their snapshots are staged in
   a private temporary file (:class:`Staging`), batch by batch. Only the cases' states are kept
   in memory, so memory stays that of one batch plus one state per case.
2. **Write**, only once the whole input passed: the staged batches, each in one transaction
   holding its cases' locks (the locks live commands take), after checking that none of its
   cases changed since step 1; the rows go in with one bulk insert, their heads into the
   anchor log in the same transaction.

One bad line or one live case refuses the whole input and nothing of it is written. Only a
writer that changes one of its cases between the steps stops an import half-way
(``legacy.concurrent_write``): the transactions before it are written, and importing the same
file again completes it (the import is idempotent), or refuses it if that writer made the case
live.
"""

from __future__ import annotations

import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.persistence import EventStore, Mapper
from pydantic import BaseModel

from domain.anchors import Head
from domain.case import EnforcementCase, seal
from domain.caselock import CaseTransaction
from domain.errors import ConcurrencyError
from domain.events import CaseEvent
from domain.ids import case_id
from domain.legacy import SOURCE, LegacyImportError, LegacyLine, build_event, parse_line
from domain.legacy_checks import check_actor, check_data, check_time
from domain.persistence import SNAPSHOT_INTERVAL, CaseSnapshot, Row
from domain.tamper import HashChain


class Saving(Protocol):
    """The transaction a batch of cases is written in, holding their locks."""

    tx: CaseTransaction

    def bulk(self, rows: Sequence[Row], heads: Sequence[Head]) -> None: ...


class ImportTarget(Protocol):
    """What the import needs of the application (:class:`domain.application.EnforcementCases`
    is one): which cases exist, their events, the hash chain, the mapper that encodes (and
    encrypts) an event, a locked transaction, and its snapshots and cache."""

    chain: HashChain
    mapper: Mapper[UUID]

    @property
    def events(self) -> EventStore[UUID]: ...

    def existing(self, refs: Sequence[UUID]) -> set[UUID]: ...

    def writing(self, cases: dict[UUID, str]) -> AbstractContextManager[Saving]: ...

    def put_snapshots(self, snapshots: Sequence[CaseSnapshot]) -> None: ...

    def uncache(self, refs: Sequence[UUID]) -> None: ...


LIVE_RULE = "docs/legacy-format.md § Live cases"
Line = str | bytes | dict[str, Any]
Lines = Iterable[Line] | Callable[[], Iterable[Line]]
"""The input: lines, or a function that reads them (e.g. opens the file); either is read
once."""
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
    with Staging() as staging:
        summary = check(app, lines() if callable(lines) else lines, now, batch_cases, staging)
        write(app, staging, summary)
    summary.seconds = round(time.perf_counter() - started, 3)
    return summary


class Staging:
    """Step 1's output, batch by batch, in a private temporary SQLite file (its directory
    0700, removed at the end): each batch's cases with the version step 1 found them at, the
    rows to insert (encrypted as the store holds them), the heads to anchor and the snapshots
    to take. Nothing in it is plaintext the store would not hold."""

    def __init__(self) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="enforcement-import-")
        self._db = sqlite3.connect(Path(self._dir.name) / "staged.sqlite",
                                   isolation_level=None)
        self._db.execute("PRAGMA journal_mode=OFF")
        self._db.execute("PRAGMA synchronous=OFF")
        self._db.execute("CREATE TABLE cases (batch INTEGER, number TEXT, base INTEGER, "
                         "head INTEGER, chain TEXT)")
        self._db.execute("CREATE TABLE events (batch INTEGER, ref TEXT, version INTEGER, "
                         "topic TEXT, state BLOB)")
        self._db.execute("CREATE TABLE snapshots (batch INTEGER, body BLOB)")
        self.batches = 0

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, *exc: object) -> None:
        self._db.close()
        self._dir.cleanup()

    def add(self, cases: Sequence[tuple[str, int, int, str]], rows: Sequence[Row],
            snapshots: Sequence[bytes]) -> None:
        """Stage one batch: its cases (number, version found, version reached, chain value
        reached), its rows and its snapshots (JSON)."""
        batch = self.batches
        self.batches += 1
        db = self._db
        db.execute("BEGIN")
        db.executemany("INSERT INTO cases VALUES (?,?,?,?,?)",
                       [(batch, *case) for case in cases])
        db.executemany("INSERT INTO events VALUES (?,?,?,?,?)", [(batch, *row) for row in rows])
        db.executemany("INSERT INTO snapshots VALUES (?,?)", [(batch, s) for s in snapshots])
        db.execute("COMMIT")

    def batch(self, batch: int) -> tuple[list[tuple[str, int, int, str]], list[Row],
                                         list[bytes]]:
        """A staged batch: its cases, its rows in order, its snapshots."""
        db = self._db
        cases = db.execute("SELECT number, base, head, chain FROM cases WHERE batch = ? "
                           "ORDER BY rowid", (batch,)).fetchall()
        rows = db.execute("SELECT ref, version, topic, state FROM events WHERE batch = ? "
                          "ORDER BY rowid", (batch,)).fetchall()
        snapshots = [r[0] for r in db.execute("SELECT body FROM snapshots WHERE batch = ? "
                                              "ORDER BY rowid", (batch,))]
        return cases, rows, snapshots


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


def check(app: ImportTarget, lines: Iterable[Line], now: datetime, batch_cases: int,
          staging: Staging) -> ImportSummary:
    """Step 1: every line and every case checked, built, sealed and encoded, each batch
    staged; nothing written to the store."""
    summary = ImportSummary()
    cases: dict[str, EnforcementCase] = {}  # built so far (states only)
    encode = app.mapper.to_stored_event
    for batch in batches(lines, now, batch_cases, summary):
        fresh = [n for n in batch if n not in cases]
        present = app.existing([case_id(n) for n in fresh])
        staged: list[tuple[str, int, int, str]] = []
        rows: list[Row] = []
        snapshots: list[bytes] = []
        for number, entries in batch.items():
            base = cases.get(number)
            if base is None and case_id(number) in present:
                base = _stored(app, number, entries)
            found = base.version if base else 0
            case = _extend(app, base, entries, now, summary)
            if case is None:  # every line already there
                assert base is not None
                cases[number] = base
                staged.append((number, found, found, base.state.chain_head))
                continue
            events = case.collect_events()
            for stored in map(encode, events):
                rows.append((stored.originator_id.hex, stored.originator_version,  # type: ignore[union-attr]
                             stored.topic, stored.state))
            if any(e.originator_version % SNAPSHOT_INTERVAL == 0 for e in events):
                snapshots.append(CaseSnapshot.take(case, app.chain).model_dump_json().encode())
            cases[number] = case
            staged.append((number, found, case.version, case.state.chain_head))
        staging.add(staged, rows, snapshots)
    return summary


def write(app: ImportTarget, staging: Staging, summary: ImportSummary) -> None:
    """Step 2: the staged batches, each saved in one transaction under its cases' locks,
    after checking that none of them changed since step 1."""
    written: set[str] = set()
    for batch in range(staging.batches):
        staged, rows, snapshots = staging.batch(batch)
        refs = {case_id(number): number for number, *_ in staged}
        with app.writing(refs) as saving:
            for number, found, _, _ in staged:
                if saving.tx.events_after(case_id(number), found, 1):
                    raise ConcurrencyError(
                        "legacy.concurrent_write", f"case {number} changed while the import "
                        f"was checked; {len(written)} case(s) of earlier transactions are "
                        "written, the rest is not: import the file again (it is idempotent)",
                        SOURCE)
            heads = [Head(case_id(number), head, chain) for number, found, head, chain
                     in staged if head > found]
            if rows:
                saving.bulk(rows, heads)
        app.uncache(list(refs))  # read afresh from the store when next needed
        if snapshots:
            app.put_snapshots([CaseSnapshot.model_validate_json(s) for s in snapshots])
        written.update(number for number, found, head, _ in staged if head > found)
        summary.events_written += len(rows)
        summary.cases_written = len(written)
        summary.batches += int(bool(rows))


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
            now: datetime, summary: ImportSummary) -> EnforcementCase | None:
    """The case (changed in place) with the new lines applied and sealed, or None if every
    line is already there."""
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
        seal(event, app.chain, case.state.chain_head if case else "")
        try:
            case = EnforcementCase.extended(case, event)  # saved with the batch
        except Exception as exc:  # the act does not fit the history before it
            raise LegacyImportError(number, "data", f"{line.event} does not fit the case's "
                                    f"earlier acts: {exc!r}") from None
        new = True
    return case if new else None
