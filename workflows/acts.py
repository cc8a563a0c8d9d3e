"""Operator acts: the payload of every update (and of the ``act`` signal) of the case workflow.

Each model is a stable JSON contract (docs/workflows.md): ``kind`` names the update, ``actor``
says who acts, ``request_id`` (optional) makes a re-sent act idempotent, ``note`` is recorded as
the act's basis. Dates of the act (``paid_on`` …) default to the business date on which the
workflow applies it; an explicit date may not lie after it.

A measure that needs an approval (docs/rules.md, "Approvals") names an approved request by
``approval_id``: ``request_approval`` (by whoever needs it), then ``give_approval`` or
``refuse_approval`` (by the approver). The ``approval`` object those acts once carried is still
read (recorded histories hold it); the case refuses it (``approval.typed_not_accepted``).
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal, TypeVar

from pydantic import Field, model_validator

from domain.models import (
    ApprovalMeasure,
    ApprovalMode,
    AssetFinding,
    DishonestGround,
    FundsSource,
    ObjectedAct,
    ObjectionOutcome,
    PayeeKind,
    PostponementEnd,
    ReferralOutcome,
    ReferralRoute,
    ReviewOutcome,
    SecurityForm,
    SecurityProvider,
    SettlementChoice,
    ShortId,
    Standing,
    SuitJudgment,
    SuspensionReason,
    Text,
)
from domain.values import Actor, Approval, CheckedText, Money, Party, PartyKind, PositiveMoney
from workflows.messages import Message

RequestId = Annotated[str, Field(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9_.:\-]+$")]
Note = Annotated[str, Field(max_length=500)]


class ActBase(Message, CheckedText):
    actor: Actor
    request_id: RequestId | None = None
    note: Note | None = None


ADDED_LATER = ("approval_id", "respondent")
"""Optional act fields added after acts were first journaled."""


def fingerprint(act: ActBase) -> str:
    """What makes two acts sent with one key the same act (its JSON, hashed). A field added
    later (``ADDED_LATER``) is left out while None: acts journaled before it existed keep their
    fingerprint."""
    exclude: dict[str, Any] = {}
    for name in ADDED_LATER:
        if getattr(act, name, "") is None:
            exclude[name] = True
    measure = getattr(act, "measure", None)
    if isinstance(measure, Message) and getattr(measure, "approval_id", "") is None:
        exclude["measure"] = {"approval_id": True}
    return hashlib.sha256(act.model_dump_json(exclude=exclude or None).encode()).hexdigest()[:24]


ApprovalRef = Annotated[ShortId | None, Field(
    description="the approved request (request_approval, give_approval) the measure rests on")]
LegacyApproval = Annotated[Approval | None, Field(
    description="read in recorded histories only; a new act carrying it is refused "
                "(approval.typed_not_accepted)")]


class RecordPayment(ActBase):
    """The debtor paid into the case account (or directly to the applicant, who confirms it)."""

    kind: Literal["record_payment"] = "record_payment"
    amount: PositiveMoney
    paid_on: date | None = None
    direct_to_applicant: bool = False
    payer: Annotated[str, Field(min_length=1, max_length=100)] | None = None  # who paid it in


class PayOutFunds(ActBase):
    """A disbursement from the case's ledger to one payee: an applicant (by name, or the
    applicants oldest entry first), the court's enforcement fee, or a refund of an excess to the
    debtor (docs/rules.md §1.7); an officer, judge or president gives it."""

    kind: Literal["pay_out"] = "pay_out"
    amount: PositiveMoney
    payee_kind: PayeeKind = PayeeKind.APPLICANT
    payee: Annotated[str, Field(min_length=1, max_length=100)] | None = None
    paid_on: date | None = None


class ClaimReceipt(ActBase):
    """Claim a receipt of the court's suspense account (money that arrived naming no case) into
    this case, whole; it counts as received on the day it arrived (docs/rules.md §10); an
    officer, judge or president gives it."""

    kind: Literal["claim_receipt"] = "claim_receipt"
    receipt_id: ShortId
    source: FundsSource = FundsSource.DEBTOR_PAYMENT
    claimed_on: date | None = None


class SubmitLead(ActBase):
    """The applicant gives a lead to property; the workflow has it verified within 7 (3) days."""

    kind: Literal["submit_lead"] = "submit_lead"
    lead_id: ShortId
    description: Text
    urgent: bool = False
    submitted_on: date | None = None


class VerifyLead(ActBase):
    """An officer reports the verification of a lead (otherwise the workflow verifies it)."""

    kind: Literal["verify_lead"] = "verify_lead"
    lead_id: ShortId
    finding: AssetFinding | None = None
    verified_on: date | None = None


class RecordNoticeService(ActBase):
    kind: Literal["record_notice_service"] = "record_notice_service"
    served_on: date | None = None


class RecordPropertyReport(ActBase):
    """The debtor's property report (assets it lists are registered with source ``report``)."""

    kind: Literal["record_property_report"] = "record_property_report"
    status: Literal["filed", "refused", "false"]
    reported_on: date | None = None
    assets: Annotated[tuple[AssetFinding, ...], Field(max_length=50)] = ()


class AnnounceAuction(ActBase):
    """An officer announces an auction round on terms of their choosing (else the workflow does)."""

    kind: Literal["announce_auction"] = "announce_auction"
    asset_id: ShortId
    start_price: PositiveMoney
    deposit: PositiveMoney
    opens_at: datetime | None = None  # default: the legal announcement period, 10:00
    closes_at: datetime | None = None  # default: 24 hours after opening


class RecordBid(ActBase):
    kind: Literal["record_bid"] = "record_bid"
    asset_id: ShortId
    bidder: ShortId
    amount: PositiveMoney
    bid_at: datetime


class RecordAuctionResult(ActBase):
    """Close a round as the platform reports it (the workflow also closes it at its end)."""

    kind: Literal["record_auction_result"] = "record_auction_result"
    asset_id: ShortId
    closed_at: datetime | None = None


class RecordBuyerDefault(ActBase):
    kind: Literal["record_buyer_default"] = "record_buyer_default"
    asset_id: ShortId
    costs: Money = Decimal("0.00")
    defaulted_on: date | None = None


class SellAsset(ActBase):
    """Sale 变卖 after the second failed auction."""

    kind: Literal["sell_asset"] = "sell_asset"
    asset_id: ShortId
    price: PositiveMoney
    buyer: ShortId
    sold_on: date | None = None


class TransferInLieu(ActBase):
    """Transfer 以物抵债 to the applicant, who consents, at the failed round's reserve price."""

    kind: Literal["transfer_in_lieu"] = "transfer_in_lieu"
    asset_id: ShortId
    transferred_on: date | None = None


class ReachSettlement(ActBase):
    kind: Literal["reach_settlement"] = "reach_settlement"
    amount: PositiveMoney
    due_on: date
    terms: Text
    reached_on: date | None = None


class RecordSettlementPayment(ActBase):
    kind: Literal["record_settlement_payment"] = "record_settlement_payment"
    amount: PositiveMoney
    paid_on: date | None = None


class RecordSettlementDefault(ActBase):
    """The debtor defaulted on the settlement; the applicant chose to resume or to sue."""

    kind: Literal["record_settlement_default"] = "record_settlement_default"
    choice: SettlementChoice
    defaulted_on: date | None = None


class RequestExtension(ActBase):
    kind: Literal["request_extension"] = "request_extension"
    approval_id: ApprovalRef = None
    approval: LegacyApproval = None
    requested_on: date | None = None


class RestrictConsumption(ActBase):
    kind: Literal["restrict_consumption"] = "restrict_consumption"
    approval_id: ApprovalRef = None
    approval: LegacyApproval = None
    bound_persons: Annotated[tuple[Annotated[str, Field(min_length=1, max_length=100)], ...],
                             Field(max_length=20)] = ()


class ListDishonest(ActBase):
    """List as 失信: the respondent named (by name or identity-document number), or every
    respondent when none is named (docs/rules.md §1.9)."""

    kind: Literal["list_dishonest"] = "list_dishonest"
    ground: DishonestGround
    approval_id: ApprovalRef = None
    approval: LegacyApproval = None
    extra_years: Annotated[int, Field(ge=0, le=3)] = 0
    respondent: Annotated[str, Field(min_length=1, max_length=100)] | None = None


class Fine(Message, CheckedText):
    type: Literal["fine"] = "fine"
    amount: PositiveMoney
    subject: Text
    subject_kind: PartyKind
    approval_id: ApprovalRef = None
    approval: LegacyApproval = None


class Detention(Message, CheckedText):
    type: Literal["detention"] = "detention"
    days: Annotated[int, Field(ge=1, le=100)]
    subject: Text
    approval_id: ApprovalRef = None
    approval: LegacyApproval = None


class Summons(Message):
    type: Literal["summons"] = "summons"
    hours: Annotated[int, Field(ge=1, le=100)]
    detention_likely: bool = False


class ExitBan(Message, CheckedText):
    type: Literal["exit_ban"] = "exit_ban"
    subject: Text


Measure = Annotated[Fine | Detention | Summons | ExitBan, Field(discriminator="type")]


class OrderMeasure(ActBase):
    """A coercive measure: fine, detention, summons or exit ban."""

    kind: Literal["order_measure"] = "order_measure"
    measure: Measure
    ordered_on: date | None = None


class RecordApplicantHearing(ActBase):
    kind: Literal["record_applicant_hearing"] = "record_applicant_hearing"
    record: Text
    heard_on: date | None = None


class ApproveTermination(ActBase):
    """The judge rules 终本: with the applicant's signature, or panel review + president (an
    approved request named by ``approval_id``)."""

    kind: Literal["approve_termination"] = "approve_termination"
    approval_mode: ApprovalMode
    approval_id: ApprovalRef = None
    approval: LegacyApproval = None
    ruling_number: Annotated[str, Field(min_length=1, max_length=80)] | None = None


class RequestApproval(ActBase):
    """Ask for the approval a measure needs: its kind and particulars (a fine's subject and
    amount, a detention's subject and days). ``approval_id``: the request's id (default
    ``AR-<n>``, answered in the result); the measure names it once approved."""

    kind: Literal["request_approval"] = "request_approval"
    measure: ApprovalMeasure
    approval_id: ShortId | None = None
    subject: Text | None = None
    amount: PositiveMoney | None = None
    days: Annotated[int, Field(ge=1, le=100)] | None = None


class GiveApproval(ActBase):
    """The approver (the role the measure's rule names, never the requester) approves."""

    kind: Literal["give_approval"] = "give_approval"
    approval_id: ShortId


class RefuseApproval(ActBase):
    """The approver refuses the request: no measure may rest on it."""

    kind: Literal["refuse_approval"] = "refuse_approval"
    approval_id: ShortId
    reason: Text


class WithdrawApplication(ActBase):
    """The applicant withdraws: controls are released and enforcement ends (终结执行)."""

    kind: Literal["withdraw_application"] = "withdraw_application"
    reason: Text


class CloseCase(ActBase):
    """The court closes the case otherwise than by performance or 终本: 销案 (filing withdrawn),
    不予执行 (enforcement refused) or 驳回申请 (application rejected); controls are released."""

    kind: Literal["close_case"] = "close_case"
    mode: Literal["withdrawn_filing", "not_enforced", "rejected"]
    reason: Text


class RequestResumption(ActBase):
    """After 终本: the applicant asks to resume (a new 执恢 case is opened)."""

    kind: Literal["request_resumption"] = "request_resumption"
    reason: Text


class SuspendEnforcement(ActBase):
    kind: Literal["suspend_enforcement"] = "suspend_enforcement"
    reason: Literal[SuspensionReason.OBJECTION, SuspensionReason.AUDIT, SuspensionReason.SECURITY,
                    SuspensionReason.OTHER]


class EndSuspension(ActBase):
    kind: Literal["end_suspension"] = "end_suspension"


class RecordSecurity(ActBase):
    """A security for performance (执行担保, docs/rules.md §8): its form (``property`` or
    ``guarantee``), who gives it (``debtor``, or ``third_party`` named in ``guarantor``), the
    amount secured, the secured property, the security period in months (default one year)
    and whether the applicant consents."""

    kind: Literal["record_security"] = "record_security"
    security_id: ShortId
    form: SecurityForm
    provider: SecurityProvider
    guarantor: Party | None = None
    amount: PositiveMoney
    secured_property: Text | None = None
    security_months: Annotated[int, Field(ge=1, le=120)] | None = None
    applicant_consents: bool
    given_on: date | None = None


class PostponeEnforcement(ActBase):
    """The judge postpones enforcement (暂缓执行) on securities: until a day (``until``, its
    last day) or for ``months`` months from the decision; at most one year."""

    kind: Literal["postpone_enforcement"] = "postpone_enforcement"
    security_ids: Annotated[tuple[ShortId, ...], Field(min_length=1, max_length=10)]
    until: date | None = None
    months: Annotated[int, Field(ge=1, le=24)] | None = None

    @model_validator(mode="after")
    def _one_term(self) -> PostponeEnforcement:
        if (self.until is None) == (self.months is None):
            raise ValueError("give either until (the last day) or months")
        return self


class RecordSecurityBreach(ActBase):
    """The secured property was transferred, hidden, sold or damaged."""

    kind: Literal["record_security_breach"] = "record_security_breach"
    security_id: ShortId
    description: Text
    occurred_on: date | None = None
class RaiseLimitationObjection(ActBase):
    """The debtor objects that the application came after the 2-year application period
    (民诉法解释 art.481): recorded from its written objection (docs/rules.md §1.13)."""

    kind: Literal["raise_limitation_objection"] = "raise_limitation_objection"
    grounds: Text
    raised_on: date | None = None


class RuleOnLimitationObjection(ActBase):
    """The court rules on the limitation objection: upheld, the case ends as 不予执行 (controls
    released, restriction lifted, 失信 entries deleted); rejected, enforcement goes on."""

    kind: Literal["rule_on_limitation_objection"] = "rule_on_limitation_objection"
    upheld: bool
    reason: Text


# --- Doors to commands the aggregate decided before any act sent them (docs/architecture.md,
# "What the checklists found"): one act each, the aggregate checks the rest -------------------

class AssessDelayInterest(ActBase):
    """Assess the double-rate delay interest (民诉法 art.264) from where the last assessment
    ended (else the performance deadline) to ``to_date`` (default: the business date); the
    balance grows by it (docs/rules.md §1.2)."""

    kind: Literal["assess_delay_interest"] = "assess_delay_interest"
    to_date: date | None = None


class RecordSearch(ActBase):
    """A search 搜查 of the debtor's premises and what it found (assets registered with source
    ``search``, then controlled by the workflow; docs/rules.md §1.3)."""

    kind: Literal["record_search"] = "record_search"
    findings: Annotated[tuple[AssetFinding, ...], Field(max_length=50)] = ()
    searched_on: date | None = None


class RequestReward(ActBase):
    """The applicant asks for a reward notice 悬赏 (财产调查规定 art.21); the court decides
    within 10 days (``decide_reward``). Undecided, it bars 终本."""

    kind: Literal["request_reward"] = "request_reward"
    requested_on: date | None = None


class DecideReward(ActBase):
    """The court (a judge or the president) grants or refuses the reward request."""

    kind: Literal["decide_reward"] = "decide_reward"
    granted: bool
    decided_on: date | None = None


class RequestAudit(ActBase):
    """The applicant asks for an audit 审计 of a debtor that is an organisation (财产调查规定
    art.17); decided by ``decide_audit``. Undecided, it bars 终本."""

    kind: Literal["request_audit"] = "request_audit"
    requested_on: date | None = None


class DecideAudit(ActBase):
    """The court (a judge or the president) grants or refuses the audit request."""

    kind: Literal["decide_audit"] = "decide_audit"
    granted: bool
    decided_on: date | None = None


class RecordDebtorMissing(ActBase):
    """The debtor's whereabouts are unknown: before 终本 it must be searched for (终本规定
    art.1(5), ``record_debtor_search``)."""

    kind: Literal["record_debtor_missing"] = "record_debtor_missing"
    recorded_on: date | None = None


class RecordDebtorSearch(ActBase):
    """The search for a missing debtor, and whether it located them."""

    kind: Literal["record_debtor_search"] = "record_debtor_search"
    located: bool
    searched_on: date | None = None


class RecordObstruction(ActBase):
    """Obstruction of enforcement: before 终本 it is met with a fine or detention
    (``order_measure``) and the debtor is listed as dishonest (终本规定 art.1)."""

    kind: Literal["record_obstruction"] = "record_obstruction"
    description: Text
    occurred_on: date | None = None


class EndPostponement(ActBase):
    """The judge ends the postponement: on a recorded breach (or once its term has run out;
    the workflow ends it by itself the day after its last day)."""

    kind: Literal["end_postponement"] = "end_postponement"
    cause: PostponementEnd = PostponementEnd.BREACH


class RuleAgainstSecurity(ActBase):
    """The judge rules that the security is enforced: the guarantor is bound within its
    amount."""

    kind: Literal["rule_against_security"] = "rule_against_security"
    security_id: ShortId


class CollectFromSecurity(ActBase):
    """Money obtained from a security the court ruled against (at most its amount)."""

    kind: Literal["collect_from_security"] = "collect_from_security"
    security_id: ShortId
    amount: PositiveMoney
    collected_on: date | None = None


class FindRefusalToEnforce(ActBase):
    """The judge finds that recorded conduct calls for criminal proceedings (拒执罪): a 终本
    then waits for a referral (docs/rules.md §9)."""

    kind: Literal["find_refusal_to_enforce"] = "find_refusal_to_enforce"
    conduct: Text


class ReferRefusalToEnforce(ActBase):
    """Criminal proceedings started: ``court_transfer`` (a judge), the applicant's
    ``applicant_complaint`` to the police or ``private_prosecution`` (自诉)."""

    kind: Literal["refer_refusal_to_enforce"] = "refer_refusal_to_enforce"
    referral_id: ShortId
    route: ReferralRoute
    subject: Text
    facts: Text
    referred_on: date | None = None


class RecordReferralOutcome(ActBase):
    """What became of a referral (accepted, declined, prosecuted, dropped, convicted …)."""

    kind: Literal["record_referral_outcome"] = "record_referral_outcome"
    referral_id: ShortId
    outcome: ReferralOutcome
    decided_on: date | None = None


class RecordControlLapse(ActBase):
    """A control expired without renewal (查封规定 art.27), e.g. the workflow's renewal came
    after the expiry and was refused (a problem in the status). The aggregate refuses it
    before the expiry; the workflow controls the asset again once it has lapsed."""

    kind: Literal["record_control_lapse"] = "record_control_lapse"
    asset_id: ShortId
    lapsed_on: date | None = None


class AdjustLivingAllowance(ActBase):
    """A collegial panel's decision raising (or setting) the living allowance a wage
    garnishment leaves the debtor (民诉法 art.254; docs/rules.md §1.4, §4); a judge or the
    president records it."""

    kind: Literal["adjust_living_allowance"] = "adjust_living_allowance"
    asset_id: ShortId
    allowance: Money
    panel_decision: Annotated[str, Field(min_length=1, max_length=120)]
    decided_on: date | None = None


class RecordGarnisheeRemittance(ActBase):
    """A garnishee's (the employer's) monthly remittance under a standing wage garnishment that
    an operator records by hand (the workflow records the ones its garnishee port reports):
    at most the month's income less the allowance in force (民诉法 art.254; docs/rules.md §11)."""

    kind: Literal["record_garnishee_remittance"] = "record_garnishee_remittance"
    asset_id: ShortId
    amount: PositiveMoney
    received_on: date | None = None


class RecordGarnisheeStopped(ActBase):
    """The garnishee reports that it pays the garnished income no more (the debtor left the
    job): the standing order remits nothing further (docs/rules.md §11)."""

    kind: Literal["record_garnishee_stopped"] = "record_garnishee_stopped"
    asset_id: ShortId
    reason: Text
    stopped_on: date | None = None


# --- objections, reviews, outsiders' claims (docs/rules.md §7) ------------------------------

class RecordObjection(ActBase):
    """A party's or interested person's written objection to an enforcement act (执行异议):
    the act (its kind, its asset, its version in the record if known), the grounds.
    ``objection_id``: default ``OB-<n>`` (answered in the result)."""

    kind: Literal["record_objection"] = "record_objection"
    objection_id: ShortId | None = None
    objector: Text
    standing: Standing
    act: ObjectedAct
    asset_id: ShortId | None = None
    act_version: Annotated[int, Field(ge=1)] | None = None
    grounds: Text
    received_on: date | None = None


class RecordOutsiderClaim(ActBase):
    """An outsider's written claim to one controlled asset (案外人异议): its disposal waits."""

    kind: Literal["record_outsider_claim"] = "record_outsider_claim"
    objection_id: ShortId | None = None
    claimant: Text
    asset_id: ShortId
    grounds: Text
    received_on: date | None = None


class OrderObjectionStay(ActBase):
    """The judge stays the disposal the objected act concerns (the default is no stay)."""

    kind: Literal["order_objection_stay"] = "order_objection_stay"
    objection_id: ShortId
    reason: Text


class RuleOnObjection(ActBase):
    """The judge's ruling on an objection or claim; an upheld objection's act is revoked at
    once (a control released, the restriction lifted, the 失信 entry deleted)."""

    kind: Literal["rule_on_objection"] = "rule_on_objection"
    objection_id: ShortId
    outcome: ObjectionOutcome
    served_on: date | None = None  # served at once (else record_objection_service)


class RecordObjectionService(ActBase):
    kind: Literal["record_objection_service"] = "record_objection_service"
    objection_id: ShortId
    served_on: date | None = None


class ApplyForReview(ActBase):
    """复议 of the ruling on an objection, within 10 days of its service."""

    kind: Literal["apply_for_review"] = "apply_for_review"
    objection_id: ShortId
    applicant: Text
    applied_on: date | None = None


class RecordReviewDecision(ActBase):
    """The higher court's decision on the 复议 (a reversal to upheld revokes the act)."""

    kind: Literal["record_review_decision"] = "record_review_decision"
    objection_id: ShortId
    outcome: ReviewOutcome
    decided_on: date | None = None


class RecordObjectionSuit(ActBase):
    """A 执行异议之诉 about a claimed asset filed within 15 days of the ruling's service."""

    kind: Literal["record_objection_suit"] = "record_objection_suit"
    objection_id: ShortId
    filed_on: date | None = None


class RecordSuitJudgment(ActBase):
    """The suit's judgment: enforcement of the asset allowed, or excluded (then released)."""

    kind: Literal["record_suit_judgment"] = "record_suit_judgment"
    objection_id: ShortId
    judgment: SuitJudgment
    decided_on: date | None = None


OBJECTION_ACTS: tuple[type[ActBase], ...] = (
    RecordObjection, RecordOutsiderClaim, OrderObjectionStay, RuleOnObjection,
    RecordObjectionService, ApplyForReview, RecordReviewDecision, RecordObjectionSuit,
    RecordSuitJudgment)


Act = Annotated[
    RecordPayment | SubmitLead | VerifyLead | RecordNoticeService | RecordPropertyReport
    | AnnounceAuction | RecordBid | RecordAuctionResult | RecordBuyerDefault | SellAsset
    | TransferInLieu
    | ReachSettlement | RecordSettlementPayment | RecordSettlementDefault | RequestExtension
    | RestrictConsumption | ListDishonest | OrderMeasure | RecordApplicantHearing
    | ApproveTermination | WithdrawApplication | CloseCase | RequestResumption
    | SuspendEnforcement
    | EndSuspension | RequestApproval | GiveApproval | RefuseApproval
    | RecordSecurity | PostponeEnforcement | RecordSecurityBreach | EndPostponement
    | RuleAgainstSecurity | CollectFromSecurity | FindRefusalToEnforce | ReferRefusalToEnforce
    | RecordReferralOutcome | RaiseLimitationObjection | RuleOnLimitationObjection
    # doors to commands decided in the domain (docs/architecture.md)
    | AssessDelayInterest | RecordSearch | RequestReward | DecideReward | RequestAudit
    | DecideAudit | RecordDebtorMissing | RecordDebtorSearch | RecordObstruction
    | RecordControlLapse | AdjustLivingAllowance | PayOutFunds | RecordGarnisheeRemittance
    | RecordGarnisheeStopped | ClaimReceipt
    | RecordObjection | RecordOutsiderClaim | OrderObjectionStay | RuleOnObjection
    | RecordObjectionService | ApplyForReview | RecordReviewDecision | RecordObjectionSuit
    | RecordSuitJudgment,
    Field(discriminator="kind"),
]
"""Any act: the payload of the ``act`` signal (fire and forget; refusals are kept as problems)."""

ACT_TYPES: tuple[type[ActBase], ...] = (
    RecordPayment, SubmitLead, VerifyLead, RecordNoticeService, RecordPropertyReport,
    AnnounceAuction, RecordBid, RecordAuctionResult, RecordBuyerDefault, SellAsset,
    TransferInLieu, ReachSettlement,
    RecordSettlementPayment, RecordSettlementDefault, RequestExtension, RestrictConsumption,
    ListDishonest, OrderMeasure, RecordApplicantHearing, ApproveTermination, WithdrawApplication,
    CloseCase,
    RequestResumption, SuspendEnforcement, EndSuspension, RequestApproval, GiveApproval,
    RefuseApproval, RecordSecurity, PostponeEnforcement, RecordSecurityBreach, EndPostponement,
    RuleAgainstSecurity, CollectFromSecurity, FindRefusalToEnforce, ReferRefusalToEnforce,
    RecordReferralOutcome, RaiseLimitationObjection, RuleOnLimitationObjection,
    # doors to commands decided in the domain (docs/architecture.md)
    AssessDelayInterest, RecordSearch, RequestReward, DecideReward, RequestAudit, DecideAudit,
    RecordDebtorMissing, RecordDebtorSearch, RecordObstruction, RecordControlLapse,
    AdjustLivingAllowance, PayOutFunds, RecordGarnisheeRemittance, RecordGarnisheeStopped,
    ClaimReceipt, *OBJECTION_ACTS,
)


def act_name(act: ActBase) -> str:
    """The update name of an act (its ``kind``)."""
    name: str = type(act).model_fields["kind"].default
    return name


AnyAct = TypeVar("AnyAct", bound=ActBase)


def approval_measure(act: ActBase) -> ApprovalMeasure | None:
    """The kind of approval ``act`` rests on (itself, or its coercive measure), or None."""
    if isinstance(act, ListDishonest):
        return ApprovalMeasure.DISHONEST
    if isinstance(act, RestrictConsumption):
        return ApprovalMeasure.RESTRICTION
    if isinstance(act, RequestExtension):
        return ApprovalMeasure.EXTENSION
    if isinstance(act, ApproveTermination):
        return ApprovalMeasure.TERMINATION \
            if act.approval_mode is ApprovalMode.PANEL_AND_PRESIDENT else None
    if isinstance(act, OrderMeasure) and isinstance(act.measure, Fine):
        return ApprovalMeasure.FINE
    if isinstance(act, OrderMeasure) and isinstance(act.measure, Detention):
        return ApprovalMeasure.DETENTION
    return None


def approval_request(act: ActBase, approval_id: str | None = None,
                     request_id: str | None = None) -> RequestApproval | None:
    """The request of the approval ``act`` rests on, by ``act``'s actor, with its particulars
    (``approval_id`` None: the case names it); None if it rests on none."""
    measure = approval_measure(act)
    if measure is None:
        return None
    inner = act.measure if isinstance(act, OrderMeasure) else None
    return RequestApproval(
        actor=act.actor, measure=measure, approval_id=approval_id, request_id=request_id,
        subject=getattr(inner, "subject", None), amount=getattr(inner, "amount", None),
        days=getattr(inner, "days", None))


def with_approval_id(act: AnyAct, approval_id: str) -> AnyAct:
    """``act`` resting on approval request ``approval_id`` (itself, or its coercive measure)."""
    if isinstance(act, OrderMeasure):
        return act.model_copy(update={"measure": act.measure.model_copy(
            update={"approval_id": approval_id})})
    return act.model_copy(update={"approval_id": approval_id})


def typed_approval(act: ActBase) -> Approval | None:
    """The approval typed into ``act`` (itself, or its coercive measure), if any."""
    typed = getattr(act, "approval", None)
    if typed is None and isinstance(act, OrderMeasure):
        typed = getattr(act.measure, "approval", None)
    return typed if isinstance(typed, Approval) else None
