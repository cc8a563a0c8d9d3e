"""The docket format: cases to file and, for each, the simulated world it meets.

A :class:`Docket` lists :class:`DocketCase` s. Each case carries what the filing clerk enters
(parties, basis, claim) and a :class:`World`: which assets exist in which registry and from
which day, how the notice is served, what the debtor reports and pays, which leads the
applicant brings, who bids in each auction round, the settlement and its fate, and what the
court's people do and when. Every date is a **day number relative to filing** (day 0 = the
filing date), so a docket replays identically whenever it is run; acts of people happen at
14:00 on their day (Asia/Shanghai), the workflow's own routine steps at 09:00.

The JSON Schema is ``Docket.model_json_schema()`` (kept in docs/docket.schema.json).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, model_validator

from domain.models import (
    ApprovalMode,
    AssetFinding,
    CaseCategory,
    Claim,
    SettlementChoice,
    ShortId,
    Text,
)
from domain.rules import Channel
from domain.values import Actor, ActorId, CaseNumber, Party, PositiveMoney
from workflows.acts import Act, approval_measure, typed_approval
from workflows.messages import BasisSpec, Filing, Message
from workflows.plan_messages import DrawRequest, PlanStep

Day = Annotated[int, Field(ge=0, le=36500, description="days after filing (0 = filing day)")]


class ScenarioBid(Message):
    """A bid placed in an auction round, ``minutes_after_open`` after bidding opens."""

    bidder: ShortId
    amount: PositiveMoney
    minutes_after_open: Annotated[int, Field(ge=0, le=60 * 24 * 60)]


class AuctionRound(Message):
    """What happens in one auction round of an asset: its bids; whether the buyer then pays."""

    bids: Annotated[tuple[ScenarioBid, ...], Field(max_length=200)] = ()
    buyer_pays: bool = True


class WorldAsset(Message):
    """Property visible in a network-inquiry channel from ``appears_day`` on."""

    channel: Channel
    appears_day: Day = 0
    asset: AssetFinding
    reference_price: PositiveMoney | None = None  # valuation result; default: the asset's value
    rounds: Annotated[tuple[AuctionRound, ...], Field(max_length=10)] = ()
    income_ends_day: Day | None = None
    """Periodic income (wages): the day the debtor leaves the job; the employer remits no month
    paid after it (None: the income goes on)."""


class Payment(Message):
    """A payment by the debtor into the case account (or directly to the applicant)."""

    day: Day
    amount: PositiveMoney
    direct_to_applicant: bool = False


class NoticeService(Message):
    """When the enforcement notice (and later the 终本 ruling) reaches the debtor."""

    served_after_days: Annotated[int, Field(ge=0, le=365)] | None = 2  # None: never served
    ruling_served: bool = True  # False: the 终本 ruling never reaches the debtor


class PropertyReport(Message):
    day: Day
    status: Literal["filed", "refused", "false"] = "filed"


class Lead(Message):
    """A lead the applicant submits on ``day``; ``finding`` is what verifying it turns up."""

    day: Day
    lead_id: ShortId
    description: Text
    urgent: bool = False
    finding: AssetFinding | None = None


class SettlementPlan(Message):
    """A settlement reached on ``reached_day``, its payments, and a default if there is one."""

    reached_day: Day
    amount: PositiveMoney
    due_day: Day
    terms: Text
    payments: Annotated[tuple[Payment, ...], Field(max_length=120)] = ()
    default_day: Day | None = None
    choice: SettlementChoice = SettlementChoice.RESUME

    @model_validator(mode="after")
    def _ordered(self) -> SettlementPlan:
        if self.due_day < self.reached_day:
            raise ValueError("due_day must not precede reached_day")
        return self


class CourtConduct(Message):
    """What the court's people do, and when (None: never): approvals, hearing, the 终本 ruling."""

    restriction_day: Day | None = None  # president approves a consumption restriction
    hearing_day: Day | None = None  # the applicant is heard (约谈) before 终本
    termination_day: Day | None = None  # the judge rules 终本
    approval_mode: ApprovalMode = ApprovalMode.APPLICANT_SIGNED
    clerk: ActorId = "clerk-sim"  # who acts: account ids, never an ID number (ActorId)
    officer: ActorId = "officer-sim"
    judge: ActorId = "judge-sim"
    president: ActorId = "president-sim"


class ScheduledAct(Message):
    """Any operator act (see workflows/acts.py), sent as a signal at 14:00 on ``day``.

    ``approval_day``: the act is a measure that rests on the court president's approval (a 失信
    listing, a fine, a detention, a restriction, an extension, a 终本 by panel review): on that
    day (relative to filing) the act's actor asks for it (``request_approval``) and the world's
    president gives it (``give_approval``), each an act of its own, and the act names that
    request. Without it, the act must name a request itself (``approval_id``) or is refused.
    An approval typed into the act is refused when the docket is read: approvals are the
    approver's own acts (docs/rules.md, "Approvals")."""

    day: Day
    act: Act
    approval_day: Day | None = None

    @model_validator(mode="after")
    def _approval_day(self) -> ScheduledAct:
        if typed_approval(self.act) is not None:
            raise ValueError(f"a {self.act.kind} act carries an approval typed into it: an "
                             "approval is the approver's own act — give approval_day (the "
                             "president approves on that day) or name a request by approval_id")
        if self.approval_day is None:
            return self
        if approval_measure(self.act) is None:
            raise ValueError(f"approval_day is set but a {self.act.kind} act rests on no "
                             f"approval")
        if self.approval_day > self.day:
            raise ValueError("approval_day must not follow the act's day")
        return self


class World(Message):
    """Everything outside the court's case system that the case meets."""

    assets: Annotated[tuple[WorldAsset, ...], Field(max_length=200)] = ()
    onsite: Annotated[tuple[AssetFinding, ...], Field(max_length=50)] = ()
    notice: NoticeService = NoticeService()
    report: PropertyReport | None = None
    payments: Annotated[tuple[Payment, ...], Field(max_length=500)] = ()
    leads: Annotated[tuple[Lead, ...], Field(max_length=50)] = ()
    settlement: SettlementPlan | None = None
    court: CourtConduct = CourtConduct()
    acts: Annotated[tuple[ScheduledAct, ...], Field(max_length=500)] = ()

    def asset(self, asset_id: str) -> WorldAsset | None:
        return next((a for a in self.assets if a.asset.asset_id == asset_id), None)


class DocketCase(Message):
    """One case of a docket: the filing and the world."""

    case_number: CaseNumber
    category: CaseCategory
    applicants: Annotated[tuple[Party, ...], Field(min_length=1, max_length=50)]
    respondents: Annotated[tuple[Party, ...], Field(min_length=1, max_length=50)]
    basis: BasisSpec
    claim: Claim
    applied_days_before_filing: Annotated[int, Field(ge=0, le=30)] = 0
    world: World = World()

    def filing(self) -> Filing:
        """The filing data of the case (what the FileCase command is built from)."""
        return Filing(category=self.category, applicants=self.applicants,
                      respondents=self.respondents, basis=self.basis, claim=self.claim,
                      applied_days_before_filing=self.applied_days_before_filing)


class DocketDistribution(Message):
    """A 参与分配 plan among the docket's cases (docs/rules.md §12): drawn by ``drawn_by`` on
    ``draw_day``, its acts (join, record_amount, serve, object, …) on the days of ``steps``; the
    plan's workflow waits out its windows and pays the shares through the cases."""

    plan_number: Annotated[str, Field(min_length=1, max_length=64)]
    debtor: Annotated[str, Field(min_length=1, max_length=100)]
    first_seized_case: CaseNumber
    drawn_by: Actor
    draw_day: Day = 1
    steps: Annotated[tuple[PlanStep, ...], Field(max_length=200)] = ()

    def draw(self) -> DrawRequest:
        """The plan workflow's start (its schedule included)."""
        return DrawRequest(plan_number=self.plan_number, debtor=self.debtor,
                           first_seized_case=self.first_seized_case, actor=self.drawn_by,
                           request_id="docket", draw_day=self.draw_day, schedule=self.steps)


class Docket(Message):
    """A set of cases with their worlds (and 参与分配 plans among them): a simulation's input."""

    version: Literal[1] = 1
    cases: Annotated[tuple[DocketCase, ...], Field(max_length=100_000)] = ()
    distributions: Annotated[tuple[DocketDistribution, ...], Field(max_length=1000)] = ()

    @model_validator(mode="after")
    def _unique(self) -> Docket:
        numbers = [c.case_number for c in self.cases]
        if len(set(numbers)) != len(numbers):
            raise ValueError("case numbers must be unique within a docket")
        plans = [d.plan_number for d in self.distributions]
        if len(set(plans)) != len(plans):
            raise ValueError("plan numbers must be unique within a docket")
        for d in self.distributions:
            named = {d.first_seized_case} | {str(s.act.fields["case_number"]) for s in d.steps
                                              if s.act.kind == "join"
                                              and "case_number" in s.act.fields}
            unknown = sorted(named - set(numbers))
            if unknown:
                raise ValueError(f"distribution {d.plan_number} names cases not in the docket: "
                                 f"{', '.join(unknown)}")
        return self

    def case(self, number: str) -> DocketCase | None:
        return next((c for c in self.cases if c.case_number == number), None)


def total(payments: tuple[Payment, ...]) -> Decimal:
    """Sum of payments."""
    return sum((p.amount for p in payments), Decimal("0.00"))
