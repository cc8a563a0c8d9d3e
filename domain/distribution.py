"""参与分配: the DistributionPlan aggregate, a plan shared by several creditors' cases against one
debtor (民诉法解释 arts.506–510; docs/rules.md §12).

A plan is an aggregate of its own, its id derived from its number (:func:`plan_id`). Its events
(:class:`PlanEvent`, stored topic ``domain.distribution:<Class>``) are sealed in the store's keyed
hash chain and anchored like a case's, so :func:`verify_plan` (``EnforcementCases.verify_plan``)
checks them the same way. A plan is not a case: the read-model runner skips its events, and the
cases it touches carry their own events naming it (``DistributionJoined``,
``DistributionSharePaid``).

A command is checked in the order of a case's: permission, idempotency (a repeated
``command_id`` returns the earlier outcome; a reused one with another payload is
``command.id_conflict``), then the rules of its decision. A refusal writes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Self
from uuid import UUID, uuid5

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    PrivateAttr,
    model_validator,
)

from domain.calendar import HolidayCalendar
from domain.distribution_split import ClaimClass, split
from domain.errors import CommandConflictError, NotPermitted, RuleViolation
from domain.models import ShortId, Text
from domain.tamper import HashChain, topic_of
from domain.values import Actor, CaseNumber, Frozen, PartyKind, PositiveMoney, Role, recorded_facts

PLAN_NAMESPACE = UUID("0b7c51f2-6a2e-5d0c-8f3e-1c2d3e4f5a6b")
PLAN_TOPIC_PREFIX = "domain.distribution:"
"""The stored topics of plan events start with this: readers of cases skip them."""
OBJECTION_DAYS = 15
"""Objection to the plan, counter-objection, suit: 15 days each (民诉法解释 arts.509, 510)."""

SRC_JOIN = "民诉法解释 arts.506, 507 (docs/rules.md §12)"
SRC_PRESIDE = "民诉法解释 art.508; 执行工作规定 art.55 (docs/rules.md §12)"
SRC_ORDER = "民诉法解释 art.508 (docs/rules.md §12)"
SRC_OBJECTION = "民诉法解释 art.509 (docs/rules.md §12)"
SRC_SUIT = "民诉法解释 art.510 (docs/rules.md §12)"
SRC_PLAN = "engine invariant (docs/rules.md §12)"

PlanNumber = Annotated[str, Field(pattern=r"^[(（]\d{4}[)）][\u4e00-\u9fff]\d{0,4}执分[1-9]\d{0,5}号$")]
"""A plan's number, e.g. ``(2026)甘0402执分1号``: the year, the presiding court, 执分, a sequence."""
Party = Annotated[str, Field(min_length=1, max_length=100)]


def plan_id(plan_number: str) -> UUID:
    """The aggregate id of the plan with this number."""
    return uuid5(PLAN_NAMESPACE, plan_number.replace("(", "（").replace(")", "）"))


def court_of(number: str) -> str:
    """The court code in a case or plan number (``甘0402`` in ``(2026)甘0402执801号``)."""
    body = number[6:]
    return body[:body.index("执")]


def is_plan_topic(topic: str) -> bool:
    """Whether a stored topic is a plan event's (not a case's)."""
    return topic.startswith(PLAN_TOPIC_PREFIX)


# --- commands -------------------------------------------------------------------------------

class PlanCommand(Frozen):
    """Base of the plan's commands (not case commands: they name a plan, not a case)."""

    plan_number: PlanNumber
    command_id: Annotated[str, Field(min_length=1, max_length=200)]
    actor: Actor
    recorded_at: AwareDatetime
    basis: Annotated[str, Field(max_length=500)] | None = None


class DrawPlan(PlanCommand):
    """The court that first seized the debtor's property draws up a plan (民诉法解释 art.508)."""

    debtor: Party
    debtor_kind: PartyKind
    first_seized_case: CaseNumber
    """The case in which the property distributed was first seized (查封/扣押/冻结)."""
    drawn_on: date


class JoinPlan(PlanCommand):
    """A creditor's case joins with its claim and the claim's class (民诉法解释 arts.506, 507)."""

    case_number: CaseNumber
    creditor: Party
    claim: PositiveMoney
    claim_class: ClaimClass
    joined_on: date


class RecordDistributable(PlanCommand):
    """The amount to distribute: the proceeds of the property, held for the plan."""

    amount: PositiveMoney
    recorded_on: date


class ServePlan(PlanCommand):
    """The plan served on every creditor and the debtor (民诉法解释 art.509)."""

    served_on: date


class RecordPlanObjection(PlanCommand):
    """A written objection to the plan by a creditor's case or the debtor, disputing one
    case's claim: ``proposed_claim`` is what the objector says that claim is (0: none)."""

    objection_id: ShortId
    objector: Party
    disputed_case: CaseNumber
    proposed_claim: Annotated[Decimal, Field(ge=0, max_digits=15, decimal_places=2)]
    received_on: date
    reason: Text


class RecordCounterObjection(PlanCommand):
    """A party who did not object opposes the objection (民诉法解释 art.510)."""

    objection_id: ShortId
    opponent: Party
    received_on: date


class RecordPlanSuit(PlanCommand):
    """The objector sued the opponents (分配方案异议之诉): the disputed share is held back."""

    objection_id: ShortId
    filed_on: date


class RecordPlanSuitJudgment(PlanCommand):
    """The suit's effective judgment: the disputed claim as judged (0: none)."""

    objection_id: ShortId
    judged_claim: Annotated[Decimal, Field(ge=0, max_digits=15, decimal_places=2)]
    judged_on: date


class FinalizePlan(PlanCommand):
    """The plan is carried out: the shares to pay now and those held back for a suit."""

    finalized_on: date


PLAN_COMMANDS: dict[str, type[PlanCommand]] = {t.__name__: t for t in (
    DrawPlan, JoinPlan, RecordDistributable, ServePlan, RecordPlanObjection,
    RecordCounterObjection, RecordPlanSuit, RecordPlanSuitJudgment, FinalizePlan)}

_COURT = frozenset({Role.OFFICER, Role.JUDGE, Role.PRESIDENT})
PLAN_ALLOWED: dict[str, frozenset[Role]] = {
    "DrawPlan": frozenset({Role.JUDGE, Role.PRESIDENT}),
    "JoinPlan": _COURT | {Role.CLERK},
    "RecordDistributable": _COURT | {Role.SYSTEM},
    "ServePlan": _COURT | {Role.CLERK, Role.SYSTEM},
    "RecordPlanObjection": _COURT | {Role.CLERK},
    "RecordCounterObjection": _COURT | {Role.CLERK},
    "RecordPlanSuit": _COURT | {Role.CLERK},
    "RecordPlanSuitJudgment": _COURT | {Role.CLERK},
    "FinalizePlan": frozenset({Role.JUDGE, Role.PRESIDENT, Role.SYSTEM}),
}
assert set(PLAN_ALLOWED) == set(PLAN_COMMANDS)


# --- events ---------------------------------------------------------------------------------

class Share(BaseModel):
    """One case's part of the plan."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    case_number: str
    claim_class: ClaimClass
    claim: Decimal
    amount: Decimal


class PlanEvent(BaseModel):
    """Base of a plan's events (the envelope of a case event; not a ``CaseEvent``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    originator_id: UUID
    originator_version: int
    recorded_at: datetime
    command_id: str
    command_hash: str = ""
    actor: Actor
    basis: str | None = None
    chain: str = ""
    _json: dict[str, Any] | None = PrivateAttr(default=None)

    @model_validator(mode="wrap")
    @classmethod
    def _as_recorded(cls, data: Any, handler: ModelWrapValidatorHandler[Self]) -> Self:
        with recorded_facts():
            return handler(data)


class PlanDrawn(PlanEvent):
    plan_number: str
    court: str
    debtor: str
    first_seized_case: str
    drawn_on: date


class PlanCaseJoined(PlanEvent):
    case_number: str
    creditor: str
    claim: Decimal
    claim_class: ClaimClass
    joined_on: date


class DistributableRecorded(PlanEvent):
    amount: Decimal
    recorded_on: date


class PlanServed(PlanEvent):
    served_on: date
    objection_due_on: date
    shares: tuple[Share, ...]


class PlanObjected(PlanEvent):
    objection_id: str
    objector: str
    disputed_case: str
    proposed_claim: Decimal
    received_on: date
    counter_due_on: date
    """Last day for the others to oppose (the court notifies them the day it is received)."""
    reason: str


class PlanObjectionOpposed(PlanEvent):
    objection_id: str
    opponent: str
    received_on: date
    suit_due_on: date
    """Last day for the objector's suit (the court notifies the objector the same day)."""


class PlanSuitFiled(PlanEvent):
    objection_id: str
    filed_on: date


class PlanFinalized(PlanEvent):
    finalized_on: date
    payable: tuple[Share, ...]
    """The shares paid now (a claim revised by an unopposed objection or a judgment counts)."""
    held_back: tuple[Share, ...]
    """The shares disputed in a pending suit: kept (提存) until its judgment."""


class PlanSuitJudged(PlanEvent):
    objection_id: str
    judged_claim: Decimal
    judged_on: date
    releases: tuple[Share, ...]
    """What the held-back share becomes (after finalization): each case's part of it."""


PLAN_EVENTS: dict[str, type[PlanEvent]] = {t.__name__: t for t in (
    PlanDrawn, PlanCaseJoined, DistributableRecorded, PlanServed, PlanObjected,
    PlanObjectionOpposed, PlanSuitFiled, PlanFinalized, PlanSuitJudged)}
assert all(topic_of(t).startswith(PLAN_TOPIC_PREFIX) for t in PLAN_EVENTS.values())


# --- state ----------------------------------------------------------------------------------

class PlanPhase(StrEnum):
    DRAWN = "drawn"
    SERVED = "served"
    FINALIZED = "finalized"


class Joined(BaseModel):
    case_number: str
    creditor: str
    claim: Decimal
    claim_class: ClaimClass
    joined_on: date


class Objection(BaseModel):
    objection_id: str
    objector: str
    disputed_case: str
    proposed_claim: Decimal
    received_on: date
    counter_due_on: date
    opposed_on: date | None = None
    suit_due_on: date | None = None
    suit_filed_on: date | None = None
    judged_claim: Decimal | None = None
    judged_on: date | None = None


class PlanState(BaseModel):
    """A plan as its events leave it."""

    id: UUID
    plan_number: str
    court: str
    debtor: str
    first_seized_case: str
    drawn_on: date
    phase: PlanPhase = PlanPhase.DRAWN
    cases: list[Joined] = []
    amount: Decimal | None = None
    served_on: date | None = None
    objection_due_on: date | None = None
    shares: list[Share] = []
    objections: dict[str, Objection] = {}
    finalized_on: date | None = None
    payable: list[Share] = []
    held_back: list[Share] = []
    releases: dict[str, list[Share]] = {}
    version: int = 0
    chain_head: str = ""
    commands: dict[str, str] = {}
    command_versions: dict[str, list[int]] = {}

    def joined(self, case_number: str) -> Joined | None:
        return next((j for j in self.cases if j.case_number == case_number), None)

    def claims(self, revised: dict[str, Decimal] | None = None) -> list[tuple[ClaimClass, Decimal]]:
        """Every case's (class, claim), ``revised`` claims instead where given."""
        revised = revised or {}
        return [(j.claim_class, revised.get(j.case_number, j.claim)) for j in self.cases]

    def shares_for(self, revised: dict[str, Decimal] | None = None) -> list[Share]:
        """The split of the amount with these revised claims (docs/rules.md §12)."""
        claims = self.claims(revised)
        amounts = split(self.amount or Decimal(0), claims)
        return [Share(case_number=j.case_number, claim_class=cls, claim=claim, amount=a)
                for j, (cls, claim), a in zip(self.cases, claims, amounts, strict=True)]


def _apply(state: PlanState | None, event: PlanEvent) -> PlanState:
    if state is None:
        assert isinstance(event, PlanDrawn), type(event)
        state = PlanState(id=event.originator_id, plan_number=event.plan_number,
                          court=event.court, debtor=event.debtor,
                          first_seized_case=event.first_seized_case, drawn_on=event.drawn_on)
    elif isinstance(event, PlanCaseJoined):
        state.cases.append(Joined(case_number=event.case_number, creditor=event.creditor,
                                  claim=event.claim, claim_class=event.claim_class,
                                  joined_on=event.joined_on))
    elif isinstance(event, DistributableRecorded):
        state.amount = event.amount
    elif isinstance(event, PlanServed):
        state.phase, state.served_on = PlanPhase.SERVED, event.served_on
        state.objection_due_on, state.shares = event.objection_due_on, list(event.shares)
    elif isinstance(event, PlanObjected):
        state.objections[event.objection_id] = Objection(
            objection_id=event.objection_id, objector=event.objector,
            disputed_case=event.disputed_case, proposed_claim=event.proposed_claim,
            received_on=event.received_on, counter_due_on=event.counter_due_on)
    elif isinstance(event, PlanObjectionOpposed):
        o = state.objections[event.objection_id]
        o.opposed_on, o.suit_due_on = event.received_on, event.suit_due_on
    elif isinstance(event, PlanSuitFiled):
        state.objections[event.objection_id].suit_filed_on = event.filed_on
    elif isinstance(event, PlanFinalized):
        state.phase, state.finalized_on = PlanPhase.FINALIZED, event.finalized_on
        state.payable, state.held_back = list(event.payable), list(event.held_back)
    elif isinstance(event, PlanSuitJudged):
        o = state.objections[event.objection_id]
        o.judged_claim, o.judged_on = event.judged_claim, event.judged_on
        if event.releases:
            state.releases[event.objection_id] = list(event.releases)
    state.version, state.chain_head = event.originator_version, event.chain
    versions = state.command_versions.setdefault(event.command_id, [event.originator_version,
                                                                    event.originator_version])
    versions[1] = event.originator_version
    state.commands[event.command_id] = event.command_hash
    return state


# --- decisions ------------------------------------------------------------------------------

Pending = tuple[type[PlanEvent], dict[str, Any]]
Decision = Callable[[PlanState, Any, HolidayCalendar], list[Pending]]
DECIDE_PLAN: dict[type[PlanCommand], Decision] = {}


def _decides(command: type[PlanCommand]) -> Callable[[Decision], Decision]:
    def register(fn: Decision) -> Decision:
        DECIDE_PLAN[command] = fn
        return fn
    return register


def require(condition: bool, code: str, message: str, source: str) -> None:
    """Refuse with a rule violation unless ``condition`` holds."""
    if not condition:
        raise RuleViolation(code, message, source)


def decide_draw(cmd: DrawPlan) -> list[Pending]:
    """Drawing a plan: the debtor a natural person, the presiding court the first seizing one."""
    require(cmd.debtor_kind is PartyKind.PERSON, "distribution.debtor_not_natural_person",
            f"{cmd.debtor} is an organisation: its creditors share through bankruptcy, not "
            "参与分配", SRC_JOIN)
    court = court_of(cmd.plan_number)
    require(court == court_of(cmd.first_seized_case), "distribution.not_first_seizing_court",
            f"the plan is drawn by {court}, but the property was first seized in "
            f"{cmd.first_seized_case} ({court_of(cmd.first_seized_case)}), whose court presides",
            SRC_PRESIDE)
    return [(PlanDrawn, {"plan_number": cmd.plan_number, "court": court, "debtor": cmd.debtor,
                         "first_seized_case": cmd.first_seized_case, "drawn_on": cmd.drawn_on})]


def _not_served(s: PlanState, what: str) -> None:
    require(s.phase is PlanPhase.DRAWN, "distribution.already_served",
            f"the plan was served on {s.served_on}: {what} comes too late", SRC_JOIN)


@_decides(JoinPlan)
def _join(s: PlanState, cmd: JoinPlan, cal: HolidayCalendar) -> list[Pending]:
    _not_served(s, f"joining {cmd.case_number}")
    require(s.joined(cmd.case_number) is None, "distribution.already_joined",
            f"{cmd.case_number} has already joined the plan", SRC_JOIN)
    require(cmd.joined_on >= s.drawn_on, "distribution.joined_before_drawn",
            f"joined_on {cmd.joined_on} is before the plan was drawn on {s.drawn_on}", SRC_PLAN)
    return [(PlanCaseJoined, {"case_number": cmd.case_number, "creditor": cmd.creditor,
                              "claim": cmd.claim, "claim_class": cmd.claim_class,
                              "joined_on": cmd.joined_on})]


@_decides(RecordDistributable)
def _distributable(s: PlanState, cmd: RecordDistributable, cal: HolidayCalendar
                   ) -> list[Pending]:
    _not_served(s, "a new amount")
    return [(DistributableRecorded, {"amount": cmd.amount, "recorded_on": cmd.recorded_on})]


@_decides(ServePlan)
def _serve(s: PlanState, cmd: ServePlan, cal: HolidayCalendar) -> list[Pending]:
    _not_served(s, "serving it again")
    require(len(s.cases) >= 2, "distribution.too_few_creditors",
            f"{len(s.cases)} case(s) joined: a plan shares among several creditors", SRC_JOIN)
    require(s.amount is not None, "distribution.no_amount",
            "record the amount to distribute before serving the plan", SRC_PLAN)
    total = sum((j.claim for j in s.cases), Decimal(0))
    assert s.amount is not None
    require(s.amount < total, "distribution.property_sufficient",
            f"{s.amount} covers every claim ({total}): each case is paid in full, there is "
            "nothing to share", SRC_JOIN)
    require(cmd.served_on >= s.drawn_on, "distribution.served_before_drawn",
            f"served_on {cmd.served_on} is before the plan was drawn on {s.drawn_on}", SRC_PLAN)
    return [(PlanServed, {"served_on": cmd.served_on,
                          "objection_due_on": cal.period_end(cmd.served_on, OBJECTION_DAYS),
                          "shares": tuple(s.shares_for())})]


def _served(s: PlanState) -> date:
    require(s.served_on is not None, "distribution.not_served",
            "the plan has not been served", SRC_OBJECTION)
    assert s.served_on is not None
    return s.served_on


def _objection(s: PlanState, objection_id: str) -> Objection:
    found = s.objections.get(objection_id)
    require(found is not None, "distribution.unknown_objection",
            f"no objection {objection_id!r} to this plan", SRC_PLAN)
    assert found is not None
    return found


@_decides(RecordPlanObjection)
def _object(s: PlanState, cmd: RecordPlanObjection, cal: HolidayCalendar) -> list[Pending]:
    served = _served(s)
    require(s.phase is PlanPhase.SERVED, "distribution.finalized",
            "the plan has been carried out", SRC_OBJECTION)
    assert s.objection_due_on is not None
    require(served <= cmd.received_on <= s.objection_due_on, "distribution.objection_late",
            f"an objection is due within {OBJECTION_DAYS} days of service on {served} (by "
            f"{s.objection_due_on}); received {cmd.received_on}", SRC_OBJECTION)
    require(cmd.objection_id not in s.objections, "distribution.duplicate_objection",
            f"objection {cmd.objection_id!r} is already recorded", SRC_PLAN)
    disputed = s.joined(cmd.disputed_case)
    require(disputed is not None, "distribution.not_joined",
            f"{cmd.disputed_case} has not joined the plan", SRC_OBJECTION)
    assert disputed is not None
    require(cmd.proposed_claim < disputed.claim, "distribution.objection_not_lower",
            f"an objection disputes a claim: {cmd.proposed_claim} is not below the claim "
            f"{disputed.claim} of {cmd.disputed_case}", SRC_OBJECTION)
    return [(PlanObjected, {"objection_id": cmd.objection_id, "objector": cmd.objector,
                            "disputed_case": cmd.disputed_case,
                            "proposed_claim": cmd.proposed_claim,
                            "received_on": cmd.received_on, "reason": cmd.reason,
                            "counter_due_on": cal.period_end(cmd.received_on, OBJECTION_DAYS)})]


@_decides(RecordCounterObjection)
def _oppose(s: PlanState, cmd: RecordCounterObjection, cal: HolidayCalendar) -> list[Pending]:
    o = _objection(s, cmd.objection_id)
    require(o.opposed_on is None, "distribution.already_opposed",
            f"objection {o.objection_id!r} was opposed on {o.opposed_on}", SRC_SUIT)
    require(o.received_on <= cmd.received_on <= o.counter_due_on,
            "distribution.counter_objection_late",
            f"opposition is due within {OBJECTION_DAYS} days of the notice of the objection "
            f"(by {o.counter_due_on}); received {cmd.received_on}", SRC_SUIT)
    return [(PlanObjectionOpposed, {"objection_id": o.objection_id, "opponent": cmd.opponent,
                                    "received_on": cmd.received_on,
                                    "suit_due_on": cal.period_end(cmd.received_on,
                                                                  OBJECTION_DAYS)})]


@_decides(RecordPlanSuit)
def _suit(s: PlanState, cmd: RecordPlanSuit, cal: HolidayCalendar) -> list[Pending]:
    o = _objection(s, cmd.objection_id)
    require(o.opposed_on is not None and o.suit_due_on is not None, "distribution.not_opposed",
            f"objection {o.objection_id!r} was not opposed: the plan is revised as it asks, "
            "no suit", SRC_SUIT)
    assert o.opposed_on is not None and o.suit_due_on is not None
    require(o.suit_filed_on is None, "distribution.suit_already_filed",
            f"a suit on objection {o.objection_id!r} was filed on {o.suit_filed_on}", SRC_SUIT)
    require(o.opposed_on <= cmd.filed_on <= o.suit_due_on, "distribution.suit_late",
            f"the suit is due within {OBJECTION_DAYS} days of the notice of the opposition "
            f"(by {o.suit_due_on}); filed {cmd.filed_on}", SRC_SUIT)
    return [(PlanSuitFiled, {"objection_id": o.objection_id, "filed_on": cmd.filed_on})]


def revised_claims(s: PlanState, on: date) -> tuple[dict[str, Decimal], set[str]]:
    """On ``on``: each disputed case's claim as revised (an unopposed objection whose
    opposition window has passed, or a judgment) and the cases whose share a pending suit
    holds back. Refused while a window is still open (docs/rules.md §12)."""
    revised: dict[str, Decimal] = {}
    held: set[str] = set()
    for o in s.objections.values():
        if o.judged_claim is not None:
            revised[o.disputed_case] = o.judged_claim
        elif o.suit_filed_on is not None:
            held.add(o.disputed_case)
        elif o.opposed_on is None:
            require(on > o.counter_due_on, "distribution.counter_window_open",
                    f"the others may oppose objection {o.objection_id!r} until "
                    f"{o.counter_due_on}", SRC_SUIT)
            revised[o.disputed_case] = o.proposed_claim  # unopposed: revised as it asks
        else:
            assert o.suit_due_on is not None
            require(on > o.suit_due_on, "distribution.suit_window_open",
                    f"the objector may sue on objection {o.objection_id!r} until "
                    f"{o.suit_due_on}", SRC_SUIT)  # no suit: the plan as it was
    return revised, held


@_decides(FinalizePlan)
def _finalize(s: PlanState, cmd: FinalizePlan, cal: HolidayCalendar) -> list[Pending]:
    _served(s)
    require(s.phase is PlanPhase.SERVED, "distribution.finalized",
            f"the plan was carried out on {s.finalized_on}", SRC_PLAN)
    assert s.objection_due_on is not None
    require(cmd.finalized_on > s.objection_due_on, "distribution.objection_window_open",
            f"objections may be made until {s.objection_due_on}", SRC_OBJECTION)
    revised, held = revised_claims(s, cmd.finalized_on)
    shares = s.shares_for(revised)
    return [(PlanFinalized, {
        "finalized_on": cmd.finalized_on,
        "payable": tuple(x for x in shares if x.case_number not in held and x.amount > 0),
        "held_back": tuple(x for x in shares if x.case_number in held)})]


@_decides(RecordPlanSuitJudgment)
def _judged(s: PlanState, cmd: RecordPlanSuitJudgment, cal: HolidayCalendar) -> list[Pending]:
    o = _objection(s, cmd.objection_id)
    require(o.suit_filed_on is not None, "distribution.no_suit",
            f"no suit was filed on objection {o.objection_id!r}", SRC_SUIT)
    require(o.judged_on is None, "distribution.already_judged",
            f"the suit on objection {o.objection_id!r} was judged on {o.judged_on}", SRC_SUIT)
    disputed = s.joined(o.disputed_case)
    assert disputed is not None
    require(cmd.judged_claim <= disputed.claim, "distribution.judged_above_claim",
            f"the judged claim {cmd.judged_claim} exceeds the claim {disputed.claim} joined",
            SRC_SUIT)
    releases: tuple[Share, ...] = ()
    if s.phase is PlanPhase.FINALIZED:
        releases = released(s, o.disputed_case, cmd.judged_claim)
    return [(PlanSuitJudged, {"objection_id": o.objection_id, "judged_claim": cmd.judged_claim,
                              "judged_on": cmd.judged_on, "releases": releases})]


def released(s: PlanState, disputed_case: str, judged: Decimal) -> tuple[Share, ...]:
    """The held-back share after the judgment: the disputed case gets at most its share under
    the judged claim; the rest goes to the other cases by the same order on what the plan
    left unpaid of their claims (docs/rules.md §12). Adds up to the held amount exactly."""
    held = next(x for x in s.held_back if x.case_number == disputed_case)
    paid = {x.case_number: x.amount for x in s.payable}
    own = min(held.amount, next(x.amount for x in s.shares_for({disputed_case: judged})
                                if x.case_number == disputed_case))
    others = [j for j in s.cases if j.case_number != disputed_case]
    unpaid = [(j.claim_class, j.claim - paid.get(j.case_number, Decimal(0))) for j in others]
    rest = split(held.amount - own, unpaid) if held.amount > own else [Decimal(0)] * len(others)
    out = [Share(case_number=disputed_case, claim_class=held.claim_class, claim=judged,
                 amount=own)]
    out += [Share(case_number=j.case_number, claim_class=j.claim_class, claim=c, amount=a)
            for j, (_, c), a in zip(others, unpaid, rest, strict=True)]
    return tuple(x for x in out if x.amount > 0)


# --- the aggregate --------------------------------------------------------------------------

class PlanResult(BaseModel):
    """Outcome of a plan command: the versions it wrote (or wrote earlier, if a duplicate)."""

    plan_number: str
    plan_id: UUID
    first_version: int
    last_version: int
    events: tuple[str, ...]
    duplicate: bool = False


def plan_fingerprint(cmd: PlanCommand) -> str:
    """Stable digest of a plan command's payload without its business time."""
    return hashlib.sha256(cmd.__pydantic_serializer__.to_json(
        cmd, exclude={"recorded_at"})).hexdigest()[:32]


class DistributionPlan:
    """One 参与分配 plan: its state and its not-yet-saved events."""

    def __init__(self, state: PlanState | None = None) -> None:
        self.state = state
        self._pending: list[PlanEvent] = []

    @property
    def id(self) -> UUID:
        assert self.state is not None
        return self.state.id

    @classmethod
    def replayed(cls, events: list[PlanEvent]) -> DistributionPlan:
        """The plan its stored events make."""
        plan = cls()
        for event in events:
            plan.state = _apply(plan.state, event)
        return plan

    def collect_events(self) -> list[PlanEvent]:
        pending, self._pending = self._pending, []
        return pending

    def execute(self, cmd: PlanCommand, calendar: HolidayCalendar, chain: HashChain
                ) -> PlanResult:
        """Check and apply one command; raise a typed error and change nothing if refused."""
        name = type(cmd).__name__
        if cmd.actor.role not in PLAN_ALLOWED[name]:
            raise NotPermitted("role.not_permitted", f"a {cmd.actor.role.value} may not give "
                               f"{name}", "permissions table (docs/rules.md §12)")
        s, ref = self.state, plan_id(cmd.plan_number)
        if s is not None and cmd.command_id in s.commands:
            if s.commands[cmd.command_id] != plan_fingerprint(cmd):
                raise CommandConflictError(
                    "command.id_conflict", f"command_id {cmd.command_id!r} was already used "
                    "for a different command", "idempotency contract (docs/design.md)")
            first, last = s.command_versions[cmd.command_id]
            return PlanResult(plan_number=cmd.plan_number, plan_id=ref, first_version=first,
                              last_version=last, events=(), duplicate=True)
        if isinstance(cmd, DrawPlan):
            require(s is None, "distribution.already_drawn",
                    f"plan {cmd.plan_number} is already drawn", SRC_PLAN)
            pending = decide_draw(cmd)
        else:
            require(s is not None, "distribution.unknown_plan",
                    f"no plan {cmd.plan_number}", SRC_PLAN)
            assert s is not None
            pending = DECIDE_PLAN[type(cmd)](s, cmd, calendar)
        return self._record(pending, cmd, chain, ref)

    def _record(self, pending: list[Pending], cmd: PlanCommand, chain: HashChain, ref: UUID
                ) -> PlanResult:
        envelope: dict[str, Any] = {
            "originator_id": ref, "recorded_at": cmd.recorded_at, "command_id": cmd.command_id,
            "command_hash": plan_fingerprint(cmd), "actor": cmd.actor, "basis": cmd.basis}
        version = self.state.version if self.state else 0
        first, names = version + 1, []
        for event_type, fields in pending:
            version += 1
            event = event_type(originator_version=version, **envelope, **fields)
            _seal(event, chain, self.state.chain_head if self.state else "")
            self.state = _apply(self.state, event)
            self._pending.append(event)
            names.append(event_type.__name__)
        return PlanResult(plan_number=cmd.plan_number, plan_id=ref, first_version=first,
                          last_version=version, events=tuple(names))


def _seal(event: PlanEvent, chain: HashChain, previous: str) -> None:
    """Link a newly built event into the plan's chain (as ``domain.case.seal`` does a case's)."""
    data: dict[str, Any] = event.__pydantic_serializer__.to_python(event, mode="json")
    del data["chain"]
    link = chain.link_body(previous, topic_of(type(event)), data)
    data["chain"] = link
    event.__dict__["chain"] = link
    event.__pydantic_fields_set__.add("chain")
    event.__pydantic_private__["_json"] = data  # type: ignore[index]
