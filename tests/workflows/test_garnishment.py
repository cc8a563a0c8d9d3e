"""Continuing garnishment on the time-skipping server (docs/rules.md §11): the wage found at
filing is garnished as a standing order; the simulated employer remits on the 10th of every
month the wage less the allowance; a panel raises the allowance in month 3 (a clerk may not) and
months 4+ remit less; the remittance that pays the debt (¥31,000.00) lifts the order, and the
case concludes once paid out."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest

from domain import events as ev
from domain.calendar import COURT_ZONE
from domain.errors import NotPermittedError, RuleViolationError
from domain.models import FundsSource
from tests.support import CLERK, JUDGE
from tests.workflows.conftest import Rig
from tests.workflows.dockets import wage_garnishment
from workflows.acts import AdjustLivingAllowance, RecordGarnisheeRemittance, RecordGarnisheeStopped
from workflows.messages import Policy


def pay_days(ordered_on: date, count: int, day: int = Policy().remittance_day) -> list[date]:
    """The remittance days of the first ``count`` months of an order made on ``ordered_on``."""
    first = date(ordered_on.year, ordered_on.month, day)
    if first < ordered_on:
        first = (first.replace(day=1) + timedelta(days=32)).replace(day=day)
    days = [first]
    while len(days) < count:
        days.append((days[-1].replace(day=1) + timedelta(days=32)).replace(day=day))
    return days


RAISE = AdjustLivingAllowance(
    actor=JUDGE, asset_id="wage-1", allowance=Decimal("2500.00"),
    panel_decision="(2026)甘0402执合议3号 合议庭决定：被执行人患病，生活费提高至2500元")
"""The panel's decision in month 3: ¥2,500.00 left to the debtor from month 4 on."""


async def filed_today(rig: Rig) -> date:
    """The court date of the server's clock (a case filed by ``rig.file`` is filed on it)."""
    return (await rig.env.get_current_time()).astimezone(COURT_ZONE).date()


async def panel_raises_the_allowance_in_month_3(rig: Rig) -> None:
    """The judge's :data:`RAISE`, five days after the third remittance (the fixture's drive)."""
    days = pay_days(await filed_today(rig), 3)
    await _until(rig, days[2] + timedelta(days=5))
    await rig.engine.act(wage_garnishment().case_number, RAISE)


async def _until(rig: Rig, day: date) -> None:
    target = datetime.combine(day, time(10), tzinfo=COURT_ZONE)
    await rig.env.sleep(target - await rig.env.get_current_time())


def remittances(rig: Rig, number: str) -> list[tuple[Decimal, date]]:
    return [(e.amount, e.received_on) for e in rig.app.case_events(number)
            if isinstance(e, ev.FundsReceived) and e.source is FundsSource.GARNISHEE_REMITTANCE]


async def test_eight_monthly_remittances_pay_the_debt_and_the_panels_raise_applies_next_month(
        rig: Rig) -> None:
    subject = wage_garnishment()
    number = subject.case_number
    handle = await rig.file(subject)
    days = pay_days(await filed_today(rig), 8)
    await _until(rig, days[2] + timedelta(days=5))  # month 3, after its remittance
    assert [x for x, _ in remittances(rig, number)] == [Decimal("5000.00")] * 3

    written = len(rig.app.case_events(number))
    with pytest.raises(NotPermittedError) as refused:
        await rig.engine.act(number, RAISE.model_copy(update={"actor": CLERK}))
    assert refused.value.code == "role.not_permitted"
    assert len(rig.app.case_events(number)) == written  # the clerk's change wrote nothing
    result = await rig.engine.act(number, RAISE)
    assert result.events == ("LivingAllowanceAdjusted",)

    outcome = await handle.result()
    assert outcome.closure_mode == "concluded"
    amounts = [Decimal("5000.00")] * 3 + [Decimal("3500.00")] * 4 + [Decimal("2000.00")]
    assert remittances(rig, number) == list(zip(amounts, days, strict=True))
    assert sum(amounts) == Decimal("31000.00")
    events = rig.app.case_events(number)
    lifted = [e for e in events if isinstance(e, ev.ControlReleased)]
    assert [(e.asset_id, e.released_on) for e in lifted] == [("wage-1", days[7])]
    assert not any(isinstance(e, ev.DepositTransferred) for e in events)
    state = rig.app.get_case(number)
    assert (state.garnishments["wage-1"].status, state.outstanding, state.undisbursed) == (
        "lifted", Decimal("0.00"), Decimal("0.00"))


async def test_the_employer_stops_when_the_debtor_leaves_the_job(rig: Rig) -> None:
    subject = wage_garnishment("(2026)甘0402执952号", ends_day=70)
    number = subject.case_number
    handle = await rig.file(subject)
    d0 = await filed_today(rig)
    days = pay_days(d0, 4)
    await _until(rig, days[3] + timedelta(days=1))
    left = d0 + timedelta(days=70)
    paid = [d for d in days if d < left]
    assert remittances(rig, number) == [(Decimal("5000.00"), d) for d in paid]
    stopped = [e for e in rig.app.case_events(number) if isinstance(e, ev.GarnisheeStopped)]
    assert [(e.asset_id, e.stopped_on) for e in stopped] == [("wage-1", left)]
    assert rig.app.get_case(number).garnishments["wage-1"].status == "stopped"
    await handle.terminate("test over")


async def test_remittances_and_a_stop_recorded_by_hand_through_the_acts(rig: Rig) -> None:
    subject = wage_garnishment("(2026)甘0402执953号")
    number = subject.case_number
    handle = await rig.file(subject)
    await rig.env.sleep(timedelta(days=1))
    paid = await rig.engine.act(number, RecordGarnisheeRemittance(
        actor=CLERK, asset_id="wage-1", amount=Decimal("1000.00")))
    assert paid.events == ("FundsReceived",)
    with pytest.raises(RuleViolationError) as beyond:  # the month leaves 4,000 to remit
        await rig.engine.act(number, RecordGarnisheeRemittance(
            actor=CLERK, asset_id="wage-1", amount=Decimal("4000.01")))
    assert beyond.value.code == "garnishment.exceeds_remittable"
    stopped = await rig.engine.act(number, RecordGarnisheeStopped(
        actor=CLERK, asset_id="wage-1", reason="用人单位函告：被执行人已离职"))
    assert stopped.events == ("GarnisheeStopped",)
    with pytest.raises(RuleViolationError) as after:
        await rig.engine.act(number, RecordGarnisheeRemittance(
            actor=CLERK, asset_id="wage-1", amount=Decimal("100.00")))
    assert after.value.code == "garnishment.not_standing"
    received = [e for e in rig.app.case_events(number) if isinstance(e, ev.FundsReceived)]
    assert [(e.amount, e.source, e.asset_id) for e in received] == [
        (Decimal("1000.00"), FundsSource.GARNISHEE_REMITTANCE, "wage-1")]
    await handle.terminate("test over")
