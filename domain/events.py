"""Every stored event of an enforcement case, past tense.

Never move or rename a class once released: stored topics name ``domain.events:Class``.
Each event carries business time (``recorded_at``), the ``command_id`` that caused it, the
``actor`` and the legal ``basis``; ``chain`` is its link in the case's keyed hash chain.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Self
from uuid import UUID

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    PrivateAttr,
    model_validator,
)

from domain.distribution_split import ClaimClass
from domain.models import (
    Allocation,
    ApprovalMeasure,
    ApprovalMode,
    AssetFinding,
    Basis,
    CaseCategory,
    Claim,
    ClosureMode,
    ControlMeasure,
    DishonestGround,
    EndingGround,
    FundsSource,
    ObjectedAct,
    ObjectionOutcome,
    PayeeKind,
    PostponementEnd,
    PriceMethod,
    ReferralOutcome,
    ReferralRoute,
    ReportStatus,
    ReviewOutcome,
    SecurityForm,
    SecurityProvider,
    SettlementChoice,
    Standing,
    SuitJudgment,
    SuspensionReason,
)
from domain.rules import Channel
from domain.values import Actor, Approval, Party, recorded_facts

Note = Annotated[str, Field(max_length=500)]


class CaseEvent(BaseModel):
    """Base of all case events (implements eventsourcing's domain event protocol)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    originator_id: UUID
    originator_version: int
    recorded_at: datetime
    command_id: str
    command_hash: str = ""
    actor: Actor
    basis: Note | None = None
    imported: bool = False
    chain: str = ""
    _json: dict[str, Any] | None = PrivateAttr(default=None)

    @model_validator(mode="wrap")
    @classmethod
    def _as_recorded(cls, data: Any, handler: ModelWrapValidatorHandler[Self]) -> Self:
        """An event is a fact: rebuilt as it was recorded. The input rules for text and money
        (docs/domain.md "Text fields", "Money") applied to the command that caused it; an
        older record written before them still loads."""
        with recorded_facts():
            return handler(data)

    def mutate(self, aggregate: Any) -> Any:
        """Apply to the aggregate (eventsourcing's projector calls this)."""
        from domain.case import EnforcementCase

        return EnforcementCase.project(aggregate, self)


# --- filing, notice, report ---------------------------------------------------------------

class CaseFiled(CaseEvent):
    case_number: str
    category: CaseCategory
    applicants: tuple[Party, ...]
    respondents: tuple[Party, ...]
    enforcement_basis: Basis
    claim: Claim
    applied_on: date
    filed_on: date
    resumed_from: str | None = None  # case number of the terminated case (恢复执行)
    resumed_from_id: UUID | None = None
    filing_late: bool = False  # decision later than 7 days (执行工作规定 art.16)
    application_period_passed: bool = False  # applied after the 2 years (民诉法解释 art.481)
    application_period_ended_on: date | None = None  # last day of the period (None: before)


class NoticeIssued(CaseEvent):
    issued_on: date
    report_order: bool
    report_due_on: date | None
    late: bool  # later than 10 days after filing (执行工作规定 art.22)
    performance_due_on: date | None = None  # None: performance at once (the notice's day)


class NoticeServed(CaseEvent):
    served_on: date


class PropertyReportRecorded(CaseEvent):
    status: ReportStatus
    reported_on: date


class DelayInterestAssessed(CaseEvent):
    amount: Decimal
    from_date: date
    to_date: date


class LimitationObjectionRaised(CaseEvent):
    """The debtor objected that the application period had passed (民诉法解释 art.481)."""

    raised_on: date
    grounds: str


class LimitationObjectionRuled(CaseEvent):
    """The court ruled on the limitation objection (upheld: a CaseClosed 不予执行 follows)."""

    ruled_on: date
    upheld: bool
    reason: str


# --- inquiry --------------------------------------------------------------------------------

class NetworkInquiryMade(CaseEvent):
    channel: Channel
    queried_on: date
    post_termination: bool = False


class AssetFound(CaseEvent):
    asset: AssetFinding
    found_on: date
    source: str  # channel name, "lead", "report", "onsite", "search", "reward", "audit"


class LeadSubmitted(CaseEvent):
    lead_id: str
    description: str
    urgent: bool
    submitted_on: date
    due_on: date


class LeadVerified(CaseEvent):
    lead_id: str
    verified_on: date
    found: bool
    late: bool


class OnsiteInvestigated(CaseEvent):
    investigated_on: date
    found: bool


class SearchConducted(CaseEvent):
    searched_on: date
    found: bool


class RewardRequested(CaseEvent):
    requested_on: date


class RewardDecided(CaseEvent):
    decided_on: date
    granted: bool
    late: bool


class AuditRequested(CaseEvent):
    requested_on: date


class AuditDecided(CaseEvent):
    decided_on: date
    granted: bool


class DebtorMissingRecorded(CaseEvent):
    recorded_on: date


class DebtorSearched(CaseEvent):
    searched_on: date
    located: bool


class ObstructionRecorded(CaseEvent):
    occurred_on: date
    description: str


# --- control --------------------------------------------------------------------------------

class AssetControlled(CaseEvent):
    asset_id: str
    measure: ControlMeasure
    amount: Decimal  # value placed under control (deposit: frozen amount)
    effective_on: date | None  # None while queued
    expires_on: date | None
    queue_position: int  # 0 = first (effective); n = n earlier seizures ahead (轮候)
    living_allowance: Decimal | None = None  # wages: monthly amount left to the debtor


class ControlRenewed(CaseEvent):
    asset_id: str
    renewed_on: date
    expires_on: date


class ControlLapsed(CaseEvent):
    asset_id: str
    lapsed_on: date


class ControlReleased(CaseEvent):
    asset_id: str
    released_on: date
    reason: str
    objection_id: str | None = None  # released by that objection's ruling or suit (§7)


class QueueAdvanced(CaseEvent):
    asset_id: str
    advanced_on: date
    queue_position: int
    effective_on: date | None
    expires_on: date | None


class LivingAllowanceAdjusted(CaseEvent):
    asset_id: str
    allowance: Decimal
    panel_decision: str
    decided_on: date


class GarnishmentOrdered(CaseEvent):
    """A wage (periodic income) control is a standing order to the garnishee (the employer):
    each month it remits the income less the living allowance (民诉法 art.254; docs/rules.md
    §11)."""

    asset_id: str
    garnishee: str
    monthly_income: Decimal
    allowance: Decimal
    ordered_on: date


class GarnisheeStopped(CaseEvent):
    """The garnishee reported that it no longer pays the income (the debtor left the job)."""

    asset_id: str
    stopped_on: date
    reason: str


class DepositTransferred(CaseEvent):
    asset_id: str
    amount: Decimal
    transferred_on: date


# --- valuation and disposal -------------------------------------------------------------------

class ReferencePriceSet(CaseEvent):
    asset_id: str
    method: PriceMethod
    amount: Decimal
    requested_on: date
    determined_on: date
    valid_until: date


class AuctionAnnounced(CaseEvent):
    asset_id: str
    round: int
    start_price: Decimal
    deposit: Decimal
    announced_on: date
    opens_at: datetime
    closes_at: datetime
    reauction: bool


class BidPlaced(CaseEvent):
    asset_id: str
    round: int
    bidder: str
    amount: Decimal
    bid_at: datetime
    closes_at: datetime  # after any 5-minute extension (网拍规定 art.20)


class AuctionSold(CaseEvent):
    asset_id: str
    round: int
    buyer: str
    price: Decimal
    closed_at: datetime


class AuctionFailed(CaseEvent):
    asset_id: str
    round: int
    closed_at: datetime


class BuyerDefaulted(CaseEvent):
    asset_id: str
    round: int
    buyer: str
    defaulted_on: date
    forfeited: Decimal
    to_costs: Decimal


class ForfeitedDepositApplied(CaseEvent):
    asset_id: str
    to_shortfall: Decimal
    to_debt: Decimal
    applied_on: date


class AssetSold(CaseEvent):
    asset_id: str
    price: Decimal
    buyer: str
    sold_on: date


class AssetTransferredInLieu(CaseEvent):
    asset_id: str
    value: Decimal
    round: int
    transferred_on: date


# --- funds ----------------------------------------------------------------------------------

class FundsReceived(CaseEvent):
    amount: Decimal
    received_on: date
    source: FundsSource
    payout_due_on: date | None
    # the case's ledger (docs/rules.md §1.7); receipts recorded before it: all the applicants'
    payer: str | None = None
    allocations: tuple[Allocation, ...] = ()
    receipt_id: str | None = None  # claimed from the court's suspense account (rules.md §10)
    asset_id: str | None = None  # a garnishee's remittance: the garnished income (docs/rules.md §11)


class FundsPaidOut(CaseEvent):
    amount: Decimal
    paid_on: date
    late: bool  # later than 30 days after the funds arrived (执行款物规定)
    # payouts recorded before the ledger: to the applicants, oldest receipt first
    payee_kind: PayeeKind = PayeeKind.APPLICANT
    payee: str | None = None


class DistributionJoined(CaseEvent):
    """The case joined a 参与分配 plan (its own aggregate, domain/distribution.py)."""

    plan_number: str
    debtor: str
    claim: Decimal
    claim_class: ClaimClass
    joined_on: date


class DistributionSharePaid(CaseEvent):
    """The case's share of a plan (or a part of it) arrived on its ledger and was paid out."""

    plan_number: str
    share_of: str
    amount: Decimal
    paid_on: date


class DistributionLeft(CaseEvent):
    """The plan is done with the case: its later receipts are no longer held for it."""

    plan_number: str
    left_on: date


class DebtWaived(CaseEvent):
    """A performed settlement for less than the balance: the rest is waived by the applicant
    (和解规定 arts.8, 17), not left outstanding."""

    amount: Decimal
    waived_on: date
    reason: str


# --- settlement -----------------------------------------------------------------------------

class SettlementReached(CaseEvent):
    reached_on: date
    amount: Decimal
    due_on: date
    terms: str


class SettlementPaymentRecorded(CaseEvent):
    amount: Decimal
    paid_on: date


class SettlementPerformed(CaseEvent):
    performed_on: date


class SettlementDefaulted(CaseEvent):
    defaulted_on: date
    choice: SettlementChoice


# --- coercive measures --------------------------------------------------------------------

class ConsumptionRestricted(CaseEvent):
    issued_on: date
    bound_persons: tuple[str, ...]
    approval: Approval  # as recorded: by ApprovalGiven (or typed, before approvals were acts)
    approval_id: str | None = None  # the approval request it rests on (None: recorded before)


class ConsumptionRestrictionLifted(CaseEvent):
    lifted_on: date
    reason: str
    objection_id: str | None = None  # lifted by that objection's ruling (docs/rules.md §7.1)


class DebtorListedDishonest(CaseEvent):
    ground: DishonestGround
    listed_on: date
    until: date | None  # None: until performance (ground 1)
    approval: Approval  # as recorded: by ApprovalGiven (or typed, before approvals were acts)
    approval_id: str | None = None  # the approval request it rests on (None: recorded before)
    respondent: str | None = None  # the respondent's name; None: every respondent (as before)


class DishonestEntryDeleted(CaseEvent):
    deleted_on: date
    reason: str
    late: bool
    objection_id: str | None = None  # deleted by that objection's ruling (docs/rules.md §7.1)


class FineImposed(CaseEvent):
    amount: Decimal
    imposed_on: date
    subject: str
    approval: Approval  # as recorded: by ApprovalGiven (or typed, before approvals were acts)
    approval_id: str | None = None  # the approval request it rests on (None: recorded before)


class DetentionOrdered(CaseEvent):
    days: int
    ordered_on: date
    subject: str
    approval: Approval  # as recorded: by ApprovalGiven (or typed, before approvals were acts)
    approval_id: str | None = None  # the approval request it rests on (None: recorded before)


class SummonsIssued(CaseEvent):
    hours: int
    issued_on: date
    detention_likely: bool


class ExitBanned(CaseEvent):
    banned_on: date
    subject: str


# --- approvals ----------------------------------------------------------------------------

class ApprovalRequested(CaseEvent):
    """An approval a measure needs was asked for (the requester is the event's actor)."""

    approval_id: str
    measure: ApprovalMeasure
    subject: str | None = None
    amount: Decimal | None = None
    days: int | None = None
    requested_on: date


class ApprovalGiven(CaseEvent):
    """The approver (the event's actor, with the role the measure's rule names) approved."""

    approval_id: str
    given_on: date


class ApprovalRefused(CaseEvent):
    """The approver (the event's actor) refused the request: no measure may rest on it."""

    approval_id: str
    refused_on: date
    reason: str


# --- deadline -------------------------------------------------------------------------------

class DeadlineExtended(CaseEvent):
    months: int
    requested_on: date
    new_deadline: date
    approval: Approval  # as recorded: by ApprovalGiven (or typed, before approvals were acts)
    approval_id: str | None = None  # the approval request it rests on (None: recorded before)


class EnforcementSuspended(CaseEvent):
    suspended_on: date
    reason: SuspensionReason


class SuspensionEnded(CaseEvent):
    ended_on: date


# --- security and postponement (执行担保, 暂缓执行: docs/rules.md §8) ------------------------

class SecurityRecorded(CaseEvent):
    security_id: str
    form: SecurityForm
    provider: SecurityProvider
    provider_name: str  # the guarantor, or the respondents when the debtor gives it
    guarantor: Party | None
    amount: Decimal
    secured_property: str | None
    security_months: int  # the security period (担保期间) from the end of the postponement
    applicant_consents: bool
    given_on: date


class EnforcementPostponed(CaseEvent):
    decided_on: date
    until: date  # last day of the postponement
    security_ids: tuple[str, ...]


class SecurityBreachRecorded(CaseEvent):
    security_id: str
    occurred_on: date
    description: str


class PostponementEnded(CaseEvent):
    ended_on: date
    cause: PostponementEnd


class SecurityEnforcementRuled(CaseEvent):
    security_id: str
    ruled_on: date
    bound_person: str  # who the ruling binds (the guarantor, or the respondents)
    limit: Decimal  # what may be collected from the security (its amount)


class SecurityCollected(CaseEvent):
    """Money obtained from a security (its receipt follows as ``FundsReceived``)."""

    security_id: str
    amount: Decimal
    collected_on: date


# --- refusal to enforce (拒执罪: docs/rules.md §9) -----------------------------------------

class RefusalToEnforceFound(CaseEvent):
    found_on: date
    conduct: str


class RefusalToEnforceReferred(CaseEvent):
    referral_id: str
    route: ReferralRoute
    referred_on: date
    subject: str
    facts: str


class ReferralOutcomeRecorded(CaseEvent):
    referral_id: str
    outcome: ReferralOutcome
    decided_on: date


# --- termination, resumption, closure -----------------------------------------------------

class ApplicantHeard(CaseEvent):
    heard_on: date
    record: str


class CurrentProcedureTerminated(CaseEvent):
    ruled_on: date
    ruling_number: str
    approval_mode: ApprovalMode
    approval: Approval | None
    approval_id: str | None = None
    outstanding: Decimal


class TerminationRulingServed(CaseEvent):
    served_on: date


class PostTerminationInquiryMade(CaseEvent):
    queried_on: date
    found: bool


class CaseResumed(CaseEvent):
    resumed_on: date
    new_case_number: str
    new_case_id: UUID
    reason: str


class SettlementResumed(CaseEvent):
    resumed_on: date
    deducted: Decimal


class CaseConcluded(CaseEvent):
    closed_on: date
    by_settlement: bool


class CaseClosed(CaseEvent):
    mode: ClosureMode
    closed_on: date
    ground: EndingGround | None
    reason: str


# --- objections, reviews, outsiders' claims (docs/rules.md §7) ------------------------------

class ObjectionReceived(CaseEvent):
    """A written objection to an enforcement act (执行异议, 民诉法 art.236) was received; the
    court examines it by ``due_on`` (15 days)."""

    objection_id: str
    objector: str
    standing: Standing
    act: ObjectedAct
    asset_id: str | None
    act_version: int | None
    grounds: str
    received_on: date
    due_on: date


class OutsiderClaimReceived(CaseEvent):
    """An outsider's written claim to a controlled asset (案外人异议, 民诉法 art.238) was
    received: disposal of that asset stops while it is examined (by ``due_on``); an auction
    round of it under way is withdrawn (``withdrawn_round``)."""

    objection_id: str
    claimant: str
    asset_id: str
    grounds: str
    received_on: date
    due_on: date
    withdrawn_round: int | None = None


class ObjectionStayOrdered(CaseEvent):
    """The court stayed the disposal of the asset the objected act concerns (执行程序解释
    art.10); an auction round of it under way is withdrawn."""

    objection_id: str
    asset_id: str
    ordered_on: date
    reason: str
    withdrawn_round: int | None = None


class ObjectionRuled(CaseEvent):
    """The ruling on an objection or claim; ``late``: after its 15 days (民诉法 arts.236, 238)."""

    objection_id: str
    outcome: ObjectionOutcome
    ruled_on: date
    due_on: date
    late: bool
    served_on: date | None = None
    withdrawn_round: int | None = None  # an upheld objection to an auction: its round


class ObjectionRulingServed(CaseEvent):
    objection_id: str
    served_on: date


class ReviewApplied(CaseEvent):
    """复议 of the ruling applied for (民诉法 art.236: within 10 days of its service)."""

    objection_id: str
    applicant: str
    applied_on: date
    last_day: date


class ReviewDecided(CaseEvent):
    """The higher court's decision on the 复议; ``upheld``: the objection's standing after it."""

    objection_id: str
    outcome: ReviewOutcome
    decided_on: date
    upheld: bool


class ObjectionSuitFiled(CaseEvent):
    """A 执行异议之诉 about the claimed asset was filed within its 15 days (民诉法 art.238) by
    ``plaintiff``: the outsider (claim rejected) or the applicant (claim upheld)."""

    objection_id: str
    plaintiff: str  # outsider | applicant
    filed_on: date
    last_day: date


class ObjectionSuitDecided(CaseEvent):
    objection_id: str
    judgment: SuitJudgment
    decided_on: date


# --- the court's register of what it received -----------------------------------------------

class ActRefused(CaseEvent):
    """An act received without a caller waiting was refused (``RecordRefusedAct``)."""

    act: str
    key: str
    submitted_by: Actor
    code: str
    message: str
    source: str
