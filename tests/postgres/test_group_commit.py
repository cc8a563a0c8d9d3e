"""Group commit on both stores (domain/groupcommit.py, docs/operations.md "Group commit"):
commands of many threads share one transaction and one commit; each is durable before it is
answered, a case's commands keep their order, and a command that fails (refused, in conflict)
rolls back alone while the others of its transaction are committed and answered. A failed
commit fails every command of its transaction and writes none of them.

The tests line commands up behind a transaction the test holds open (``wait_for_waiting``), so
that they share the next one whatever the machine's speed: no timing decides an outcome."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from functools import partial
from typing import Any
from uuid import UUID

import psycopg
from eventsourcing.persistence import OperationalError, StoredEvent

from domain import commands as c
from domain.application import EnforcementCases, case_id
from domain.case import CommandResult
from domain.caselock import CaseTransaction
from domain.errors import ConcurrencyError, EnforcementError
from domain.groupcommit import GroupCommit
from domain.pgrecorder import lock_key
from domain.rules import Channel
from tests.postgres.conftest import Backend
from tests.support import OFFICER, Driver, at

FILED = date(2026, 1, 10)


def number(n: int) -> str:
    return f"(2026)甘0402执{900 + n}号"


def inquiry(case: int, n: int, on: date = date(2026, 1, 12)) -> c.RecordNetworkInquiry:
    return c.RecordNetworkInquiry(case_number=number(case), command_id=f"inq:{case}:{n}",
                                  actor=OFFICER, recorded_at=at(date(2026, 1, 12), 18),
                                  queried_on=on, channel=list(Channel)[n % 7])


def filed(backend: Backend, cases: int, **kwargs: Any) -> tuple[EnforcementCases, GroupCommit]:
    app = backend.cases(**kwargs)
    for n in range(cases):
        Driver(app, number(n)).file(FILED)
    writer = app.writer or app.pg_writer
    assert writer is not None
    return app, writer


def reopened(backend: Backend) -> EnforcementCases:
    """Another application on the store: what it holds, read afresh."""
    return backend.cases()


def lined_up(app: EnforcementCases, writer: GroupCommit,
             sends: list[Callable[[], Any]]) -> list[Any]:
    """Run ``sends`` on threads lined up behind a transaction this test holds open (it writes
    nothing), so that all of them join it; each one's result or exception, then what the
    test's own part of the transaction ended with (None, or the commit's error)."""
    outcomes: list[Any] = [None] * len(sends)
    holder: Exception | None = None

    def run(i: int) -> None:
        try:
            outcomes[i] = sends[i]()
        except Exception as exc:  # the outcome checked by the test
            outcomes[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(sends))]
    try:
        with writer.member(time.monotonic() + 30):
            for thread in threads:
                thread.start()
            assert writer.wait_for_waiting(len(sends), timeout=60)
    except OperationalError as exc:
        holder = exc
    for thread in threads:
        thread.join()
    return [*outcomes, holder]


def test_concurrent_commands_are_all_durable_and_keep_each_cases_order(backend: Backend) -> None:
    app, _ = filed(backend, 16)
    results: dict[int, list[CommandResult]] = {n: [] for n in range(16)}

    def send(case: int) -> None:
        for n in range(12):
            results[case].append(app.execute(inquiry(case, n)))

    threads = [threading.Thread(target=send, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    store = reopened(backend)  # what the file holds, read afresh
    for case in range(16):
        assert [r.first_version for r in results[case]] == list(range(2, 14))
        events = store.case_events(number(case))
        assert [e.command_id for e in events[1:]] == [f"inq:{case}:{n}" for n in range(12)]
    report = store.verify_anchored()
    assert len(report.cases) == 16 and all(v.ok and not v.findings for v in report.cases)


def test_a_refused_and_a_conflicting_command_leave_the_others_of_their_transaction_committed(
        backend: Backend) -> None:
    app, writer = filed(backend, 6)
    conflict = case_id(number(5))
    hold = app.case_locks

    @contextlib.contextmanager
    def intruded(refs: Sequence[UUID], deadline: float) -> Iterator[CaseTransaction]:
        with hold(refs, deadline) as tx:
            if conflict in refs:
                read = tx.events_after

                def read_then_intrude(ref: UUID, version: int, limit: int | None = None
                                      ) -> Sequence[StoredEvent]:
                    events = read(ref, version, limit)  # then a row at the next version
                    tx.insert([StoredEvent(originator_id=ref, originator_version=2,
                                           topic="intruder", state=b"x")])
                    return events

                tx.events_after = read_then_intrude  # type: ignore[method-assign]
            yield tx

    app.case_locks = intruded
    commits = writer.commits
    sends: list[Callable[[], Any]] = [partial(app.execute, inquiry(n, 1)) for n in range(4)]
    sends.append(partial(app.execute, inquiry(4, 1, on=date(2026, 1, 5))))  # before filing
    sends.append(partial(app.execute, inquiry(5, 1)))
    *outcomes, holder = lined_up(app, writer, sends)
    assert holder is None
    assert writer.commits == commits + 1  # the test's empty write and all six: one commit
    assert [type(o) for o in outcomes[:4]] == [CommandResult] * 4
    assert [o.first_version for o in outcomes[:4]] == [2] * 4
    assert isinstance(outcomes[4], EnforcementError) and \
        not isinstance(outcomes[4], ConcurrencyError)
    assert isinstance(outcomes[5], ConcurrencyError)
    assert outcomes[5].code == "case.concurrent_update"
    app.case_locks = hold
    assert app.execute(inquiry(5, 1)).first_version == 2  # sent again: written
    store = reopened(backend)
    assert [len(store.case_events(number(n))) for n in range(6)] == [2, 2, 2, 2, 1, 2]
    assert all(v.ok and not v.findings for v in store.verify_anchored().cases)


class FailingCommit:
    """The writer's cursor, failing the next ``COMMIT`` as a full or failing disk would."""

    def __init__(self, cursor: Any, error: Exception) -> None:
        self.cursor = cursor
        self.error: Exception | None = error

    def execute(self, query: Any, *args: Any, **kwargs: Any) -> Any:
        if query == "COMMIT" and self.error is not None:
            error, self.error = self.error, None
            raise error
        return self.cursor.execute(query, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.cursor, name)


def test_a_failed_commit_fails_every_command_of_its_transaction_and_writes_none(
        backend: Backend) -> None:
    app, writer = filed(backend, 3)
    real = writer._cursor  # type: ignore[attr-defined]
    error = sqlite3.OperationalError if backend.kind == "sqlite" else psycopg.OperationalError
    writer._cursor = FailingCommit(real, error("disk I/O error (simulated)"))  # type: ignore[attr-defined]
    outcomes = lined_up(app, writer, [partial(app.execute, inquiry(n, 1)) for n in range(3)])
    assert all(isinstance(o, OperationalError) for o in outcomes), outcomes  # and the test's
    writer._cursor = real  # type: ignore[attr-defined]
    assert [app.get_case(number(n)).version for n in range(3)] == [1, 1, 1]  # cache evicted
    assert [app.execute(inquiry(n, 1)).first_version for n in range(3)] == [2, 2, 2]
    store = reopened(backend)
    assert [len(store.case_events(number(n))) for n in range(3)] == [2, 2, 2]
    assert all(v.ok and not v.findings for v in store.verify_anchored().cases)


def test_one_caller_commits_each_command_on_its_own(backend: Backend) -> None:
    app, writer = filed(backend, 1)
    commits = writer.commits
    for n in range(5):
        app.execute(inquiry(0, n))
    assert writer.commits == commits + 5  # nobody to wait for: no command waits for another


def test_a_command_whose_case_another_process_holds_waits_apart_from_the_others(
        backend: Backend) -> None:
    """PostgreSQL: a case held by another transaction (another process's command) does not
    hold up the commands of other cases: they commit and are answered while it waits outside
    the shared transaction; it is written once the case is free."""
    if backend.kind != "postgres":
        return  # SQLite locks the whole file: there is no other case to go on with
    app, writer = filed(backend, 3, lock_wait=60)  # the longest wait: never busy here
    assert backend.events is not None
    key = lock_key(app.recorder, case_id(number(1)))  # type: ignore[arg-type]
    with psycopg.connect(**backend.events.connect_kwargs(), autocommit=True) as other:
        other.execute("SELECT pg_advisory_lock(%s)", (key,))  # another process holds case 1
        results: dict[int, Any] = {}
        threads = {n: threading.Thread(target=lambda n=n: results.__setitem__(
            n, app.execute(inquiry(n, 1)))) for n in range(3)}
        with writer.member(time.monotonic() + 30):
            for thread in threads.values():
                thread.start()
            assert writer.wait_for_waiting(3, timeout=60)
        threads[0].join()
        threads[2].join()
        assert [results[0].first_version, results[2].first_version] == [2, 2]
        assert threads[1].is_alive() and 1 not in results  # still waiting for its case
        other.execute("SELECT pg_advisory_unlock(%s)", (key,))
        threads[1].join()
    assert results[1].first_version == 2
    store = reopened(backend)
    assert [len(store.case_events(number(n))) for n in range(3)] == [2, 2, 2]
    assert all(v.ok and not v.findings for v in store.verify_anchored().cases)
