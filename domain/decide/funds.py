"""Case funds (receipt and payout) and settlement (执行和解)."""

from __future__ import annotations

from domain import commands as c
from domain import events as ev
from domain import rules as r
from domain.models import NO_PAYOUT_SOURCES, ClosureMode, EndingGround, SettlementChoice
from domain.models import SuspensionReason as Why
from domain.state import ZERO, CaseState

from . import Context, Pending, decides
from .common import require


@decides(c.RecordFundsReceived)
def funds_received(s: CaseState, cmd: c.RecordFundsReceived, ctx: Context) -> list[Pending]:
    require(cmd.amount <= s.outstanding, "funds.exceed_balance",
            f"{cmd.amount} exceeds the outstanding balance {s.outstanding}", r.SRC_ENGINE)
    due = None if cmd.source in NO_PAYOUT_SOURCES else \
        ctx.calendar.period_end(cmd.received_on, r.PAYOUT_DAYS)
    return [(ev.FundsReceived, {"amount": cmd.amount, "received_on": cmd.received_on,
                                "source": cmd.source, "payout_due_on": due})]


@decides(c.PayOut)
def pay_out(s: CaseState, cmd: c.PayOut, ctx: Context) -> list[Pending]:
    held = sum((x.unpaid for x in s.receipts if x.received_on <= cmd.paid_on), ZERO)
    require(cmd.amount <= held, "payout.exceeds_funds",
            f"only {held} was held for payout on {cmd.paid_on}", r.SRC_PAYOUT)
    oldest_due = min((x.due_on for x in s.receipts if x.due_on), default=None)
    late = oldest_due is not None and cmd.paid_on > oldest_due
    return [(ev.FundsPaidOut, {"amount": cmd.amount, "paid_on": cmd.paid_on, "late": late})]


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
    return [(ev.SettlementPerformed, {"performed_on": cmd.performed_on})]


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
