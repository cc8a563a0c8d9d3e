"""Ports to the outside world: what the case workflow asks of systems it does not own.

Each port is a Protocol with pydantic requests and answers; the workflow reaches a port only
through an activity (``workflows/adapters/activities.py``) named by the constants below, so
answers are recorded in history and replays never ask again. Slow outside processes (serving a
document, a valuation) follow a ticket pattern: ``dispatch``/``request`` returns when to look,
``check`` answers then. The embedded default is the deterministic simulated world
(``workflows/adapters/simulated.py``); real adapters plug in through :class:`Adapters`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Literal, Protocol

from domain.models import AssetFinding, PriceMethod
from domain.rules import Channel
from domain.values import Actor
from workflows.acts import Act
from workflows.messages import Message, ScenarioRef

QUERY_REGISTRIES = "query_registries"
DISPATCH_DOCUMENT = "dispatch_document"
CHECK_DELIVERY = "check_delivery"
INFORM_APPLICANT = "inform_applicant"
REQUEST_VALUATION = "request_valuation"
CHECK_VALUATION = "check_valuation"
FETCH_BIDS = "fetch_bids"
CHECK_BUYER_PAYMENT = "check_buyer_payment"
INVESTIGATE_ONSITE = "investigate_onsite"
CHECK_LEAD = "check_lead"
ASSIGN_RESUMED_NUMBER = "assign_resumed_number"
WORLD_SCHEDULE = "world_schedule"
CHECK_REMITTANCE = "check_remittance"


class PortRequest(Message):
    """Common fields: the case, the business date, the simulated world (if any), the step key
    (unique within the case: outside systems may use it to deduplicate retried calls)."""

    case_number: str
    as_of: date
    scenario: ScenarioRef | None = None
    step: str


class RegistryQuery(PortRequest):
    channel: Channel


class RegistryAnswer(Message):
    findings: tuple[AssetFinding, ...] = ()


class RegistrySweep(PortRequest):
    """Query several channels at once (each channel is asked in parallel, step ``<step>:<ch>``)."""

    channels: tuple[Channel, ...]


class SweepAnswer(Message):
    answers: tuple[tuple[Channel, RegistryAnswer], ...]


class DocumentDispatch(PortRequest):
    document: Literal["notice", "termination_ruling"]
    issued_on: date


class Ticket(Message):
    """A pending outside process: look again on ``check_on`` (None: nobody will tell us)."""

    ticket: str
    check_on: date | None


class TicketCheck(PortRequest):
    ticket: str


class DeliveryStatus(Message):
    served_on: date | None = None


class ApplicantNotice(PortRequest):
    subject: str
    text: str


class ValuationRequest(PortRequest):
    asset_id: str
    kind: str
    estimate: Decimal


class PriceQuote(Message):
    ready: bool
    method: PriceMethod = PriceMethod.NETWORK_INQUIRY
    amount: Decimal | None = None
    requested_on: date | None = None


class BidQuery(PortRequest):
    asset_id: str
    round: int
    opens_at: datetime
    until: datetime


class PlatformBid(Message):
    bidder: str
    amount: Decimal
    at: datetime


class BidList(Message):
    bids: tuple[PlatformBid, ...] = ()


class BuyerQuery(PortRequest):
    asset_id: str
    round: int
    buyer: str


class BuyerAnswer(Message):
    paid: bool


class FieldRequest(PortRequest):
    purpose: str


class Investigation(Message):
    officer: Actor
    findings: tuple[AssetFinding, ...] = ()


class LeadQuery(PortRequest):
    lead_id: str
    description: str


class LeadAnswer(Message):
    finding: AssetFinding | None = None


class NumberAnswer(Message):
    case_number: str


class RemittanceQuery(PortRequest):
    """The month's remittance under a standing wage garnishment (docs/rules.md §11): the order
    tells the garnishee the allowance to leave and the most it may remit (what is owed)."""

    asset_id: str
    garnishee: str
    month: str  # YYYY-MM
    allowance: Decimal
    at_most: Decimal


class RemittanceReport(Message):
    """What the garnishee remitted for the month, or that it pays the income no more."""

    amount: Decimal = Decimal("0.00")
    left_on: date | None = None  # the debtor left the job (nothing remitted)
    reason: str | None = None


class WorldStep(Message):
    """An act of the simulated world: sent as the ``act`` signal at 14:00 on ``day``, plus
    ``minute`` minutes (an approval asked and given before the act it rests on, each at a
    moment of its own; steps recorded before had none: 0)."""

    day: int
    act: Act
    minute: int = 0


class WorldSchedule(Message):
    steps: tuple[WorldStep, ...] = ()


class ScheduleQuery(Message):
    case_number: str
    scenario: ScenarioRef


class AssetRegistries(Protocol):
    """Network inquiry 网络执行查控 (总对总 / 点对点), one channel per call."""

    async def query(self, q: RegistryQuery) -> RegistryAnswer: ...


class NoticeDelivery(Protocol):
    """Service of documents (electronic service platform, post) and notices to the applicant."""

    async def dispatch(self, d: DocumentDispatch) -> Ticket: ...

    async def check(self, c: TicketCheck) -> DeliveryStatus: ...

    async def inform(self, n: ApplicantNotice) -> None: ...


class ValuationService(Protocol):
    """Reference price 参考价 (network inquiry platform, appraisal agencies)."""

    async def request(self, r: ValuationRequest) -> Ticket: ...

    async def check(self, c: TicketCheck) -> PriceQuote: ...


class AuctionPlatform(Protocol):
    """The online judicial auction platform: bids of a round, the buyer's payment."""

    async def bids(self, q: BidQuery) -> BidList: ...

    async def buyer_paid(self, q: BuyerQuery) -> BuyerAnswer: ...


class FieldOffice(Protocol):
    """Officers in the field: on-site investigation, verification of the applicant's leads."""

    async def investigate(self, r: FieldRequest) -> Investigation: ...

    async def check_lead(self, q: LeadQuery) -> LeadAnswer: ...


class CaseRegistry(Protocol):
    """The court's case-management system: it numbers new cases."""

    async def resumed_number(self, r: PortRequest) -> NumberAnswer: ...


class WorldSource(Protocol):
    """Only in simulation: the acts of people the simulated world performs, by day."""

    async def schedule(self, q: ScheduleQuery) -> WorldSchedule: ...


class Garnishees(Protocol):
    """Employers (and other payers of periodic income) under a standing garnishment order."""

    async def check_remittance(self, q: RemittanceQuery) -> RemittanceReport: ...


@dataclass(frozen=True)
class Adapters:
    """The ports a worker serves; ``workflows.adapters.simulated.simulated_adapters`` builds
    the embedded default, a deployment passes its own (``ENFORCEMENT_ADAPTERS=module:factory``)."""

    registries: AssetRegistries
    notices: NoticeDelivery
    valuation: ValuationService
    auctions: AuctionPlatform
    field: FieldOffice
    cases: CaseRegistry
    world: WorldSource
    garnishees: Garnishees | None = None
    """None: no garnishee reports remittances; operators record them by hand
    (``record_garnishee_remittance``)."""
