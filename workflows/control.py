"""Control: freeze/seize/seal each asset found (within the claim), transfer deposits, renew every
control a configurable time before it expires so that nothing lapses unintentionally."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from temporalio import workflow

from workflows.agenda import Task, Wanted
from workflows.context import CaseContext
from workflows.objections import held_from

with workflow.unsafe.imports_passed_through():
    from domain import commands as c
    from domain import rules as r
    from domain.calendar import add_years
    from domain.models import ControlMeasure
    from domain.rules import MONEY_KINDS, AssetKind, control_max_years
    from workflows.messages import AssetView, CaseView

MEASURE = {AssetKind.VEHICLE: ControlMeasure.SEIZE, AssetKind.MOVABLE: ControlMeasure.SEIZE,
           AssetKind.REAL_ESTATE: ControlMeasure.SEAL, AssetKind.OTHER_RIGHT: ControlMeasure.SEAL}
"""Deposits, funds, securities, equity and insurance are frozen (冻结); movables seized (扣押);
real estate and other rights sealed (查封)."""


def controlled_value(view: CaseView) -> Decimal:
    return sum((a.amount - a.transferred for a in view.assets
                if a.control in ("active", "queued")), Decimal("0.00"))


def is_money(asset: AssetView) -> bool:
    return AssetKind(asset.kind) in MONEY_KINDS


def _controllable(view: CaseView, a: AssetView) -> bool:
    """Never controlled, or its control lapsed unrenewed (``record_control_lapse``): a lapsed
    asset may be controlled again (查封规定 art.27), and until it is it bars 终本. No recorded
    history holds a lapse (no door sent one before), so none replays differently."""
    return a.control in ("none", "lapsed") and not a.exempt and not a.necessary_home \
        and a.value > 0


def plan(ctx: CaseContext) -> None:
    view = ctx.case
    open_case = not ctx.closed
    control: Wanted = {}
    if open_case and view.outstanding > controlled_value(view):
        for a in view.assets:
            if _controllable(view, a):
                control[a.asset_id] = (ctx.at(a.found_on), True)
    ctx.agenda.sync("control", control)
    transfer: Wanted = {}
    renew: Wanted = {}
    for a in view.assets:
        if not open_case or a.control != "active":
            continue
        garnished = view.garnishment(a.asset_id) is not None  # remitted monthly (§11)
        if is_money(a) and a.amount > a.transferred and view.outstanding > 0 and a.effective_on \
                and not garnished:
            when = held_from(a, a.effective_on + timedelta(days=ctx.policy.transfer_after_days))
            if when is not None:  # a claim to the deposit holds its transfer (§7)
                transfer[a.asset_id] = (ctx.at(when), True)
        if a.expires_on is not None:
            lead = ctx.policy.renewal_lead_days or view.renewal_lead_days
            renew[f"{a.asset_id}@{a.expires_on.isoformat()}"] = (
                ctx.at(a.expires_on - timedelta(days=lead)), False)
    ctx.agenda.sync("transfer", transfer)
    ctx.agenda.sync("renew", renew)


async def control(ctx: CaseContext, task: Task) -> None:
    """Freeze a specific amount, or seize/seal the asset, for the kind's maximum period
    (民诉法解释 art.485); never clearly beyond the balance (查封规定 art.19)."""
    view = ctx.case
    a = view.asset(task.key)
    if a is None or not _controllable(view, a):
        return
    kind = AssetKind(a.kind)
    remaining = view.outstanding - controlled_value(view)
    if remaining <= 0:
        return
    allowance = view.minimum_living_allowance if kind is AssetKind.WAGES else None
    value = a.value - (allowance or Decimal("0.00"))
    amount = value if a.indivisible and not is_money(a) else min(value, remaining)
    if amount <= 0:
        return
    today = ctx.today()
    await ctx.attempt(c.ControlAsset(
        **ctx.envelope(f"control:{a.asset_id}:{ctx.count('control:' + a.asset_id)}",
                       basis=f"{r.SRC_CONTROL_PERIOD}; {r.SRC_OVER_SEIZURE}"),
        asset_id=a.asset_id, measure=MEASURE.get(kind, ControlMeasure.FREEZE), amount=amount,
        effective_on=today, expires_on=add_years(today, control_max_years(kind)),
        living_allowance=allowance))


async def transfer(ctx: CaseContext, task: Task) -> None:
    """Transfer frozen deposits to the court's account (划拨), up to the balance."""
    view = ctx.case
    a = view.asset(task.key)
    if a is None or a.control != "active" or not is_money(a):
        return
    amount = min(a.amount - a.transferred, view.outstanding)
    if amount <= 0:
        return
    await ctx.attempt(c.TransferDeposit(
        **ctx.envelope(f"transfer:{a.asset_id}:{ctx.count('transfer:' + a.asset_id)}",
                       basis=r.SRC_DEPOSIT_TRANSFER),
        asset_id=a.asset_id, amount=amount, transferred_on=ctx.today()))


async def renew(ctx: CaseContext, task: Task) -> None:
    """Renew a control before it expires, for another maximum period (续封, 查封规定 art.27)."""
    asset_id = task.key.split("@", 1)[0]
    a = ctx.case.asset(asset_id)
    if a is None or a.control != "active" or a.expires_on is None:
        return
    expires = add_years(a.expires_on, control_max_years(AssetKind(a.kind)))
    await ctx.attempt(c.RenewControl(**ctx.envelope(f"renew:{task.key}",
                                                    basis=r.SRC_CONTROL_LAPSE),
                                     asset_id=asset_id, renewed_on=ctx.today(),
                                     expires_on=expires))


async def release_all(ctx: CaseContext, step: str, reason: str) -> None:
    """Release every control still in force (before the case closes)."""
    for a in ctx.case.assets:
        if a.control in ("active", "queued"):
            await ctx.attempt(c.ReleaseControl(**ctx.envelope(f"{step}:release:{a.asset_id}"),
                                               asset_id=a.asset_id, released_on=ctx.today(),
                                               reason=reason))
