"""Settlement 执行和解: enforcement waits while the debtor performs; performance closes the case,
a default resumes it (or ends it, if the applicant sues) at the applicant's choice."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

from workflows.agenda import Task, Wanted
from workflows.context import CaseContext

with workflow.unsafe.imports_passed_through():
    from domain import commands as c
    from workflows.status import Due

SRC_DEFAULT = "和解规定 arts.9, 13, 17"


def plan(ctx: CaseContext) -> None:
    view, memo = ctx.case, ctx.memo
    performed: Wanted = {}
    overdue: Wanted = {}
    if view.settlement_status == "reached" and view.closure_mode is None:
        if view.settlement_paid >= view.settlement_amount:
            performed["performed"] = (ctx.at(view.as_of), False)
        elif memo.settlement_due_on is not None and "settlement_overdue" not in memo.dues:
            overdue["due"] = (ctx.at(memo.settlement_due_on + timedelta(days=1)), False)
    else:
        memo.dues.pop("settlement_overdue", None)
    ctx.agenda.sync("settlement_performed", performed)
    ctx.agenda.sync("settlement_due", overdue)


async def performed(ctx: CaseContext, task: Task) -> None:
    """Everything agreed was paid: record performance (the case then concludes)."""
    view = ctx.case
    if view.settlement_status != "reached" or view.settlement_paid < view.settlement_amount:
        return
    await ctx.attempt(c.RecordSettlementPerformed(
        **ctx.envelope(f"settlement:performed:{ctx.count('settlement')}"),
        performed_on=ctx.today()))


async def overdue(ctx: CaseContext, task: Task) -> None:
    """The agreed performance is late: the applicant must choose (no act of the workflow's)."""
    due_on = ctx.memo.settlement_due_on
    if ctx.case.settlement_status != "reached" or due_on is None:
        return
    ctx.memo.dues["settlement_overdue"] = Due(
        update="record_settlement_default", since=ctx.today(), source=SRC_DEFAULT,
        reason=f"the settlement was due on {due_on} and is not performed: record the default "
               "with the applicant's choice (resume the enforcement, or sue on the agreement)")
