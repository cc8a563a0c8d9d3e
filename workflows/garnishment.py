"""Continuing garnishment (docs/rules.md §11): while a standing order to a garnishee stands, ask
it on ``Policy.remittance_day`` of every month for that month's remittance and record what it
reports: a receipt (the last one, paying the debt, lifts the order in the aggregate) or that it
pays the income no more (the debtor left the job).

No version marker: the tasks follow from the case view's ``garnishments``, which only cases
whose wage control was recorded as a standing order hold; histories recorded before have none
and plan nothing here (their wage freezes keep the one-time transfer of ``workflows/control.py``).
"""

from __future__ import annotations

from datetime import date

from temporalio import workflow

from workflows.agenda import Task, Wanted
from workflows.context import CaseContext

with workflow.unsafe.imports_passed_through():
    from domain import commands as c
    from domain import rules as r
    from domain.models import FundsSource
    from workflows.adapters import ports as p
    from workflows.messages import GarnishmentView


def _month(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _after(month: str) -> str:
    year, m = int(month[:4]), int(month[5:])
    return f"{year + m // 12:04d}-{m % 12 + 1:02d}"


def pay_day(month: str, day: int) -> date:
    """The remittance day of ``month``."""
    return date(int(month[:4]), int(month[5:]), day)


def _done(ctx: CaseContext, g: GarnishmentView, month: str) -> bool:
    return f"remit:{g.asset_id}@{month}" in ctx.memo.done or \
        any(m == month for m, _ in g.remittances)


def next_month(ctx: CaseContext, g: GarnishmentView) -> str:
    """The first month whose remittance day falls on or after the order and that was neither
    asked for nor remitted yet."""
    month = _month(g.ordered_on)
    if pay_day(month, ctx.policy.remittance_day) < g.ordered_on:
        month = _after(month)
    while _done(ctx, g, month):
        month = _after(month)
    return month


def plan(ctx: CaseContext) -> None:
    view = ctx.case
    wanted: Wanted = {}
    if not ctx.closed:
        for g in view.garnishments:
            if g.status == "active" and g.owed > 0:
                month = next_month(ctx, g)
                wanted[f"{g.asset_id}@{month}"] = (
                    ctx.at(pay_day(month, ctx.policy.remittance_day)), True)
    ctx.agenda.sync("remit", wanted)


async def remit(ctx: CaseContext, task: Task) -> None:
    """Ask the garnishee for the month's remittance and record it (or that it stopped)."""
    asset_id, month = task.key.split("@", 1)
    g = ctx.case.garnishment(asset_id)
    if g is None or g.status != "active":
        return
    ctx.memo.done.add(f"remit:{asset_id}@{month}")
    at_most = g.left_to_remit(month)
    if at_most <= 0:
        return
    step = f"remit:{asset_id}:{month}"
    report = await ctx.port(p.CHECK_REMITTANCE, p.RemittanceQuery(
        **ctx.port_fields(step), asset_id=asset_id, garnishee=g.garnishee, month=month,
        allowance=g.allowance_for(month), at_most=at_most), p.RemittanceReport)
    today = ctx.today()
    if report.left_on is not None:
        await ctx.attempt(c.RecordGarnisheeStopped(
            **ctx.envelope(f"{step}:stopped", basis=r.SRC_GARNISHMENT), asset_id=asset_id,
            stopped_on=max(g.ordered_on, min(report.left_on, today)),
            reason=report.reason or "the garnishee pays the income no more"))
    elif report.amount > 0:
        await ctx.attempt(c.RecordFundsReceived(
            **ctx.envelope(step, basis=r.SRC_GARNISHMENT), amount=min(report.amount, at_most),
            received_on=today, source=FundsSource.GARNISHEE_REMITTANCE, asset_id=asset_id))
