"""Messages of the case workflow: its input, its result, the activity contracts, the query result.

Pure pydantic (plus domain value models, themselves pure pydantic): workflow code imports this
module inside ``workflow.unsafe.imports_passed_through()``; it must never import eventsourcing.
Operator payloads (update and signal inputs) live in :mod:`workflows.acts`.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from domain.models import BasisKind, CaseCategory, Claim, PayeeKind
from domain.values import Actor, CaseNumber, CheckedText, Party, Role

TASK_QUEUE = "enforcement"
"""Default task queue of the engine (worker and facade)."""

CASE_WORKFLOW = "EnforcementCaseWorkflow"
WORLD_WORKFLOW = "SimulatedWorldWorkflow"
EXECUTE_COMMAND = "execute_command"
"""Name of the one activity that writes to the event store (see ``workflows/activities.py``)."""
READ_CASE = "read_case"
"""Name of the activity that reads a case's view without writing (a ``refresh`` signal's)."""
REFRESH = "refresh"
"""The signal that tells a case's workflow its record changed outside it (a 参与分配 plan's
payout): it reads its view again (docs/workflows.md)."""
START_CASE = "start_case_workflow"
START_WORLD = "start_world_workflow"

SYSTEM = Actor(id="workflow", role=Role.SYSTEM)
"""The actor of every act the workflow performs by itself."""
FILING_OFFICE = Actor(id="filing-office", role=Role.CLERK)


def case_workflow_id(case_number: str) -> str:
    """The workflow id of a case: derived from its number (one workflow per case)."""
    return f"case:{case_number}"


def world_workflow_id(case_number: str) -> str:
    """The workflow id of the simulated world attached to a case."""
    return f"world:{case_number}"


class Message(BaseModel):
    """Base of workflow messages: strict, immutable."""

    model_config = ConfigDict(frozen=True, extra="forbid")


# --- workflow input ---------------------------------------------------------------------------

class BasisSpec(Message, CheckedText):
    """The enforcement basis, with its dates either absolute or counted back from filing.

    Dockets use the relative form so that a scenario runs the same whenever it is replayed.
    """

    kind: BasisKind
    document_number: Annotated[str, Field(min_length=1, max_length=80)]
    issued_by: Annotated[str, Field(min_length=1, max_length=80)]
    effective_on: date | None = None
    performance_deadline: date | None = None
    effective_days_before_filing: Annotated[int, Field(ge=0, le=3650)] | None = None
    performance_days_before_filing: Annotated[int, Field(ge=0, le=3650)] | None = None

    @model_validator(mode="after")
    def _one_form(self) -> BasisSpec:
        absolute = self.effective_on is not None and self.performance_deadline is not None
        relative = self.effective_days_before_filing is not None \
            and self.performance_days_before_filing is not None
        if absolute == relative:
            raise ValueError("give either effective_on and performance_deadline, or "
                             "effective_days_before_filing and performance_days_before_filing")
        return self


class Filing(Message, CheckedText):
    """What the filing clerk enters: the data of the FileCase command."""

    category: CaseCategory
    applicants: Annotated[tuple[Party, ...], Field(min_length=1, max_length=50)]
    respondents: Annotated[tuple[Party, ...], Field(min_length=1, max_length=50)]
    basis: BasisSpec
    claim: Claim
    applied_days_before_filing: Annotated[int, Field(ge=0, le=30)] = 0
    actor: Actor = FILING_OFFICE


class Policy(Message):
    """When the workflow acts (its own choices within the legal periods; see docs/workflows.md)."""

    report_days: Annotated[int, Field(ge=1, le=60)] = 10
    transfer_after_days: Annotated[int, Field(ge=0, le=60)] = 7
    payout_after_days: Annotated[int, Field(ge=0, le=30)] = 3
    valuation_after_days: Annotated[int, Field(ge=0, le=30)] = 5
    announce_after_days: Annotated[int, Field(ge=0, le=10)] = 7
    reauction_after_days: Annotated[int, Field(ge=0, le=30)] = 7
    buyer_payment_days: Annotated[int, Field(ge=1, le=60)] = 10
    start_ratio: Annotated[Decimal, Field(ge=Decimal("0.70"), le=Decimal("1.00"))] = Decimal("0.70")
    deposit_ratio: Annotated[Decimal, Field(ge=Decimal("0.05"), le=Decimal("0.20"))] = \
        Decimal("0.10")
    reauction_cut: Annotated[Decimal, Field(ge=Decimal("0.00"), le=Decimal("0.20"))] = \
        Decimal("0.20")
    lead_check_days: Annotated[int, Field(ge=0, le=7)] = 5
    urgent_lead_check_days: Annotated[int, Field(ge=0, le=3)] = 2
    onsite_after_days: Annotated[int, Field(ge=0, le=60)] = 10
    notice_recheck_days: Annotated[int, Field(ge=1, le=60)] = 7
    notice_checks: Annotated[int, Field(ge=1, le=10)] = 3
    renewal_lead_days: Annotated[int, Field(ge=1, le=180)] | None = None
    """None: the court's configured ``RuleSet.renewal_lead_days`` (30 days by default)."""
    extension_notice_days: Annotated[int, Field(ge=6, le=60)] = 15
    routine_hour: Annotated[int, Field(ge=0, le=23)] = 9
    """Court-time hour at which the day's routine steps run (inquiries, checks, reminders); a
    step due on a day whose hour has passed runs at once. 0: at once at any hour (the demo)."""
    command_activity: Literal["local", "regular"] = "local"
    command_timeout_seconds: Annotated[float, Field(gt=0, le=600)] = 30.0
    port_timeout_seconds: Annotated[float, Field(gt=0, le=3600)] = 60.0
    remittance_day: Annotated[int, Field(ge=1, le=28)] = 10
    """Day of the month on which the workflow asks each garnishee for its remittance under a
    standing wage garnishment (docs/rules.md §11)."""


class ScenarioRef(Message):
    """Which simulated world answers this case's ports (the docket key), and its day zero."""

    key: str
    anchor_on: date | None = None  # filing date of the first case of the chain


class WorldInput(Message):
    """Input of the simulated world of one case (``workflows/world.py``)."""

    case_number: str
    target_workflow_id: str
    scenario: ScenarioRef
    skip_before: datetime | None = None  # acts due before this are not performed (resumed case)


class MonitoringState(Message):
    """Carried across continue-as-new while a 终本 case is monitored."""

    round: Annotated[int, Field(ge=1)]
    terminated_on: date
    filed_on: date


class CaseInput(Message):
    """Input of EnforcementCaseWorkflow (also its continue-as-new input, with the act journal)."""

    case_number: CaseNumber
    filing: Filing | None = None  # None: already filed (a resumed 执恢 case)
    category: CaseCategory
    priority: Annotated[int, Field(ge=1, le=5)] = 3
    policy: Policy = Policy()
    scenario: ScenarioRef | None = None
    resumed_from: str | None = None
    monitoring: MonitoringState | None = None
    view: CaseView | None = None  # last known state (continue-as-new)
    acts: tuple[ActRecord, ...] = ()  # the act journal carried across continue-as-new


class CaseOutcome(Message):
    """Result of a case workflow run that ends (closure, end of monitoring, resumption)."""

    case_number: str
    phase: str
    closure_mode: str | None
    closed_on: date | None
    outstanding: Decimal
    resumed_as: str | None = None
    monitoring_rounds: int = 0


# --- the command activity ----------------------------------------------------------------------

class CommandRequest(Message):
    """One domain command for the ``execute_command`` activity (payload = the command's JSON)."""

    command: str
    payload: dict[str, Any]
    priority: int = 3
    view_of: str | None = None  # case whose view to return (default: the command's case)


class RoundView(Message):
    round: int
    status: str
    start_price: Decimal
    deposit: Decimal
    announced_on: date
    opens_at: datetime
    closes_at: datetime
    reauction: bool
    best_bid: Decimal | None = None
    price: Decimal | None = None
    buyer: str | None = None
    ended_on: date | None = None


class HoldView(Message):
    """A hold on the disposal of an asset by an objection or claim (docs/rules.md §7):
    ``until`` its last day (None: until a further act)."""

    objection_id: str
    code: str
    source: str
    until: date | None = None


class GarnishmentView(Message):
    """A standing garnishment order (docs/rules.md §11): the allowance steps ``(from month,
    allowance)``, the remittances by month (``YYYY-MM``), and the applicants' balance that
    caps the next remittance."""

    asset_id: str
    garnishee: str
    monthly_income: Decimal
    ordered_on: date
    status: str  # active | stopped | lifted
    allowances: tuple[tuple[str, Decimal], ...]
    remittances: tuple[tuple[str, Decimal], ...] = ()
    owed: Decimal

    def allowance_for(self, month: str) -> Decimal:
        """The allowance in force for the remittance of ``month``."""
        current = self.allowances[0][1]
        for start, allowance in self.allowances:
            if start <= month:
                current = allowance
        return current

    def left_to_remit(self, month: str) -> Decimal:
        """What the garnishee may still remit for ``month``: the income less the allowance,
        less what it remitted already, at most what is owed."""
        done = sum((x for m, x in self.remittances if m == month), Decimal("0.00"))
        return max(Decimal("0.00"), min(self.owed, self.monthly_income
                                        - self.allowance_for(month) - done))


class AssetView(Message):
    asset_id: str
    kind: str
    value: Decimal
    found_on: date
    exempt: bool
    necessary_home: bool
    indivisible: bool
    control: str
    amount: Decimal
    transferred: Decimal
    effective_on: date | None
    expires_on: date | None
    reference_price: Decimal | None
    reference_valid_until: date | None
    rounds: tuple[RoundView, ...] = ()
    failed_rounds: int = 0
    disposed_how: str | None = None
    holds: tuple[HoldView, ...] = ()  # views recorded before objections: ()

    @property
    def last_round(self) -> RoundView | None:
        return self.rounds[-1] if self.rounds else None


class LeadView(Message):
    lead_id: str
    submitted_on: date
    due_on: date
    urgent: bool
    verified_on: date | None


class Condition(Message):
    """An unmet 终本 condition as the aggregate sees it (code, message, legal source)."""

    code: str
    message: str
    source: str


class ApprovalView(Message):
    """An approval request of the case and where it stands (docs/rules.md, "Approvals")."""

    approval_id: str
    measure: str
    status: str  # pending | given | refused
    requested_by: str
    requested_on: date
    subject: str | None = None
    used: bool = False


class SecurityView(Message):
    """A security for performance (docs/rules.md §8) and where it stands."""

    security_id: str
    form: str
    provider: str
    provider_name: str
    amount: Decimal
    collected: Decimal
    postponed_until: date | None
    postponement_ended_on: date | None
    enforce_by: date | None  # last day of the security period (None: not postponed yet)
    ruled_on: date | None


class ReferralView(Message):
    """Criminal proceedings for refusing to enforce (docs/rules.md §9)."""

    referral_id: str
    route: str
    referred_on: date
    outcome: str | None = None


class ObjectionView(Message):
    """An objection (kind ``act``) or an outsider's claim (``claim``) and its dates
    (docs/rules.md §7), computed by the domain."""

    objection_id: str
    kind: Literal["act", "claim"]
    objector: str
    act: str | None = None
    asset_id: str | None = None
    received_on: date
    due_on: date  # examination due (15 days)
    stayed: bool = False
    outcome: str | None = None  # the ruling: upheld | rejected
    upheld: bool | None = None  # after a 复议
    ruled_on: date | None = None
    late: bool = False
    served_on: date | None = None
    review_until: date | None = None  # last day for 复议 (served, none applied)
    review_applied_on: date | None = None
    review_decided_on: date | None = None
    suit_until: date | None = None  # last day to sue (a served claim, no suit yet)
    suit_plaintiff: str | None = None
    suit_filed_on: date | None = None
    suit_judgment: str | None = None
    release_on: date | None = None  # a claimed asset's release is due from this day
    revoked_on: date | None = None


class HeldView(Message):
    """Money the case holds for one payee (the ledger's open entries, docs/rules.md §1.7)."""

    payee_kind: PayeeKind
    payee: str | None = None
    amount: Decimal


class CaseView(Message):
    """What the workflow knows of the case: a digest of the aggregate's state after a command."""

    case_number: str
    as_of: date
    version: int
    phase: str
    closure_mode: str | None
    closed_on: date | None
    filed_on: date
    claim_total: Decimal
    outstanding: Decimal
    undisbursed: Decimal
    notice_issued_on: date | None
    notice_served_on: date | None
    report_due_on: date | None
    report_status: str | None
    channels_queried: tuple[str, ...]
    onsite_on: date | None
    assets: tuple[AssetView, ...]
    leads: tuple[LeadView, ...]
    payout_due: tuple[date, ...]
    receipts_from: date | None  # arrival of the oldest funds not yet paid out
    settlement_status: str | None
    settlement_amount: Decimal
    settlement_paid: Decimal
    restriction_active: bool
    dishonest_active: bool
    applicant_heard_on: date | None
    closure_deadline: date
    terminated_on: date | None
    termination_served_on: date | None
    resumed_as: str | None
    termination_unmet: tuple[Condition, ...]
    renewal_lead_days: int
    minimum_living_allowance: Decimal
    approvals: tuple[ApprovalView, ...] = ()  # views recorded before approvals were acts: ()
    # docs/rules.md §§8, 9 (views recorded before them: none)
    postponed_until: date | None = None  # the postponement in force runs until this day
    securities: tuple[SecurityView, ...] = ()
    refusal_found_on: date | None = None
    referrals: tuple[ReferralView, ...] = ()
    calendar_years: tuple[int, ...] = ()  # years the holiday calendar covers (() : not known)
    application_period_passed: bool = False  # applied after the 2 years (民诉法解释 art.481)
    limitation_objection: str | None = None  # pending | upheld | rejected
    limitation_objection_raised_on: date | None = None
    objections: tuple[ObjectionView, ...] = ()  # views recorded before objections: ()
    # the ledger (docs/rules.md §1.7); views recorded before it: (), 0 — paid as one sum
    held: tuple[HeldView, ...] = ()
    fee_outstanding: Decimal = Decimal("0.00")
    garnishments: tuple[GarnishmentView, ...] = ()  # views recorded before §11: ()

    def beyond_calendar(self, day: date) -> bool:
        """Whether ``day`` lies in a year the holiday calendar does not cover (views recorded
        before they carried the years: never)."""
        return bool(self.calendar_years) and day.year not in self.calendar_years

    def asset(self, asset_id: str) -> AssetView | None:
        return next((a for a in self.assets if a.asset_id == asset_id), None)

    def garnishment(self, asset_id: str) -> GarnishmentView | None:
        return next((g for g in self.garnishments if g.asset_id == asset_id), None)

    def objection(self, objection_id: str) -> ObjectionView | None:
        return next((o for o in self.objections if o.objection_id == objection_id), None)


class CaseRead(Message):
    """The ``read_case`` activity's question: a case's view as of a business instant."""

    case_number: str
    at: datetime


class CommandOutcome(Message):
    """Result of ``execute_command``: the versions written and the case view afterwards."""

    command_id: str
    events: tuple[str, ...]
    first_version: int
    last_version: int
    duplicate: bool
    view: CaseView


class ActResult(Message):
    """What an operator gets back from an update: the events written and where the case stands.

    ``request_id``: the act's idempotency key (re-send with it: the stored outcome comes back,
    never a second application); ``duplicate``: this key had already been applied before;
    ``approval_id``: the approval request recorded by a ``request_approval``."""

    case_number: str
    command_ids: tuple[str, ...]
    events: tuple[str, ...]
    duplicate: bool
    phase: str
    outstanding: Decimal
    request_id: str | None = None
    approval_id: str | None = None  # the id of the approval request a request_approval made
    objection_id: str | None = None  # the id of the objection or claim an act recorded (§7)


ActState = Literal["received", "applied", "refused"]


class ActRecord(Message):
    """The case workflow's journal of one act, by its key: received, then applied or refused.

    An act is in the journal from the moment the workflow accepts it (an update that passed its
    validator, or a signal once its principal is verified by the ``verify_principal`` local
    activity); ``get_act`` answers it by key (docs/workflows.md, "Acts as facts")."""

    key: str
    act: str
    actor: Actor
    via: Literal["update", "signal"]
    received_at: datetime
    fingerprint: str = ""  # the same key for another act is refused
    vouched_by: str | None = None  # the system that vouched for the actor (docs/operations.md)
    state: ActState = "received"
    result: ActResult | None = None
    code: str | None = None
    message: str | None = None
    source: str | None = None


CaseInput.model_rebuild()
