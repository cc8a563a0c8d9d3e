"""CaseFacts: the evidence of one case as the projections see it, rebuilt from its events.

This is deliberately *not* the aggregate's ``CaseState``: the audit re-derives every condition
from the log itself (an imported legacy case never passed the aggregate's checks), so the facts
are total — any sequence of events, however irregular, yields facts and never an error.
Stored as JSON in the ``case_facts`` table in the same transaction as the views built from it.
Plain slotted dataclasses (they change on every event), validated and serialised by pydantic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, TypeAdapter

ZERO = Decimal("0.00")

class Finding(BaseModel):
    """One missing or violated condition of a 终本, with its source."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    category: str  # misreport | substantive | procedural
    code: str
    subject: str = ""  # the channel, lead, asset … the finding is about
    message: str
    source: str


@dataclass(slots=True, kw_only=True)
class RespondentFact:
    name: str
    organisation: bool
    born_on: date | None


@dataclass(slots=True, kw_only=True)
class AssetFact:
    asset_id: str
    kind: str | None = None  # None: controlled without a recorded finding (legacy)
    description: str = ""
    value: Decimal = ZERO
    exempt: bool = False
    necessary_home: bool = False
    found_on: date | None = None
    source: str = ""
    control: str = "none"  # none | queued | active | lapsed | released | disposed
    measure: str | None = None
    amount: Decimal = ZERO
    effective_on: date | None = None
    expires_on: date | None = None
    queue_position: int = 0
    renewals: int = 0
    transferred: Decimal = ZERO
    rounds: int = 0
    failed_rounds: int = 0
    disposed_how: str | None = None
    ended_on: date | None = None  # released, lapsed or disposed on

    @property
    def under_control(self) -> bool:
        return self.control in ("active", "queued")


@dataclass(slots=True, kw_only=True)
class LeadFact:
    lead_id: str
    submitted_on: date | None = None
    due_on: date | None = None
    urgent: bool = False
    verified_on: date | None = None
    found: bool = False
    late: bool = False


@dataclass(slots=True, kw_only=True)
class ReceiptFact:
    """Money received into the case that the court must pay out (执行款物规定)."""

    seq: int
    received_on: date
    amount: Decimal
    source: str
    due_on: date
    unpaid: Decimal
    paid_on: date | None = None  # the day the last of it was paid out


@dataclass(slots=True, kw_only=True)
class PayeeEntryFact:
    """The part of a receipt due to one payee (a ledger allocation, docs/rules.md §1.7) and
    what of it was paid out; a receipt recorded before the ledger is one applicants' entry."""

    seq: int  # the receipt's ``ReceiptFact.seq``
    payee_kind: str  # applicant | court_fee | debtor_refund (domain.models.PayeeKind)
    payee: str | None
    received_on: date
    due_on: date
    amount: Decimal
    unpaid: Decimal
    paid_on: date | None = None  # the day the last of it was paid out


@dataclass(slots=True, kw_only=True)
class SanctionFact:
    """A coercive measure: restriction, 失信 entry, fine, detention, summons, exit ban."""

    seq: int
    kind: str
    started_on: date
    subject: str = ""
    ground: str | None = None
    respondent: str | None = None  # 失信: the respondent listed (None: every respondent)
    ends_on: date | None = None  # fixed end (失信 period, detention days)
    ended_on: date | None = None  # lifted / deleted on
    end_reason: str | None = None
    amount: Decimal | None = None
    late: bool = False


@dataclass(slots=True, kw_only=True)
class PeriodFact:
    """A period not counted against the closure deadline (审限规定 art.9)."""

    kind: str  # suspension | auction | valuation | audit
    key: str = ""  # the asset of an auction round
    start: date
    end: date | None = None


@dataclass(slots=True, kw_only=True)
class SecurityFact:
    """A security for performance (执行担保, docs/rules.md §8) and its enforcement."""

    security_id: str
    form: str = ""
    provider: str = ""  # debtor | third_party
    provider_name: str = ""
    amount: Decimal = ZERO
    given_on: date | None = None
    consents: bool = False
    breaches: list[date] = field(default_factory=list)
    security_months: int = 12  # the security period, from the postponement's last day
    postponed_until: date | None = None
    postponement_ended_on: date | None = None
    ruled_on: date | None = None  # the court ruled it is enforced: a bound person
    collected: Decimal = ZERO


@dataclass(slots=True, kw_only=True)
class PostponementFact:
    """A postponement of enforcement (暂缓执行) and its end."""

    decided_on: date
    until: date
    security_ids: list[str] = field(default_factory=list)
    ended_on: date | None = None
    cause: str | None = None  # period_ended | breach (None: open, or ended by closure)


@dataclass(slots=True, kw_only=True)
class ReferralFact:
    """Criminal proceedings for refusing to enforce (拒执罪, docs/rules.md §9)."""

    referral_id: str
    route: str = ""
    referred_on: date | None = None
    outcome: str | None = None
    decided_on: date | None = None


@dataclass(slots=True, kw_only=True)
class ObjectionFact:
    """An objection to an act (kind ``act``, 执行异议) or an outsider's claim to an asset
    (``claim``, 案外人异议) and what became of it (docs/rules.md §7)."""

    objection_id: str
    kind: str  # act | claim
    act: str | None = None
    asset_id: str | None = None
    received_on: date | None = None
    due_on: date | None = None
    stayed: bool = False
    outcome: str | None = None  # upheld | rejected (the ruling)
    ruled_on: date | None = None
    late: bool = False
    served_on: date | None = None
    review_applied_on: date | None = None
    review_outcome: str | None = None
    review_decided_on: date | None = None
    suit_plaintiff: str | None = None
    suit_filed_on: date | None = None
    suit_judgment: str | None = None
    suit_decided_on: date | None = None
    revoked_on: date | None = None


@dataclass(slots=True, kw_only=True)
class TerminationFact:
    """The 终本 ruling and what the log showed when it was made."""

    ruled_on: date
    version: int
    via: str  # "ruling" (CurrentProcedureTerminated) or "closure" (legacy CaseClosed)
    ruling_number: str | None = None
    approval_mode: str | None = None
    approver_role: str | None = None
    outstanding: Decimal = ZERO
    findings: list[Finding] = field(default_factory=list)  # misreport + substantive, at ruling
    served_on: date | None = None


@dataclass(slots=True, kw_only=True)
class CaseFacts:
    """All facts of one case the read models need."""

    case_id: str
    case_number: str
    kind: str = "执"
    court: str = ""
    category: str = ""
    imported: bool = False
    complete: bool = True  # False: events arrived without a CaseFiled first
    filed_on: date | None = None
    applied_on: date | None = None
    non_litigation: bool = False
    applied: Decimal = ZERO  # principal + interest + fees claimed at filing
    application_period_passed: bool = False  # applied after the 2 years (民诉法解释 art.481)
    limitation_objection: str | None = None  # pending | upheld | rejected
    respondents: list[RespondentFact] = field(default_factory=list)
    resumed_from: str | None = None
    officer: str = ""
    events: int = 0
    last_day: date | None = None
    # notice and report
    notice_on: date | None = None
    report_ordered: bool = False
    report_due_on: date | None = None
    notice_served_on: date | None = None
    report_status: str | None = None
    reported_on: date | None = None
    # inquiry
    channels: dict[str, date] = field(default_factory=dict)  # before any 终本
    post_inquiries: list[date] = field(default_factory=list)
    assets: dict[str, AssetFact] = field(default_factory=dict)
    leads: dict[str, LeadFact] = field(default_factory=dict)
    onsite_on: date | None = None
    searched_on: date | None = None
    reward_requested_on: date | None = None
    reward_decided_on: date | None = None
    audit_requested_on: date | None = None
    audit_decided_on: date | None = None
    debtor_missing_on: date | None = None
    debtor_searched_on: date | None = None  # a search after the debtor went missing
    obstructions: int = 0
    # funds
    received: Decimal = ZERO
    in_lieu: Decimal = ZERO
    paid_out: Decimal = ZERO
    fee_received: Decimal = ZERO  # 执行申请费 taken from receipts (docs/rules.md §1.7)
    excess_received: Decimal = ZERO  # due back to the debtor
    waived: Decimal = ZERO  # given up in a performed settlement (DebtWaived)
    receipts: list[ReceiptFact] = field(default_factory=list)
    receipt_seq: int = 0
    payee_entries: list[PayeeEntryFact] = field(default_factory=list)
    to_applicants: Decimal = ZERO  # reached the applicants: paid out, paid direct, settlement
    # settlement
    settlement: str | None = None  # reached | performed | defaulted
    settlement_amount: Decimal = ZERO
    settlement_paid: Decimal = ZERO
    # sanctions
    sanctions: list[SanctionFact] = field(default_factory=list)
    # objections and outsiders' claims (docs/rules.md §7)
    objections: dict[str, ObjectionFact] = field(default_factory=dict)
    # deadline
    extensions_months: int = 0
    periods: list[PeriodFact] = field(default_factory=list)
    # security and postponement (docs/rules.md §8); refusal to enforce (§9)
    securities: dict[str, SecurityFact] = field(default_factory=dict)
    postponements: list[PostponementFact] = field(default_factory=list)
    refusal_found_on: date | None = None
    referrals: dict[str, ReferralFact] = field(default_factory=dict)
    # termination, resumption, closure
    hearings: list[date] = field(default_factory=list)
    termination: TerminationFact | None = None
    resumed_as: str | None = None
    resumed_on: date | None = None
    closure_mode: str | None = None
    closed_on: date | None = None
    by_settlement: bool = False
    ending_ground: str | None = None

    @property
    def recovered(self) -> Decimal:
        """Money received into the case (incl. direct payments) + property taken in lieu."""
        return self.received + self.in_lieu

    @property
    def reached(self) -> Decimal:
        """What actually reached the applicants (执行到位率, docs/projections.md): money paid out
        to them from the case's ledger, paid to them directly or under a settlement, and
        property transferred to them in lieu at its transfer price."""
        return self.to_applicants + self.in_lieu

    @property
    def undisbursed(self) -> Decimal:
        return sum((r.unpaid for r in self.receipts), ZERO)

    @property
    def held(self) -> Decimal:
        """The ledger's balance: what the court holds for any payee (its payee entries)."""
        return sum((x.unpaid for x in self.payee_entries), ZERO)

    def active_sanctions(self, kind: str) -> list[SanctionFact]:
        return [s for s in self.sanctions if s.kind == kind and s.ended_on is None]


FACTS: TypeAdapter[CaseFacts] = TypeAdapter(CaseFacts)
"""Validates facts from their stored JSON and serialises them."""
