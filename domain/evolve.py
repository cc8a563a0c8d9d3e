"""Evolve: how each event changes the case state. Pure, total, never refuses."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from domain import events as ev
from domain.calendar import legal_date
from domain.models import (
    NO_PAYOUT_SOURCES,
    Allocation,
    ClosureMode,
    PayeeKind,
    PostponementEnd,
    ReportStatus,
    SuspensionReason,
)
from domain.state import (
    ZERO,
    AllowanceStep,
    ApprovalState,
    AssetState,
    CaseState,
    ControlStatus,
    DishonestEntry,
    DistributionLink,
    GarnishmentState,
    LeadState,
    ObjectionState,
    Period,
    Phase,
    PostponementState,
    ReceiptState,
    Recovery,
    ReferralState,
    RoundState,
    SecurityState,
    month_of,
    next_month,
)
from domain.values import CaseKind, case_kind_of, court_of

Apply = Callable[[CaseState, Any], None]
APPLY: dict[type[ev.CaseEvent], Apply] = {}


def applies(event_type: type[ev.CaseEvent]) -> Callable[[Apply], Apply]:
    def register(func: Apply) -> Apply:
        APPLY[event_type] = func
        return func
    return register


def start(event: ev.CaseFiled) -> CaseState:
    """State of a newly filed case."""
    return CaseState(
        id=event.originator_id, case_number=event.case_number,
        kind=case_kind_of(event.case_number).value, court=court_of(event.case_number),
        category=event.category, applicants=event.applicants, respondents=event.respondents,
        basis=event.enforcement_basis, claim=event.claim, applied_on=event.applied_on,
        filed_on=event.filed_on, resumed_from=event.resumed_from,
        application_period_passed=event.application_period_passed,
        application_period_ended_on=event.application_period_ended_on,
        resumed_from_id=event.resumed_from_id, imported=event.imported,
    )


_ORDER = {phase: n for n, phase in enumerate(Phase)}
_HELD = frozenset({Phase.SETTLEMENT, Phase.SUSPENDED, Phase.TERMINATED, Phase.CLOSED})


def _advance(state: CaseState, phase: Phase) -> None:
    """Move forward through filed → notice → inquiry → control → disposal, never back."""
    if state.phase not in _HELD and _ORDER[phase] > _ORDER[state.phase]:
        state.phase = phase


@applies(ev.NoticeIssued)
def _notice(s: CaseState, e: ev.NoticeIssued) -> None:
    s.notice_issued_on, s.report_ordered, s.report_due_on = e.issued_on, e.report_order, \
        e.report_due_on
    s.notice_performance_due_on = e.performance_due_on
    _advance(s, Phase.NOTICE)


@applies(ev.NoticeServed)
def _served(s: CaseState, e: ev.NoticeServed) -> None:
    s.notice_served_on = e.served_on


@applies(ev.PropertyReportRecorded)
def _report(s: CaseState, e: ev.PropertyReportRecorded) -> None:
    s.report_status = ReportStatus(e.status)


@applies(ev.DelayInterestAssessed)
def _interest(s: CaseState, e: ev.DelayInterestAssessed) -> None:
    s.delay_interest += e.amount
    s.delay_interest_to = e.to_date


@applies(ev.LimitationObjectionRaised)
def _limitation_raised(s: CaseState, e: ev.LimitationObjectionRaised) -> None:
    s.limitation_objection, s.limitation_objection_raised_on = "pending", e.raised_on


@applies(ev.LimitationObjectionRuled)
def _limitation_ruled(s: CaseState, e: ev.LimitationObjectionRuled) -> None:
    """The ruling's outcome; an upheld objection's closure is the CaseClosed that follows."""
    s.limitation_objection = "upheld" if e.upheld else "rejected"


@applies(ev.NetworkInquiryMade)
def _inquiry(s: CaseState, e: ev.NetworkInquiryMade) -> None:
    s.channels_queried[e.channel] = e.queried_on
    if not e.post_termination:
        _advance(s, Phase.INQUIRY)


@applies(ev.AssetFound)
def _asset(s: CaseState, e: ev.AssetFound) -> None:
    s.assets[e.asset.asset_id] = AssetState(finding=e.asset, found_on=e.found_on,
                                            source=e.source)


@applies(ev.LeadSubmitted)
def _lead(s: CaseState, e: ev.LeadSubmitted) -> None:
    s.leads[e.lead_id] = LeadState(submitted_on=e.submitted_on, due_on=e.due_on,
                                   urgent=e.urgent)


@applies(ev.LeadVerified)
def _lead_verified(s: CaseState, e: ev.LeadVerified) -> None:
    lead = s.leads[e.lead_id]
    lead.verified_on, lead.found = e.verified_on, e.found


@applies(ev.OnsiteInvestigated)
def _onsite(s: CaseState, e: ev.OnsiteInvestigated) -> None:
    s.onsite_on = e.investigated_on


@applies(ev.SearchConducted)
def _search(s: CaseState, e: ev.SearchConducted) -> None:
    s.searched_on = e.searched_on


@applies(ev.RewardRequested)
def _reward_req(s: CaseState, e: ev.RewardRequested) -> None:
    s.reward_requested_on = e.requested_on


@applies(ev.RewardDecided)
def _reward_dec(s: CaseState, e: ev.RewardDecided) -> None:
    s.reward_decided_on = e.decided_on


@applies(ev.AuditRequested)
def _audit_req(s: CaseState, e: ev.AuditRequested) -> None:
    s.audit_requested_on = e.requested_on


@applies(ev.AuditDecided)
def _audit_dec(s: CaseState, e: ev.AuditDecided) -> None:
    s.audit_decided_on = e.decided_on


@applies(ev.DebtorMissingRecorded)
def _missing(s: CaseState, e: ev.DebtorMissingRecorded) -> None:
    s.debtor_missing = True


@applies(ev.DebtorSearched)
def _debtor_search(s: CaseState, e: ev.DebtorSearched) -> None:
    s.debtor_searched_on = e.searched_on
    if e.located:
        s.debtor_missing = False


@applies(ev.ObstructionRecorded)
def _obstruction(s: CaseState, e: ev.ObstructionRecorded) -> None:
    s.obstructions += 1


@applies(ev.AssetControlled)
def _controlled(s: CaseState, e: ev.AssetControlled) -> None:
    a = s.assets[e.asset_id]
    a.control = ControlStatus.QUEUED if e.queue_position else ControlStatus.ACTIVE
    a.measure, a.amount, a.queue_position = e.measure, e.amount, e.queue_position
    a.effective_on, a.expires_on, a.living_allowance = e.effective_on, e.expires_on, \
        e.living_allowance
    _advance(s, Phase.CONTROL)


@applies(ev.ControlRenewed)
def _renewed(s: CaseState, e: ev.ControlRenewed) -> None:
    a = s.assets[e.asset_id]
    a.expires_on = e.expires_on
    a.renewals += 1


@applies(ev.ControlLapsed)
def _lapsed(s: CaseState, e: ev.ControlLapsed) -> None:
    s.assets[e.asset_id].control = ControlStatus.LAPSED
    _order_ends(s, e.asset_id, "lifted", e.lapsed_on, "the control lapsed")


@applies(ev.ControlReleased)
def _released(s: CaseState, e: ev.ControlReleased) -> None:
    s.assets[e.asset_id].control = ControlStatus.RELEASED
    _revoked(s, e.objection_id, e.released_on)
    _order_ends(s, e.asset_id, "lifted", e.released_on, e.reason)


def _order_ends(s: CaseState, asset_id: str, status: str, on: date, reason: str) -> None:
    """A standing garnishment order ends: lifted with its control, or stopped by the garnishee."""
    g = s.garnishments.get(asset_id)
    if g is not None and g.status == "active":
        g.status, g.ended_on, g.end_reason = status, on, reason


@applies(ev.GarnishmentOrdered)
def _garnishment(s: CaseState, e: ev.GarnishmentOrdered) -> None:
    s.garnishments[e.asset_id] = GarnishmentState(
        garnishee=e.garnishee, monthly_income=e.monthly_income, ordered_on=e.ordered_on,
        allowances=[AllowanceStep(from_month=month_of(e.ordered_on), allowance=e.allowance)])


@applies(ev.GarnisheeStopped)
def _garnishee_stopped(s: CaseState, e: ev.GarnisheeStopped) -> None:
    _order_ends(s, e.asset_id, "stopped", e.stopped_on, e.reason)


@applies(ev.QueueAdvanced)
def _queue(s: CaseState, e: ev.QueueAdvanced) -> None:
    a = s.assets[e.asset_id]
    a.queue_position = e.queue_position
    if e.queue_position == 0:
        a.control, a.effective_on, a.expires_on = ControlStatus.ACTIVE, e.effective_on, \
            e.expires_on


@applies(ev.LivingAllowanceAdjusted)
def _allowance(s: CaseState, e: ev.LivingAllowanceAdjusted) -> None:
    a = s.assets[e.asset_id]
    a.living_allowance = e.allowance
    a.amount = min(a.amount, a.finding.value - e.allowance)  # the garnishment leaves it (民诉法 254)
    g = s.garnishments.get(e.asset_id)
    if g is not None:  # a standing order: from the next month's remittance on (§11)
        start = next_month(e.decided_on)
        g.allowances = [x for x in g.allowances if x.from_month < start]
        g.allowances.append(AllowanceStep(from_month=start, allowance=e.allowance))


@applies(ev.DepositTransferred)
def _transferred(s: CaseState, e: ev.DepositTransferred) -> None:
    a = s.assets[e.asset_id]
    a.transferred += e.amount
    if a.transferred >= a.amount:
        a.control, a.disposed_how = ControlStatus.DISPOSED, "transferred"


@applies(ev.ReferencePriceSet)
def _reference(s: CaseState, e: ev.ReferencePriceSet) -> None:
    a = s.assets[e.asset_id]
    a.reference_price, a.reference_valid_until = e.amount, e.valid_until
    s.valuations.append(Period(start=e.requested_on, end=e.determined_on,
                               reason=f"valuation of {e.asset_id}"))
    _advance(s, Phase.DISPOSAL)


@applies(ev.AuctionAnnounced)
def _announced(s: CaseState, e: ev.AuctionAnnounced) -> None:
    s.assets[e.asset_id].rounds.append(RoundState(
        round=e.round, start_price=e.start_price, deposit=e.deposit,
        announced_on=e.announced_on, opens_at=e.opens_at, closes_at=e.closes_at,
        reauction=e.reauction))
    _advance(s, Phase.DISPOSAL)


@applies(ev.BidPlaced)
def _bid(s: CaseState, e: ev.BidPlaced) -> None:
    r = s.assets[e.asset_id].rounds[-1]
    r.best_bid, r.best_bidder, r.closes_at = e.amount, e.bidder, e.closes_at


@applies(ev.AuctionSold)
def _sold(s: CaseState, e: ev.AuctionSold) -> None:
    a = s.assets[e.asset_id]
    r = a.rounds[-1]
    r.status, r.price, r.buyer, r.ended_on = "sold", e.price, e.buyer, legal_date(e.closed_at)
    a.control, a.disposed_how = ControlStatus.DISPOSED, "auction"


@applies(ev.AuctionFailed)
def _failed(s: CaseState, e: ev.AuctionFailed) -> None:
    r = s.assets[e.asset_id].rounds[-1]
    r.status, r.ended_on = "failed", legal_date(e.closed_at)


@applies(ev.BuyerDefaulted)
def _defaulted(s: CaseState, e: ev.BuyerDefaulted) -> None:
    a = s.assets[e.asset_id]
    r = a.rounds[-1]
    r.status, r.ended_on = "defaulted", e.defaulted_on
    a.barred_bidders.add(e.buyer)
    a.forfeit_held += e.forfeited - e.to_costs
    a.defaulted_price = r.price
    a.control, a.disposed_how = ControlStatus.ACTIVE, None


@applies(ev.ForfeitedDepositApplied)
def _forfeit_applied(s: CaseState, e: ev.ForfeitedDepositApplied) -> None:
    s.assets[e.asset_id].forfeit_held -= e.to_shortfall + e.to_debt


@applies(ev.AssetSold)
def _asset_sold(s: CaseState, e: ev.AssetSold) -> None:
    a = s.assets[e.asset_id]
    a.control, a.disposed_how = ControlStatus.DISPOSED, "sale"


@applies(ev.AssetTransferredInLieu)
def _in_lieu(s: CaseState, e: ev.AssetTransferredInLieu) -> None:
    a = s.assets[e.asset_id]
    a.control, a.disposed_how = ControlStatus.DISPOSED, "in_lieu"
    s.in_lieu += e.value
    s.recoveries.append(Recovery(on=e.transferred_on, amount=e.value))


@applies(ev.FundsReceived)
def _funds(s: CaseState, e: ev.FundsReceived) -> None:
    """A receipt enters the ledger split by payee (receipts before the ledger: the applicants')."""
    parts = e.allocations or (Allocation(payee_kind=PayeeKind.APPLICANT, amount=e.amount,
                                         due_on=e.payout_due_on),)
    g = s.garnishments.get(e.asset_id) if e.asset_id is not None else None
    if g is not None:  # a garnishee's remittance (docs/rules.md §11)
        month = month_of(e.received_on)
        g.remitted += e.amount
        g.remittances[month] = g.remittances.get(month, ZERO) + e.amount
    for part in parts:
        if part.payee_kind is PayeeKind.APPLICANT:
            s.received += part.amount
            s.recoveries.append(Recovery(on=e.received_on, amount=part.amount))
        elif part.payee_kind is PayeeKind.COURT_FEE:
            s.fee_received += part.amount
        else:
            s.excess_received += part.amount
        if e.source not in NO_PAYOUT_SOURCES and part.amount > 0:
            s.receipts.append(ReceiptState(amount=part.amount, received_on=e.received_on,
                                           due_on=part.due_on, unpaid=part.amount,
                                           payee_kind=part.payee_kind, payee=part.payee))


@applies(ev.FundsPaidOut)
def _paid(s: CaseState, e: ev.FundsPaidOut) -> None:
    """A payout settles its payee's open entries, oldest first."""
    s.paid_out += e.amount
    s.late_payouts += int(e.late)
    left = e.amount
    for receipt in s.held(e.payee_kind, e.payee):
        take = min(left, receipt.unpaid)
        receipt.unpaid -= take
        left -= take
    s.receipts = [r for r in s.receipts if r.unpaid > 0]


@applies(ev.DistributionJoined)
def _joined(s: CaseState, e: ev.DistributionJoined) -> None:
    s.distributions[e.plan_number] = DistributionLink(
        claim=e.claim, claim_class=e.claim_class.value, joined_on=e.joined_on)


@applies(ev.DistributionSharePaid)
def _share_paid(s: CaseState, e: ev.DistributionSharePaid) -> None:
    link = s.distributions[e.plan_number]
    link.paid[e.share_of] = link.paid.get(e.share_of, ZERO) + e.amount


@applies(ev.DistributionLeft)
def _left(s: CaseState, e: ev.DistributionLeft) -> None:
    s.distributions[e.plan_number].left_on = e.left_on


@applies(ev.DebtWaived)
def _waived(s: CaseState, e: ev.DebtWaived) -> None:
    s.waived += e.amount


@applies(ev.SettlementReached)
def _settled(s: CaseState, e: ev.SettlementReached) -> None:
    s.settlement_status, s.settlement_amount = "reached", e.amount
    s.settlement_paid, s.settlement_choice = e.amount * 0, None
    s.phase = Phase.SETTLEMENT


@applies(ev.SettlementPaymentRecorded)
def _settlement_paid(s: CaseState, e: ev.SettlementPaymentRecorded) -> None:
    s.settlement_paid += e.amount
    s.received += e.amount
    s.recoveries.append(Recovery(on=e.paid_on, amount=e.amount))


@applies(ev.SettlementPerformed)
def _settlement_done(s: CaseState, e: ev.SettlementPerformed) -> None:
    s.settlement_status = "performed"


@applies(ev.SettlementDefaulted)
def _settlement_default(s: CaseState, e: ev.SettlementDefaulted) -> None:
    s.settlement_status, s.settlement_choice = "defaulted", e.choice


@applies(ev.SettlementResumed)
def _settlement_resumed(s: CaseState, e: ev.SettlementResumed) -> None:
    _end_suspension(s, e.resumed_on)
    s.phase = Phase.INQUIRY


@applies(ev.ConsumptionRestricted)
def _restricted(s: CaseState, e: ev.ConsumptionRestricted) -> None:
    _use_approval(s, e.approval_id, e.command_id)
    s.restriction_on, s.restriction_lifted_on = e.issued_on, None


@applies(ev.ConsumptionRestrictionLifted)
def _restriction_lifted(s: CaseState, e: ev.ConsumptionRestrictionLifted) -> None:
    s.restriction_lifted_on = e.lifted_on
    _revoked(s, e.objection_id, e.lifted_on)


@applies(ev.DebtorListedDishonest)
def _listed(s: CaseState, e: ev.DebtorListedDishonest) -> None:
    _use_approval(s, e.approval_id, e.command_id)
    s.dishonest.append(DishonestEntry(ground=e.ground, listed_on=e.listed_on, until=e.until,
                                      respondent=e.respondent))


@applies(ev.DishonestEntryDeleted)
def _delisted(s: CaseState, e: ev.DishonestEntryDeleted) -> None:
    """Every entry in force is deleted (a case recorded before listings named a respondent
    had at most one in force); one deleted on an upheld objection is revoked by it."""
    for entry in s.dishonest:
        if entry.deleted_on is None:
            entry.deleted_on = e.deleted_on
    _revoked(s, e.objection_id, e.deleted_on)


@applies(ev.FineImposed)
def _fine(s: CaseState, e: ev.FineImposed) -> None:
    _use_approval(s, e.approval_id, e.command_id)
    s.fines += 1


@applies(ev.DetentionOrdered)
def _detention(s: CaseState, e: ev.DetentionOrdered) -> None:
    _use_approval(s, e.approval_id, e.command_id)
    s.detentions += 1


@applies(ev.SummonsIssued)
def _summons(s: CaseState, e: ev.SummonsIssued) -> None:
    return None


@applies(ev.ExitBanned)
def _exit_ban(s: CaseState, e: ev.ExitBanned) -> None:
    return None


def _use_approval(s: CaseState, approval_id: str | None, command_id: str) -> None:
    """The measure rests on that approval request: it rests no other (None: recorded before
    approvals were acts, with the approval typed into the event)."""
    if approval_id is not None and approval_id in s.approvals:
        s.approvals[approval_id].used_by = command_id


@applies(ev.ApprovalRequested)
def _approval_requested(s: CaseState, e: ev.ApprovalRequested) -> None:
    s.approvals[e.approval_id] = ApprovalState(
        measure=e.measure, subject=e.subject, amount=e.amount, days=e.days,
        requested_by=e.actor.id, requested_on=e.requested_on)


@applies(ev.ApprovalGiven)
def _approval_given(s: CaseState, e: ev.ApprovalGiven) -> None:
    a = s.approvals[e.approval_id]
    a.status, a.decided_by, a.decided_role, a.decided_on = "given", e.actor.id, e.actor.role, \
        e.given_on


@applies(ev.ApprovalRefused)
def _approval_refused(s: CaseState, e: ev.ApprovalRefused) -> None:
    a = s.approvals[e.approval_id]
    a.status, a.decided_by, a.decided_role, a.decided_on = "refused", e.actor.id, e.actor.role, \
        e.refused_on


@applies(ev.DeadlineExtended)
def _extended(s: CaseState, e: ev.DeadlineExtended) -> None:
    _use_approval(s, e.approval_id, e.command_id)
    s.extensions_months += e.months


def _start_suspension(s: CaseState, on: date, reason: SuspensionReason) -> None:
    s.suspensions.append(Period(start=on, reason=reason.value))
    s.suspended_reason = reason


@applies(ev.EnforcementSuspended)
def _suspended(s: CaseState, e: ev.EnforcementSuspended) -> None:
    _start_suspension(s, e.suspended_on, e.reason)
    if s.phase is not Phase.SETTLEMENT:
        s.phase = Phase.SUSPENDED


def _end_suspension(s: CaseState, on: object) -> None:
    for period in s.suspensions:
        if period.end is None:
            period.end = on  # type: ignore[assignment]
    s.suspended_reason = None


@applies(ev.SuspensionEnded)
def _suspension_ended(s: CaseState, e: ev.SuspensionEnded) -> None:
    _end_suspension(s, e.ended_on)
    s.phase = Phase.INQUIRY


@applies(ev.SecurityRecorded)
def _security(s: CaseState, e: ev.SecurityRecorded) -> None:
    s.securities[e.security_id] = SecurityState(
        form=e.form, provider=e.provider, provider_name=e.provider_name, guarantor=e.guarantor,
        amount=e.amount, secured_property=e.secured_property, security_months=e.security_months,
        applicant_consents=e.applicant_consents, given_on=e.given_on)


@applies(ev.EnforcementPostponed)
def _postponed(s: CaseState, e: ev.EnforcementPostponed) -> None:
    s.postponements.append(PostponementState(decided_on=e.decided_on, until=e.until,
                                             security_ids=list(e.security_ids)))
    for security_id in e.security_ids:
        security = s.securities[security_id]
        security.postponed_until, security.postponement_ended_on = e.until, None
    _start_suspension(s, e.decided_on, SuspensionReason.SECURITY)
    s.phase = Phase.SUSPENDED


@applies(ev.SecurityBreachRecorded)
def _breach(s: CaseState, e: ev.SecurityBreachRecorded) -> None:
    s.securities[e.security_id].breaches.append(e.occurred_on)


def _end_postponement(s: CaseState, on: date, cause: PostponementEnd | None) -> None:
    postponement = s.postponement
    if postponement is None:
        return
    postponement.ended_on, postponement.cause = on, cause
    for security_id in postponement.security_ids:
        s.securities[security_id].postponement_ended_on = on


@applies(ev.PostponementEnded)
def _postponement_ended(s: CaseState, e: ev.PostponementEnded) -> None:
    _end_postponement(s, e.ended_on, e.cause)
    _end_suspension(s, e.ended_on)
    s.phase = Phase.INQUIRY


@applies(ev.SecurityEnforcementRuled)
def _security_ruled(s: CaseState, e: ev.SecurityEnforcementRuled) -> None:
    s.securities[e.security_id].ruled_on = e.ruled_on


@applies(ev.SecurityCollected)
def _security_collected(s: CaseState, e: ev.SecurityCollected) -> None:
    s.securities[e.security_id].collected += e.amount


@applies(ev.RefusalToEnforceFound)
def _refusal_found(s: CaseState, e: ev.RefusalToEnforceFound) -> None:
    s.refusal_found_on = s.refusal_found_on or e.found_on


@applies(ev.RefusalToEnforceReferred)
def _referred(s: CaseState, e: ev.RefusalToEnforceReferred) -> None:
    s.referrals[e.referral_id] = ReferralState(route=e.route, referred_on=e.referred_on,
                                               subject=e.subject)


@applies(ev.ReferralOutcomeRecorded)
def _referral_outcome(s: CaseState, e: ev.ReferralOutcomeRecorded) -> None:
    referral = s.referrals[e.referral_id]
    referral.outcome, referral.decided_on = e.outcome, e.decided_on


@applies(ev.ActRefused)
def _act_refused(s: CaseState, e: ev.ActRefused) -> None:
    """A refused act changes nothing of the case; the event is its record."""


@applies(ev.ApplicantHeard)
def _heard(s: CaseState, e: ev.ApplicantHeard) -> None:
    s.applicant_heard_on = e.heard_on


@applies(ev.CurrentProcedureTerminated)
def _terminated(s: CaseState, e: ev.CurrentProcedureTerminated) -> None:
    _use_approval(s, e.approval_id, e.command_id)
    s.terminated_on, s.termination_approval = e.ruled_on, e.approval_mode
    s.closure_mode, s.closed_on, s.phase = ClosureMode.TERMINATED, e.ruled_on, Phase.TERMINATED


@applies(ev.TerminationRulingServed)
def _ruling_served(s: CaseState, e: ev.TerminationRulingServed) -> None:
    s.termination_served_on = e.served_on


@applies(ev.PostTerminationInquiryMade)
def _post_inquiry(s: CaseState, e: ev.PostTerminationInquiryMade) -> None:
    s.post_inquiries.append(e.queried_on)


@applies(ev.CaseResumed)
def _resumed(s: CaseState, e: ev.CaseResumed) -> None:
    s.resumed_as, s.resumed_as_id = e.new_case_number, e.new_case_id
    s.phase = Phase.CLOSED


@applies(ev.CaseConcluded)
def _concluded(s: CaseState, e: ev.CaseConcluded) -> None:
    s.closure_mode, s.closed_on, s.phase = ClosureMode.CONCLUDED, e.closed_on, Phase.CLOSED
    _end_postponement(s, e.closed_on, None)
    _end_suspension(s, e.closed_on)


@applies(ev.CaseClosed)
def _closed(s: CaseState, e: ev.CaseClosed) -> None:
    s.closure_mode, s.closed_on, s.phase = e.mode, e.closed_on, Phase.CLOSED
    _end_postponement(s, e.closed_on, None)
    _end_suspension(s, e.closed_on)


# --- objections, reviews, outsiders' claims (docs/rules.md §7) ------------------------------

def _revoked(s: CaseState, objection_id: str | None, on: date) -> None:
    """The act objected to was revoked (or the claimed asset released) by that objection."""
    if objection_id is not None and objection_id in s.objections:
        s.objections[objection_id].revoked_on = on


def _withdraw(s: CaseState, asset_id: str | None, round_no: int | None, on: date) -> None:
    """An auction round under way withdrawn: disposal of its asset is held (§7)."""
    if asset_id is None or round_no is None:
        return
    rnd = s.assets[asset_id].rounds[-1]
    if rnd.round == round_no:
        rnd.status, rnd.ended_on = "withdrawn", on


@applies(ev.ObjectionReceived)
def _objection(s: CaseState, e: ev.ObjectionReceived) -> None:
    s.objections[e.objection_id] = ObjectionState(
        kind="act", objector=e.objector, standing=e.standing, act=e.act, asset_id=e.asset_id,
        act_version=e.act_version, grounds=e.grounds, received_on=e.received_on,
        due_on=e.due_on)


@applies(ev.OutsiderClaimReceived)
def _claim(s: CaseState, e: ev.OutsiderClaimReceived) -> None:
    s.objections[e.objection_id] = ObjectionState(
        kind="claim", objector=e.claimant, asset_id=e.asset_id, grounds=e.grounds,
        received_on=e.received_on, due_on=e.due_on)
    _withdraw(s, e.asset_id, e.withdrawn_round, e.received_on)


@applies(ev.ObjectionStayOrdered)
def _stay(s: CaseState, e: ev.ObjectionStayOrdered) -> None:
    s.objections[e.objection_id].stayed = True
    _withdraw(s, e.asset_id, e.withdrawn_round, e.ordered_on)


@applies(ev.ObjectionRuled)
def _ruled(s: CaseState, e: ev.ObjectionRuled) -> None:
    o = s.objections[e.objection_id]
    o.outcome, o.ruled_on, o.late, o.served_on = e.outcome, e.ruled_on, e.late, e.served_on
    o.stayed = False  # a stay lasts while the objection is examined
    _withdraw(s, o.asset_id, e.withdrawn_round, e.ruled_on)


@applies(ev.ObjectionRulingServed)
def _ruling_served_on(s: CaseState, e: ev.ObjectionRulingServed) -> None:
    s.objections[e.objection_id].served_on = e.served_on


@applies(ev.ReviewApplied)
def _review(s: CaseState, e: ev.ReviewApplied) -> None:
    s.objections[e.objection_id].review_applied_on = e.applied_on


@applies(ev.ReviewDecided)
def _reviewed(s: CaseState, e: ev.ReviewDecided) -> None:
    o = s.objections[e.objection_id]
    o.review_outcome, o.review_decided_on, o.stayed = e.outcome, e.decided_on, False


@applies(ev.ObjectionSuitFiled)
def _suit(s: CaseState, e: ev.ObjectionSuitFiled) -> None:
    o = s.objections[e.objection_id]
    o.suit_plaintiff, o.suit_filed_on = e.plaintiff, e.filed_on


@applies(ev.ObjectionSuitDecided)
def _suit_decided(s: CaseState, e: ev.ObjectionSuitDecided) -> None:
    o = s.objections[e.objection_id]
    o.suit_judgment, o.suit_decided_on = e.judgment, e.decided_on


def is_resumed_kind(state: CaseState) -> bool:
    return state.kind == CaseKind.RESUMED.value
