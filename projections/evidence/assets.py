"""Handlers for property, money and settlement events (see ``projections.evidence``)."""

from __future__ import annotations

from domain import events as ev
from domain.calendar import legal_date
from domain.models import PayeeKind
from projections.evidence.objections import revoked
from projections.evidence.registry import Step, end_periods, handles, no_payout, payout_due
from projections.facts import ZERO, AssetFact, CaseFacts, PayeeEntryFact, PeriodFact, ReceiptFact


def asset(f: CaseFacts, asset_id: str) -> AssetFact:
    """The asset, created bare if the log never recorded its finding (legacy)."""
    return f.assets.setdefault(asset_id, AssetFact(asset_id=asset_id))


# --- control --------------------------------------------------------------------------------

@handles(ev.AssetControlled)
def controlled(f: CaseFacts, e: ev.AssetControlled, s: Step) -> None:
    a = asset(f, e.asset_id)
    a.control = "queued" if e.queue_position else "active"
    a.measure, a.amount, a.queue_position = e.measure.value, e.amount, e.queue_position
    a.effective_on, a.expires_on, a.ended_on = e.effective_on, e.expires_on, None
    a.transferred = a.transferred * 0


@handles(ev.ControlRenewed)
def renewed(f: CaseFacts, e: ev.ControlRenewed, s: Step) -> None:
    a = asset(f, e.asset_id)
    a.expires_on, a.renewals = e.expires_on, a.renewals + 1


@handles(ev.ControlLapsed)
def lapsed(f: CaseFacts, e: ev.ControlLapsed, s: Step) -> None:
    a = asset(f, e.asset_id)
    a.control, a.ended_on = "lapsed", e.lapsed_on


@handles(ev.ControlReleased)
def released(f: CaseFacts, e: ev.ControlReleased, s: Step) -> None:
    a = asset(f, e.asset_id)
    a.control, a.ended_on = "released", e.released_on
    revoked(f, e.objection_id, e.released_on)  # released on an objection (docs/rules.md §7)


@handles(ev.QueueAdvanced)
def queue_advanced(f: CaseFacts, e: ev.QueueAdvanced, s: Step) -> None:
    a = asset(f, e.asset_id)
    a.queue_position = e.queue_position
    if e.queue_position == 0:
        a.control, a.effective_on, a.expires_on = "active", e.effective_on, e.expires_on


@handles(ev.DepositTransferred)
def transferred(f: CaseFacts, e: ev.DepositTransferred, s: Step) -> None:
    a = asset(f, e.asset_id)
    a.transferred += e.amount
    if a.transferred >= a.amount:
        a.control, a.disposed_how, a.ended_on = "disposed", "transferred", e.transferred_on


# --- valuation and disposal -------------------------------------------------------------------

@handles(ev.ReferencePriceSet)
def reference_price(f: CaseFacts, e: ev.ReferencePriceSet, s: Step) -> None:
    f.periods.append(PeriodFact(kind="valuation", key=e.asset_id, start=e.requested_on,
                                end=max(e.determined_on, e.requested_on)))


@handles(ev.AuctionAnnounced)
def auction_announced(f: CaseFacts, e: ev.AuctionAnnounced, s: Step) -> None:
    asset(f, e.asset_id).rounds += 1
    end_periods(f, "auction", e.announced_on, e.asset_id)
    f.periods.append(PeriodFact(kind="auction", key=e.asset_id, start=e.announced_on))


@handles(ev.AuctionSold)
def auction_sold(f: CaseFacts, e: ev.AuctionSold, s: Step) -> None:
    a = asset(f, e.asset_id)
    a.control, a.disposed_how, a.ended_on = "disposed", "auction", legal_date(e.closed_at)
    end_periods(f, "auction", legal_date(e.closed_at), e.asset_id)


@handles(ev.AuctionFailed)
def auction_failed(f: CaseFacts, e: ev.AuctionFailed, s: Step) -> None:
    asset(f, e.asset_id).failed_rounds += 1
    end_periods(f, "auction", legal_date(e.closed_at), e.asset_id)


@handles(ev.BuyerDefaulted)
def buyer_defaulted(f: CaseFacts, e: ev.BuyerDefaulted, s: Step) -> None:
    a = asset(f, e.asset_id)
    a.control, a.disposed_how, a.ended_on = "active", None, None


@handles(ev.AssetSold)
def asset_sold(f: CaseFacts, e: ev.AssetSold, s: Step) -> None:
    a = asset(f, e.asset_id)
    a.control, a.disposed_how, a.ended_on = "disposed", "sale", e.sold_on


@handles(ev.AssetTransferredInLieu)
def in_lieu(f: CaseFacts, e: ev.AssetTransferredInLieu, s: Step) -> None:
    a = asset(f, e.asset_id)
    a.control, a.disposed_how, a.ended_on = "disposed", "in_lieu", e.transferred_on
    f.in_lieu += e.value


# --- funds ----------------------------------------------------------------------------------

@handles(ev.FundsReceived)
def funds_received(f: CaseFacts, e: ev.FundsReceived, s: Step) -> None:
    """Recovered is the applicants' part; the fee and an excess are kept apart (the ledger's
    allocations, docs/rules.md §1.7; receipts recorded before them: all the applicants')."""
    parts = e.allocations
    f.received += sum((a.amount for a in parts if a.payee_kind is PayeeKind.APPLICANT),
                      ZERO) if parts else e.amount
    f.fee_received += sum((a.amount for a in parts if a.payee_kind is PayeeKind.COURT_FEE), ZERO)
    f.excess_received += sum((a.amount for a in parts
                              if a.payee_kind is PayeeKind.DEBTOR_REFUND), ZERO)
    if no_payout(e.source.value):  # paid to the applicant directly: it reached them
        f.to_applicants += e.amount
        return
    f.receipt_seq += 1
    due = payout_due(s.settings, e.received_on)
    f.receipts.append(ReceiptFact(seq=f.receipt_seq, received_on=e.received_on,
                                  amount=e.amount, source=e.source.value, due_on=due,
                                  unpaid=e.amount))
    shares = [(a.payee_kind.value, a.payee, a.amount) for a in parts if a.amount > 0] if parts \
        else [(PayeeKind.APPLICANT.value, None, e.amount)]
    f.payee_entries.extend(
        PayeeEntryFact(seq=f.receipt_seq, payee_kind=kind, payee=payee, received_on=e.received_on,
                       due_on=due, amount=amount, unpaid=amount) for kind, payee, amount in shares)


@handles(ev.FundsPaidOut)
def paid_out(f: CaseFacts, e: ev.FundsPaidOut, s: Step) -> None:
    """Payouts settle receipts oldest first, and their payee's ledger entries oldest first
    (a payee not named: any of that kind); a payout to the applicants reached them."""
    f.paid_out += e.amount
    if e.payee_kind is PayeeKind.APPLICANT:
        f.to_applicants += e.amount
    rest = e.amount
    for entry in f.payee_entries:
        if rest <= 0:
            break
        if entry.payee_kind != e.payee_kind.value or entry.unpaid <= 0 or \
                (e.payee is not None and entry.payee not in (None, e.payee)):
            continue
        take = min(rest, entry.unpaid)
        entry.unpaid -= take
        rest -= take
        if entry.unpaid <= 0:
            entry.paid_on = e.paid_on
    left = e.amount
    for receipt in f.receipts:
        if left <= 0:
            break
        take = min(left, receipt.unpaid)
        if take <= 0:
            continue
        receipt.unpaid -= take
        left -= take
        if receipt.unpaid <= 0:
            receipt.paid_on = e.paid_on


@handles(ev.DebtWaived)
def debt_waived(f: CaseFacts, e: ev.DebtWaived, s: Step) -> None:
    f.waived += e.amount


# --- settlement -----------------------------------------------------------------------------

@handles(ev.SettlementReached)
def settlement_reached(f: CaseFacts, e: ev.SettlementReached, s: Step) -> None:
    f.settlement, f.settlement_amount, f.settlement_paid = "reached", e.amount, e.amount * 0


@handles(ev.SettlementPaymentRecorded)
def settlement_payment(f: CaseFacts, e: ev.SettlementPaymentRecorded, s: Step) -> None:
    f.settlement_paid += e.amount
    f.received += e.amount
    f.to_applicants += e.amount  # performed to the applicant under the agreement (和解规定)


@handles(ev.SettlementPerformed)
def settlement_performed(f: CaseFacts, e: ev.SettlementPerformed, s: Step) -> None:
    f.settlement = "performed"


@handles(ev.SettlementDefaulted)
def settlement_defaulted(f: CaseFacts, e: ev.SettlementDefaulted, s: Step) -> None:
    f.settlement = "defaulted"


@handles(ev.SettlementResumed)
def settlement_resumed(f: CaseFacts, e: ev.SettlementResumed, s: Step) -> None:
    end_periods(f, "suspension", e.resumed_on)
