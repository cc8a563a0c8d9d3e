"""Termination of the current procedure (终本), monitoring, resumption and closure."""

from __future__ import annotations

from domain import commands as c
from domain import events as ev
from domain import rules as r
from domain.approvals import approval_for
from domain.errors import RuleViolation
from domain.ids import case_id
from domain.models import ApprovalMode, ClosureMode
from domain.state import CaseState, Phase
from domain.termination import unmet_conditions
from domain.values import CaseKind, case_kind_of

from . import Context, Pending, decides
from .common import found, require


@decides(c.RecordRefusedAct)
def note_refusal(s: CaseState, cmd: c.RecordRefusedAct, ctx: Context) -> list[Pending]:
    return [(ev.ActRefused, {"act": cmd.act, "key": cmd.key, "submitted_by": cmd.submitted_by,
                             "code": cmd.code, "message": cmd.message, "source": cmd.source})]


@decides(c.RecordApplicantHearing)
def hear(s: CaseState, cmd: c.RecordApplicantHearing, ctx: Context) -> list[Pending]:
    return [(ev.ApplicantHeard, {"heard_on": cmd.heard_on, "record": cmd.record})]


@decides(c.TerminateCurrentProcedure)
def terminate(s: CaseState, cmd: c.TerminateCurrentProcedure, ctx: Context) -> list[Pending]:
    require(s.phase not in (Phase.SUSPENDED, Phase.SETTLEMENT), "termination.suspended",
            "a suspended case is not terminated", r.SRC_TERMINATION)
    require(s.outstanding > 0, "termination.nothing_owed",
            "nothing is owed: conclude the case instead", r.SRC_CLOSURE_MODES)
    unmet = unmet_conditions(s, cmd.ruled_on, ctx.rules)
    if unmet:
        first = unmet[0]
        detail = "; ".join(f"{u.code}: {u.message}" for u in unmet)
        raise RuleViolation(first.code, f"终本 conditions not met — {detail}", first.source)
    require(not ctx.rules.hearing_required or s.applicant_heard_on is not None,
            "termination.applicant_not_heard",
            "the applicant must be told of the measures and heard before 终本",
            r.SRC_TERMINATION_HEARING)
    approval = approval_for(s, cmd)  # panel_and_president: the president's approval
    if cmd.approval_mode is ApprovalMode.APPLICANT_SIGNED:
        require(cmd.approval is None and cmd.approval_id is None,
                "termination.approval_not_applicable", "a 终本 the applicant signed rests on "
                "no president's approval: give none", r.SRC_TERMINATION_APPROVAL)
    return [(ev.CurrentProcedureTerminated, {
        "ruled_on": cmd.ruled_on, "ruling_number": cmd.ruling_number,
        "approval_mode": cmd.approval_mode, "approval": None, "outstanding": s.outstanding,
        **approval})]


@decides(c.RecordTerminationService)
def serve_ruling(s: CaseState, cmd: c.RecordTerminationService, ctx: Context
                 ) -> list[Pending]:
    require(s.terminated_on is not None and cmd.served_on >= s.terminated_on,
            "termination.not_terminated", "no 终本 ruling to serve", r.SRC_TERMINATION)
    return [(ev.TerminationRulingServed, {"served_on": cmd.served_on})]


def _monitoring(s: CaseState) -> None:
    require(s.closure_mode is ClosureMode.TERMINATED and s.resumed_as is None,
            "monitoring.not_terminated", "only a terminated (终本), unresumed case is monitored",
            r.SRC_POST_TERMINATION)


@decides(c.RecordPostTerminationInquiry)
def post_inquiry(s: CaseState, cmd: c.RecordPostTerminationInquiry, ctx: Context
                 ) -> list[Pending]:
    _monitoring(s)
    return [(ev.PostTerminationInquiryMade, {"queried_on": cmd.queried_on,
                                             "found": bool(cmd.findings)}),
            *found(s, cmd.findings, cmd.queried_on, "post_termination")]


@decides(c.ResumeEnforcement)
def resume(s: CaseState, cmd: c.ResumeEnforcement, ctx: Context) -> list[Pending]:
    """The old side of a resumption; the application files the new 执恢 case with it."""
    require(s.closure_mode is ClosureMode.TERMINATED, "resumption.not_terminated",
            "only a 终本 case is resumed under a new number (a defaulted settlement resumes "
            "in place)", r.SRC_POST_TERMINATION)
    require(s.resumed_as is None, "resumption.already_resumed",
            f"already resumed as {s.resumed_as}", r.SRC_POST_TERMINATION)
    require(case_kind_of(cmd.new_case_number) is CaseKind.RESUMED, "resumption.number_kind",
            "a resumed case gets a 执恢 number", r.SRC_POST_TERMINATION)
    assert s.terminated_on is not None
    require(cmd.resumed_on >= s.terminated_on, "resumption.before_termination",
            "resumption follows the 终本 ruling", r.SRC_POST_TERMINATION)
    return [(ev.CaseResumed, {"resumed_on": cmd.resumed_on,
                              "new_case_number": cmd.new_case_number,
                              "new_case_id": case_id(cmd.new_case_number),
                              "reason": cmd.reason})]


@decides(c.ConcludeCase)
def conclude(s: CaseState, cmd: c.ConcludeCase, ctx: Context) -> list[Pending]:
    by_settlement = s.settlement_status == "performed"
    require(s.outstanding == 0 or by_settlement, "conclusion.balance_outstanding",
            f"{s.outstanding} is still owed", r.SRC_CLOSURE_MODES)
    require(s.settlement_status != "reached", "conclusion.settlement_unperformed",
            "an unperformed settlement cannot be closed as performed", r.SRC_SETTLEMENT)
    require(s.undisbursed == 0, "closure.funds_unpaid",
            f"{s.undisbursed} must be paid out first", r.SRC_PAYOUT)
    return [(ev.CaseConcluded, {"closed_on": cmd.closed_on, "by_settlement": by_settlement})]


@decides(c.EndEnforcement)
def end(s: CaseState, cmd: c.EndEnforcement, ctx: Context) -> list[Pending]:
    require(s.undisbursed == 0, "closure.funds_unpaid",
            f"{s.undisbursed} must be paid out first", r.SRC_PAYOUT)
    return [(ev.CaseClosed, {"mode": ClosureMode.ENDED, "closed_on": cmd.closed_on,
                             "ground": cmd.ground, "reason": cmd.reason})]


@decides(c.CloseCase)
def close(s: CaseState, cmd: c.CloseCase, ctx: Context) -> list[Pending]:
    require(s.undisbursed == 0, "closure.funds_unpaid",
            f"{s.undisbursed} must be paid out first", r.SRC_PAYOUT)
    return [(ev.CaseClosed, {"mode": cmd.mode, "closed_on": cmd.closed_on, "ground": None,
                             "reason": cmd.reason})]


def resumed_case_filing(s: CaseState, cmd: c.ResumeEnforcement) -> list[Pending]:
    """The first event of the new 执恢 case: same parties and basis, the balance as claim."""
    from domain.models import Claim

    return [(ev.CaseFiled, {
        "case_number": cmd.new_case_number, "category": s.category,
        "applicants": s.applicants, "respondents": s.respondents,
        "enforcement_basis": s.basis, "claim": Claim(principal=s.outstanding),
        "applied_on": cmd.resumed_on, "filed_on": cmd.resumed_on,
        "resumed_from": s.case_number, "resumed_from_id": s.id})]
