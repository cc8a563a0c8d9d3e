"""The state of one case, rebuilt by applying its events (see ``domain.evolve``).

Everything here is derivable from the events; nothing is stored apart from them (snapshots
store this model only to shorten replay).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, Self
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, ModelWrapValidatorHandler, model_validator

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
    ObjectedAct,
    ObjectionOutcome,
    PayeeKind,
    PostponementEnd,
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
from domain.rules import Channel, enforcement_fee
from domain.values import CaseKind, Party, Role, case_kind_of, recorded_facts

ZERO = Decimal("0.00")


class Phase(StrEnum):
    """Where the case stands."""

    FILED = "filed"
    NOTICE = "notice"
    INQUIRY = "inquiry"
    CONTROL = "control"
    DISPOSAL = "disposal"
    SETTLEMENT = "settlement"
    SUSPENDED = "suspended"
    TERMINATED = "terminated"  # 终本 (monitoring)
    CLOSED = "closed"


class ControlStatus(StrEnum):
    NONE = "none"
    QUEUED = "queued"
    ACTIVE = "active"
    LAPSED = "lapsed"
    RELEASED = "released"
    DISPOSED = "disposed"


class Mutable(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RoundState(Mutable):
    round: int
    start_price: Decimal
    deposit: Decimal
    announced_on: date
    opens_at: datetime
    closes_at: datetime
    reauction: bool
    status: str = "announced"  # announced | sold | failed | defaulted | withdrawn (§7)
    best_bid: Decimal | None = None
    best_bidder: str | None = None
    price: Decimal | None = None
    buyer: str | None = None
    ended_on: date | None = None


class AssetState(Mutable):
    finding: AssetFinding
    found_on: date
    source: str
    control: ControlStatus = ControlStatus.NONE
    measure: ControlMeasure | None = None
    amount: Decimal = ZERO
    effective_on: date | None = None
    expires_on: date | None = None
    queue_position: int = 0
    renewals: int = 0
    living_allowance: Decimal | None = None
    transferred: Decimal = ZERO
    reference_price: Decimal | None = None
    reference_valid_until: date | None = None
    rounds: list[RoundState] = Field(default_factory=list)
    barred_bidders: set[str] = Field(default_factory=set)
    forfeit_held: Decimal = ZERO
    defaulted_price: Decimal | None = None
    disposed_how: str | None = None

    @property
    def last_round(self) -> RoundState | None:
        return self.rounds[-1] if self.rounds else None

    @property
    def failed_rounds(self) -> int:
        return sum(1 for r in self.rounds if r.status == "failed")

    @property
    def under_control(self) -> bool:
        return self.control in (ControlStatus.ACTIVE, ControlStatus.QUEUED)


class AllowanceStep(Mutable):
    """A living allowance in force from the remittance of ``from_month`` (``YYYY-MM``) on."""

    from_month: str
    allowance: Decimal


class GarnishmentState(Mutable):
    """A standing order to a garnishee (the employer) to remit the garnished income each month,
    less the living allowance (民诉法 art.254; docs/rules.md §11)."""

    garnishee: str
    monthly_income: Decimal
    ordered_on: date
    allowances: list[AllowanceStep]
    status: str = "active"  # active | stopped (the garnishee pays no more) | lifted
    ended_on: date | None = None
    end_reason: str | None = None
    remitted: Decimal = ZERO
    remittances: dict[str, Decimal] = Field(default_factory=dict)  # by month YYYY-MM

    def allowance_for(self, month: str) -> Decimal:
        """The allowance a remittance of ``month`` leaves: the last step in force then."""
        current = self.allowances[0].allowance
        for step in self.allowances:
            if step.from_month <= month:
                current = step.allowance
        return current

    def remittable(self, month: str) -> Decimal:
        """What the garnishee remits for ``month`` at most (income less the allowance)."""
        return max(ZERO, self.monthly_income - self.allowance_for(month))


def month_of(day: date) -> str:
    """A remittance's month, ``YYYY-MM``."""
    return f"{day.year:04d}-{day.month:02d}"


def next_month(day: date) -> str:
    """The month after ``day``'s."""
    return f"{day.year + day.month // 12:04d}-{day.month % 12 + 1:02d}"


class LeadState(Mutable):
    submitted_on: date
    due_on: date
    urgent: bool
    verified_on: date | None = None
    found: bool = False


class Recovery(Mutable):
    """What reached the applicant on a day: money received into the case (direct payments,
    settlement payments included) or property taken in lieu at its value."""

    on: date
    amount: Decimal


class ReceiptState(Mutable):
    """One open entry of the case's ledger: a receipt's part due to one payee, and how much of
    it is not yet paid out (docs/rules.md §1.7). States saved before the ledger had payees hold
    the applicants' receipts only, which the defaults say."""

    amount: Decimal
    received_on: date
    due_on: date | None
    unpaid: Decimal
    payee_kind: PayeeKind = PayeeKind.APPLICANT
    payee: str | None = None


class DistributionLink(Mutable):
    """The case's part in a 参与分配 plan (docs/rules.md §12)."""

    claim: Decimal
    claim_class: str
    joined_on: date
    paid: dict[str, Decimal] = Field(default_factory=dict)  # by share_of
    left_on: date | None = None

    @property
    def open(self) -> bool:
        """Until the plan is done with the case, money it receives is held for the plan."""
        return self.left_on is None


class Period(Mutable):
    start: date
    end: date | None = None
    reason: str


class DishonestEntry(Mutable):
    ground: DishonestGround
    listed_on: date
    until: date | None
    deleted_on: date | None = None
    respondent: str | None = None  # the respondent's name; None: every respondent

    def names(self, party: str) -> bool:
        """Whether this entry lists the respondent named ``party``."""
        return self.respondent is None or self.respondent == party


class ApprovalState(Mutable):
    """An approval request and what became of it (docs/rules.md, "Approvals")."""

    measure: ApprovalMeasure
    subject: str | None = None
    amount: Decimal | None = None
    days: int | None = None
    requested_by: str
    requested_on: date
    status: str = "pending"  # pending | given | refused
    decided_by: str | None = None
    decided_role: Role | None = None
    decided_on: date | None = None
    used_by: str | None = None  # command_id of the measure that rests on it


class SecurityState(Mutable):
    """A security for performance (执行担保, docs/rules.md §8) and what became of it."""

    form: SecurityForm
    provider: SecurityProvider
    provider_name: str
    guarantor: Party | None = None
    amount: Decimal
    secured_property: str | None = None
    security_months: int
    applicant_consents: bool
    given_on: date
    breaches: list[date] = Field(default_factory=list)
    postponed_until: date | None = None  # the term of the last postponement resting on it
    postponement_ended_on: date | None = None
    ruled_on: date | None = None  # the court ruled that the security is enforced
    collected: Decimal = ZERO

    @property
    def remaining(self) -> Decimal:
        return max(ZERO, self.amount - self.collected)


class PostponementState(Mutable):
    """A postponement of enforcement (暂缓执行) on securities."""

    decided_on: date
    until: date
    security_ids: list[str]
    ended_on: date | None = None
    cause: PostponementEnd | None = None  # None: ended by the case's closure


class ReferralState(Mutable):
    """Criminal proceedings for refusing to enforce (拒执罪, docs/rules.md §9)."""

    route: ReferralRoute
    referred_on: date
    subject: str
    outcome: ReferralOutcome | None = None
    decided_on: date | None = None


class ObjectionState(Mutable):
    """An objection (执行异议) or an outsider's claim (案外人异议) and what became of it
    (docs/rules.md §7)."""

    kind: str  # act (执行异议, 民诉法 art.236) | claim (案外人异议, 民诉法 art.238)
    objector: str  # the objector, or the outsider who claims
    standing: Standing | None = None  # an objection's (a claim's is the outsider's)
    act: ObjectedAct | None = None  # what an objection objects to
    asset_id: str | None = None
    act_version: int | None = None
    grounds: str
    received_on: date
    due_on: date
    stayed: bool = False  # a stay ordered and in force (执行异议 only)
    outcome: ObjectionOutcome | None = None
    ruled_on: date | None = None
    late: bool = False
    served_on: date | None = None
    review_applied_on: date | None = None
    review_outcome: ReviewOutcome | None = None
    review_decided_on: date | None = None
    suit_plaintiff: str | None = None  # outsider | applicant
    suit_filed_on: date | None = None
    suit_judgment: SuitJudgment | None = None
    suit_decided_on: date | None = None
    revoked_on: date | None = None  # the act objected to revoked, or the claimed asset released

    @property
    def upheld(self) -> bool | None:
        """The objection's standing: its ruling, reversed by a 复议 (None: not ruled yet)."""
        if self.outcome is None:
            return None
        upheld = self.outcome is ObjectionOutcome.UPHELD
        return not upheld if self.review_outcome is ReviewOutcome.REVERSED else upheld

    @property
    def review_pending(self) -> bool:
        return self.review_applied_on is not None and self.review_decided_on is None


class CaseState(Mutable):
    """All facts of one enforcement case."""

    @model_validator(mode="wrap")
    @classmethod
    def _as_recorded(cls, data: Any, handler: ModelWrapValidatorHandler[Self]) -> Self:
        """Rebuilt from the record (events, a snapshot): loaded as written, without the input
        rules for text and money (domain/values.py ``recorded_facts``)."""
        with recorded_facts():
            return handler(data)

    id: UUID
    case_number: str
    kind: str
    court: str
    category: CaseCategory
    applicants: tuple[Party, ...]
    respondents: tuple[Party, ...]
    basis: Basis
    claim: Claim
    applied_on: date
    filed_on: date
    application_period_passed: bool = False  # applied after it (民诉法解释 art.481)
    application_period_ended_on: date | None = None
    limitation_objection: str | None = None  # pending | upheld | rejected
    limitation_objection_raised_on: date | None = None
    resumed_from: str | None = None
    resumed_from_id: UUID | None = None
    imported: bool = False
    phase: Phase = Phase.FILED
    # notice and report
    notice_issued_on: date | None = None
    notice_performance_due_on: date | None = None  # None: performance at once
    report_ordered: bool = False
    report_due_on: date | None = None
    notice_served_on: date | None = None
    report_status: ReportStatus | None = None
    delay_interest: Decimal = ZERO
    delay_interest_to: date | None = None
    # inquiry
    channels_queried: dict[Channel, date] = Field(default_factory=dict)
    assets: dict[str, AssetState] = Field(default_factory=dict)
    leads: dict[str, LeadState] = Field(default_factory=dict)
    onsite_on: date | None = None
    searched_on: date | None = None
    reward_requested_on: date | None = None
    reward_decided_on: date | None = None
    audit_requested_on: date | None = None
    audit_decided_on: date | None = None
    debtor_missing: bool = False
    debtor_searched_on: date | None = None
    obstructions: int = 0
    # funds
    received: Decimal = ZERO
    in_lieu: Decimal = ZERO
    paid_out: Decimal = ZERO
    receipts: list[ReceiptState] = Field(default_factory=list)  # open ledger entries
    distributions: dict[str, DistributionLink] = Field(default_factory=dict)  # by plan number
    fee_received: Decimal = ZERO  # 执行申请费 taken from receipts (docs/rules.md §1.7)
    excess_received: Decimal = ZERO  # beyond the claim and the fee: due back to the debtor
    waived: Decimal = ZERO  # given up by the applicant in a performed settlement
    recoveries: list[Recovery] = Field(default_factory=list)  # dated: delay interest's base
    late_payouts: int = 0
    # settlement
    settlement_status: str | None = None  # reached | performed | defaulted
    settlement_amount: Decimal = ZERO
    settlement_paid: Decimal = ZERO
    settlement_choice: SettlementChoice | None = None
    # sanctions
    restriction_on: date | None = None
    restriction_lifted_on: date | None = None
    dishonest: list[DishonestEntry] = Field(default_factory=list)
    fines: int = 0
    detentions: int = 0
    # standing garnishment orders by asset (wages and other periodic income, docs/rules.md §11)
    garnishments: dict[str, GarnishmentState] = Field(default_factory=dict)
    # approvals by request id (each rests one measure)
    approvals: dict[str, ApprovalState] = Field(default_factory=dict)
    # objections and outsiders' claims by id (docs/rules.md §7)
    objections: dict[str, ObjectionState] = Field(default_factory=dict)
    # deadline
    extensions_months: int = 0
    suspensions: list[Period] = Field(default_factory=list)
    valuations: list[Period] = Field(default_factory=list)  # reference price: asked → fixed
    suspended_reason: SuspensionReason | None = None
    # security and postponement (docs/rules.md §8)
    securities: dict[str, SecurityState] = Field(default_factory=dict)
    postponements: list[PostponementState] = Field(default_factory=list)
    # refusal to enforce (docs/rules.md §9)
    refusal_found_on: date | None = None
    referrals: dict[str, ReferralState] = Field(default_factory=dict)
    # termination and closure
    applicant_heard_on: date | None = None
    terminated_on: date | None = None
    termination_approval: ApprovalMode | None = None
    termination_served_on: date | None = None
    post_inquiries: list[date] = Field(default_factory=list)
    resumed_as: str | None = None
    resumed_as_id: UUID | None = None
    closure_mode: ClosureMode | None = None
    closed_on: date | None = None
    # bookkeeping
    version: int = 0
    last_recorded_at: datetime | None = None
    chain_head: str = ""
    commands: dict[str, str] = Field(default_factory=dict)  # command_id -> payload fingerprint
    command_versions: dict[str, list[int]] = Field(default_factory=dict)

    # --- derived figures ---------------------------------------------------------------------
    @property
    def claim_total(self) -> Decimal:
        """Principal + interest + fees + assessed delay interest."""
        return self.claim.total + self.delay_interest

    @property
    def recovered(self) -> Decimal:
        """Money received into the case (incl. direct payments) + property taken in lieu."""
        return self.received + self.in_lieu

    @property
    def outstanding(self) -> Decimal:
        """Balance still owed to the applicants; never negative."""
        return max(ZERO, self.claim_total - self.recovered - self.waived)

    @property
    def fee_due(self) -> Decimal:
        """The 执行申请费 of a first enforcement case on the amount applied for (诉讼费用交纳办法
        art.14(1)); a resumed or preservation case pays none (docs/rules.md §1.7)."""
        if case_kind_of(self.case_number) is not CaseKind.FIRST:
            return ZERO
        return enforcement_fee(self.claim.total)

    @property
    def fee_outstanding(self) -> Decimal:
        """What of the enforcement fee no receipt has covered yet."""
        return max(ZERO, self.fee_due - self.fee_received)

    @property
    def undisbursed(self) -> Decimal:
        """Funds held by the court and not yet paid out, to every payee."""
        return sum((r.unpaid for r in self.receipts), ZERO)

    def held(self, kind: PayeeKind, payee: str | None = None, on: date | None = None
             ) -> list[ReceiptState]:
        """The open ledger entries due to ``kind`` (and ``payee`` if named), oldest first,
        received on or before ``on`` if given."""
        return [r for r in self.receipts if r.payee_kind is kind
                and (payee is None or r.payee in (payee, None))
                and (on is None or r.received_on <= on)]

    @property
    def is_closed(self) -> bool:
        return self.closure_mode is not None

    @property
    def controlled_value(self) -> Decimal:
        """Value currently under our control (effective or queued), less what was transferred."""
        return sum((a.amount - a.transferred for a in self.assets.values() if a.under_control),
                   ZERO)

    @property
    def dishonest_active(self) -> DishonestEntry | None:
        return next((d for d in self.dishonest if d.deleted_on is None), None)

    @property
    def postponement(self) -> PostponementState | None:
        """The postponement in force, if any."""
        return next((p for p in self.postponements if p.ended_on is None), None)

    @property
    def bound_persons(self) -> list[str]:
        """Guarantors bound by the case: a ruling enforces their security (执行担保规定
        art.11), within its amount; they do not become respondents."""
        return [x.provider_name for x in self.securities.values()
                if x.ruled_on is not None and x.provider is SecurityProvider.THIRD_PARTY]
    def listed_active(self, party: str) -> DishonestEntry | None:
        """The entry in force that lists the respondent named ``party``, if any."""
        return next((d for d in self.dishonest if d.deleted_on is None and d.names(party)),
                    None)
