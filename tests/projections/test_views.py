"""Timeline filters, the asset and sanctions registers and the deadline watch."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain.calendar import HolidayCalendar
from domain.models import AssetFinding, ControlMeasure
from domain.rules import AssetKind, Channel
from projections.read_store import SQLiteReadModelStore
from projections.registers import asset_register, sanctions_register
from projections.runner import ReadModelRunner
from projections.settings import DEFAULT_SETTINGS
from projections.timeline import timeline
from projections.watch import deadline_watch
from tests.projections.dockets import Script, officer, terminated
from tests.support import CLERK, new_app

W1, W2, W3 = "(2026)甘0402执301号", "(2026)甘0402执302号", "(2026)甘0402执303号"
CAL = HolidayCalendar.load()


@pytest.fixture
def store(views: SQLiteReadModelStore) -> SQLiteReadModelStore:
    app = new_app()
    w1 = Script(app, W1, by=officer(1)).notice().report()
    acct = AssetFinding(asset_id="acct-w", kind=AssetKind.DEPOSIT, description="建设银行账户",
                        value=Decimal("100000.00"))
    car = AssetFinding(asset_id="car-w", kind=AssetKind.VEHICLE, description="货车",
                       value=Decimal("200000.00"))
    w1.inquire(Channel.DEPOSITS, findings=(acct,))
    on = w1.at()  # 01-14
    w1.send("ControlAsset", on, asset_id="acct-w", measure=ControlMeasure.FREEZE,
            amount=Decimal("100000.00"), effective_on=on, expires_on=date(2026, 7, 1))
    w1.inquire(Channel.VEHICLES, findings=(car,))
    on = w1.at()  # 01-16
    w1.send("ControlAsset", on, asset_id="car-w", measure=ControlMeasure.SEIZE,
            amount=Decimal("200000.00"), effective_on=on, expires_on=date(2028, 1, 15),
            queue_position=1)
    on = w1.at()  # 01-17
    w1.send("SubmitLead", on, CLERK, lead_id="lead-1", description="房产线索", submitted_on=on)
    w1.funds("50000.00", pay_after=None)  # 01-18, never paid out
    w1.restrict()  # 01-19
    terminated(app, W2)  # ruled 2026-05-10
    w3 = Script(app, W3, principal="10000.00", by=officer(2)).notice()
    on = w3.at()  # 01-12
    w3.send("ListDishonest", on, ground="able_but_refuses", listed_on=on, approved=on)
    w3.funds("10000.00").conclude()  # received 01-13, paid 01-23, closed 01-24
    ReadModelRunner(app, views, page_size=10).catch_up()
    return views


def test_timeline_filters_by_case_actor_dates_and_kind(store: SQLiteReadModelStore) -> None:
    w3 = timeline(store, case_number=W3)
    assert [e.kind for e in w3] == ["CaseFiled", "NoticeIssued", "ApprovalRequested",
                                    "ApprovalGiven", "DebtorListedDishonest", "FundsReceived",
                                    "FundsPaidOut", "CaseConcluded"]
    assert [e.version for e in w3] == [1, 2, 3, 4, 5, 6, 7, 8]
    assert (w3[0].amount, w3[0].actor_id, w3[0].role) == (Decimal("10000.00"), "clerk-1", "clerk")
    assert (w3[3].actor_id, w3[3].role) == ("president-1", "president")  # the approver's act
    assert (w3[5].amount, w3[5].day, w3[5].details["source"]) == \
        (Decimal("10000.00"), date(2026, 1, 13), "debtor_payment")
    by_officer = timeline(store, actor_id="officer-2")
    assert {e.case_number for e in by_officer} == {W3}
    assert [e.kind for e in by_officer] == ["ApprovalRequested", "DebtorListedDishonest",
                                            "FundsPaidOut"]
    january_freezes = timeline(store, start=date(2026, 1, 14), end=date(2026, 1, 16),
                               kinds=["AssetControlled"])
    assert [(e.case_number, e.details["asset_id"]) for e in january_freezes] == \
        [(W1, "acct-w"), (W1, "car-w")]
    everything = timeline(store)
    assert [e.position for e in everything] == sorted(e.position for e in everything)
    assert len(timeline(store, limit=3)) == 3


def test_asset_register_shows_controls_with_queue_position_and_expiry(
        store: SQLiteReadModelStore) -> None:
    assert [(a.case_number, a.asset_id, a.control, a.queue_position, a.expires_on, a.amount)
            for a in asset_register(store)] == [
        (W1, "acct-w", "active", 0, date(2026, 7, 1), Decimal("100000.00")),
        (W1, "car-w", "queued", 1, None, Decimal("200000.00"))]


def test_sanctions_register_lists_measures_in_force_and_when_they_end(
        store: SQLiteReadModelStore) -> None:
    entries = sanctions_register(store, date(2026, 6, 20))
    assert [(s.case_number, s.kind, s.ends_on, s.deletion_due_on) for s in entries] == [
        (W1, "restriction", None, None),
        (W2, "restriction", None, None),
        (W3, "dishonest", None, CAL.working_days_after(date(2026, 1, 24), 3))]
    assert sanctions_register(store, date(2026, 1, 11)) == []


def test_deadline_watch_lists_what_falls_due_soonest_first(store: SQLiteReadModelStore) -> None:
    as_of = date(2026, 6, 20)
    items = [(i.watch, i.case_number, i.due_on, i.days_left) for i in
             deadline_watch(store, as_of, within_days=30)]
    expected = sorted([
        ("lead", W1, CAL.period_end(date(2026, 1, 17), 7)),
        ("payout", W1, CAL.period_end(date(2026, 1, 18), 30)),
        ("dishonest_deletion", W3, CAL.working_days_after(date(2026, 1, 24), 3)),
        ("control_expiry", W1, date(2026, 7, 1)),
        ("closure_deadline", W1, CAL.roll_forward(date(2026, 7, 10)))],
        key=lambda item: (item[2], item[0], item[1]))
    assert items == [(w, n, due, (due - as_of).days) for w, n, due in expected]
    later = deadline_watch(store, date(2026, 11, 1), within_days=30)
    assert [(i.watch, i.case_number, i.due_on) for i in later if i.watch == "reinquiry"] == \
        [("reinquiry", W2, date(2026, 11, 10))]  # 6 months after the 终本 of 2026-05-10


def test_deadline_watch_flags_dates_counted_beyond_the_calendar(
        store: SQLiteReadModelStore) -> None:
    """With a calendar that covers 2025 only, every date counted over it in 2026 (closure,
    payout, lead, 失信 deletion) is flagged; calendar-day dates (a control's expiry) are not
    (docs/rules.md §1.14)."""
    only_2025 = DEFAULT_SETTINGS.model_copy(update={"calendar": CAL.model_copy(
        update={"years": frozenset({2025})})})
    items = deadline_watch(store, date(2026, 6, 20), within_days=30, settings=only_2025)
    assert {(i.watch, i.beyond_calendar) for i in items} == {
        ("lead", True), ("payout", True), ("dishonest_deletion", True),
        ("control_expiry", False), ("closure_deadline", True)}
    assert not any(i.beyond_calendar for i in deadline_watch(store, date(2026, 6, 20), 30))
