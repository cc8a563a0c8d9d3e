"""Objections and outsiders' claims end to end on the time-skipping server (docs/rules.md §7):

(a) an outsider claims one of two seized assets: the other is auctioned, the claimed one waits;
    the claim is rejected, no suit follows within 15 days of service, then it is auctioned;
(b) an objection to a freeze is upheld: the freeze is released (recorded as the ruling's
    doing) and the case proceeds to its end;
and the 15-day examination's durable timer: an unanswered objection turns overdue in the status.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from domain import events as ev
from domain.models import ObjectedAct, ObjectionOutcome, Standing
from tests.support import CLERK, JUDGE
from tests.workflows.conftest import Rig
from tests.workflows.dockets import WORLD_CLERK, WORLD_JUDGE, bid, car, case, deposit, house
from workflows.acts import (
    RecordObjection,
    RecordObjectionService,
    RecordOutsiderClaim,
    RuleOnObjection,
)
from workflows.docket import AuctionRound, Payment, PropertyReport, ScheduledAct, World


def claimed_flat() -> World:
    """A flat and a car seized on day 0; 王五 claims the flat on day 3; the claim is rejected on
    day 10 and served on day 11; nobody sues."""
    return World(report=PropertyReport(day=5), assets=(
        house("flat-9", "600000.00", "600000.00",
              AuctionRound(bids=(bid("bidder-f", "600000.00", 60),))),
        car("car-9", "150000.00", AuctionRound(bids=(bid("bidder-c", "150000.00", 60),)))),
        acts=(ScheduledAct(day=3, act=RecordOutsiderClaim(
                  actor=WORLD_CLERK, objection_id="CL-1", claimant="王五", asset_id="flat-9",
                  grounds="该房屋系王五购买并已付清全款, 未办理过户")),
              ScheduledAct(day=10, act=RuleOnObjection(
                  actor=WORLD_JUDGE, objection_id="CL-1", outcome=ObjectionOutcome.REJECTED)),
              ScheduledAct(day=11, act=RecordObjectionService(
                  actor=WORLD_CLERK, objection_id="CL-1"))))


async def test_a_claimed_asset_waits_while_the_other_is_auctioned_then_follows(rig: Rig
                                                                              ) -> None:
    subject = case("(2026)甘0402执601号", claimed_flat(), principal="750000.00")
    handle = await rig.file(subject)
    number = subject.case_number
    await rig.env.sleep(timedelta(days=5))
    d0 = rig.filed_on(number)
    status = await rig.engine.status(number)
    examination = next(d for d in status.deadlines if "CL-1" in d.name)
    assert (examination.name, examination.due_on, examination.source) == (
        "examination of outsider's claim CL-1", rig.app.calendar.period_end(d0 + timedelta(3), 15),
        "民诉法 art.238")
    assert [(d.update, d.by) for d in status.approvals_due if "CL-1" in d.reason] == [
        ("rule_on_objection", examination.due_on)]

    await rig.env.sleep(timedelta(days=20))  # day 25: the car's round is announced, not the flat's
    events = rig.app.case_events(number)
    announced = [e.asset_id for e in events if isinstance(e, ev.AuctionAnnounced)]
    assert announced == ["car-9"]
    status = await rig.engine.status(number)
    assert status.problems == ()  # the workflow never tried to dispose of the held flat
    served = next(e for e in events if isinstance(e, ev.ObjectionRulingServed))
    last_day = rig.app.calendar.period_end(served.served_on, 15)
    window = next(d for d in status.deadlines if d.name.startswith("suit about"))
    assert (window.due_on, window.source) == (last_day, "民诉法 art.238")
    assert any(p.task == "hold_end" and p.key == "flat-9" for p in status.agenda)

    outcome = await handle.result()
    assert outcome.closure_mode == "concluded" and outcome.outstanding == 0
    events = rig.app.case_events(number)
    rounds = {(e.asset_id, e.announced_on) for e in events if isinstance(e, ev.AuctionAnnounced)}
    flat_on = next(day for asset_id, day in rounds if asset_id == "flat-9")
    car_on = next(day for asset_id, day in rounds if asset_id == "car-9")
    assert car_on < last_day < flat_on  # the car went first
    assert flat_on == last_day + timedelta(days=1)  # the day after the outsider's 15 days
    sold = [e.asset_id for e in events if isinstance(e, ev.AuctionSold)]
    assert sold == ["car-9", "flat-9"]
    claim = next(e for e in events if isinstance(e, ev.OutsiderClaimReceived))
    ruling = next(e for e in events if isinstance(e, ev.ObjectionRuled))
    assert (claim.received_on - d0, ruling.ruled_on - d0, ruling.late) == (
        timedelta(3), timedelta(10), False)


async def test_an_upheld_objection_releases_the_freeze_and_the_case_proceeds(rig: Rig) -> None:
    subject = case("(2026)甘0402执602号", World(
        report=PropertyReport(day=5), assets=(deposit("acct-w", "30000.00"),),
        payments=(Payment(day=20, amount=Decimal("50000.00")),)), principal="50000.00")
    handle = await rig.file(subject)
    number = subject.case_number
    await rig.env.sleep(timedelta(days=2))  # frozen on day 0, its transfer due on day 7

    recorded = await rig.engine.act(number, RecordObjection(
        actor=CLERK, objector="李四", standing=Standing.PARTY, act=ObjectedAct.CONTROL,
        asset_id="acct-w", grounds="被冻结账户为工资专户, 系生活必需"))
    assert recorded.events == ("ObjectionReceived",) and recorded.objection_id is not None
    oid = recorded.objection_id
    status = await rig.engine.status(number)
    assert [d.update for d in status.approvals_due if oid in d.reason] == ["rule_on_objection"]

    ruled = await rig.engine.act(number, RuleOnObjection(
        actor=JUDGE, objection_id=oid, outcome=ObjectionOutcome.UPHELD))
    assert ruled.events == ("ObjectionRuled", "ControlReleased")
    released = next(e for e in rig.app.case_events(number)
                    if isinstance(e, ev.ControlReleased))
    assert (released.asset_id, released.objection_id, released.actor.role.value) == (
        "acct-w", oid, "system")

    outcome = await handle.result()
    assert (outcome.closure_mode, outcome.outstanding) == ("concluded", Decimal("0.00"))
    names = [name for name, _ in rig.timeline(number)]
    assert "DepositTransferred" not in names  # the released freeze was never transferred
    assert names[-3:] == ["FundsReceived", "FundsPaidOut", "CaseConcluded"]
    status = await rig.engine.status(number)
    assert [d.update for d in status.approvals_due] == ["record_objection_service"]


async def test_an_unanswered_objection_turns_overdue_after_its_15_days(rig: Rig) -> None:
    subject = case("(2026)甘0402执603号", World(
        report=PropertyReport(day=5), assets=(deposit("acct-o", "30000.00"),),
        payments=(Payment(day=60, amount=Decimal("70000.00")),)), principal="100000.00")
    await rig.file(subject)
    number = subject.case_number
    await rig.env.sleep(timedelta(days=1))
    recorded = await rig.engine.act(number, RecordObjection(
        actor=CLERK, objection_id="OB-9", objector="李四", standing=Standing.PARTY,
        act=ObjectedAct.CONTROL, asset_id="acct-o", grounds="冻结超出必要限度"))
    assert recorded.objection_id == "OB-9"
    received = next(e for e in rig.app.case_events(number)
                    if isinstance(e, ev.ObjectionReceived))
    status = await rig.engine.status(number)
    due = next(d for d in status.approvals_due if d.update == "rule_on_objection")
    assert (due.by, due.overdue) == (received.due_on, False)
    assert any(p.task == "objection_overdue" and p.key == "OB-9" for p in status.agenda)

    await rig.env.sleep(timedelta(days=(received.due_on - received.received_on).days + 2))
    status = await rig.engine.status(number)
    due = next(d for d in status.approvals_due if d.update == "rule_on_objection")
    assert (due.by, due.overdue, due.source) == (received.due_on, True, "民诉法 art.236")
    assert due.reason.startswith("OVERDUE")
    assert not any(p.task == "objection_overdue" for p in status.agenda)

    late = await rig.engine.act(number, RuleOnObjection(
        actor=JUDGE, objection_id="OB-9", outcome=ObjectionOutcome.REJECTED))
    assert late.events == ("ObjectionRuled",)
    ruling = rig.app.case_events(number)[-1]
    assert isinstance(ruling, ev.ObjectionRuled) and ruling.late
    status = await rig.engine.status(number)
    assert "rule_on_objection" not in [d.update for d in status.approvals_due]
