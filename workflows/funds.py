"""Case funds: payout within 30 days of arrival, conclusion once nothing is owed or held."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

from workflows.agenda import Task, Wanted
from workflows.context import CaseContext

with workflow.unsafe.imports_passed_through():
    from domain import commands as c
    from domain import rules as r
    from workflows.control import release_all


def plan(ctx: CaseContext) -> None:
    view = ctx.case
    payout: Wanted = {}
    if view.undisbursed > 0 and view.receipts_from is not None and view.closure_mode is None:
        day = view.receipts_from + timedelta(days=ctx.policy.payout_after_days)
        payout["payout"] = (ctx.at(day), False)
    ctx.agenda.sync("payout", payout)
    conclude: Wanted = {}
    settled = view.settlement_status == "performed"
    if view.closure_mode is None and view.undisbursed == 0 and view.settlement_status != "reached" \
            and (view.outstanding == 0 or settled):
        conclude["conclude"] = (ctx.at(view.as_of), False)
    ctx.agenda.sync("conclude", conclude)


async def payout(ctx: CaseContext, task: Task) -> None:
    """Pay everything held out, to each payee its own (执行款物规定: within 30 days of arrival;
    the ledger, docs/rules.md §1.7). A view recorded before the ledger had payees names none:
    the sum goes to the applicants as it did then."""
    view = ctx.case
    if view.undisbursed <= 0:
        return
    if not view.held:
        await ctx.attempt(c.PayOut(**ctx.envelope(f"payout:{ctx.count('payout')}",
                                                  basis=r.SRC_PAYOUT),
                                   amount=view.undisbursed, paid_on=ctx.today()))
        return
    for entry in view.held:
        await ctx.attempt(c.PayOut(**ctx.envelope(f"payout:{ctx.count('payout')}",
                                                  basis=r.SRC_PAYOUT),
                                   amount=entry.amount, paid_on=ctx.today(),
                                   payee_kind=entry.payee_kind, payee=entry.payee))


async def conclude(ctx: CaseContext, task: Task) -> None:
    """执行完毕: release what is still controlled, then close the case as performed."""
    view = ctx.case
    if view.closure_mode is not None or view.undisbursed > 0:
        return
    if view.outstanding > 0 and view.settlement_status != "performed":
        return
    await release_all(ctx, "conclude", "the debt is performed; control no longer needed")
    await ctx.attempt(c.ConcludeCase(**ctx.envelope("conclude", basis=r.SRC_CLOSURE_MODES),
                                     closed_on=ctx.today()))


async def after_closure(ctx: CaseContext) -> None:
    """Lift the restriction and delete a 失信 entry once the case is performed or withdrawn
    (限消规定 art.9; 失信规定 art.10: within 3 working days)."""
    view = ctx.case
    performed = view.closure_mode == "concluded"
    withdrawn = view.closure_mode == "ended" and "withdrawn" in ctx.memo.done
    if not (performed or withdrawn):
        return
    if view.restriction_active:
        await ctx.attempt(c.LiftConsumptionRestriction(
            **ctx.envelope("closure:lift_restriction"), lifted_on=ctx.today(),
            reason="performance" if performed else "applicant_consent"))
    if view.dishonest_active:
        by_settlement = view.settlement_status == "performed"
        reason = ("settlement_performed" if by_settlement else "performance") if performed \
            else "applicant_request"
        await ctx.attempt(c.DeleteDishonestEntry(**ctx.envelope("closure:delete_dishonest"),
                                                 deleted_on=ctx.today(), reason=reason))
