"""Concurrent writers on one SQLite file: threads of one application and two applications
(processes) never lose, duplicate or interleave a case's events, and the chain still verifies.
One writer per case at a time (domain/caselock.py): a writer reads the case under its lock, so a
stale cache is brought up to date instead of failing; a writer that bypasses the lock is
refused with nothing written. Twelve threads and twelve processes on both stores:
tests/postgres/test_one_writer_per_case.py."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from uuid import UUID

import pytest
from eventsourcing.persistence import StoredEvent

from domain import commands as c
from domain.application import EnforcementCases, case_id
from domain.case import CommandResult
from domain.caselock import CaseTransaction
from domain.errors import ConcurrencyError
from domain.rules import Channel
from tests.support import KEY, NUMBER, OFFICER, Driver, at


def inquiry(n: int) -> c.RecordNetworkInquiry:
    day = date(2026, 1, 12)  # one business time: threads may interleave in any order
    return c.RecordNetworkInquiry(case_number=NUMBER, command_id=f"inq:{n}", actor=OFFICER,
                                  recorded_at=at(day, 18), queried_on=day,
                                  channel=list(Channel)[n % 7])


def test_threads_of_one_application_serialise_commands_on_a_case(tmp_path: Path) -> None:
    app = EnforcementCases.sqlite(tmp_path / "events.sqlite", chain_key=KEY)
    Driver(app).file(date(2026, 1, 10))
    results: list[CommandResult] = []

    def send(start: int) -> None:
        for n in range(start, 200, 4):
            results.append(app.execute(inquiry(n)))

    threads = [threading.Thread(target=send, args=(k,)) for k in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    versions = sorted(r.first_version for r in results)
    assert versions == list(range(2, 202))
    assert app.get_case(NUMBER).version == 201 and app.verify(NUMBER).ok


def test_a_second_application_on_the_same_file_brings_its_stale_case_up_to_date(
        tmp_path: Path) -> None:
    db = tmp_path / "events.sqlite"
    first = EnforcementCases.sqlite(db, chain_key=KEY)
    second = EnforcementCases.sqlite(db, chain_key=KEY)
    Driver(first).file(date(2026, 1, 10))
    assert second.get_case(NUMBER).version == 1  # now cached in the second application too
    assert first.execute(inquiry(1)).first_version == 2
    result = second.execute(inquiry(2))  # read under the lock: v2 applied, then v3 written
    assert (result.first_version, result.duplicate) == (3, False)
    assert first.execute(inquiry(1)).duplicate  # and the first sees nothing twice
    reopened = EnforcementCases.sqlite(db, chain_key=KEY)
    assert [e.command_id for e in reopened.case_events(NUMBER)][1:] == ["inq:1", "inq:2"]
    assert reopened.verify(NUMBER).ok


def test_a_writer_that_bypasses_the_case_lock_fails_the_command_with_nothing_written() -> None:
    app, elsewhere = (EnforcementCases.in_memory(chain_key=KEY) for _ in range(2))
    for store in (app, elsewhere):
        Driver(store).file(date(2026, 1, 10))  # the same filing: the same first event
    elsewhere.execute(inquiry(99))
    ref = case_id(NUMBER)
    intruder = elsewhere.recorder.select_events(ref)[1]  # version 2, chained to version 1
    hold = app.case_locks

    @contextlib.contextmanager
    def bypassed(refs: Sequence[UUID], deadline: float) -> Iterator[CaseTransaction]:
        with hold(refs, deadline) as tx:
            read = tx.events_after

            def read_then_intrude(ref: UUID, version: int, limit: int | None = None
                                  ) -> Sequence[StoredEvent]:
                events = read(ref, version, limit)
                app.recorder.insert_events([intruder])  # saved right after the read, unlocked
                return events

            tx.events_after = read_then_intrude  # type: ignore[method-assign]
            yield tx

    app.case_locks = bypassed
    with pytest.raises(ConcurrencyError) as conflict:
        app.execute(inquiry(1))
    assert (conflict.value.code, conflict.value.retryable) == ("case.concurrent_update", True)
    assert "nothing was written" in conflict.value.message
    assert [e.command_id for e in app.case_events(NUMBER)][1:] == ["inq:99"]
    app.case_locks = hold
    result = app.execute(inquiry(1))  # sent again: the evicted case is read afresh
    assert (result.first_version, result.duplicate) == (3, False)
    assert app.verify(NUMBER).ok
