"""参与分配 on the time-skipping server (docs/rules.md §12), the acceptance: three creditors of one
natural-person debtor (one secured) share ¥100,000.00; a creditor objects to the secured claim,
the secured creditor opposes, the objector sues: when the 15-day objection window has passed the
workflow carries the plan out and pays the two ordinary shares through their cases' ledgers,
holding the secured share back; the judgment (a secured claim of ¥20,000.00) releases it."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from pydantic import ValidationError
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError

from domain import events as ev
from domain.calendar import COURT_ZONE
from domain.models import FundsSource
from tests.principals import HarnessEngine, vouched
from tests.support import CLERK, DEBTOR, JUDGE, OFFICER
from tests.workflows.conftest import Rig
from tests.workflows.dockets import case
from workflows.distribution import DistributionPlanWorkflow
from workflows.docket import Docket, DocketDistribution, PropertyReport, World
from workflows.plan_messages import FINAL, PlanAct, PlanStep, plan_workflow_id

PLAN = "(2026)甘0402执分1号"
SECURED, SECOND, THIRD = "(2026)甘0402执201号", "(2026)甘0402执202号", "(2026)甘0402执203号"
Y = Decimal


async def _today(rig: Rig) -> date:
    return (await rig.env.get_current_time()).astimezone(COURT_ZONE).date()


async def _until(rig: Rig, day: date) -> None:
    target = datetime.combine(day, time(10), tzinfo=COURT_ZONE)
    await rig.env.sleep(target - await rig.env.get_current_time())


async def _act(rig: Rig, kind: str, actor: object = OFFICER, **fields: object) -> list[str]:
    act = PlanAct.model_validate({"kind": kind, "actor": actor, "fields": fields})
    outcome = await rig.engine.act_on_plan(PLAN, act, principal=vouched(act.actor))
    return list(outcome.events)


def shares_paid(rig: Rig, number: str) -> list[tuple[str, Decimal]]:
    return [(e.share_of, e.amount) for e in rig.app.case_events(number)
            if isinstance(e, ev.DistributionSharePaid)]


def paid_out(rig: Rig, number: str) -> Decimal:
    """What the case's ledger paid out of money that came from the plan."""
    events = rig.app.case_events(number)
    received = sum((e.amount for e in events if isinstance(e, ev.FundsReceived)
                    and e.source is FundsSource.DISTRIBUTION), Y(0))
    assert rig.app.get_case(number).undisbursed == 0  # nothing of it stays on the ledger
    return received


async def test_three_creditors_share_with_an_objection_and_a_suit_holding_back_a_share(
        rig: Rig) -> None:
    world = World(report=PropertyReport(day=5))
    for number, principal in ((SECURED, "60000.00"), (SECOND, "50000.00"),
                              (THIRD, "70000.00")):
        await rig.file(case(number, world, principal=principal))
    status = await rig.engine.draw_distribution(
        {"plan_number": PLAN, "debtor": DEBTOR.name, "first_seized_case": SECURED},
        principal=vouched(JUDGE))
    assert status.view is not None and status.view.phase == "drawn"

    for number, claim, cls in ((SECURED, "60000.00", "secured"), (SECOND, "50000.00", "ordinary"),
                               (THIRD, "70000.00", "ordinary")):
        assert await _act(rig, "join", case_number=number, creditor=f"applicant of {number}",
                          claim=claim, claim_class=cls) == ["PlanCaseJoined"]
    await _act(rig, "record_amount", amount="100000.00")
    await _act(rig, "serve")
    served = await _today(rig)
    view = (await rig.engine.distribution(PLAN)).view
    assert view is not None and view.objection_due_on is not None
    assert [(s.case_number, s.amount) for s in view.shares] == [
        (SECURED, Y("60000.00")), (SECOND, Y("16666.67")), (THIRD, Y("23333.33"))]

    await _until(rig, served + timedelta(days=10))
    await _act(rig, "object", CLERK, objection_id="O1", objector=f"applicant of {SECOND}",
               disputed_case=SECURED, proposed_claim="0.00",
               reason="the mortgage was never registered")
    await _until(rig, served + timedelta(days=14))
    await _act(rig, "counter_object", CLERK, objection_id="O1",
               opponent=f"applicant of {SECURED}")
    await _until(rig, served + timedelta(days=18))
    assert await _act(rig, "sue", CLERK, objection_id="O1") == ["PlanSuitFiled"]
    assert not shares_paid(rig, SECOND)  # the objection window still runs: nothing paid

    await _until(rig, view.objection_due_on + timedelta(days=1))  # the timer woke at 09:00
    status = await rig.engine.distribution(PLAN, settled=True)
    assert status.view is not None and status.view.phase == "finalized"
    assert [(s.case_number, s.amount) for s in status.view.held_back] == [
        (SECURED, Y("60000.00"))]
    assert shares_paid(rig, SECOND) == [(FINAL, Y("16666.67"))]
    assert shares_paid(rig, THIRD) == [(FINAL, Y("23333.33"))]
    assert shares_paid(rig, SECURED) == []  # held back by the suit: not paid

    await _act(rig, "record_judgment", JUDGE, objection_id="O1", judged_claim="20000.00")
    final = await rig.engine.distribution_handle(PLAN).result()  # it pays the release and ends
    assert not final.problems
    assert shares_paid(rig, SECURED) == [("O1", Y("20000.00"))]
    assert shares_paid(rig, SECOND) == [(FINAL, Y("16666.67")), ("O1", Y("16666.67"))]
    assert shares_paid(rig, THIRD) == [(FINAL, Y("23333.33")), ("O1", Y("23333.33"))]
    total = sum((paid_out(rig, n) for n in (SECURED, SECOND, THIRD)), Y(0))
    assert total == Y("100000.00")  # every fen of the amount distributed reached a ledger

    records = HarnessEngine(rig.env.client, rig.engine.task_queue, cases=rig.app)
    plan, verified = await records.distribution_plan(PLAN)  # the record, through the facade
    assert verified.ok and verified.events == plan.version
    for number in (SECURED, SECOND, THIRD):  # linked from every case it touches
        joined = [e for e in rig.app.case_events(number)
                  if isinstance(e, ev.DistributionJoined)]
        assert [e.plan_number for e in joined] == [PLAN]
        left = [e for e in rig.app.case_events(number) if isinstance(e, ev.DistributionLeft)]
        assert [e.plan_number for e in left] == [PLAN]  # the plan is done with the case
        assert rig.app.verify(number).ok


async def test_a_docket_plan_follows_its_schedule_and_pays_once_the_window_has_passed(
        rig: Rig) -> None:
    """A docket's distribution (workflows/docket.py ``DocketDistribution``): drawn on day 1,
    joined, recorded and served by its schedule; no objection: the shares are paid through the
    cases the day after the window, and the plan's workflow ends."""
    world = World(report=PropertyReport(day=5))
    await rig.file(case(SECOND, world, principal="30000.00"))
    await rig.file(case(THIRD, world, principal="10000.00"))
    steps = [PlanStep(day=2, act=PlanAct(kind="join", actor=OFFICER, fields={
                 "case_number": number, "creditor": "x", "claim": claim,
                 "claim_class": "ordinary"}))
             for number, claim in ((SECOND, "30000.00"), (THIRD, "10000.00"))]
    steps += [PlanStep(day=3, act=PlanAct(kind="record_amount", actor=OFFICER,
                                          fields={"amount": "1000.01"})),
              PlanStep(day=4, act=PlanAct(kind="serve", actor=OFFICER))]
    docket = Docket(cases=(case(SECOND, world), case(THIRD, world)), distributions=(
        DocketDistribution(plan_number=PLAN, debtor=DEBTOR.name, first_seized_case=SECOND,
                           drawn_by=JUDGE, steps=tuple(steps)),))
    handle = await rig.env.client.start_workflow(
        DistributionPlanWorkflow.run, docket.distributions[0].draw(),
        id=plan_workflow_id(PLAN), task_queue=rig.engine.task_queue)
    unsigned = PlanAct(kind="serve", actor=JUDGE)  # no door vouched for it: no header
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await handle.execute_update("act", unsigned)
    assert isinstance(refused.value.cause, ApplicationError)
    assert refused.value.cause.type == "identity.required"
    final = await handle.result()  # time skips through the schedule and the window
    assert not final.problems
    assert [(p.case_number, p.amount) for p in final.paid] == [
        (SECOND, Y("750.01")), (THIRD, Y("250.00"))]  # 750.0075 and 250.0025: the fen to the larger remainder
    assert shares_paid(rig, SECOND) == [(FINAL, Y("750.01"))]
    assert rig.app.verify_plan(PLAN).ok


async def test_a_case_its_share_pays_in_full_concludes_the_day_the_plan_pays(rig: Rig) -> None:
    """The plan's workflow writes the share to the case; the case's own workflow is told
    (``refresh``) and concludes that day — it does not wait for its next act or timer."""
    world = World(report=PropertyReport(day=5))
    secured = await rig.file(case(SECURED, world, principal="20000.00"))
    await rig.file(case(SECOND, world, principal="50000.00"))
    await rig.engine.draw_distribution(
        {"plan_number": PLAN, "debtor": DEBTOR.name, "first_seized_case": SECURED},
        principal=vouched(JUDGE))
    for number, claim, cls in ((SECURED, "20000.00", "secured"),
                               (SECOND, "50000.00", "ordinary")):
        await _act(rig, "join", case_number=number, creditor=f"applicant of {number}",
                   claim=claim, claim_class=cls)
    await _act(rig, "record_amount", amount="40000.00")
    await _act(rig, "serve")
    view = (await rig.engine.distribution(PLAN)).view
    assert view is not None and view.objection_due_on is not None
    paid_on = view.objection_due_on + timedelta(days=1)  # no objection: the timer wakes at 09:00
    await _until(rig, paid_on)  # the plan's workflow pays both shares and ends
    status = await rig.engine.distribution_handle(PLAN).result()
    assert [(p.case_number, p.amount, p.paid_on) for p in status.paid] == [
        (SECURED, Y("20000.00"), paid_on), (SECOND, Y("20000.00"), paid_on)]
    outcome = await secured.result()  # a started handle: virtual time runs while it waits
    assert outcome.closure_mode == "concluded"
    concluded = [e for e in rig.app.case_events(SECURED) if isinstance(e, ev.CaseConcluded)]
    assert [e.closed_on for e in concluded] == [paid_on]
    assert rig.app.get_case(SECOND).closure_mode is None  # ¥30,000 still owed: it goes on


def test_a_docket_distribution_names_only_the_dockets_cases() -> None:
    world = World()
    with pytest.raises(ValidationError, match="names cases not in the docket"):
        Docket(cases=(case(SECOND, world),), distributions=(DocketDistribution(
            plan_number=PLAN, debtor=DEBTOR.name, first_seized_case=THIRD, drawn_by=JUDGE),))
