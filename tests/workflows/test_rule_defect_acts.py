"""The acts issue 13's rule defects added, through the engine's door (updates of the case
workflow): the debtor's limitation objection and the court's ruling (民诉法解释 art.481), a 失信
listing naming one respondent (失信规定 art.4), and the status's flags (docs/rules.md §1.9,
§1.13, §1.14)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain import events as ev
from domain.errors import RuleViolationError
from domain.models import DishonestGround, ObjectedAct, Standing
from domain.values import Party, PartyKind, ResidentId
from tests.support import CLERK, DEBTOR, JUDGE, OFFICER
from tests.workflows.conftest import Rig
from tests.workflows.dockets import BASIS, case
from workflows import acts as a
from workflows.docket import PropertyReport, World
from workflows.messages import CaseOutcome

STALE = BASIS.model_copy(update={"effective_days_before_filing": 1300,
                                 "performance_days_before_filing": 1200})
"""Performance was due 1,200 days before filing: the 2-year application period had passed."""
CHILD = Party(name="赵七", kind=PartyKind.PERSON,
              document=ResidentId(number="620402201005010023"))  # born 2010-05-01


async def test_a_late_case_ends_as_not_enforced_on_the_debtors_upheld_objection(
        rig: Rig) -> None:
    subject = case("(2026)甘0402执621号", World(report=PropertyReport(day=1))).model_copy(
        update={"basis": STALE})
    number = subject.case_number
    handle = await rig.file(subject)
    await rig.env.sleep(timedelta(days=2))
    status = await rig.engine.status(number)
    assert (status.application_period_passed, status.limitation_objection) == (True, None)

    with pytest.raises(RuleViolationError) as early:
        await rig.engine.act(number, a.RuleOnLimitationObjection(
            actor=JUDGE, upheld=True, reason="申请执行时效期间届满"))
    assert (early.value.code, early.value.source) == ("limitation.no_objection",
                                                      "民诉法解释 art.481")
    raised = await rig.engine.act(number, a.RaiseLimitationObjection(
        actor=CLERK, grounds="被执行人书面异议: 申请执行时效已届满"))
    assert raised.events == ("LimitationObjectionRaised",)
    status = await rig.engine.status(number)
    assert status.limitation_objection == "pending"
    assert [d.source for d in status.approvals_due
            if d.update == "rule_on_limitation_objection"] == ["民诉法解释 art.481"]

    ruled = await rig.engine.act(number, a.RuleOnLimitationObjection(
        actor=JUDGE, upheld=True, reason="申请执行时效期间届满, 裁定不予执行"))
    assert ruled.events[0] == "LimitationObjectionRuled" and ruled.events[-1] == "CaseClosed"
    outcome: CaseOutcome = await handle.result()
    assert outcome.closure_mode == "not_enforced"
    state = rig.app.get_case(number)
    assert (state.closure_mode.value if state.closure_mode else None,
            state.limitation_objection) == ("not_enforced", "upheld")
    assert not any(x.under_control for x in state.assets.values())
    closed = rig.app.case_events(number)[-1]
    assert isinstance(closed, ev.CaseClosed) and closed.actor == JUDGE


async def test_a_rejected_objection_leaves_the_case_running(rig: Rig) -> None:
    subject = case("(2026)甘0402执622号", World(report=PropertyReport(day=1))).model_copy(
        update={"basis": STALE})
    number = subject.case_number
    handle = await rig.file(subject)
    await rig.env.sleep(timedelta(days=2))
    await rig.engine.act(number, a.RaiseLimitationObjection(actor=CLERK, grounds="时效已届满"))
    ruled = await rig.engine.act(number, a.RuleOnLimitationObjection(
        actor=JUDGE, upheld=False, reason="申请执行人证明时效中断"))
    assert ruled.events == ("LimitationObjectionRuled",)
    status = await rig.engine.status(number)
    assert (status.stage, status.limitation_objection) == ("procedure", "rejected")
    assert "rule_on_limitation_objection" not in [d.update for d in status.approvals_due]
    await handle.terminate("test over")


async def test_the_adult_co_debtor_is_listed_by_name_beside_a_minor(rig: Rig) -> None:
    subject = case("(2026)甘0402执623号", World(report=PropertyReport(day=1))).model_copy(
        update={"respondents": (DEBTOR, CHILD)})
    number = subject.case_number
    handle = await rig.file(subject)
    await rig.env.sleep(timedelta(days=2))
    every = await rig.approved(number, a.ListDishonest(
        actor=OFFICER, ground=DishonestGround.ABLE_BUT_REFUSES))
    with pytest.raises(RuleViolationError) as minor:
        await rig.engine.act(number, every)
    assert (minor.value.code, minor.value.source) == ("dishonest.minor", "失信规定 art.4")
    named = await rig.approved(number, a.ListDishonest(
        actor=OFFICER, ground=DishonestGround.ABLE_BUT_REFUSES, respondent="李四"))
    listed = await rig.engine.act(number, named)
    assert listed.events == ("DebtorListedDishonest",)
    entry = rig.app.get_case(number).dishonest[0]
    assert (entry.respondent, entry.until) == ("李四", None)
    await handle.terminate("test over")


async def test_deadlines_beyond_the_calendar_are_flagged_in_the_status(rig: Rig) -> None:
    """The shipped calendar covers 2025–2026 (docs/rules.md §1.14): a case filed now has its
    closure deadline, and an objection's examination (docs/rules.md §7.1), flagged once it
    falls in a year the calendar does not cover."""
    subject = case("(2026)甘0402执624号", World(report=PropertyReport(day=1)))
    number = subject.case_number
    handle = await rig.file(subject)
    await rig.env.sleep(timedelta(days=1))
    status = await rig.engine.status(number)
    closure = next(d for d in status.deadlines if d.name == "closure")
    assert closure.beyond_calendar == (closure.due_on.year not in (2025, 2026))
    reminder = [p for p in status.agenda if p.task == "deadline"]
    assert all(p.beyond_calendar == closure.beyond_calendar for p in reminder)
    await rig.engine.act(number, a.RecordObjection(  # its 15 days run over the calendar too
        actor=CLERK, objector="李四", standing=Standing.PARTY, act=ObjectedAct.OTHER,
        act_version=1, grounds="立案程序违法"))
    status = await rig.engine.status(number)
    examination = next(d for d in status.deadlines if d.name.startswith("examination of"))
    assert examination.beyond_calendar == (examination.due_on.year not in (2025, 2026))
    await handle.terminate("test over")
