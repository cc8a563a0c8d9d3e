"""Contested enforcement end to end on the time-skipping server (docs/rules.md §§8, 9):
(c) a guarantor's security and a postponement → a breach → enforcement against the guarantor
within the security's amount; the postponement's term ending by the workflow's own timer;
(d) a refusal to enforce found by the court → 终本 only after the referral to the police."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from domain import events as ev
from domain.calendar import add_months
from domain.errors import RuleViolationError
from domain.models import (
    ApprovalMode,
    DishonestGround,
    PostponementEnd,
    ReferralOutcome,
    ReferralRoute,
    SecurityForm,
    SecurityProvider,
)
from domain.values import Party, PartyKind, ResidentId, Role
from tests.support import JUDGE, OFFICER
from tests.workflows.conftest import Rig
from tests.workflows.dockets import WORLD_CLERK, WORLD_JUDGE, WORLD_OFFICER, case
from workflows import acts as a
from workflows.docket import CourtConduct, Payment, PropertyReport, ScheduledAct, World

NOTHING = [("NetworkInquiryMade", 0)] * 7
GUARANTOR = Party(name="王五", kind=PartyKind.PERSON,
                  document=ResidentId(number="620402197505050014"))


def _security(form: SecurityForm = SecurityForm.PROPERTY) -> a.RecordSecurity:
    return a.RecordSecurity(
        actor=WORLD_OFFICER, security_id="S1", form=form,
        provider=SecurityProvider.THIRD_PARTY, guarantor=GUARANTOR, amount=Decimal("60000.00"),
        secured_property="小型轿车 甘D·54321, 王五所有" if form is SecurityForm.PROPERTY
        else None, applicant_consents=True, note="担保书, 申请执行人书面同意")


async def test_c_a_breach_of_the_security_resumes_enforcement_against_the_guarantor(
        rig: Rig) -> None:
    subject = case("(2026)甘0402执151号", World(
        report=PropertyReport(day=5), payments=(Payment(day=70, amount=Decimal("40000.00")),),
        acts=(ScheduledAct(day=8, act=_security()),
              ScheduledAct(day=9, act=a.PostponeEnforcement(
                  actor=WORLD_JUDGE, security_ids=("S1",), months=6)),
              ScheduledAct(day=40, act=a.RecordSecurityBreach(
                  actor=WORLD_OFFICER, security_id="S1", description="担保人将担保车辆出售他人")),
              ScheduledAct(day=41, act=a.EndPostponement(actor=WORLD_JUDGE)),
              ScheduledAct(day=43, act=a.RuleAgainstSecurity(actor=WORLD_JUDGE,
                                                             security_id="S1")),
              ScheduledAct(day=50, act=a.CollectFromSecurity(
                  actor=WORLD_OFFICER, security_id="S1", amount=Decimal("60000.00"))))),
        principal="100000.00")
    number = subject.case_number
    handle = await rig.file(subject)
    await rig.env.sleep(timedelta(days=20))  # postponed since day 9
    d0 = rig.filed_on(number)
    until = add_months(d0 + timedelta(9), 6)
    status = await rig.engine.status(number)
    assert (status.phase, status.postponed_until) == ("suspended", until)
    assert ("postponement (暂缓执行) ends; enforcement resumes the next day", until,
            "民诉法解释 art.467; 执行担保规定 art.10") in [
        (x.name, x.due_on, x.source) for x in status.deadlines]
    assert [(p.task, p.when.date(), p.when.hour) for p in status.agenda
            if p.task == "postponement_end"] == [("postponement_end", until + timedelta(1), 9)]
    assert "OnsiteInvestigated" not in [n for n, _ in rig.timeline(number)]  # waits (day 10)

    await rig.env.sleep(timedelta(days=35))  # day 55: the guarantor has paid the whole security
    status = await rig.engine.status(number)
    assert (status.postponed_until, status.bound_persons) == (None, ("王五",))
    before = rig.app.get_case(number).version
    with pytest.raises(RuleViolationError) as refused:
        await rig.engine.act(number, a.CollectFromSecurity(
            actor=OFFICER, security_id="S1", amount=Decimal("0.01")))
    assert (refused.value.code, refused.value.source) == (
        "security.exceeds_amount", "民诉法 art.242; 民诉法解释 art.469; 执行担保规定 art.11")
    assert rig.app.get_case(number).version == before  # nothing written

    outcome = await handle.result()
    assert outcome.closure_mode == "concluded"
    assert rig.timeline(number) == [
        ("CaseFiled", 0), ("NoticeIssued", 0), *NOTHING, ("NoticeServed", 2),
        ("PropertyReportRecorded", 5), ("SecurityRecorded", 8), ("EnforcementPostponed", 9),
        ("SecurityBreachRecorded", 40), ("PostponementEnded", 41), ("OnsiteInvestigated", 41),
        ("SecurityEnforcementRuled", 43), ("SecurityCollected", 50), ("FundsReceived", 50),
        ("FundsPaidOut", 53), ("FundsReceived", 70), ("FundsPaidOut", 73),
        ("CaseConcluded", 73)]
    events = rig.app.case_events(number)
    ended = next(e for e in events if isinstance(e, ev.PostponementEnded))
    assert (ended.cause, ended.actor.id) == (PostponementEnd.BREACH, "judge-sim")
    ruled = next(e for e in events if isinstance(e, ev.SecurityEnforcementRuled))
    assert (ruled.bound_person, ruled.limit) == ("王五", Decimal("60000.00"))
    state = rig.app.get_case(number)
    assert state.securities["S1"].collected == Decimal("60000.00")
    assert [p.name for p in state.respondents] == ["李四"]  # the guarantor is no respondent


async def test_c_the_postponement_ends_by_the_workflows_own_timer(rig: Rig) -> None:
    subject = case("(2026)甘0402执152号", World(
        report=PropertyReport(day=5),
        acts=(ScheduledAct(day=8, act=_security(SecurityForm.GUARANTEE)),
              ScheduledAct(day=9, act=a.PostponeEnforcement(
                  actor=WORLD_JUDGE, security_ids=("S1",), months=2)))),
        principal="60000.00")
    number = subject.case_number
    await rig.file(subject)
    await rig.env.sleep(timedelta(hours=1))
    d0 = rig.filed_on(number)
    until = add_months(d0 + timedelta(9), 2)
    await rig.env.sleep(timedelta(days=(until - d0).days + 3))

    ended = next(e for e in rig.app.case_events(number) if isinstance(e, ev.PostponementEnded))
    assert (ended.cause, ended.ended_on, ended.actor.role) == (
        PostponementEnd.PERIOD_ENDED, until + timedelta(1), Role.SYSTEM)
    status = await rig.engine.status(number)
    assert status.postponed_until is None and status.phase != "suspended"
    due = [d for d in status.approvals_due if d.update == "rule_against_security"]
    assert [(d.since, d.by, d.source) for d in due] == [
        (until + timedelta(1), add_months(until, 12),
         "民诉法 art.242; 民诉法解释 art.469; 执行担保规定 art.11")]
    result = await rig.engine.act(number, a.RuleAgainstSecurity(actor=JUDGE, security_id="S1"))
    assert result.events == ("SecurityEnforcementRuled",)
    status = await rig.engine.status(number)
    assert "rule_against_security" not in [d.update for d in status.approvals_due]
    assert status.bound_persons == ("王五",)


async def test_d_termination_is_accepted_only_after_the_referral(rig: Rig) -> None:
    subject = case("(2026)甘0402执153号", World(
        report=PropertyReport(day=5, status="refused"),
        court=CourtConduct(restriction_day=20, hearing_day=80),
        acts=(ScheduledAct(day=12, approval_day=12, act=a.OrderMeasure(
                  actor=WORLD_OFFICER, measure=a.Fine(
                      amount=Decimal("10000.00"), subject="李四",
                      subject_kind=PartyKind.PERSON))),
              ScheduledAct(day=13, approval_day=13, act=a.ListDishonest(
                  actor=WORLD_OFFICER, ground=DishonestGround.REPORT_VIOLATION)),
              ScheduledAct(day=30, act=a.FindRefusalToEnforce(
                  actor=WORLD_JUDGE, conduct="拒不申报财产, 经罚款仍拒不履行, 转移车辆")),
              ScheduledAct(day=130, act=a.RecordReferralOutcome(
                  actor=WORLD_CLERK, referral_id="R1", outcome=ReferralOutcome.ACCEPTED)))),
        principal="50000.00")
    number = subject.case_number
    await rig.file(subject)
    await rig.env.sleep(timedelta(days=100))

    status = await rig.engine.status(number)
    updates = [d.update for d in status.approvals_due]
    assert "refer_refusal_to_enforce" in updates and "approve_termination" not in updates
    before = rig.app.get_case(number).version
    with pytest.raises(RuleViolationError) as refused:
        await rig.engine.act(number, a.ApproveTermination(
            actor=JUDGE, approval_mode=ApprovalMode.APPLICANT_SIGNED))
    assert (refused.value.code, refused.value.source) == (
        "termination.referral_missing", "终本规定 art.1(5); 刑法 art.313; 刑法313解释")
    assert rig.app.get_case(number).version == before  # nothing written

    referred = await rig.engine.act(number, a.ReferRefusalToEnforce(
        actor=JUDGE, referral_id="R1", route=ReferralRoute.COURT_TRANSFER, subject="李四",
        facts="拒不申报财产, 经罚款仍拒不履行; 转移车辆"))
    assert referred.events == ("RefusalToEnforceReferred",)
    status = await rig.engine.status(number)
    assert [d.update for d in status.approvals_due] == ["approve_termination"]
    ruled = await rig.engine.act(number, a.ApproveTermination(
        actor=JUDGE, approval_mode=ApprovalMode.APPLICANT_SIGNED))
    assert ruled.events == ("CurrentProcedureTerminated",)

    await rig.env.sleep(timedelta(days=35))  # the police's answer on day 130, after the 终本
    names = [n for n, _ in rig.timeline(number)]
    assert names[-4:] == ["RefusalToEnforceReferred", "CurrentProcedureTerminated",
                          "TerminationRulingServed", "ReferralOutcomeRecorded"]
    assert rig.app.get_case(number).referrals["R1"].outcome is ReferralOutcome.ACCEPTED
