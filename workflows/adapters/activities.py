"""Activities that call the ports (never the event store): one per outside question."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from temporalio import activity

from workflows.adapters import ports as p


class PortActivities:
    """The port activities of a worker, bound to its adapters."""

    def __init__(self, adapters: p.Adapters) -> None:
        self.adapters = adapters

    @activity.defn(name=p.QUERY_REGISTRIES)
    async def query_registries(self, sweep: p.RegistrySweep) -> p.SweepAnswer:
        """Every channel of the sweep asked at once (one activity: one history entry, and the
        retry of a failed sweep asks again, registry queries being reads)."""
        base = sweep.model_dump(exclude={"channels", "step"})
        answers = await asyncio.gather(*(self.adapters.registries.query(p.RegistryQuery(
            **base, step=f"{sweep.step}:{ch.value}", channel=ch)) for ch in sweep.channels))
        return p.SweepAnswer(answers=tuple(zip(sweep.channels, answers, strict=True)))

    @activity.defn(name=p.DISPATCH_DOCUMENT)
    async def dispatch_document(self, d: p.DocumentDispatch) -> p.Ticket:
        return await self.adapters.notices.dispatch(d)

    @activity.defn(name=p.CHECK_DELIVERY)
    async def check_delivery(self, c: p.TicketCheck) -> p.DeliveryStatus:
        return await self.adapters.notices.check(c)

    @activity.defn(name=p.INFORM_APPLICANT)
    async def inform_applicant(self, n: p.ApplicantNotice) -> None:
        await self.adapters.notices.inform(n)

    @activity.defn(name=p.REQUEST_VALUATION)
    async def request_valuation(self, r: p.ValuationRequest) -> p.Ticket:
        return await self.adapters.valuation.request(r)

    @activity.defn(name=p.CHECK_VALUATION)
    async def check_valuation(self, c: p.TicketCheck) -> p.PriceQuote:
        return await self.adapters.valuation.check(c)

    @activity.defn(name=p.FETCH_BIDS)
    async def fetch_bids(self, q: p.BidQuery) -> p.BidList:
        return await self.adapters.auctions.bids(q)

    @activity.defn(name=p.CHECK_BUYER_PAYMENT)
    async def check_buyer_payment(self, q: p.BuyerQuery) -> p.BuyerAnswer:
        return await self.adapters.auctions.buyer_paid(q)

    @activity.defn(name=p.INVESTIGATE_ONSITE)
    async def investigate_onsite(self, r: p.FieldRequest) -> p.Investigation:
        return await self.adapters.field.investigate(r)

    @activity.defn(name=p.CHECK_LEAD)
    async def check_lead(self, q: p.LeadQuery) -> p.LeadAnswer:
        return await self.adapters.field.check_lead(q)

    @activity.defn(name=p.ASSIGN_RESUMED_NUMBER)
    async def assign_resumed_number(self, r: p.PortRequest) -> p.NumberAnswer:
        return await self.adapters.cases.resumed_number(r)

    @activity.defn(name=p.WORLD_SCHEDULE)
    async def world_schedule(self, q: p.ScheduleQuery) -> p.WorldSchedule:
        return await self.adapters.world.schedule(q)

    @activity.defn(name=p.CHECK_REMITTANCE)
    async def check_remittance(self, q: p.RemittanceQuery) -> p.RemittanceReport:
        """The garnishee's remittance of the month (none reported without a garnishee port)."""
        if self.adapters.garnishees is None:
            return p.RemittanceReport()
        return await self.adapters.garnishees.check_remittance(q)

    def all(self) -> list[Callable[..., Any]]:
        """Every activity of this class (for ``Worker(activities=...)``)."""
        return [self.query_registries, self.dispatch_document, self.check_delivery,
                self.inform_applicant, self.request_valuation, self.check_valuation,
                self.fetch_bids, self.check_buyer_payment, self.investigate_onsite,
                self.check_lead, self.assign_resumed_number, self.world_schedule,
                self.check_remittance]
