"""Freezing, seizure and sealing: periods, renewal, lapse, queue, release, deposit transfer."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from domain import commands as c
from domain import events as ev
from domain import rules as r
from domain.calendar import add_years
from domain.models import FundsSource, ObjectedAct
from domain.objections import check_disposal
from domain.rules import MONEY_KINDS, AssetKind
from domain.state import CaseState, ControlStatus

from . import Context, Pending, decides
from .common import asset_of, require
from .objections import check_revocation


@decides(c.ControlAsset)
def control_asset(s: CaseState, cmd: c.ControlAsset, ctx: Context) -> list[Pending]:
    a = asset_of(s, cmd.asset_id)
    kind = a.finding.kind
    require(a.control in (ControlStatus.NONE, ControlStatus.LAPSED, ControlStatus.RELEASED),
            "control.already_controlled", f"asset {cmd.asset_id!r} is already under control "
            "or disposed of", r.SRC_ENGINE)
    require(not a.finding.exempt, "control.exempt_property",
            "necessities and living costs of the debtor and dependants are exempt", r.SRC_EXEMPT)
    require(cmd.amount <= a.finding.value, "control.amount_exceeds_asset",
            f"{cmd.amount} exceeds the asset's value {a.finding.value}", r.SRC_OVER_SEIZURE)
    _check_period(kind, cmd.effective_on, cmd.expires_on)
    _check_over_seizure(s, kind, cmd.amount, a.finding.indivisible, cmd.effective_on)
    if kind is AssetKind.WAGES:
        allowance = cmd.living_allowance
        require(allowance is not None and allowance >= ctx.rules.minimum_living_allowance,
                "control.living_allowance_too_low", "a wage garnishment leaves the debtor at "
                f"least the local living standard ({ctx.rules.minimum_living_allowance}/month)",
                r.SRC_LIVING_COSTS)
        assert allowance is not None
        require(cmd.amount <= a.finding.value - allowance, "control.living_allowance_too_low",
                "the garnished amount must leave the living allowance", r.SRC_LIVING_COSTS)
    queued = cmd.queue_position > 0
    controlled: list[Pending] = [(ev.AssetControlled, {
        "asset_id": cmd.asset_id, "measure": cmd.measure, "amount": cmd.amount,
        "effective_on": None if queued else cmd.effective_on,
        "expires_on": None if queued else cmd.expires_on,
        "queue_position": cmd.queue_position, "living_allowance": cmd.living_allowance})]
    if kind is AssetKind.WAGES and not queued:  # a standing order to the employer (§11)
        controlled.append((ev.GarnishmentOrdered, {
            "asset_id": cmd.asset_id, "garnishee": a.finding.description,
            "monthly_income": a.finding.value, "allowance": cmd.living_allowance,
            "ordered_on": cmd.effective_on}))
    return controlled


def _check_period(kind: AssetKind, start: date, end: date) -> None:
    years = r.control_max_years(kind)
    require(end > start, "control.period_empty", "the control must end after it starts",
            r.SRC_CONTROL_PERIOD)
    require(end <= add_years(start, years), "control.period_exceeds_maximum",
            f"a {kind.value} may be controlled for at most {years} year(s) at a time "
            f"(until {add_years(start, years)})", r.SRC_CONTROL_PERIOD)


def _check_over_seizure(s: CaseState, kind: AssetKind, amount: Decimal,
                        indivisible: bool, on: date) -> None:
    """No clear over-seizure (查封规定 art.19; 民诉法 art.253).

    Only controls in effect on ``on`` count: a queued seizure secures nothing until it takes
    effect (查封规定 art.26), an expired one has lapsed (查封规定 art.27). Money and divisible
    property are controlled up to the part of the balance not yet covered; an indivisible asset
    may exceed it.
    """
    outstanding = s.outstanding
    covered = sum((a.amount - a.transferred for a in s.assets.values()
                   if a.control is ControlStatus.ACTIVE
                   and (a.expires_on is None or a.expires_on >= on)), Decimal("0.00"))
    require(covered < outstanding, "control.over_seizure",
            f"property worth {covered} already covers the balance {outstanding}",
            r.SRC_OVER_SEIZURE)
    if kind in MONEY_KINDS or not indivisible:
        require(amount <= outstanding - covered, "control.over_seizure",
                f"{amount} clearly exceeds the {outstanding - covered} of the balance "
                f"{outstanding} not yet covered; freeze a specific amount or control only part "
                "of a divisible asset", r.SRC_OVER_SEIZURE)


@decides(c.RenewControl)
def renew(s: CaseState, cmd: c.RenewControl, ctx: Context) -> list[Pending]:
    a = asset_of(s, cmd.asset_id)
    require(a.control is ControlStatus.ACTIVE and a.expires_on is not None,
            "control.not_active", "only an effective control can be renewed", r.SRC_CONTROL_LAPSE)
    assert a.expires_on is not None
    require(cmd.renewed_on <= a.expires_on, "control.renewal_after_expiry",
            f"the control expired on {a.expires_on}; it lapsed and cannot be renewed",
            r.SRC_CONTROL_LAPSE)
    require(cmd.expires_on > a.expires_on, "control.period_empty",
            "a renewal must extend the expiry", r.SRC_CONTROL_PERIOD)
    _check_period(a.finding.kind, a.expires_on, cmd.expires_on)
    return [(ev.ControlRenewed, {"asset_id": cmd.asset_id, "renewed_on": cmd.renewed_on,
                                 "expires_on": cmd.expires_on})]


@decides(c.RecordControlLapse)
def lapse(s: CaseState, cmd: c.RecordControlLapse, ctx: Context) -> list[Pending]:
    a = asset_of(s, cmd.asset_id)
    require(a.control is ControlStatus.ACTIVE and a.expires_on is not None
            and cmd.lapsed_on > a.expires_on, "control.not_expired",
            "a control lapses only after its expiry without renewal", r.SRC_CONTROL_LAPSE)
    return [(ev.ControlLapsed, {"asset_id": cmd.asset_id, "lapsed_on": cmd.lapsed_on})]


@decides(c.ReleaseControl)
def release(s: CaseState, cmd: c.ReleaseControl, ctx: Context) -> list[Pending]:
    a = asset_of(s, cmd.asset_id)
    require(a.under_control, "control.not_active", "the asset is not under control",
            r.SRC_ENGINE)
    if cmd.objection_id is not None:  # carries out a ruling (docs/rules.md §7)
        check_revocation(s, cmd.objection_id, ObjectedAct.CONTROL, cmd.asset_id,
                         cmd.released_on, ctx)
    return [(ev.ControlReleased, {"asset_id": cmd.asset_id, "released_on": cmd.released_on,
                                  "reason": cmd.reason, "objection_id": cmd.objection_id})]


@decides(c.AdvanceQueue)
def advance_queue(s: CaseState, cmd: c.AdvanceQueue, ctx: Context) -> list[Pending]:
    a = asset_of(s, cmd.asset_id)
    require(a.control is ControlStatus.QUEUED, "control.not_queued",
            "only a queued seizure advances in the queue", r.SRC_QUEUED_SEIZURE)
    position = a.queue_position - 1
    expires = None
    if position == 0:
        require(cmd.expires_on is not None, "control.expiry_required",
                "a queued seizure taking effect needs its expiry date", r.SRC_CONTROL_PERIOD)
        assert cmd.expires_on is not None
        _check_period(a.finding.kind, cmd.advanced_on, cmd.expires_on)
        expires = cmd.expires_on
    return [(ev.QueueAdvanced, {"asset_id": cmd.asset_id, "advanced_on": cmd.advanced_on,
                                "queue_position": position,
                                "effective_on": cmd.advanced_on if position == 0 else None,
                                "expires_on": expires})]


@decides(c.AdjustLivingAllowance)
def adjust_allowance(s: CaseState, cmd: c.AdjustLivingAllowance, ctx: Context
                     ) -> list[Pending]:
    a = asset_of(s, cmd.asset_id)
    require(a.finding.kind is AssetKind.WAGES and a.control is ControlStatus.ACTIVE,
            "control.not_wages", "a living allowance belongs to an active wage garnishment",
            r.SRC_LIVING_COSTS)
    order = s.garnishments.get(cmd.asset_id)
    require(order is None or order.status == "active", "garnishment.not_standing",
            "the standing order to the garnishee has ended: no allowance to change",
            r.SRC_GARNISHMENT)
    require(cmd.allowance < a.finding.value, "control.allowance_exceeds_income",
            f"an allowance of {cmd.allowance} leaves nothing of {a.finding.value} to garnish: "
            "release the garnishment instead", r.SRC_LIVING_COSTS)
    require(cmd.allowance >= ctx.rules.minimum_living_allowance,
            "control.living_allowance_too_low",
            f"the allowance may not fall below {ctx.rules.minimum_living_allowance}",
            r.SRC_LIVING_COSTS)
    return [(ev.LivingAllowanceAdjusted, {"asset_id": cmd.asset_id, "allowance": cmd.allowance,
                                          "panel_decision": cmd.panel_decision,
                                          "decided_on": cmd.decided_on})]


@decides(c.TransferDeposit)
def transfer_deposit(s: CaseState, cmd: c.TransferDeposit, ctx: Context) -> list[Pending]:
    a = asset_of(s, cmd.asset_id)
    require(a.finding.kind in MONEY_KINDS, "transfer.not_money",
            "only deposits and similar funds are transferred directly", r.SRC_DEPOSIT_TRANSFER)
    check_disposal(s, cmd.asset_id, cmd.transferred_on, ctx.calendar)  # docs/rules.md §7
    require(cmd.asset_id not in s.garnishments, "transfer.standing_order",
            "garnished income is remitted monthly by the garnishee, not transferred at once",
            r.SRC_GARNISHMENT)
    require(a.control is ControlStatus.ACTIVE, "transfer.not_frozen",
            "only an effective freeze of ours can be transferred (a queued one waits)",
            r.SRC_QUEUED_SEIZURE)
    require(a.expires_on is None or cmd.transferred_on <= a.expires_on, "transfer.control_expired",
            f"the freeze expired on {a.expires_on} and lapsed", r.SRC_CONTROL_LAPSE)
    require(cmd.amount <= a.amount - a.transferred, "transfer.exceeds_frozen",
            f"only {a.amount - a.transferred} remains frozen", r.SRC_DEPOSIT_TRANSFER)
    require(cmd.amount <= s.outstanding, "transfer.exceeds_balance",
            f"the balance is {s.outstanding}", r.SRC_OVER_SEIZURE)
    due = ctx.calendar.period_end(cmd.transferred_on, r.PAYOUT_DAYS)
    return [(ev.DepositTransferred, {"asset_id": cmd.asset_id, "amount": cmd.amount,
                                     "transferred_on": cmd.transferred_on}),
            (ev.FundsReceived, {"amount": cmd.amount, "received_on": cmd.transferred_on,
                                "source": FundsSource.DEPOSIT_TRANSFER, "payout_due_on": due})]


@decides(c.RecordGarnisheeStopped)
def garnishee_stopped(s: CaseState, cmd: c.RecordGarnisheeStopped, ctx: Context
                      ) -> list[Pending]:
    """The garnishee pays the income no more (the debtor left the job): the standing order
    remits nothing further; its control stays until released (docs/rules.md §11)."""
    order = s.garnishments.get(cmd.asset_id)
    require(order is not None, "garnishment.no_order",
            f"no standing order garnishes {cmd.asset_id!r}", r.SRC_GARNISHMENT)
    assert order is not None
    require(order.status == "active", "garnishment.not_standing",
            f"the standing order on {cmd.asset_id!r} already {order.status} on {order.ended_on}",
            r.SRC_GARNISHMENT)
    require(cmd.stopped_on >= order.ordered_on, "garnishment.before_order",
            f"the order stands from {order.ordered_on}", r.SRC_GARNISHMENT)
    return [(ev.GarnisheeStopped, {"asset_id": cmd.asset_id, "stopped_on": cmd.stopped_on,
                                   "reason": cmd.reason})]
