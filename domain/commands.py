"""Commands: frozen pydantic inputs, imperative, validated at the edge.

Every command names its case by number, carries an ``actor``, a ``command_id`` (the idempotency
key), the business time ``recorded_at`` (the workflow's clock, never the wall clock) and the
legal ``basis`` or note for the act.

A measure that needs an approval (docs/rules.md, "Approvals") names the approval request by its
``approval_id``: the request (``RequestApproval``) and the approver's decision
(``GiveApproval`` / ``RefuseApproval``) are acts of their own, each under its own actor. The
``approval`` object those commands once carried is still read (histories recorded before), and
refused in a new command (``approval.typed_not_accepted``).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AwareDatetime, Field, model_validator
from pydantic_core import PydanticCustomError

from domain.distribution_split import ClaimClass
from domain.models import (
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
from domain.rules import Channel
from domain.values import (
    Actor,
    Approval,
    CaseNumber,
    Frozen,
    Money,
    Party,
    PartyKind,
    PositiveMoney,
)

CommandId = Annotated[str, Field(min_length=1, max_length=200)]
PlanRef = Annotated[str, Field(min_length=1, max_length=64)]
"""A 参与分配 plan's number (domain/distribution.py)."""
ApprovalId = ShortId
"""The id of an approval request, chosen by its requester (unique within the case)."""
LegacyApproval = Approval | None
"""An approval typed into the command by whoever needed it: accepted by commands recorded before
approvals were acts (old workflow histories still build them), refused by the aggregate."""
Findings = Annotated[tuple[AssetFinding, ...], Field(max_length=200)]


class Command(Frozen):
    """Base of every command."""

    case_number: CaseNumber
    command_id: CommandId
    actor: Actor
    recorded_at: AwareDatetime
    basis: Annotated[str, Field(max_length=500)] | None = None


# --- filing, notice, report ---------------------------------------------------------------

class FileCase(Command):
    category: CaseCategory
    applicants: Annotated[tuple[Party, ...], Field(min_length=1, max_length=50)]
    respondents: Annotated[tuple[Party, ...], Field(min_length=1, max_length=50)]
    enforcement_basis: Basis
    claim: Claim
    applied_on: date
    filed_on: date

    @model_validator(mode="after")
    def _dates_in_order(self) -> FileCase:
        """The application follows the basis taking effect, the filing follows the application
        (error types ``dates.*``: ``workflows/filing.py`` names the filing's field from them)."""
        if self.filed_on < self.applied_on:
            raise PydanticCustomError(
                "dates.filed_before_applied", "filed_on {filed_on} must not be before "
                "applied_on {applied_on}", {"filed_on": str(self.filed_on),
                                            "applied_on": str(self.applied_on)})
        if self.applied_on < self.enforcement_basis.effective_on:
            raise PydanticCustomError(
                "dates.applied_before_effective", "applied_on {applied_on} must not be before "
                "the basis took effect on {effective_on}", {
                    "applied_on": str(self.applied_on),
                    "effective_on": str(self.enforcement_basis.effective_on)})
        return self


class IssueNotice(Command):
    """The enforcement notice with the property-report order. ``performance_due_on``: the last
    day the notice gives the debtor to perform; none: performance at once, on the notice's
    day (docs/rules.md §1.2)."""

    issued_on: date
    report_order: bool = True
    report_due_on: date | None = None
    performance_due_on: date | None = None


class RecordNoticeService(Command):
    served_on: date


class RecordPropertyReport(Command):
    status: Literal["filed", "refused", "false"]
    reported_on: date


class AssessDelayInterest(Command):
    to_date: date


class RaiseLimitationObjection(Command):
    """The debtor's objection that the application came after the 2-year application period
    (民诉法解释 art.481), recorded from its written objection (docs/rules.md §1.13)."""

    raised_on: date
    grounds: Text


class RuleOnLimitationObjection(Command):
    """The court's ruling on the debtor's limitation objection: upheld, the case ends as 不予执行
    (controls released, restriction lifted, 失信 entries deleted); rejected, it goes on."""

    ruled_on: date
    upheld: bool
    reason: Text


# --- inquiry --------------------------------------------------------------------------------

class RecordNetworkInquiry(Command):
    channel: Channel
    queried_on: date
    findings: Findings = ()


class RegisterAsset(Command):
    asset: AssetFinding
    found_on: date
    source: Literal["report", "applicant", "other"] = "other"


class SubmitLead(Command):
    lead_id: ShortId
    description: Text
    urgent: bool = False
    submitted_on: date


class VerifyLead(Command):
    lead_id: ShortId
    verified_on: date
    finding: AssetFinding | None = None


class RecordOnsiteInvestigation(Command):
    investigated_on: date
    findings: Findings = ()


class RecordSearch(Command):
    searched_on: date
    findings: Findings = ()


class RequestReward(Command):
    requested_on: date


class DecideReward(Command):
    decided_on: date
    granted: bool


class RequestAudit(Command):
    requested_on: date


class DecideAudit(Command):
    decided_on: date
    granted: bool


class RecordDebtorMissing(Command):
    recorded_on: date


class RecordDebtorSearch(Command):
    searched_on: date
    located: bool


class RecordObstruction(Command):
    occurred_on: date
    description: Text


# --- control --------------------------------------------------------------------------------

class ControlAsset(Command):
    asset_id: ShortId
    measure: ControlMeasure
    amount: PositiveMoney
    effective_on: date
    expires_on: date
    queue_position: Annotated[int, Field(ge=0, le=100)] = 0
    living_allowance: Money | None = None


class RenewControl(Command):
    asset_id: ShortId
    renewed_on: date
    expires_on: date


class RecordControlLapse(Command):
    asset_id: ShortId
    lapsed_on: date


class ReleaseControl(Command):
    asset_id: ShortId
    released_on: date
    reason: Text
    objection_id: ShortId | None = None
    """The objection whose ruling (or suit) the release carries out (docs/rules.md §7)."""


class AdvanceQueue(Command):
    asset_id: ShortId
    advanced_on: date
    expires_on: date | None = None  # required when the seizure becomes effective


class AdjustLivingAllowance(Command):
    asset_id: ShortId
    allowance: Money
    panel_decision: Annotated[str, Field(min_length=1, max_length=120)]
    decided_on: date


class RecordGarnisheeStopped(Command):
    """The garnishee stopped paying the garnished income (the debtor left the job)."""

    asset_id: ShortId
    stopped_on: date
    reason: Text


class TransferDeposit(Command):
    asset_id: ShortId
    amount: PositiveMoney
    transferred_on: date


# --- valuation and disposal -------------------------------------------------------------------

class SetReferencePrice(Command):
    asset_id: ShortId
    method: PriceMethod
    amount: PositiveMoney
    requested_on: date
    determined_on: date


class AnnounceAuction(Command):
    asset_id: ShortId
    start_price: PositiveMoney
    deposit: PositiveMoney
    announced_on: date
    opens_at: AwareDatetime
    closes_at: AwareDatetime


class RecordBid(Command):
    asset_id: ShortId
    bidder: ShortId
    amount: PositiveMoney
    bid_at: AwareDatetime


class CloseAuction(Command):
    asset_id: ShortId
    closed_at: AwareDatetime


class RecordBuyerDefault(Command):
    asset_id: ShortId
    defaulted_on: date
    costs: Money = Decimal("0.00")  # costs of the re-auction met first from the deposit


class SellAsset(Command):
    asset_id: ShortId
    price: PositiveMoney
    buyer: ShortId
    sold_on: date


class TransferInLieu(Command):
    asset_id: ShortId
    transferred_on: date
    applicant_consents: Literal[True]


# --- funds ----------------------------------------------------------------------------------

class RecordFundsReceived(Command):
    amount: PositiveMoney
    received_on: date
    source: FundsSource = FundsSource.DEBTOR_PAYMENT
    payer: Annotated[str, Field(min_length=1, max_length=100)] | None = None  # ADDED_LATER
    asset_id: ShortId | None = None  # ADDED_LATER; a garnishee's remittance: its income (§11)


class PayOut(Command):
    """A disbursement from the case's ledger to one payee (docs/rules.md §1.7); without a
    payee kind: to the applicants (payouts decided before the ledger had payees)."""

    amount: PositiveMoney
    paid_on: date
    payee_kind: PayeeKind | None = None  # ADDED_LATER; None: the applicants
    payee: Annotated[str, Field(min_length=1, max_length=100)] | None = None  # ADDED_LATER
    plan_number: PlanRef | None = None  # ADDED_LATER: the case's share of a 参与分配 plan
    share_of: ShortId | None = None  # ADDED_LATER: which part of the plan ("final", an objection)


class JoinDistribution(Command):
    """The case joins a 参与分配 plan against its debtor with its claim and the claim's class
    (docs/rules.md §12): money the case receives from then on is held for the plan."""

    plan_number: PlanRef
    debtor: Annotated[str, Field(min_length=1, max_length=100)]
    claim: PositiveMoney
    claim_class: ClaimClass
    joined_on: date


class ClaimReceipt(Command):
    """Claim an unidentified receipt of the court's suspense account into this case: the case
    records it as received from its payer, the account marks it claimed (docs/rules.md §10)."""

    receipt_id: ShortId
    claimed_on: date
    source: FundsSource = FundsSource.DEBTOR_PAYMENT


class LeaveDistribution(Command):
    """The plan the case joined is done with it (every share it owed the case paid, nothing
    held back): money the case receives from then on is its own again (docs/rules.md §12)."""

    plan_number: PlanRef
    left_on: date


# --- settlement -----------------------------------------------------------------------------

class ReachSettlement(Command):
    reached_on: date
    amount: PositiveMoney
    due_on: date
    terms: Text


class RecordSettlementPayment(Command):
    amount: PositiveMoney
    paid_on: date


class RecordSettlementPerformed(Command):
    performed_on: date


class RecordSettlementDefault(Command):
    defaulted_on: date
    choice: SettlementChoice


# --- coercive measures --------------------------------------------------------------------

class RestrictConsumption(Command):
    issued_on: date
    bound_persons: Annotated[tuple[Annotated[str, Field(min_length=1, max_length=100)], ...],
                             Field(max_length=20)] = ()
    approval_id: ApprovalId | None = None
    approval: LegacyApproval = None


class LiftConsumptionRestriction(Command):
    lifted_on: date
    reason: Literal["security", "applicant_consent", "performance", "objection_upheld"]
    objection_id: ShortId | None = None  # with objection_upheld (docs/rules.md §7.1)


class ListDishonest(Command):
    """List the debtor as 失信 (失信规定). ``respondent``: the respondent listed, by name or
    identity-document number; none: every respondent (what a listing meant before the field
    existed, docs/rules.md §1.9)."""

    ground: DishonestGround
    listed_on: date
    extra_years: Annotated[int, Field(ge=0, le=3)] = 0
    approval_id: ApprovalId | None = None
    approval: LegacyApproval = None
    security_given: bool = False
    later_in_order: bool = False
    respondent: Annotated[str, Field(min_length=1, max_length=100)] | None = None


class DeleteDishonestEntry(Command):
    deleted_on: date
    reason: Literal["performance", "settlement_performed", "applicant_request", "termination",
                    "period_expired", "error", "objection_upheld"]
    objection_id: ShortId | None = None  # with objection_upheld (docs/rules.md §7.1)


class ImposeFine(Command):
    amount: PositiveMoney
    imposed_on: date
    subject: Text
    subject_kind: PartyKind
    approval_id: ApprovalId | None = None
    approval: LegacyApproval = None


class OrderDetention(Command):
    days: Annotated[int, Field(ge=1, le=100)]
    ordered_on: date
    subject: Text
    approval_id: ApprovalId | None = None
    approval: LegacyApproval = None


class IssueSummons(Command):
    hours: Annotated[int, Field(ge=1, le=100)]
    issued_on: date
    detention_likely: bool = False


class BanExit(Command):
    banned_on: date
    subject: Text


# --- approvals ----------------------------------------------------------------------------

class RequestApproval(Command):
    """Ask for the approval a measure needs (docs/rules.md, "Approvals"): its kind and its
    particulars (a fine's subject and amount, a detention's subject and days)."""

    approval_id: ApprovalId
    measure: ApprovalMeasure
    subject: Text | None = None
    amount: PositiveMoney | None = None
    days: Annotated[int, Field(ge=1, le=100)] | None = None
    requested_on: date


class GiveApproval(Command):
    """The approver (the role the measure's rule names) approves a pending request."""

    approval_id: ApprovalId
    given_on: date


class RefuseApproval(Command):
    """The approver refuses a pending request: no measure may rest on it."""

    approval_id: ApprovalId
    refused_on: date
    reason: Text


# --- deadline -------------------------------------------------------------------------------

class RequestExtension(Command):
    requested_on: date
    approval_id: ApprovalId | None = None
    approval: LegacyApproval = None


class SuspendEnforcement(Command):
    suspended_on: date
    reason: SuspensionReason


class EndSuspension(Command):
    ended_on: date


# --- security and postponement (执行担保, 暂缓执行: docs/rules.md §8) ------------------------

class RecordSecurity(Command):
    """A security for performance given to the court (执行担保书): its form, who gives it (the
    debtor, or a guarantor named in ``guarantor``), the amount secured, the secured property
    (a property security), the security period in months (None: one year) and whether the
    applicant consents (民诉法 art.242; 执行担保规定 arts.2-6, 12)."""

    security_id: ShortId
    form: SecurityForm
    provider: SecurityProvider
    guarantor: Party | None = None
    amount: PositiveMoney
    secured_property: Text | None = None
    security_months: Annotated[int, Field(ge=1, le=120)] | None = None
    applicant_consents: bool
    given_on: date


class PostponeEnforcement(Command):
    """The court's decision to postpone enforcement (暂缓执行) until ``until`` (its last day) on
    the securities named (民诉法 art.242; at most one year: 民诉法解释 art.467)."""

    decided_on: date
    until: date
    security_ids: Annotated[tuple[ShortId, ...], Field(min_length=1, max_length=10)]


class RecordSecurityBreach(Command):
    """The secured property was transferred, hidden, sold or damaged (民诉法解释 art.467;
    执行担保规定 art.11)."""

    security_id: ShortId
    occurred_on: date
    description: Text


class EndPostponement(Command):
    """The postponement ends: its term has run out, or on a recorded breach of the security."""

    ended_on: date
    cause: PostponementEnd


class RuleAgainstSecurity(Command):
    """The court rules that the security is enforced (直接执行担保财产 / 裁定执行担保人的财产):
    the guarantor becomes a person bound by the case within the security's amount."""

    security_id: ShortId
    ruled_on: date


class CollectFromSecurity(Command):
    """Money obtained from a security the court ruled against: paid by the guarantor or
    realised from the secured property (at most the security's amount)."""

    security_id: ShortId
    amount: PositiveMoney
    collected_on: date


# --- refusal to enforce (拒执罪: docs/rules.md §9) -----------------------------------------

class FindRefusalToEnforce(Command):
    """The court finds that recorded conduct of the debtor calls for criminal proceedings for
    refusing to enforce (刑法 art.313): a 终本 then waits for a referral (终本规定 art.1(5))."""

    found_on: date
    conduct: Text


class ReferRefusalToEnforce(Command):
    """Criminal proceedings started: the court's transfer to the police, the applicant's
    complaint to the police, or the applicant's private prosecution (自诉)."""

    referral_id: ShortId
    route: ReferralRoute
    referred_on: date
    subject: Text
    facts: Text


class RecordReferralOutcome(Command):
    """What became of a referral: accepted, declined, prosecuted, dropped, convicted …"""

    referral_id: ShortId
    outcome: ReferralOutcome
    decided_on: date


# --- termination, resumption, closure -----------------------------------------------------

class RecordApplicantHearing(Command):
    heard_on: date
    record: Text


class TerminateCurrentProcedure(Command):
    ruled_on: date
    ruling_number: Annotated[str, Field(min_length=1, max_length=80)]
    approval_mode: ApprovalMode
    approval_id: ApprovalId | None = None  # needed with panel_and_president
    approval: LegacyApproval = None


class RecordTerminationService(Command):
    served_on: date


class RecordPostTerminationInquiry(Command):
    queried_on: date
    findings: Findings = ()


class ResumeEnforcement(Command):
    new_case_number: CaseNumber
    resumed_on: date
    reason: Text


class ConcludeCase(Command):
    closed_on: date


class EndEnforcement(Command):
    closed_on: date
    ground: EndingGround
    reason: Text


class CloseCase(Command):
    mode: Literal[ClosureMode.WITHDRAWN_FILING, ClosureMode.NOT_ENFORCED, ClosureMode.REJECTED]
    closed_on: date
    reason: Text


# --- objections, reviews, outsiders' claims (docs/rules.md §7) ------------------------------

class RecordObjection(Command):
    """A party's or interested person's written objection to an enforcement act (执行异议,
    民诉法 art.236), as the court received it: the act (its kind, the asset it concerns, its
    version in the record if known), the grounds, the day of receipt."""

    objection_id: ShortId
    objector: Text
    standing: Standing
    act: ObjectedAct
    asset_id: ShortId | None = None
    act_version: Annotated[int, Field(ge=1)] | None = None
    grounds: Text
    received_on: date


class RecordOutsiderClaim(Command):
    """An outsider's written claim to one controlled asset (案外人异议, 民诉法 art.238)."""

    objection_id: ShortId
    claimant: Text
    asset_id: ShortId
    grounds: Text
    received_on: date


class OrderObjectionStay(Command):
    """The court stays the disposal the objected act concerns while the objection (or its
    复议) is examined (执行程序解释 art.10: no stay unless ordered)."""

    objection_id: ShortId
    ordered_on: date
    reason: Text


class RuleOnObjection(Command):
    """The ruling on an objection or an outsider's claim; ``served_on``: served at once."""

    objection_id: ShortId
    outcome: ObjectionOutcome
    ruled_on: date
    served_on: date | None = None


class RecordObjectionService(Command):
    """The ruling on an objection or claim was served (the 10/15-day periods run from it)."""

    objection_id: ShortId
    served_on: date


class ApplyForReview(Command):
    """An application for 复议 of the ruling on an objection to the higher court."""

    objection_id: ShortId
    applicant: Text
    applied_on: date


class RecordReviewDecision(Command):
    """The higher court's decision on a 复议, as the enforcing court records it."""

    objection_id: ShortId
    outcome: ReviewOutcome
    decided_on: date


class RecordObjectionSuit(Command):
    """A 执行异议之诉 about a claimed asset was filed (the outsider's after a rejection, the
    applicant's after the claim was upheld)."""

    objection_id: ShortId
    filed_on: date


class RecordSuitJudgment(Command):
    """The judgment of that suit: enforcement of the asset allowed or excluded."""

    objection_id: ShortId
    judgment: SuitJudgment
    decided_on: date


# --- the court's register of what it received -----------------------------------------------

class RecordRefusedAct(Command):
    """An act that reached the case without a caller waiting (the ``act`` signal: outside
    systems, parties' submissions) and was refused: the refusal enters the record, because
    nobody else is told of it (docs/workflows.md, "Acts as facts"). The refused act itself
    changes nothing."""

    act: Annotated[str, Field(min_length=1, max_length=60)]
    key: Annotated[str, Field(min_length=1, max_length=120)]
    submitted_by: Actor
    code: Annotated[str, Field(min_length=1, max_length=80)]
    message: Annotated[str, Field(max_length=1000)]
    source: Annotated[str, Field(max_length=300)]


def _all_commands() -> dict[str, type[Command]]:
    found: dict[str, type[Command]] = {}
    pending: list[type[Command]] = [Command]
    while pending:
        for sub in pending.pop().__subclasses__():
            found[sub.__name__] = sub
            pending.append(sub)
    return found


COMMANDS: dict[str, type[Command]] = _all_commands()
"""Every command class by name: the stable names used by workflows, the CLI and Temporal."""
