"""What a legacy import may not do (docs/legacy-format.md § Live cases, § Time, § Actors): touch
a live case, record an act after its business time, name no one. The whole file is checked
first, so a refusal writes nothing of it."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest

from domain.application import EnforcementCases
from domain.errors import ConcurrencyError, UnknownCaseError
from domain.legacy import LegacyImportError
from domain.legacy_checks import FutureActError, LegacyActorError
from domain.legacy_import import LiveCaseImportError
from tests.domain.test_legacy_import import OLD, line, old_case
from tests.projections.legacy import NOW
from tests.support import CLERK, KEY, NUMBER, Driver, at


@pytest.fixture
def store(tmp_path: Path) -> EnforcementCases:
    return EnforcementCases.sqlite(tmp_path / "events.sqlite", chain_key=KEY)


def live_case(store: EnforcementCases) -> Driver:
    d = Driver(store)
    d.file(date(2026, 1, 10), principal="1000000.00")
    d.send("IssueNotice", date(2026, 1, 12), CLERK, issued_on=date(2026, 1, 12),
           report_due_on=date(2026, 1, 22))
    return d


def onto(number: str, seq: int, event: str, when: str, actor: dict[str, str] | None = None,
         **data: Any) -> str:
    """A legacy line for ``number`` with its own actor."""
    body = orjson.loads(line(seq, event, when, number, **data))
    body["actor"] = actor or body["actor"]
    return orjson.dumps(body).decode()


def the_issue_lines(when: str = "2026-02-01") -> list[str]:
    """Issue 11's two lines: ¥999,999 received and 执行完毕, onto the live case."""
    president = {"id": "president-9", "role": "president"}
    return [onto(NUMBER, 3, "FundsReceived", when, president, amount="999999.00",
                 received_on=when, source="debtor_payment", payout_due_on=None),
            onto(NUMBER, 4, "CaseConcluded", when, president, closed_on=when,
                 by_settlement=False)]


def test_an_import_into_a_live_case_is_refused_and_writes_nothing(
        store: EnforcementCases) -> None:
    live_case(store)
    before, highest = store.get_case(NUMBER), store.recorder.max_notification_id()
    lines = old_case() + the_issue_lines()  # a new case first: not written either
    with pytest.raises(LiveCaseImportError) as refused:
        store.import_legacy(lines, NOW)
    error = refused.value
    assert (error.code, error.line, error.field, error.case_number) == (
        "legacy.live_case", 7, "case_number", NUMBER)
    assert error.source == "docs/legacy-format.md § Live cases"
    assert error.message.startswith(f"line 7, case_number: case {NUMBER} is live (its event 1, "
                                    "CaseFiled, was recorded by the engine, not imported)")
    assert store.recorder.max_notification_id() == highest
    assert store.get_case(NUMBER) == before
    with pytest.raises(UnknownCaseError):  # the new case of the file is not written either
        store.get_case(OLD)
    assert store.verify(NUMBER).ok


def test_a_case_with_a_live_act_after_its_imported_history_is_live(
        store: EnforcementCases) -> None:
    store.import_legacy(old_case(), NOW)
    Driver(store, OLD).send("RecordObstruction", date(2018, 5, 1), occurred_on=date(2018, 5, 1),
                            description="拒不到庭")
    more = onto(OLD, 8, "NoticeServed", "2018-05-02", served_on="2018-05-02")
    highest = store.recorder.max_notification_id()
    with pytest.raises(LiveCaseImportError) as refused:
        store.import_legacy([more], NOW)
    assert "its event 7, ObstructionRecorded, was recorded by the engine" in \
        refused.value.message
    assert store.recorder.max_notification_id() == highest


def test_an_act_recorded_after_the_imports_business_time_is_refused(
        store: EnforcementCases) -> None:
    later = (NOW + timedelta(days=1)).date().isoformat()
    lines = [*old_case(), onto(OLD, 7, "NoticeServed", later, served_on="2018-03-06")]
    with pytest.raises(FutureActError) as refused:
        store.import_legacy(lines, NOW)
    error = refused.value
    assert (error.code, error.line, error.field) == ("legacy.future_act", 7, "recorded_at")
    assert error.source == "docs/legacy-format.md § Time"
    assert f"is after the import's business time {NOW.isoformat()}" in error.message
    assert store.recorder.max_notification_id() is None


def test_an_act_dated_after_the_imports_business_day_is_refused(
        store: EnforcementCases) -> None:
    lines = [*old_case(), onto(OLD, 7, "NoticeServed", "2018-03-06", served_on="2099-01-01")]
    with pytest.raises(FutureActError) as refused:
        store.import_legacy(lines, NOW)
    assert (refused.value.line, refused.value.field) == (7, "data.served_on")
    assert store.recorder.max_notification_id() is None


def test_due_days_and_expiries_may_lie_ahead(store: EnforcementCases) -> None:
    lines = old_case()  # the seal expires 2021-03-21, after its act; the NOW is later still
    late = [*lines, onto(OLD, 7, "ControlRenewed", "2018-05-01", asset_id="h1",
                         renewed_on="2018-05-01", expires_on="2030-05-01")]
    assert store.import_legacy(late, NOW).events_written == 7


@pytest.mark.parametrize(("actor", "field", "says"), [
    ({"id": "nobody", "role": "president"}, "actor.id", "'nobody' names no one"),
    ({"id": "officer-7", "role": "system"}, "actor.role", "system is this engine's own"),
])
def test_an_act_by_no_one_is_refused(store: EnforcementCases, actor: dict[str, str],
                                     field: str, says: str) -> None:
    lines = [*old_case(), onto(OLD, 7, "NoticeServed", "2018-03-06", actor,
                               served_on="2018-03-06")]
    with pytest.raises(LegacyActorError) as refused:
        store.import_legacy(lines, NOW)
    error = refused.value
    assert (error.code, error.line, error.field) == ("legacy.invalid_actor", 7, field)
    assert says in error.message and error.source == "docs/legacy-format.md § Actors"
    assert store.recorder.max_notification_id() is None


@pytest.mark.parametrize("actor_id", ["Unknown", "张 三", "620402198001010013"])
def test_an_act_by_a_malformed_actor_id_is_refused(store: EnforcementCases,
                                                   actor_id: str) -> None:
    """Actor ids are account ids (docs/operations.md "Personal data at rest"): a name or an ID
    number is refused when the line is read, naming the field; nothing of the file written."""
    lines = [*old_case(), onto(OLD, 7, "NoticeServed", "2018-03-06",
                               {"id": actor_id, "role": "clerk"}, served_on="2018-03-06")]
    with pytest.raises(LegacyImportError) as refused:
        store.import_legacy(lines, NOW)
    error = refused.value
    assert (error.code, error.line, error.field) == ("legacy.invalid_line", 7, "actor.id")
    assert "an actor id is an account id" in error.message
    assert store.recorder.max_notification_id() is None


def test_an_approval_by_no_one_is_refused(store: EnforcementCases) -> None:
    lines = [*old_case(), onto(OLD, 7, "ConsumptionRestricted", "2018-05-01",
                               issued_on="2018-05-01", bound_persons=[], approval={
                                   "approver_id": "nobody", "role": "president",
                                   "approved_on": "2018-05-01"})]
    with pytest.raises(LegacyActorError) as refused:
        store.import_legacy(lines, NOW)
    assert (refused.value.line, refused.value.field) == (7, "data.approval.approver_id")


def test_the_business_time_is_explicit_and_aware(store: EnforcementCases) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        store.import_legacy(old_case(), NOW.replace(tzinfo=None))
    assert store.recorder.max_notification_id() is None


def test_a_refusal_names_the_first_problem_of_the_file(store: EnforcementCases) -> None:
    """Within a batch, every line is checked before any case is checked against the store."""
    live_case(store)
    lines = [*the_issue_lines(), *old_case()]
    lines[4] = lines[4].replace('"officer-7"', '"nobody"')
    with pytest.raises(LegacyImportError) as refused:
        store.import_legacy(lines, NOW)
    assert (refused.value.code, refused.value.line) == ("legacy.invalid_actor", 5)


def test_an_act_stamped_before_now_on_the_clock_of_the_import_is_accepted(
        store: EnforcementCases) -> None:
    lines = [*old_case()[:2], onto(OLD, 3, "NoticeServed", "2018-03-06",
                                   served_on="2018-03-06")]
    moment = at(date(2018, 3, 6))  # the same instant as the last line: not after it
    assert store.import_legacy(lines, moment).events_written == 3


def test_a_live_write_between_the_check_and_the_write_stops_the_import(
        store: EnforcementCases, monkeypatch: pytest.MonkeyPatch) -> None:
    """A filing racing the import for a new number: the import finds the case changed under
    the lock and writes nothing of that transaction (docs/legacy-format.md § Running an import)."""
    from domain import legacy_import

    checked = legacy_import.check

    def check_then_file(*args: Any) -> Any:
        found = checked(*args)
        live_case(store)  # the engine files NUMBER after the import checked it
        return found

    monkeypatch.setattr(legacy_import, "check", check_then_file)
    lines = [text.replace(OLD, NUMBER) for text in old_case()]
    with pytest.raises(ConcurrencyError) as refused:
        store.import_legacy(lines, NOW)
    assert refused.value.code == "legacy.concurrent_write"
    assert f"case {NUMBER} changed while the import was checked" in refused.value.message
    assert not any(e.imported for e in store.case_events(NUMBER))
    assert store.verify(NUMBER).ok


def test_a_nested_approval_dated_ahead_is_refused(store: EnforcementCases) -> None:
    lines: list[str | dict[str, Any]] = [*old_case()]
    lines.append({**orjson.loads(line(7, "ConsumptionRestricted", "2018-05-01")), "data": {
        "issued_on": "2018-05-01", "bound_persons": [], "approval": {
            "approver_id": "president-1", "role": "president",
            "approved_on": date(2027, 1, 1)}}})  # a decoded line may hold a date itself
    with pytest.raises(FutureActError) as refused:
        store.import_legacy(lines, NOW)
    assert (refused.value.line, refused.value.field) == (7, "data.approval.approved_on")
    assert store.recorder.max_notification_id() is None


def test_a_case_split_across_batches_is_checked_and_written_whole(
        store: EnforcementCases) -> None:
    first, second = "(2018)甘0402执41号", "(2018)甘0402执42号"
    lines = old_case(first)[:3] + old_case(second) + old_case(first)[3:]
    summary = store.import_legacy(lines, NOW, batch_cases=1)
    assert (summary.cases, summary.cases_written, summary.events_written, summary.batches) == (
        2, 2, 12, 3)
    assert store.get_case(first).version == 6 and all(v.ok for v in store.verify_all())
    assert store.import_legacy(lambda: lines, NOW, batch_cases=1).events_present == 12


def test_the_input_is_read_once_and_what_is_written_is_what_was_checked(
        store: EnforcementCases) -> None:
    """Step 1 stages the checked batches, sealed and encrypted; step 2 writes them: a file
    that changes after its reading changes nothing of the import (it is not read again)."""
    first, second = "(2018)甘0402执43号", "(2018)甘0402执44号"
    readings = [old_case(first) + old_case(second),
                old_case(first) + old_case(second, start_price="600000.00")]

    def read() -> list[str]:
        return readings.pop(0)

    summary = store.import_legacy(read, NOW, batch_cases=1)
    assert (summary.cases_written, summary.events_written, summary.batches) == (2, 12, 2)
    assert len(readings) == 1  # read once
    auctions = [e for e in store.case_events(second) if type(e).__name__ == "AuctionAnnounced"]
    assert [str(e.start_price) for e in auctions] == ["500000.00"]  # type: ignore[attr-defined]
    assert all(v.ok for v in store.verify_all())
