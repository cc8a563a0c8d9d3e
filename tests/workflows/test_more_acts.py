"""More of the operator contract end to end: an urgent lead, a second failed auction taken in
lieu, a withdrawal, a missing property report with its sanctions, resumption on request."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from domain import events as ev
from domain.errors import RuleViolationError
from domain.models import ApprovalMode, AssetFinding, DishonestGround
from domain.rules import AssetKind
from domain.values import PartyKind
from tests.support import JUDGE, OFFICER
from tests.workflows.conftest import Rig
from tests.workflows.dockets import case, deposit, house
from workflows.acts import (
    ApproveTermination,
    CloseCase,
    Fine,
    ListDishonest,
    OrderMeasure,
    RecordApplicantHearing,
    RecordAuctionResult,
    RequestResumption,
    RestrictConsumption,
    TransferInLieu,
    WithdrawApplication,
)
from workflows.docket import AuctionRound, Lead, PropertyReport, World

NOTHING = [("NetworkInquiryMade", 0)] * 7


async def test_an_urgent_lead_is_verified_within_three_days_and_its_asset_taken(rig: Rig) -> None:
    found = AssetFinding(asset_id="acct-l", kind=AssetKind.DEPOSIT, description="account",
                         value=Decimal("90000.00"))
    subject = case("(2026)甘0402执501号", World(report=PropertyReport(day=1), leads=(
        Lead(day=3, lead_id="lead-1", description="an account at 白银农商行", urgent=True,
             finding=found),)), principal="80000.00")
    outcome = await rig.run(subject)

    assert outcome.closure_mode == "concluded"
    assert rig.timeline(subject.case_number) == [
        ("CaseFiled", 0), ("NoticeIssued", 0), *NOTHING, ("PropertyReportRecorded", 1),
        ("NoticeServed", 2), ("LeadSubmitted", 3), ("LeadVerified", 5), ("AssetFound", 5),
        ("AssetControlled", 5), ("DepositTransferred", 12), ("FundsReceived", 12),
        ("FundsPaidOut", 15), ("CaseConcluded", 15)]
    events = rig.app.case_events(subject.case_number)
    lead = next(e for e in events if isinstance(e, ev.LeadSubmitted))
    checked = next(e for e in events if isinstance(e, ev.LeadVerified))
    assert checked.found and not checked.late and checked.verified_on <= lead.due_on
    assert lead.due_on == rig.app.calendar.period_end(lead.submitted_on, 3)


async def test_after_two_failed_auctions_the_asset_is_taken_in_lieu(rig: Rig) -> None:
    subject = case("(2026)甘0402执502号", World(report=PropertyReport(day=5), assets=(
        house("flat-3", "800000.00", "600000.00", AuctionRound(), AuctionRound()),)),
        principal="300000.00")
    handle = await rig.file(subject)
    number = subject.case_number
    await rig.env.sleep(timedelta(days=45))  # round 1 bids from day 45, 10:00 to day 46, 10:00
    with pytest.raises(RuleViolationError) as early:
        await rig.engine.act(number, RecordAuctionResult(actor=OFFICER, asset_id="flat-3"))
    assert (early.value.code, early.value.source) == ("auction.not_ended", "网拍规定 art.20")
    await rig.env.sleep(timedelta(days=26))  # the second round fails on day 69
    status = await rig.engine.status(number)
    assert [d.update for d in status.approvals_due] == ["sell_asset"]
    assert "flat-3 failed at auction twice" in status.approvals_due[0].reason

    result = await rig.engine.act(number, TransferInLieu(actor=JUDGE, asset_id="flat-3"))
    assert result.events == ("AssetTransferredInLieu",) and result.outstanding == 0
    outcome = await handle.result()
    assert outcome.closure_mode == "concluded"
    taken = next(e for e in rig.app.case_events(number)
                 if isinstance(e, ev.AssetTransferredInLieu))
    assert (taken.value, taken.round) == (Decimal("336000.00"), 2)  # the failed round's reserve
    assert [name for name, _ in rig.timeline(number)][-3:] == [
        "AuctionFailed", "AssetTransferredInLieu", "CaseConcluded"]


async def test_a_withdrawal_releases_what_is_controlled_and_ends_the_case(rig: Rig) -> None:
    subject = case("(2026)甘0402执503号", World(report=PropertyReport(day=5),
                                               assets=(deposit("acct-w", "50000.00"),)))
    handle = await rig.file(subject)
    await rig.env.sleep(timedelta(days=3))  # frozen on day 0, transfer due on day 7
    result = await rig.engine.act(subject.case_number, WithdrawApplication(
        actor=JUDGE, reason="the applicant withdrew (申请撤回)"))
    assert result.events == ("ControlReleased", "CaseClosed")
    outcome = await handle.result()
    assert (outcome.closure_mode, outcome.phase) == ("ended", "closed")
    closed = rig.app.case_events(subject.case_number)[-1]
    assert isinstance(closed, ev.CaseClosed) and closed.ground is not None
    assert closed.ground.value == "applicant_withdrew"


async def test_a_missing_report_is_recorded_as_refused_and_sanctions_are_asked_for(
        rig: Rig) -> None:
    subject = case("(2026)甘0402执504号", World())  # the debtor never reports
    handle = await rig.file(subject)
    number = subject.case_number
    await rig.env.sleep(timedelta(days=12))
    report = next(e for e in rig.app.case_events(number)
                  if isinstance(e, ev.PropertyReportRecorded))
    d0 = rig.filed_on(number)
    assert (report.status.value, report.reported_on) == ("refused", d0 + timedelta(11))
    status = await rig.engine.status(number)
    assert "list_dishonest" in [d.update for d in status.approvals_due]
    assert "record_notice_service" not in [d.update for d in status.approvals_due]

    fine = await rig.engine.act(number, await rig.approved(number, OrderMeasure(
        actor=OFFICER, measure=Fine(amount=Decimal("5000.00"), subject="李四",
                                    subject_kind=PartyKind.PERSON))))
    listed = await rig.engine.act(number, await rig.approved(number, ListDishonest(
        actor=OFFICER, ground=DishonestGround.REPORT_VIOLATION)))
    assert (fine.events, listed.events) == (("FineImposed",), ("DebtorListedDishonest",))
    status = await rig.engine.status(number)
    assert "list_dishonest" not in [d.update for d in status.approvals_due]
    await handle.terminate("test over")


async def test_after_termination_the_applicant_may_ask_to_resume(rig: Rig) -> None:
    subject = case("(2026)甘0402执505号", World(report=PropertyReport(day=5)))
    handle = await rig.file(subject)
    number = subject.case_number
    await rig.env.sleep(timedelta(days=3))
    d0 = rig.filed_on(number)
    await rig.engine.act(number, await rig.approved(number, RestrictConsumption(actor=OFFICER)))
    await rig.engine.act(number, RecordApplicantHearing(actor=OFFICER, record="约谈笔录"))
    await rig.env.sleep(timedelta(days=95))
    ruled = await rig.engine.act(number, ApproveTermination(
        actor=JUDGE, approval_mode=ApprovalMode.APPLICANT_SIGNED))
    assert ruled.events == ("CurrentProcedureTerminated",)
    await rig.env.sleep(timedelta(days=30))  # served, monitoring (continued as new)
    status = await rig.engine.status(number)
    assert (status.stage, status.monitoring_round) == ("monitoring", 1)

    resumed = await rig.engine.act(number, RequestResumption(
        actor=JUDGE, reason="the applicant found a new address of the debtor"))
    assert resumed.events == ("CaseResumed",)
    outcome = await handle.result()
    assert outcome.resumed_as == f"({(d0 + timedelta(128)).year})甘0402执恢505号"
    assert rig.app.get_case(outcome.resumed_as).resumed_from == number
    await rig.engine.handle(outcome.resumed_as).terminate("test over")


@pytest.mark.parametrize(("mode", "number"), [("not_enforced", "(2026)甘0402执506号"),
                                              ("rejected", "(2026)甘0402执507号"),
                                              ("withdrawn_filing", "(2026)甘0402执508号")])
async def test_the_court_closes_a_case_by_the_other_closure_modes(rig: Rig, mode: str,
                                                                  number: str) -> None:
    subject = case(number, World(report=PropertyReport(day=5),
                                 assets=(deposit("acct-c", "50000.00"),)))
    handle = await rig.file(subject)
    await rig.env.sleep(timedelta(days=3))
    with pytest.raises(Exception, match="a judge or the president closes the case"):
        await rig.engine.act(number, CloseCase(actor=OFFICER, mode=mode,  # type: ignore[arg-type]
                                               reason="审查后依法处理"))
    result = await rig.engine.act(number, CloseCase(actor=JUDGE, mode=mode,  # type: ignore[arg-type]
                                                    reason="审查后依法处理"))
    assert result.events == ("ControlReleased", "CaseClosed")
    outcome = await handle.result()
    assert (outcome.closure_mode, outcome.phase) == (mode, "closed")
