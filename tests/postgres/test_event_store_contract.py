"""The event-store half of the contract: the application behaves the same on SQLite (its own
writer) and on PostgreSQL (eventsourcing's recorder) — writes, refusals, idempotency, history
reads, verification, legacy import, snapshots and one writer per case between processes."""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Sequence
from datetime import date, timedelta

import pytest
from eventsourcing.persistence import StoredEvent

from domain import commands as c
from domain.application import EnforcementCases
from domain.case import CommandResult
from domain.errors import NotPermittedError
from domain.ids import case_id
from domain.legacy_import import LiveCaseImportError
from domain.rules import Channel
from domain.state import Phase
from tests.domain.history import auction_case
from tests.domain.test_legacy_import import OLD, old_case
from tests.postgres.conftest import Backend
from tests.projections.legacy import NOW
from tests.support import CLERK, NUMBER, OFFICER, Driver, at, new_app


def inquiry(n: int, day: date = date(2026, 1, 12)) -> c.RecordNetworkInquiry:
    return c.RecordNetworkInquiry(case_number=NUMBER, command_id=f"inq:{n}", actor=OFFICER,
                                  recorded_at=at(day, 18), queried_on=day,
                                  channel=list(Channel)[n % 7])


def topics(app: EnforcementCases, number: str = NUMBER) -> list[str]:
    return [type(e).__name__ for e in app.case_events(number)]


def test_files_a_case_executes_commands_and_reads_them_back(backend: Backend) -> None:
    app = backend.cases()
    d = Driver(app)
    filed = d.file(date(2026, 1, 10))
    notice = d.send("IssueNotice", date(2026, 1, 12), CLERK, issued_on=date(2026, 1, 12),
                    report_due_on=date(2026, 1, 22))
    assert (filed.first_version, notice.first_version) == (1, 2)
    assert app.recorder.max_notification_id() == 2
    reopened = backend.cases()  # another process on the same store
    state = reopened.get_case(NUMBER)
    assert (state.version, state.phase) == (2, Phase.NOTICE)
    assert topics(reopened) == ["CaseFiled", "NoticeIssued"]


def test_a_refused_command_writes_nothing(backend: Backend) -> None:
    app = backend.cases()
    d = Driver(app)
    d.file(date(2026, 3, 2))
    before = app.recorder.max_notification_id()
    with pytest.raises(NotPermittedError):
        d.send("ConcludeCase", date(2026, 3, 3), CLERK, closed_on=date(2026, 3, 3))
    assert app.recorder.max_notification_id() == before
    assert backend.cases().get_case(NUMBER).version == 1


def test_a_repeated_command_is_acknowledged_once_even_after_a_restart(backend: Backend) -> None:
    app = backend.cases()
    Driver(app).file(date(2026, 1, 10))
    first = app.execute(inquiry(1))
    again = app.execute(inquiry(1))
    assert (first.duplicate, again.duplicate) == (False, True)
    assert again.first_version == first.first_version == 2
    reopened = backend.cases()
    assert reopened.execute(inquiry(1)).duplicate
    assert reopened.recorder.max_notification_id() == 2


def test_reads_the_case_at_any_version_and_date_and_verifies_it(backend: Backend) -> None:
    app = backend.cases()
    auction_case(Driver(app))
    reference = new_app()  # the same commands in memory
    auction_case(Driver(reference))
    reopened = backend.cases()
    last = reference.get_case(NUMBER).version
    assert last > 20
    for version in (1, 7, last // 2, last):
        assert reopened.get_case(NUMBER, version=version) == reference.get_case(
            NUMBER, version=version)
    for day in (date(2026, 1, 14), date(2026, 3, 1), date(2026, 12, 31)):
        assert reopened.state_at(NUMBER, day) == reference.state_at(NUMBER, day)
    verified = reopened.verify(NUMBER)
    assert verified.ok and verified.anchor[0] == last


def test_verify_names_an_event_deleted_behind_the_applications_back(backend: Backend) -> None:
    app = backend.cases()
    auction_case(Driver(app))
    backend.delete_event(app, case_id(NUMBER), 5)
    result = backend.cases().verify(NUMBER)
    assert not result.ok and result.first_break is not None
    assert (result.first_break.version, result.first_break.problem) == (
        6, "expected version 5, found 6 (event missing?)")


def test_legacy_import_is_sealed_and_idempotent(backend: Backend) -> None:
    app = backend.cases()
    lines = old_case() + old_case("(2018)甘0402执16号", "700000.00")
    summary = app.import_legacy(lines, NOW, batch_cases=1)
    assert (summary.cases, summary.events_written, summary.batches) == (2, 12, 2)
    again = backend.cases().import_legacy(lines, NOW)
    assert again.events_written == 0
    reopened = backend.cases()
    assert reopened.recorder.max_notification_id() == 12
    state = reopened.get_case(OLD)
    assert state.imported and state.version == 6
    assert all(e.imported for e in reopened.case_events(OLD))
    assert reopened.verify(OLD).ok


def test_a_long_case_is_read_from_its_snapshot(backend: Backend) -> None:
    app = backend.cases()
    d = Driver(app)
    d.file(date(2026, 1, 10))
    for n in range(2, 122):
        app.execute(inquiry(n, date(2026, 1, 12) + timedelta(days=n // 7)))
    assert app.snapshots is not None
    reopened = backend.cases()
    assert reopened.snapshots is not None
    assert [s.originator_version for s in reopened.snapshots.get(case_id(NUMBER))] == [100]
    replayed = reopened.state_at(NUMBER, date(2027, 1, 1))
    assert reopened.get_case(NUMBER) == replayed and replayed.version == 121


def test_a_second_application_brings_its_stale_case_up_to_date(backend: Backend) -> None:
    first, second = backend.cases(), backend.cases()
    Driver(first).file(date(2026, 1, 10))
    assert second.get_case(NUMBER).version == 1  # cached in the second application at v1
    assert first.execute(inquiry(1)).first_version == 2
    result = second.execute(inquiry(2))  # read under the case's lock: v2 applied, then v3
    assert (result.first_version, result.duplicate) == (3, False)
    assert second.get_case(NUMBER).version == 3
    assert first.execute(inquiry(1)).duplicate
    reopened = backend.cases()
    assert [e.command_id for e in reopened.case_events(NUMBER)][1:] == ["inq:1", "inq:2"]
    assert reopened.verify(NUMBER).ok


def test_threads_of_two_applications_never_lose_or_interleave_events(backend: Backend) -> None:
    apps = [backend.cases(), backend.cases()]
    Driver(apps[0]).file(date(2026, 1, 10))
    apps[1].get_case(NUMBER)  # both cache v1: whichever writes second must conflict
    results: list[CommandResult] = []
    errors: list[BaseException] = []

    def send(app: EnforcementCases, start: int) -> None:
        try:
            for n in range(start, 80, 4):
                results.append(app.execute(inquiry(n)))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=send, args=(apps[k % 2], k)) for k in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(r.first_version for r in results) == list(range(2, 82))
    reopened = backend.cases()
    assert reopened.get_case(NUMBER).version == 81 and reopened.verify(NUMBER).ok
    assert sorted(e.command_id for e in reopened.case_events(NUMBER)[1:]) == sorted(
        f"inq:{n}" for n in range(80))


def test_a_save_of_twenty_thousand_events_completes_in_one_transaction(backend: Backend) -> None:
    """A legacy import batch can be this large; the library's pipelined save hung on it."""
    app = backend.cases()
    rows = [StoredEvent(originator_id=uuid.uuid4(), originator_version=1, topic="x" * 29,
                        state=os.urandom(450)) for _ in range(20_000)]
    saved: list[Sequence[int] | None] = []
    worker = threading.Thread(target=lambda: saved.append(app.recorder.insert_events(rows)),
                              daemon=True)
    worker.start()
    worker.join(timeout=120)  # a bound against a hang, not a timing assertion
    assert not worker.is_alive(), "the save never returned"
    assert saved and saved[0] is not None and list(saved[0]) == list(range(1, 20_001))
    assert app.recorder.max_notification_id() == 20_000


def test_a_legacy_import_into_a_live_case_is_refused_whole(backend: Backend) -> None:
    app = backend.cases()
    Driver(app).file(date(2026, 1, 10))
    highest = app.recorder.max_notification_id()
    lines = [*old_case(), old_case()[1].replace(OLD, NUMBER)]  # act 2 onto the live case
    with pytest.raises(LiveCaseImportError) as refused:
        app.import_legacy(lines, NOW)
    assert (refused.value.code, refused.value.case_number) == ("legacy.live_case", NUMBER)
    reopened = backend.cases()
    assert reopened.recorder.max_notification_id() == highest
    assert [e.imported for e in reopened.case_events(NUMBER)] == [False]
