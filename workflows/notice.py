"""Filing, the enforcement notice with the property-report order, its service, the report."""

from __future__ import annotations

from datetime import date, timedelta

from temporalio import workflow
from temporalio.exceptions import ApplicationError, ApplicationErrorCategory

from workflows.agenda import Task, Wanted
from workflows.context import CaseContext

with workflow.unsafe.imports_passed_through():
    from domain import commands as c
    from domain import rules as r
    from domain.errors import EnforcementError
    from workflows.adapters import ports as p
    from workflows.filing import FILE_STEP, filing_command
    from workflows.messages import Filing, ScenarioRef
    from workflows.status import Due

SRC_REPORT = "财产调查规定 arts.9, 10"


async def file(ctx: CaseContext, filing: Filing) -> None:
    """File the case today (立案); its filing date becomes the simulated world's day zero.
    A filing that cannot become a command fails the workflow (non-retryable), never its task."""
    today = ctx.today()
    await ctx.execute(_command(ctx, filing, today))
    if ctx.scenario is not None and ctx.scenario.anchor_on is None:
        ctx.scenario = ScenarioRef(key=ctx.scenario.key, anchor_on=today)


def _command(ctx: CaseContext, filing: Filing, today: date) -> c.FileCase:
    """The filing's command (``workflows/filing.py``, as at the door); a filing it refuses
    fails this case's workflow with the refusal, which ``Engine.file`` raises."""
    try:
        return filing_command(ctx.case_number, filing, today,
                              ctx.envelope(FILE_STEP, filing.actor))
    except EnforcementError as err:
        raise ApplicationError(err.message, err.to_dict(), type=err.code, non_retryable=True,
                               category=ApplicationErrorCategory.BENIGN) from None


async def issue(ctx: CaseContext) -> None:
    """Issue the notice with the report order (执行工作规定 art.22) and send it for service."""
    today = ctx.today()
    await ctx.attempt(c.IssueNotice(**ctx.envelope(
        "notice", basis=f"{r.SRC_NOTICE_PERIOD}; {r.SRC_REPORT_ORDER}"), issued_on=today,
                                    report_due_on=today + timedelta(days=ctx.policy.report_days)))
    ticket = await ctx.port(p.DISPATCH_DOCUMENT, p.DocumentDispatch(
        **ctx.port_fields("notice:dispatch"), document="notice", issued_on=today), p.Ticket)
    ctx.memo.notice_ticket = ticket
    if ticket.check_on is None:
        _service_due(ctx, today)


def plan(ctx: CaseContext) -> None:
    view, memo = ctx.case, ctx.memo
    checks: Wanted = {}
    ticket = memo.notice_ticket
    if view.notice_served_on is None and ticket is not None and ticket.check_on is not None \
            and memo.notice_checks < ctx.policy.notice_checks and not ctx.closed:
        again = ticket.check_on + timedelta(days=memo.notice_checks * ctx.policy.notice_recheck_days)
        checks["notice"] = (ctx.at(again), False)
    ctx.agenda.sync("notice_check", checks)
    report: Wanted = {}
    if view.report_due_on and view.report_status is None and not ctx.closed:
        report["report"] = (ctx.at(view.report_due_on + timedelta(days=1)), False)
    ctx.agenda.sync("report_check", report)
    if view.notice_served_on is not None:
        memo.dues.pop("notice_service", None)
    if view.dishonest_active or view.report_status not in (None, "refused", "false", "late"):
        memo.dues.pop("report_breach", None)


async def check_service(ctx: CaseContext, task: Task) -> None:
    """Ask the delivery platform whether the notice was served; record it if so."""
    ticket = ctx.memo.notice_ticket
    assert ticket is not None
    ctx.memo.notice_checks += 1
    status = await ctx.port(p.CHECK_DELIVERY, p.TicketCheck(
        **ctx.port_fields(f"notice:check:{ctx.memo.notice_checks}"), ticket=ticket.ticket),
        p.DeliveryStatus)
    if status.served_on is not None:
        await ctx.attempt(c.RecordNoticeService(**ctx.envelope("notice:served"),
                                                served_on=status.served_on))
    elif ctx.memo.notice_checks >= ctx.policy.notice_checks:
        _service_due(ctx, ctx.today())


def _service_due(ctx: CaseContext, since: date) -> None:
    ctx.memo.dues["notice_service"] = Due(
        update="record_notice_service", since=since, source="执行工作规定 art.22",
        reason="the delivery platform reports no service of the notice: record how it was served")


async def check_report(ctx: CaseContext, task: Task) -> None:
    """No report by the due date counts as a refusal to report (财产调查规定 art.9)."""
    if ctx.case.report_status is not None:
        return
    await ctx.attempt(c.RecordPropertyReport(
        **ctx.envelope("report:missing", basis=f"no property report by the due date "
                                               f"({r.SRC_REPORT_SANCTION})"),
        status="refused", reported_on=ctx.today()))
    ctx.memo.dues["report_breach"] = Due(
        update="list_dishonest", since=ctx.today(), source=SRC_REPORT,
        reason="the debtor did not report its property: sanction it (order_measure) and list "
               "it as dishonest (ground report_violation)")
