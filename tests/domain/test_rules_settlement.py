"""Settlement 执行和解 (和解规定 arts.2, 8, 9, 13, 17), through the application's public API."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain.application import EnforcementCases
from domain.errors import RuleViolation
from domain.models import AssetFinding, ClosureMode, ControlMeasure, EndingGround, SettlementChoice
from domain.rules import AssetKind
from domain.state import Phase
from tests.support import JUDGE, NUMBER, Driver, new_app


def _settled(paid: str | None = None) -> tuple[EnforcementCases, Driver]:
    """A ¥1,000,000.00 case filed 2026-01-10, settled on 2026-03-02 for ¥600,000.00 due
    2026-06-30; ``paid`` was performed under it on 2026-04-01."""
    app = new_app()
    d = Driver(app)
    d.file(date(2026, 1, 10))
    d.send("ReachSettlement", date(2026, 3, 2), reached_on=date(2026, 3, 2),
           amount=Decimal("600000.00"), due_on=date(2026, 6, 30), terms="分三期支付 600,000 元")
    if paid is not None:
        d.send("RecordSettlementPayment", date(2026, 4, 1), amount=Decimal(paid),
               paid_on=date(2026, 4, 1))
    return app, d


def test_settlement_suspends_enforcement() -> None:
    app, d = _settled()
    state = app.get_case(NUMBER)
    assert (state.phase, state.suspensions[0].start) == (Phase.SETTLEMENT, date(2026, 3, 2))
    d.send("RegisterAsset", date(2026, 3, 3), asset=AssetFinding(
        asset_id="car-1", kind=AssetKind.VEHICLE, description="小型轿车",
        value=Decimal("200000.00")), found_on=date(2026, 3, 3))
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("ControlAsset", date(2026, 3, 3), asset_id="car-1", measure=ControlMeasure.SEIZE,
               amount=Decimal("200000.00"), effective_on=date(2026, 3, 3),
               expires_on=date(2028, 3, 3))
    assert (refused.value.code, refused.value.source) == ("case.suspended",
                                                          "民诉法 art.267; 和解规定 arts.2, 8")
    assert app.recorder.max_notification_id() == before


def test_refuses_to_record_performance_before_the_last_cent_is_paid() -> None:
    app, d = _settled("599999.99")
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("RecordSettlementPerformed", date(2026, 4, 2), performed_on=date(2026, 4, 2))
    assert (refused.value.code, refused.value.source) == ("settlement.not_fully_performed",
                                                          "和解规定 arts.2, 8")
    assert app.recorder.max_notification_id() == before
    d.send("RecordSettlementPayment", date(2026, 4, 2), amount=Decimal("0.01"),
           paid_on=date(2026, 4, 2))
    d.send("RecordSettlementPerformed", date(2026, 4, 2), performed_on=date(2026, 4, 2))


def test_refuses_payment_beyond_the_settlement_amount() -> None:
    app, d = _settled("600000.00")
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("RecordSettlementPayment", date(2026, 4, 2), amount=Decimal("0.01"),
               paid_on=date(2026, 4, 2))
    assert (refused.value.code, refused.value.source) == ("settlement.overpaid",
                                                          "和解规定 arts.2, 8")
    assert app.recorder.max_notification_id() == before


def test_performed_settlement_closes_the_case_as_performed() -> None:
    app, d = _settled("600000.00")
    d.send("RecordSettlementPerformed", date(2026, 4, 2), performed_on=date(2026, 4, 2))
    d.send("ConcludeCase", date(2026, 4, 3), JUDGE, closed_on=date(2026, 4, 3))
    state = app.get_case(NUMBER)
    assert (state.closure_mode, state.outstanding, state.waived) == (
        ClosureMode.CONCLUDED, Decimal("0.00"), Decimal("400000.00"))  # waived, not owed


def test_refuses_to_conclude_while_the_settlement_is_unperformed() -> None:
    app, d = _settled("599999.99")
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("ConcludeCase", date(2026, 4, 3), JUDGE, closed_on=date(2026, 4, 3))
    assert (refused.value.code, refused.value.source) == ("conclusion.balance_outstanding",
                                                          "执行工作规定 art.64; 立案结案意见 arts.14-20")
    assert app.recorder.max_notification_id() == before


def test_default_with_resumption_resumes_in_place_less_what_was_performed() -> None:
    app, d = _settled("200000.00")
    d.send("RecordSettlementDefault", date(2026, 7, 1), defaulted_on=date(2026, 7, 1),
           choice=SettlementChoice.RESUME)
    state = app.get_case(NUMBER)
    assert (state.case_number, state.phase, state.closure_mode) == (NUMBER, Phase.INQUIRY, None)
    assert state.outstanding == Decimal("800000.00")
    assert state.suspensions[0].end == date(2026, 7, 1)


def test_default_with_a_suit_ends_the_enforcement() -> None:
    app, d = _settled("200000.00")
    d.send("RecordSettlementDefault", date(2026, 7, 1), defaulted_on=date(2026, 7, 1),
           choice=SettlementChoice.SUE)
    state = app.get_case(NUMBER)
    assert state.closure_mode is ClosureMode.ENDED
    ending = app.case_events(NUMBER)[-1]
    assert getattr(ending, "ground", None) is EndingGround.APPLICANT_SUED_ON_SETTLEMENT


def test_refuses_a_suit_after_choosing_resumption() -> None:
    app, d = _settled("200000.00")
    d.send("RecordSettlementDefault", date(2026, 7, 1), defaulted_on=date(2026, 7, 1),
           choice=SettlementChoice.RESUME)
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("RecordSettlementDefault", date(2026, 7, 2), defaulted_on=date(2026, 7, 1),
               choice=SettlementChoice.SUE)
    assert (refused.value.code, refused.value.source) == ("settlement.choice_made",
                                                          "和解规定 arts.9, 13, 17")
    assert app.recorder.max_notification_id() == before


def test_refuses_resumption_after_choosing_a_suit() -> None:
    app, d = _settled("200000.00")
    d.send("RecordSettlementDefault", date(2026, 7, 1), defaulted_on=date(2026, 7, 1),
           choice=SettlementChoice.SUE)
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("RecordSettlementDefault", date(2026, 7, 2), defaulted_on=date(2026, 7, 1),
               choice=SettlementChoice.RESUME)
    assert (refused.value.code, refused.value.source) == (
        "case.closed", "执行工作规定 art.64; 立案结案意见 arts.14-20")
    assert app.recorder.max_notification_id() == before


def test_refuses_default_before_any_settlement() -> None:
    app = new_app()
    d = Driver(app)
    d.file(date(2026, 1, 10))
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("RecordSettlementDefault", date(2026, 3, 2), defaulted_on=date(2026, 3, 2),
               choice=SettlementChoice.RESUME)
    assert (refused.value.code, refused.value.source) == ("settlement.none_open",
                                                          "和解规定 arts.2, 8")
    assert app.recorder.max_notification_id() == before
