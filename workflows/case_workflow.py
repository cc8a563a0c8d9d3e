"""EnforcementCaseWorkflow: one durable workflow per case, from filing to closure and beyond.

The workflow decides *when*; the aggregate decides *whether*. After filing, the notice and the
first network inquiry, each phase module (notice, inquiry, control, disposal, funds,
settlement, deadlines) states the tasks it wants from the case's current view; the workflow
runs the earliest due one, sleeping on a durable timer until then and waking early whenever an
act (update or signal) changes the case. A 终本 ruling hands over to post-termination
monitoring, one continue-as-new per 6-month round (``termination.py``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from temporalio import workflow

from workflows import (
    act_rules,
    control,
    deadlines,
    disposal,
    funds,
    garnishment,
    inquiry,
    notice,
    objections,
    security,
    settlement,
    termination,
    versions,
)
from workflows.agenda import Task
from workflows.case_doors import OperatorHandlers
from workflows.context import CaseContext
from workflows.world import start_world

with workflow.unsafe.imports_passed_through():
    from workflows.messages import CASE_WORKFLOW, CaseInput, CaseOutcome
    from workflows.principals import FILING_TOKEN

Handler = Callable[[CaseContext, Task], Awaitable[None]]
TASKS: dict[str, Handler] = {
    "notice_check": notice.check_service, "report_check": notice.check_report,
    "inquire": inquiry.inquire, "verify_lead": inquiry.verify_lead, "onsite": inquiry.onsite,
    "control": control.control, "transfer": control.transfer, "renew": control.renew,
    "value": disposal.value, "price": disposal.price, "announce": disposal.announce,
    "close": disposal.close, "buyer": disposal.buyer, "sale_proceeds": disposal.sale_proceeds,
    "payout": funds.payout, "conclude": funds.conclude,
    "settlement_performed": settlement.performed, "settlement_due": settlement.overdue,
    "deadline": deadlines.deadline_near,
    "objection_overdue": objections.overdue, "claim_release": objections.release,
    "hold_end": objections.hold_ended, "postponement_end": security.end_term,
    "remit": garnishment.remit,
}
PLANNERS = (notice.plan, inquiry.plan, control.plan, disposal.plan, funds.plan,
            settlement.plan, deadlines.plan, objections.plan, security.plan, garnishment.plan)


def plan(ctx: CaseContext) -> None:
    """Bring the agenda in line with the case's current view."""
    if ctx.view is None:
        return
    ctx.agenda.version = ctx.view.version
    for planner in PLANNERS:
        planner(ctx)


@workflow.defn(name=CASE_WORKFLOW)
class EnforcementCaseWorkflow(OperatorHandlers):
    """The procedure of one enforcement case (workflow id: ``case:<case number>``)."""

    @workflow.init
    def __init__(self, data: CaseInput) -> None:
        self.ctx = CaseContext(data)
        self._signals = 0

    @workflow.run
    async def run(self, data: CaseInput) -> CaseOutcome:
        ctx = self.ctx
        token = FILING_TOKEN.get()  # the start's header, as the worker's interceptor found it
        ctx.versions = versions.at_start(
            starts_world=data.monitoring is None and data.scenario is not None)
        if data.monitoring is not None:
            ctx.stage = "monitoring"
            return await termination.monitor(ctx, data.monitoring)
        if data.filing is not None:
            filing = data.filing
            if ctx.versions.principals:  # the filing clerk is a principal, not a claim
                filing = await act_rules.verified_filing(ctx, filing, token)
            await notice.file(ctx, filing)
        await start_world(ctx, resumed=data.filing is None)
        ctx.stage = "procedure"
        await notice.issue(ctx)
        ctx.acts_open = True
        await self.procedure()
        return await self.closing()

    async def procedure(self) -> None:
        """Run the agenda until the case is closed (by the workflow or by an act)."""
        ctx = self.ctx
        plan(ctx)
        while not ctx.closed:
            task = ctx.agenda.next(suspended=ctx.suspended)
            ctx.changed = False
            if task is None:
                await workflow.wait_condition(lambda: ctx.changed)
            else:
                delay = (task.when - workflow.now()).total_seconds()
                if delay <= 0 or not await self._woken(delay):
                    ctx.agenda.drop(task.kind, task.key)
                    await TASKS[task.kind](ctx, task)
                    ctx.agenda.ran(task, ctx.case.version)
            plan(ctx)

    async def _woken(self, delay: float) -> bool:
        """Sleep ``delay`` seconds; True if an act changed the case meanwhile."""
        try:
            await workflow.wait_condition(lambda: self.ctx.changed, timeout=delay)
        except TimeoutError:
            return False
        return True

    async def closing(self) -> CaseOutcome:
        """After closure: serve a 终本 ruling and monitor, or tidy up a closed case."""
        ctx = self.ctx
        ctx.stage = "closing"
        ctx.agenda.clear()
        view = ctx.case
        if view.closure_mode == "terminated":
            await termination.serve_ruling(ctx)
            if ctx.case.resumed_as is None:
                await workflow.wait_condition(workflow.all_handlers_finished)
                workflow.continue_as_new(termination.first_round(ctx))
            return await termination.finish(ctx, 0)
        await funds.after_closure(ctx)
        return await termination.finish(ctx, 0)
