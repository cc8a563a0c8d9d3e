"""The simulated world: every port answered deterministically from a docket (the scenario).

Answers depend only on the docket, the case's day zero (``ScenarioRef.anchor_on``) and the
business date of the question, so a docket replays identically. A case the docket does not
know meets an empty world: registries find nothing, no service is ever reported, nobody bids.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from domain.calendar import COURT_ZONE
from domain.models import PriceMethod
from domain.values import Actor, Role
from workflows import acts as a
from workflows.adapters.ports import (
    Adapters,
    ApplicantNotice,
    BidList,
    BidQuery,
    BuyerAnswer,
    BuyerQuery,
    DeliveryStatus,
    DocumentDispatch,
    FieldRequest,
    Investigation,
    LeadAnswer,
    LeadQuery,
    NumberAnswer,
    PlatformBid,
    PortRequest,
    PriceQuote,
    RegistryAnswer,
    RegistryQuery,
    RemittanceQuery,
    RemittanceReport,
    ScheduleQuery,
    Ticket,
    TicketCheck,
    ValuationRequest,
    WorldSchedule,
    WorldStep,
)
from workflows.docket import Docket, DocketCase, World
from workflows.messages import ScenarioRef

APPROVAL_MINUTES = (0, 20, 40)
"""Minutes after 14:00 at which the world asks for an approval, gives it, and (the same day)
takes the measure that rests on it: each act at a moment of its own."""
VALUATION_DAYS = 3  # network price inquiry reports within 3 days (参考价规定 art.19)
_NUMBER = re.compile(r"^\((?P<year>\d{4})\)(?P<court>.+?)(执恢|执保|执)(?P<seq>\d+)号$")


def _day(anchor: date, day: int) -> date:
    return anchor + timedelta(days=day)


class SimulatedWorld:
    """All ports of one docket. Thread-safe for reading; ``add`` registers more cases."""

    def __init__(self, docket: Docket | None = None) -> None:
        self._cases: dict[str, DocketCase] = {}
        if docket is not None:
            for case in docket.cases:
                self.add(case)

    def add(self, case: DocketCase) -> None:
        self._cases[case.case_number] = case

    def _world(self, ref: ScenarioRef | None) -> tuple[World, date] | None:
        case = self._cases.get(ref.key) if ref else None
        if ref is None or case is None or ref.anchor_on is None:
            return None
        return case.world, ref.anchor_on

    # --- registries -----------------------------------------------------------------------------
    async def query(self, q: RegistryQuery) -> RegistryAnswer:
        found = self._world(q.scenario)
        if found is None:
            return RegistryAnswer()
        world, anchor = found
        return RegistryAnswer(findings=tuple(
            w.asset for w in world.assets
            if w.channel is q.channel and _day(anchor, w.appears_day) <= q.as_of))

    # --- notices (documents served after ``served_after_days``) -------------------------------
    def _served_after(self, scenario: ScenarioRef | None, document: str) -> int | None:
        """Days until ``document`` reaches the debtor (None: never)."""
        found = self._world(scenario)
        if found is None:
            return None
        notice = found[0].notice
        if document == "termination_ruling" and not notice.ruling_served:
            return None
        return notice.served_after_days

    async def dispatch(self, d: DocumentDispatch) -> Ticket:
        ticket = f"{d.case_number}|{d.document}|{d.issued_on.isoformat()}"
        days = self._served_after(d.scenario, d.document)
        if days is None:
            return Ticket(ticket=ticket, check_on=None)
        return Ticket(ticket=ticket, check_on=d.issued_on + timedelta(days=days))

    async def check(self, c: TicketCheck) -> DeliveryStatus:
        _, document, issued = c.ticket.rsplit("|", 2)
        days = self._served_after(c.scenario, document)
        if days is None:
            return DeliveryStatus()
        served = date.fromisoformat(issued) + timedelta(days=days)
        return DeliveryStatus(served_on=served if served <= c.as_of else None)

    async def inform(self, n: ApplicantNotice) -> None:
        return None

    # --- valuation --------------------------------------------------------------------------------
    async def request(self, r: ValuationRequest) -> Ticket:
        ticket = f"{r.asset_id}|{r.estimate}|{r.as_of.isoformat()}"
        return Ticket(ticket=ticket, check_on=r.as_of + timedelta(days=VALUATION_DAYS))

    async def check_valuation(self, c: TicketCheck) -> PriceQuote:
        asset_id, estimate, requested = c.ticket.split("|")
        requested_on = date.fromisoformat(requested)
        if c.as_of < requested_on + timedelta(days=VALUATION_DAYS):
            return PriceQuote(ready=False)
        found = self._world(c.scenario)
        listed = found[0].asset(asset_id) if found else None
        amount = (listed.reference_price or listed.asset.value) if listed is not None \
            else Decimal(estimate)
        return PriceQuote(ready=True, method=PriceMethod.NETWORK_INQUIRY, amount=amount,
                          requested_on=requested_on)

    # --- auction platform ----------------------------------------------------------------------
    async def bids(self, q: BidQuery) -> BidList:
        found = self._world(q.scenario)
        listed = found[0].asset(q.asset_id) if found else None
        if listed is None or q.round > len(listed.rounds):
            return BidList()
        bids = [PlatformBid(bidder=b.bidder, amount=b.amount,
                            at=q.opens_at + timedelta(minutes=b.minutes_after_open))
                for b in listed.rounds[q.round - 1].bids]
        return BidList(bids=tuple(b for b in sorted(bids, key=lambda b: b.at) if b.at <= q.until))

    async def buyer_paid(self, q: BuyerQuery) -> BuyerAnswer:
        found = self._world(q.scenario)
        listed = found[0].asset(q.asset_id) if found else None
        if listed is None or q.round > len(listed.rounds):
            return BuyerAnswer(paid=True)
        return BuyerAnswer(paid=listed.rounds[q.round - 1].buyer_pays)

    # --- field office -----------------------------------------------------------------------------
    async def investigate(self, r: FieldRequest) -> Investigation:
        found = self._world(r.scenario)
        world = found[0] if found else World()
        return Investigation(officer=Actor(id=world.court.officer, role=Role.OFFICER),
                             findings=world.onsite)

    async def check_lead(self, q: LeadQuery) -> LeadAnswer:
        found = self._world(q.scenario)
        lead = next((x for x in found[0].leads if x.lead_id == q.lead_id), None) if found else None
        return LeadAnswer(finding=lead.finding if lead else None)

    # --- case registry -------------------------------------------------------------------------
    async def resumed_number(self, r: PortRequest) -> NumberAnswer:
        match = _NUMBER.match(r.case_number)
        if match is None:
            raise ValueError(f"not a case number: {r.case_number}")
        return NumberAnswer(case_number=f"({r.as_of.year}){match['court']}执恢{match['seq']}号")

    # --- garnishees (employers under a standing order, docs/rules.md §11) ----------------------
    async def check_remittance(self, q: RemittanceQuery) -> RemittanceReport:
        """A simulated employer: it remits the month's wage less the allowance (at most what is
        owed) until the debtor leaves the job (``WorldAsset.income_ends_day``); an income the
        docket does not list remits nothing."""
        found = self._world(q.scenario)
        listed = found[0].asset(q.asset_id) if found else None
        if found is None or listed is None:
            return RemittanceReport()
        if listed.income_ends_day is not None:
            left_on = _day(found[1], listed.income_ends_day)
            if left_on <= q.as_of:
                return RemittanceReport(left_on=left_on, reason=f"{q.garnishee}: the debtor "
                                        f"left the job on {left_on} (simulated employer)")
        amount = min(listed.asset.value - q.allowance, q.at_most)
        return RemittanceReport(amount=max(amount, Decimal("0.00")))

    # --- the people of the world ---------------------------------------------------------------
    async def schedule(self, q: ScheduleQuery) -> WorldSchedule:
        found = self._world(q.scenario)
        if found is None:
            return WorldSchedule()
        return WorldSchedule(steps=tuple(sorted(compile_acts(*found),
                                                key=lambda s: (s.day, s.minute))))


def compile_acts(world: World, anchor: date) -> list[WorldStep]:
    """The world's acts of people, as operator acts with absolute dates (request ids fixed)."""
    c = world.court
    clerk, officer = Actor(id=c.clerk, role=Role.CLERK), Actor(id=c.officer, role=Role.OFFICER)
    judge = Actor(id=c.judge, role=Role.JUDGE)
    steps: list[WorldStep] = []

    def add(day: int, act: a.ActBase, minute: int = 0) -> None:
        steps.append(WorldStep(day=day, act=act, minute=minute))

    president = Actor(id=c.president, role=Role.PRESIDENT)

    def approved(day: int, act: a.ActBase, key: str) -> a.ActBase:
        """Ask (as the act's actor) and give (as the president) on ``day`` the approval ``act``
        rests on; ``act`` naming that request (docs/rules.md, "Approvals")."""
        request = a.approval_request(act, key, request_id=f"{key}-request")
        if request is None:
            return act
        add(day, request, APPROVAL_MINUTES[0])
        add(day, a.GiveApproval(actor=president, approval_id=key, request_id=f"{key}-given"),
            APPROVAL_MINUTES[1])
        return a.with_approval_id(act, key)

    if world.report is not None:
        add(world.report.day, a.RecordPropertyReport(actor=clerk, status=world.report.status,
                                                     request_id=f"world-report-{world.report.day}"))
    for i, p in enumerate(world.payments):
        add(p.day, a.RecordPayment(actor=clerk, amount=p.amount, request_id=f"world-pay-{i}",
                                   direct_to_applicant=p.direct_to_applicant))
    for lead in world.leads:
        add(lead.day, a.SubmitLead(actor=clerk, lead_id=lead.lead_id, urgent=lead.urgent,
                                   description=lead.description,
                                   request_id=f"world-lead-{lead.lead_id}"))
    s = world.settlement
    if s is not None:
        add(s.reached_day, a.ReachSettlement(actor=officer, amount=s.amount, terms=s.terms,
                                             due_on=_day(anchor, s.due_day),
                                             request_id="world-settlement"))
        for i, p in enumerate(s.payments):
            add(p.day, a.RecordSettlementPayment(actor=clerk, amount=p.amount,
                                                 request_id=f"world-settlement-pay-{i}"))
        if s.default_day is not None:
            add(s.default_day, a.RecordSettlementDefault(actor=officer, choice=s.choice,
                                                         request_id="world-settlement-default"))
    if c.restriction_day is not None:
        add(c.restriction_day, approved(c.restriction_day, a.RestrictConsumption(
            actor=officer, request_id="world-restriction"), "world-restriction-approval"),
            APPROVAL_MINUTES[2])
    if c.hearing_day is not None:
        add(c.hearing_day, a.RecordApplicantHearing(
            actor=officer, record=f"约谈笔录 (day {c.hearing_day})", request_id="world-hearing"))
    if c.termination_day is not None:
        panel = c.approval_mode.value == "panel_and_president"
        add(c.termination_day, approved(c.termination_day, a.ApproveTermination(
            actor=judge, approval_mode=c.approval_mode, request_id="world-termination"),
            "world-termination-approval"), APPROVAL_MINUTES[2] if panel else 0)
    for i, scheduled in enumerate(world.acts):
        act: a.ActBase = scheduled.act
        if act.request_id is None:
            act = act.model_copy(update={"request_id": f"world-act-{i}"})
        minute = 0
        if scheduled.approval_day is not None:
            act = approved(scheduled.approval_day, act, f"world-approval-{i}")
            minute = APPROVAL_MINUTES[2] if scheduled.approval_day == scheduled.day else 0
        add(scheduled.day, act, minute)
    return steps


def act_time(anchor: date, day: int) -> datetime:
    """When the world performs an act of ``day``: 14:00 in the court's zone."""
    return datetime.combine(_day(anchor, day), time(14, 0), tzinfo=COURT_ZONE)


class _Valuation:
    def __init__(self, world: SimulatedWorld) -> None:
        self._world = world

    async def request(self, r: ValuationRequest) -> Ticket:
        return await self._world.request(r)

    async def check(self, c: TicketCheck) -> PriceQuote:
        return await self._world.check_valuation(c)


def simulated_adapters(world: SimulatedWorld) -> Adapters:
    """Every port answered by ``world`` (the embedded default)."""
    return Adapters(registries=world, notices=world, valuation=_Valuation(world), auctions=world,
                    field=world, cases=world, world=world, garnishees=world)
