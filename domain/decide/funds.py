"""Case funds (receipt and payout) and settlement (执行和解)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from domain import commands as c
from domain import events as ev
from domain import rules as r
from domain.models import (
    NO_PAYOUT_SOURCES,
    SURPLUS_SOURCES,
    Allocation,
    ClosureMode,
    EndingGround,
    FundsSource,
    PayeeKind,
    SettlementChoice,
)
from domain.models import SuspensionReason as Why
from domain.state import ZERO, CaseState, month_of

from . import Context, Pending, decides
from .common import require


def split_evenly(amount: Decimal, payees: list[str]) -> list[tuple[str, Decimal]]:
    """``amount`` in equal shares to the fen; the fen left over goes one each to the first
    payees in the order they were filed, so the shares add up to ``amount`` exactly
    (docs/rules.md §1.7)."""
    fen = int((amount * 100).to_integral_value())
    each, extra = divmod(fen, len(payees))
    return [(name, Decimal(each + (1 if i < extra else 0)) / 100)
            for i, name in enumerate(payees)]


def allocate(s: CaseState, amount: Decimal, source: FundsSource, due: date | None
             ) -> list[Allocation]:
    """A receipt's parts by payee: the applicants up to their balance, then the enforcement fee,
    then what is left back to the debtor (docs/rules.md §1.7)."""
    to_applicants = min(amount, s.outstanding)
    to_court = min(amount - to_applicants, s.fee_outstanding)
    excess = amount - to_applicants - to_court
    parts = [Allocation(payee_kind=PayeeKind.APPLICANT, payee=name, amount=share, due_on=due)
             for name, share in split_evenly(to_applicants, [p.name for p in s.applicants])
             if share > 0]
    if to_court > 0:
        parts.append(Allocation(payee_kind=PayeeKind.COURT_FEE, amount=to_court, due_on=due))
    if excess > 0:
        debtor = s.respondents[0].name if len(s.respondents) == 1 else None
        parts.append(Allocation(payee_kind=PayeeKind.DEBTOR_REFUND, payee=debtor,
                                amount=excess, due_on=due))
    return parts


@decides(c.RecordFundsReceived)
def funds_received(s: CaseState, cmd: c.RecordFundsReceived, ctx: Context) -> list[Pending]:
    _within_balance(s, cmd.amount, cmd.source, "funds.exceed_balance", r.SRC_ENGINE)
    if cmd.source is FundsSource.GARNISHEE_REMITTANCE or cmd.asset_id is not None:
        check_remittance(s, cmd)
    received, fields = _received(s, cmd.amount, cmd.received_on, cmd.source, cmd.payer, ctx)
    out: list[Pending] = [(received, fields | (
        {"asset_id": cmd.asset_id} if cmd.asset_id is not None else {}))]
    if cmd.asset_id is not None and cmd.amount == s.outstanding:
        out.append((ev.ControlReleased, {  # paid in full: the standing order is lifted
            "asset_id": cmd.asset_id, "released_on": cmd.received_on,
            "reason": "paid in full: the standing order to the garnishee is lifted (§11)"}))
    return out


@decides(c.ClaimReceipt)
def claim_receipt(s: CaseState, cmd: c.ClaimReceipt, ctx: Context) -> list[Pending]:
    """A suspense receipt claimed whole into the case, received on the day it arrived at the
    court, from its payer (docs/rules.md §10); the account's side is checked by the store."""
    held = ctx.receipt
    require(held is not None and held.receipt_id == cmd.receipt_id, "suspense.unknown_receipt",
            f"no receipt {cmd.receipt_id!r} is held on the court's suspense account",
            r.SRC_SUSPENSE)
    assert held is not None
    require(held.received_on <= cmd.claimed_on, "date.before_receipt",
            f"claimed_on {cmd.claimed_on} is before the money arrived on {held.received_on}",
            r.SRC_ENGINE)
    _within_balance(s, held.amount, cmd.source, "suspense.exceeds_balance",
                    f"{r.SRC_SUSPENSE}; {r.SRC_ENGINE}")
    received, fields = _received(s, held.amount, held.received_on, cmd.source, held.payer, ctx)
    return [(received, fields | {"receipt_id": held.receipt_id})]


def _within_balance(s: CaseState, amount: Decimal, source: FundsSource, code: str,
                    source_of_rule: str) -> None:
    """A receipt brings at most what is owed: the balance (plus the fee still due, unless it
    went to the applicant directly); a price is received whole (docs/rules.md §1.7)."""
    if source in SURPLUS_SOURCES:
        return  # a price is received whole: the surplus is the debtor's (docs/rules.md §1.7)
    if source in NO_PAYOUT_SOURCES:
        require(amount <= s.outstanding, code,
                f"{amount} exceeds the outstanding balance {s.outstanding}", source_of_rule)
        return
    owed = s.outstanding + s.fee_outstanding
    require(amount <= owed, code, f"{amount} exceeds the outstanding balance {s.outstanding} "
            f"and the enforcement fee still due {s.fee_outstanding}", source_of_rule)


def _received(s: CaseState, amount: Decimal, received_on: date, source: FundsSource,
              payer: str | None, ctx: Context) -> Pending:
    due = None if source in NO_PAYOUT_SOURCES else \
        ctx.calendar.period_end(received_on, r.PAYOUT_DAYS)
    return (ev.FundsReceived, {"amount": amount, "received_on": received_on, "source": source,
                               "payout_due_on": due, "payer": payer,
                               "allocations": tuple(allocate(s, amount, source, due))})


def check_remittance(s: CaseState, cmd: c.RecordFundsReceived) -> None:
    """A garnishee's remittance: under a standing order in force, at most the month's income
    less the allowance then in force, and at most the applicants' balance (the order garnishes
    for the balance, as every control does; docs/rules.md §11)."""
    require(cmd.source is FundsSource.GARNISHEE_REMITTANCE and cmd.asset_id is not None,
            "garnishment.remittance_unnamed", "a garnishee's remittance names the garnished "
            "income (asset_id) and only it does", r.SRC_GARNISHMENT)
    assert cmd.asset_id is not None
    order = s.garnishments.get(cmd.asset_id)
    require(order is not None, "garnishment.no_order",
            f"no standing order garnishes {cmd.asset_id!r}", r.SRC_GARNISHMENT)
    assert order is not None
    require(order.status == "active", "garnishment.not_standing",
            f"the standing order on {cmd.asset_id!r} {order.status} on {order.ended_on}: "
            "no remittance is due under it", r.SRC_GARNISHMENT)
    require(cmd.received_on >= order.ordered_on, "garnishment.before_order",
            f"the order stands from {order.ordered_on}", r.SRC_GARNISHMENT)
    require(cmd.amount <= s.outstanding, "garnishment.exceeds_balance",
            f"{cmd.amount} exceeds the balance {s.outstanding} the order garnishes for",
            r.SRC_GARNISHMENT)
    month = month_of(cmd.received_on)
    left = order.remittable(month) - order.remittances.get(month, ZERO)
    require(cmd.amount <= left, "garnishment.exceeds_remittable",
            f"{cmd.amount} exceeds the {left} left to remit for {month}: the income "
            f"{order.monthly_income} less the allowance {order.allowance_for(month)}",
            r.SRC_GARNISHMENT)


def _payee(s: CaseState, cmd: c.PayOut) -> tuple[PayeeKind, str | None]:
    """The payout's payee, checked against the parties (docs/rules.md §1.7)."""
    kind = cmd.payee_kind or PayeeKind.APPLICANT
    if cmd.payee is not None:
        parties = {PayeeKind.APPLICANT: s.applicants, PayeeKind.DEBTOR_REFUND: s.respondents,
                   PayeeKind.COURT_FEE: ()}[kind]
        require(any(p.name == cmd.payee for p in parties), "payout.unknown_payee",
                f"{cmd.payee} is not a party the case owes {kind.value} money to", r.SRC_LEDGER)
    if kind is PayeeKind.DEBTOR_REFUND:
        require(bool(s.held(kind, cmd.payee)), "payout.refund_not_excess",
                "only money received beyond the claim and the enforcement fee is refunded "
                "to the debtor; the case holds none", r.SRC_REFUND)
    return kind, cmd.payee


@decides(c.JoinDistribution)
def join_distribution(s: CaseState, cmd: c.JoinDistribution, ctx: Context) -> list[Pending]:
    """The case joins a 参与分配 plan against one of its debtors with at most what it is
    still owed (docs/rules.md §12)."""
    require(any(p.name == cmd.debtor for p in s.respondents), "distribution.not_the_debtor",
            f"{cmd.debtor} is not a respondent of this case", r.SRC_DISTRIBUTION_JOIN)
    require(cmd.plan_number not in s.distributions, "distribution.already_joined",
            f"the case has already joined plan {cmd.plan_number}", r.SRC_DISTRIBUTION_JOIN)
    owed = s.outstanding + s.fee_outstanding
    require(cmd.claim <= owed, "distribution.claim_exceeds_balance",
            f"the claim {cmd.claim} exceeds what the case is still owed ({owed})",
            r.SRC_DISTRIBUTION_JOIN)
    return [(ev.DistributionJoined, {"plan_number": cmd.plan_number, "debtor": cmd.debtor,
                                     "claim": cmd.claim, "claim_class": cmd.claim_class,
                                     "joined_on": cmd.joined_on})]


@decides(c.LeaveDistribution)
def leave_distribution(s: CaseState, cmd: c.LeaveDistribution, ctx: Context) -> list[Pending]:
    link = s.distributions.get(cmd.plan_number)
    require(link is not None, "distribution.not_joined",
            f"the case has not joined plan {cmd.plan_number}", r.SRC_DISTRIBUTION_JOIN)
    assert link is not None
    require(link.open, "distribution.already_left",
            f"plan {cmd.plan_number} was done with the case on {link.left_on}",
            r.SRC_DISTRIBUTION_ORDER)
    return [(ev.DistributionLeft, {"plan_number": cmd.plan_number, "left_on": cmd.left_on})]


def _share(s: CaseState, cmd: c.PayOut, plan: str) -> list[Pending]:
    """The case's share of a plan: it arrives on the ledger split by payee and is paid out to
    each at once, linked to the plan (docs/rules.md §12)."""
    link = s.distributions.get(plan)
    require(link is not None, "distribution.not_joined",
            f"the case has not joined plan {plan}", r.SRC_DISTRIBUTION_JOIN)
    share_of = cmd.share_of or "final"
    assert link is not None
    require(share_of not in link.paid, "distribution.share_already_paid",
            f"the {share_of} share of plan {plan} was paid ({link.paid.get(share_of)})",
            r.SRC_DISTRIBUTION_ORDER)
    owed = s.outstanding + s.fee_outstanding
    require(cmd.amount <= owed, "funds.exceed_balance",
            f"{cmd.amount} exceeds the outstanding balance {s.outstanding} and the "
            f"enforcement fee still due {s.fee_outstanding}", r.SRC_ENGINE)
    parts = allocate(s, cmd.amount, FundsSource.DISTRIBUTION, cmd.paid_on)
    out: list[Pending] = [(ev.FundsReceived, {
        "amount": cmd.amount, "received_on": cmd.paid_on, "source": FundsSource.DISTRIBUTION,
        "payout_due_on": cmd.paid_on, "payer": f"参与分配 {plan}",
        "allocations": tuple(parts)})]
    out += [(ev.FundsPaidOut, {"amount": p.amount, "paid_on": cmd.paid_on, "late": False,
                               "payee_kind": p.payee_kind, "payee": p.payee}) for p in parts]
    out.append((ev.DistributionSharePaid, {"plan_number": plan, "share_of": share_of,
                                           "amount": cmd.amount, "paid_on": cmd.paid_on}))
    return out


@decides(c.PayOut)
def pay_out(s: CaseState, cmd: c.PayOut, ctx: Context) -> list[Pending]:
    if cmd.plan_number is not None:
        return _share(s, cmd, cmd.plan_number)
    kind, payee = _payee(s, cmd)
    entries = s.held(kind, payee, on=cmd.paid_on)
    for plan, link in s.distributions.items():
        require(not link.open or all(x.received_on < link.joined_on for x in entries),
                "payout.held_for_distribution",
                f"money received since the case joined plan {plan} on {link.joined_on} is "
                "distributed under the plan: pay it out with the plan's number",
                r.SRC_DISTRIBUTION_ORDER)
    held = sum((x.unpaid for x in entries), ZERO)
    require(cmd.amount <= held, "payout.exceeds_funds",
            f"only {held} was held for {kind.value}{' ' + payee if payee else ''} "
            f"on {cmd.paid_on}", r.SRC_PAYOUT)
    oldest_due = min((x.due_on for x in s.held(kind, payee) if x.due_on), default=None)
    late = oldest_due is not None and cmd.paid_on > oldest_due
    paid: dict[str, object] = {"amount": cmd.amount, "paid_on": cmd.paid_on, "late": late}
    if cmd.payee_kind is not None:
        paid |= {"payee_kind": kind, "payee": payee}
    return [(ev.FundsPaidOut, paid)]


@decides(c.ReachSettlement)
def reach(s: CaseState, cmd: c.ReachSettlement, ctx: Context) -> list[Pending]:
    require(s.settlement_status != "reached", "settlement.already_open",
            "a settlement is already being performed", r.SRC_SETTLEMENT)
    require(cmd.due_on >= cmd.reached_on, "settlement.due_before_reached",
            "performance is due after the agreement", r.SRC_SETTLEMENT)
    return [(ev.SettlementReached, {"reached_on": cmd.reached_on, "amount": cmd.amount,
                                    "due_on": cmd.due_on, "terms": cmd.terms}),
            (ev.EnforcementSuspended, {"suspended_on": cmd.reached_on,
                                       "reason": Why.SETTLEMENT})]


def _open_settlement(s: CaseState) -> None:
    require(s.settlement_status == "reached", "settlement.none_open",
            "no settlement is being performed", r.SRC_SETTLEMENT)


@decides(c.RecordSettlementPayment)
def settlement_payment(s: CaseState, cmd: c.RecordSettlementPayment, ctx: Context
                       ) -> list[Pending]:
    _open_settlement(s)
    left = s.settlement_amount - s.settlement_paid
    require(cmd.amount <= left, "settlement.overpaid", f"only {left} remains under the "
            "settlement", r.SRC_SETTLEMENT)
    require(cmd.amount <= s.outstanding, "funds.exceed_balance",
            f"{cmd.amount} exceeds the outstanding balance {s.outstanding}", r.SRC_ENGINE)
    return [(ev.SettlementPaymentRecorded, {"amount": cmd.amount, "paid_on": cmd.paid_on})]


@decides(c.RecordSettlementPerformed)
def settlement_performed(s: CaseState, cmd: c.RecordSettlementPerformed, ctx: Context
                         ) -> list[Pending]:
    _open_settlement(s)
    require(s.settlement_paid >= s.settlement_amount, "settlement.not_fully_performed",
            f"{s.settlement_paid} of {s.settlement_amount} has been performed", r.SRC_SETTLEMENT)
    out: list[Pending] = [(ev.SettlementPerformed, {"performed_on": cmd.performed_on})]
    if s.outstanding > 0:  # the agreement asked less than the balance: the rest is given up
        out.append((ev.DebtWaived, {
            "amount": s.outstanding, "waived_on": cmd.performed_on,
            "reason": "settlement performed for less than the balance (和解规定 arts.8, 17)"}))
    return out


@decides(c.RecordSettlementDefault)
def settlement_default(s: CaseState, cmd: c.RecordSettlementDefault, ctx: Context
                       ) -> list[Pending]:
    """The applicant resumes the original enforcement or sues on the settlement, never both;
    what was performed is deducted (和解规定 arts.9, 13, 17)."""
    require(s.settlement_status != "defaulted", "settlement.choice_made",
            f"the applicant already chose {s.settlement_choice.value if s.settlement_choice else ''}"
            " after the default: resumption or a suit, never both", r.SRC_SETTLEMENT_DEFAULT)
    _open_settlement(s)
    defaulted: Pending = (ev.SettlementDefaulted, {"defaulted_on": cmd.defaulted_on,
                                                   "choice": cmd.choice})
    if cmd.choice is SettlementChoice.RESUME:
        return [defaulted, (ev.SettlementResumed, {"resumed_on": cmd.defaulted_on,
                                                   "deducted": s.settlement_paid})]
    require(s.undisbursed == 0, "closure.funds_unpaid",
            f"{s.undisbursed} must be paid out before the case closes", r.SRC_PAYOUT)
    return [defaulted, (ev.CaseClosed, {
        "mode": ClosureMode.ENDED, "closed_on": cmd.defaulted_on,
        "ground": EndingGround.APPLICANT_SUED_ON_SETTLEMENT,
        "reason": "applicant chose to sue on the settlement agreement (和解规定 art.9)"})]
