"""Continuing garnishment of wages (民诉法 art.254; 查封规定 art.3; docs/rules.md §11): a wage
control is a standing order to the employer, who remits the wage less the living allowance each
month until the debt is paid (the order is then lifted), the order is lifted, or the employer
stops (the debtor left the job). A panel's allowance change applies from the next month.

The case is filed on Monday 2 March 2026 for ¥31,000.00 (its 执行申请费, ¥365.00, is not garnished
from the wage). The wage is ¥8,000.00 a month, the allowance ¥3,000.00."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain.errors import NotPermittedError
from domain.models import AssetFinding, ControlMeasure, FundsSource
from domain.rules import AssetKind
from domain.state import ControlStatus
from domain.values import Actor
from tests.support import CLERK, JUDGE, NUMBER, OFFICER, Driver, new_app, refusal, refuses

FILED = date(2026, 3, 2)
SRC = "民诉法 art.254; 查封规定 art.3 (docs/rules.md §11)"
WAGE = AssetFinding(asset_id="wage-1", kind=AssetKind.WAGES, description="某某建材公司 月工资",
                    value=Decimal("8000.00"))
ACCOUNT = AssetFinding(asset_id="acct-1", kind=AssetKind.DEPOSIT, description="工商银行 账户",
                       value=Decimal("100.00"))


def _remit(d: Driver, on: date, amount: str, actor: Actor = OFFICER, **fields: object) -> None:
    d.send("RecordFundsReceived", on, actor, amount=Decimal(amount), received_on=on,
           source=FundsSource.GARNISHEE_REMITTANCE, asset_id="wage-1", **fields)


def _refused_remittance(d: Driver, code: str, on: date, amount: str,
                        rule: str = SRC, **fields: object) -> str:
    fields.setdefault("source", FundsSource.GARNISHEE_REMITTANCE)
    fields.setdefault("asset_id", "wage-1")
    before = d.app.recorder.max_notification_id()
    refused = refusal(d, "RecordFundsReceived", on, amount=Decimal(amount), received_on=on,
                      **fields)
    assert (refused.code, refused.source) == (code, rule)
    assert d.app.recorder.max_notification_id() == before  # a refusal writes nothing
    return refused.message


def _adjust(d: Driver, on: date, allowance: str, actor: Actor = JUDGE) -> None:
    d.send("AdjustLivingAllowance", on, actor, asset_id="wage-1",
           allowance=Decimal(allowance), panel_decision=f"(2026)甘0402执合议{on:%m%d}号",
           decided_on=on)


@pytest.fixture
def d() -> Driver:
    """The case, its wage garnished from 2 March 2026: a standing order to the employer."""
    driver = Driver(new_app())
    driver.file(FILED, principal="31000.00")
    for asset in (WAGE, ACCOUNT):
        driver.send("RegisterAsset", FILED, asset=asset, found_on=FILED)
    result = driver.send("ControlAsset", FILED, asset_id="wage-1", measure=ControlMeasure.FREEZE,
                         amount=Decimal("5000.00"), living_allowance=Decimal("3000.00"),
                         effective_on=FILED, expires_on=date(2027, 3, 2))
    assert result.events == ("AssetControlled", "GarnishmentOrdered")
    return driver


def test_a_wage_control_is_a_standing_order_to_the_employer(d: Driver) -> None:
    order = d.app.get_case(NUMBER).garnishments["wage-1"]
    assert (order.garnishee, order.monthly_income, order.status, order.remittable("2026-03")) \
        == ("某某建材公司 月工资", Decimal("8000.00"), "active", Decimal("5000.00"))


def test_the_employer_remits_every_month_and_the_freeze_stays(d: Driver) -> None:
    for month in (3, 4, 5):
        _remit(d, date(2026, month, 10), "5000.00")
    case = d.app.get_case(NUMBER)
    assert case.outstanding == Decimal("16000.00")
    assert case.assets["wage-1"].control is ControlStatus.ACTIVE
    assert case.garnishments["wage-1"].remittances == {
        "2026-03": Decimal("5000.00"), "2026-04": Decimal("5000.00"),
        "2026-05": Decimal("5000.00")}


def test_refuses_a_month_remitting_one_cent_more_than_the_wage_less_the_allowance(
        d: Driver) -> None:
    _remit(d, date(2026, 3, 10), "4000.00")
    message = _refused_remittance(d, "garnishment.exceeds_remittable", date(2026, 3, 20),
                                  "1000.01")
    assert "1000.00 left to remit for 2026-03" in message
    _remit(d, date(2026, 3, 20), "1000.00")  # the month's remainder: accepted


def test_a_raised_allowance_applies_from_the_next_months_remittance(d: Driver) -> None:
    _remit(d, date(2026, 5, 10), "5000.00")
    _adjust(d, date(2026, 5, 20), "4500.00")
    order = d.app.get_case(NUMBER).garnishments["wage-1"]
    assert (order.remittable("2026-05"), order.remittable("2026-06")) == (
        Decimal("5000.00"), Decimal("3500.00"))
    _refused_remittance(d, "garnishment.exceeds_remittable", date(2026, 6, 10), "3500.01")
    _remit(d, date(2026, 6, 10), "3500.00")


def test_a_change_decided_before_the_pay_day_still_waits_for_the_next_month(d: Driver) -> None:
    _adjust(d, date(2026, 4, 1), "4500.00")
    _remit(d, date(2026, 4, 10), "5000.00")  # April: the old allowance
    _refused_remittance(d, "garnishment.exceeds_remittable", date(2026, 5, 10), "5000.00")


@pytest.mark.parametrize("actor", [CLERK, OFFICER], ids=["clerk", "officer"])
def test_an_allowance_change_by_a_clerk_or_officer_is_refused_and_writes_nothing(
        d: Driver, actor: Actor) -> None:
    before = d.app.recorder.max_notification_id()
    with pytest.raises(NotPermittedError) as refused:
        _adjust(d, date(2026, 4, 1), "4500.00", actor)
    assert refused.value.code == "role.not_permitted"
    assert d.app.recorder.max_notification_id() == before
    assert d.app.get_case(NUMBER).garnishments["wage-1"].remittable("2026-05") == \
        Decimal("5000.00")


def test_a_remittance_beyond_the_balance_is_refused_and_the_last_one_lifts_the_order(
        d: Driver) -> None:
    for month in range(3, 12):  # 9 × 3,000 = 27,000 (below the month's 5,000): 4,000 left
        _remit(d, date(2026, month, 10), "3000.00")
    _adjust(d, date(2026, 11, 20), "4500.00")  # December remits at most 3,500
    _refused_remittance(d, "garnishment.exceeds_remittable", date(2026, 12, 10), "4000.00")
    _adjust(d, date(2026, 12, 1), "3000.00")  # January 2027: 5,000 again
    _refused_remittance(d, "garnishment.exceeds_balance", date(2027, 1, 10), "4000.01")
    result = d.send("RecordFundsReceived", date(2027, 1, 10), amount=Decimal("4000.00"),
                    received_on=date(2027, 1, 10), source=FundsSource.GARNISHEE_REMITTANCE,
                    asset_id="wage-1")
    assert result.events == ("FundsReceived", "ControlReleased")
    case = d.app.get_case(NUMBER)
    assert case.outstanding == Decimal("0.00")
    assert case.fee_outstanding == Decimal("365.00")  # never garnished from the wage
    assert case.assets["wage-1"].control is ControlStatus.RELEASED
    assert (case.garnishments["wage-1"].status, case.garnishments["wage-1"].remitted) == (
        "lifted", Decimal("31000.00"))


def test_no_remittance_after_the_employer_stopped(d: Driver) -> None:
    _remit(d, date(2026, 3, 10), "5000.00")
    d.send("RecordGarnisheeStopped", date(2026, 4, 5), CLERK, asset_id="wage-1",
           stopped_on=date(2026, 4, 5), reason="被执行人已离职（用人单位 2026-04-05 函告）")
    assert d.app.get_case(NUMBER).garnishments["wage-1"].status == "stopped"
    _refused_remittance(d, "garnishment.not_standing", date(2026, 4, 10), "5000.00")
    refuses(d, "garnishment.not_standing", SRC, "AdjustLivingAllowance", date(2026, 4, 12),
            JUDGE, asset_id="wage-1", allowance=Decimal("4000.00"),
            panel_decision="合议庭决定", decided_on=date(2026, 4, 12))
    refuses(d, "garnishment.not_standing", SRC, "RecordGarnisheeStopped", date(2026, 4, 12),
            asset_id="wage-1", stopped_on=date(2026, 4, 12), reason="again")


def test_no_remittance_after_the_order_was_lifted(d: Driver) -> None:
    d.send("ReleaseControl", date(2026, 4, 1), asset_id="wage-1", released_on=date(2026, 4, 1),
           reason="the debtor paid by instalments agreed with the applicant")
    _refused_remittance(d, "garnishment.not_standing", date(2026, 4, 10), "5000.00")


def test_a_remittance_names_a_garnished_income(d: Driver) -> None:
    _refused_remittance(d, "garnishment.remittance_unnamed", date(2026, 3, 10), "5000.00",
                        asset_id=None)
    _refused_remittance(d, "garnishment.remittance_unnamed", date(2026, 3, 10), "5000.00",
                        source=FundsSource.DEBTOR_PAYMENT)
    _refused_remittance(d, "garnishment.no_order", date(2026, 3, 10), "50.00",
                        asset_id="acct-1")


def test_garnished_wages_are_not_transferred_at_once(d: Driver) -> None:
    refuses(d, "transfer.standing_order", SRC, "TransferDeposit", date(2026, 3, 9),
            asset_id="wage-1", amount=Decimal("5000.00"), transferred_on=date(2026, 3, 9))
