"""Filing, notice, property report and delay interest."""

from __future__ import annotations

from domain import commands as c
from domain import events as ev
from domain import rules as r
from domain.calendar import add_years
from domain.models import ReportStatus
from domain.state import CaseState
from domain.values import CaseKind, case_kind_of

from . import Context, Pending, decides
from .common import require


def decide_filing(cmd: c.FileCase, ctx: Context) -> list[Pending]:
    """A new case: the application period (民诉法 art.250) and the case kind are checked."""
    basis = cmd.enforcement_basis
    require(cmd.filed_on <= ctx.today, "date.in_future",
            f"filed_on {cmd.filed_on} is after the business date {ctx.today} of the command",
            r.SRC_ENGINE)
    require(case_kind_of(cmd.case_number) is not CaseKind.RESUMED, "filing.resumed_number",
            "a 执恢 number is given only by resuming a terminated case", r.SRC_POST_TERMINATION)
    period_start = basis.limitation_restarted_on or basis.performance_deadline
    last_day = ctx.calendar.roll_forward(add_years(period_start, r.APPLICATION_PERIOD_YEARS))
    # A late application is accepted (民诉法解释 art.481): flagged, the debtor may object.
    passed = cmd.applied_on > last_day
    decision_due = ctx.calendar.period_end(cmd.applied_on, r.FILING_DECISION_DAYS)
    return [(ev.CaseFiled, {
        "case_number": cmd.case_number, "category": cmd.category,
        "applicants": cmd.applicants, "respondents": cmd.respondents,
        "enforcement_basis": basis, "claim": cmd.claim, "applied_on": cmd.applied_on,
        "filed_on": cmd.filed_on, "filing_late": cmd.filed_on > decision_due,
        "application_period_passed": passed, "application_period_ended_on": last_day,
    })]


@decides(c.IssueNotice)
def issue_notice(s: CaseState, cmd: c.IssueNotice, ctx: Context) -> list[Pending]:
    require(s.notice_issued_on is None, "notice.already_issued",
            "the enforcement notice was already issued", r.SRC_NOTICE_PERIOD)
    require(cmd.report_order, "notice.report_order_required",
            "in a money case the property-report order goes out with the notice",
            r.SRC_REPORT_ORDER)
    require(cmd.report_due_on is not None and cmd.report_due_on > cmd.issued_on,
            "notice.report_due_invalid", "the report order needs a due date after the notice",
            r.SRC_REPORT_ORDER)
    require(cmd.performance_due_on is None or cmd.performance_due_on >= cmd.issued_on,
            "notice.performance_due_invalid", "the period for performance the notice gives "
            "cannot end before the notice", r.SRC_NOTICE_PERIOD + "; " + r.SRC_RESTRICTION_NOTICE)
    due = ctx.calendar.period_end(s.applied_on, r.NOTICE_DAYS)
    performance = {"performance_due_on": cmd.performance_due_on} \
        if cmd.performance_due_on is not None else {}
    return [(ev.NoticeIssued, {"issued_on": cmd.issued_on, "report_order": cmd.report_order,
                               "report_due_on": cmd.report_due_on,
                               "late": cmd.issued_on > due, **performance})]


@decides(c.RecordNoticeService)
def record_service(s: CaseState, cmd: c.RecordNoticeService, ctx: Context) -> list[Pending]:
    require(s.notice_issued_on is not None and cmd.served_on >= s.notice_issued_on,
            "notice.service_before_issue", "the notice must be issued before it is served",
            r.SRC_NOTICE_PERIOD)
    return [(ev.NoticeServed, {"served_on": cmd.served_on})]


@decides(c.RecordPropertyReport)
def record_report(s: CaseState, cmd: c.RecordPropertyReport, ctx: Context) -> list[Pending]:
    require(s.report_ordered and s.notice_issued_on is not None
            and cmd.reported_on >= s.notice_issued_on,
            "report.not_ordered", "no property-report order precedes this report",
            r.SRC_REPORT_ORDER)
    status = ReportStatus(cmd.status)
    if status is ReportStatus.FILED and s.report_due_on and cmd.reported_on > s.report_due_on:
        status = ReportStatus.LATE
    return [(ev.PropertyReportRecorded, {"status": status, "reported_on": cmd.reported_on})]


@decides(c.AssessDelayInterest)
def assess_interest(s: CaseState, cmd: c.AssessDelayInterest, ctx: Context) -> list[Pending]:
    require(s.notice_issued_on is not None, "interest.no_notice",
            "delay interest is assessed after the notice that warns of it", r.SRC_DELAY_INTEREST)
    start = s.delay_interest_to or s.basis.performance_deadline
    require(cmd.to_date > start, "interest.period_empty",
            f"delay interest runs from {start}; {cmd.to_date} adds no day", r.SRC_DELAY_INTEREST)
    periods = r.delay_interest_periods(
        principal=s.claim.principal, interest=s.claim.interest, fees=s.claim.fees,
        recoveries=tuple((x.on, x.amount) for x in s.recoveries), start=start,
        end=cmd.to_date, rules=ctx.rules)
    amount = r.delay_interest_total(periods)
    return [(ev.DelayInterestAssessed, {"amount": amount, "from_date": start,
                                        "to_date": cmd.to_date})]
