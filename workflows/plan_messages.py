"""Messages of the 参与分配 plan's workflow (docs/rules.md §12, docs/workflows.md "Distribution").

Pure pydantic, like ``workflows/messages.py``: workflow code imports it; never eventsourcing.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Literal

from pydantic import Field

from domain.values import Actor, PartyKind
from workflows.messages import Message

PLAN_WORKFLOW = "DistributionPlanWorkflow"
EXECUTE_PLAN_COMMAND = "execute_plan_command"
FINAL = "final"
"""``share_of`` of the shares paid when the plan is carried out (else: an objection's id)."""

PlanActKind = Literal["join", "record_amount", "serve", "object", "counter_object", "sue",
                      "record_judgment"]
PLAN_ACT_COMMANDS: dict[str, str] = {
    "join": "JoinPlan", "record_amount": "RecordDistributable", "serve": "ServePlan",
    "object": "RecordPlanObjection", "counter_object": "RecordCounterObjection",
    "sue": "RecordPlanSuit", "record_judgment": "RecordPlanSuitJudgment"}
"""Each operator act on a plan and the plan command it gives."""
PLAN_ACT_DATES: dict[str, str] = {
    "join": "joined_on", "record_amount": "recorded_on", "serve": "served_on",
    "object": "received_on", "counter_object": "received_on", "sue": "filed_on",
    "record_judgment": "judged_on"}
"""The act's date field (the business date when left out)."""


def plan_workflow_id(plan_number: str) -> str:
    """The workflow id of a plan: ``distribution:<plan number>``."""
    return f"distribution:{plan_number}"


class ShareView(Message):
    case_number: str
    claim_class: str
    claim: Decimal
    amount: Decimal


class JoinedView(Message):
    case_number: str
    creditor: str
    claim: Decimal
    claim_class: str
    joined_on: date


class ObjectionView(Message):
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


class PlanView(Message):
    """The plan as its record stands (built by the plan command activity)."""

    plan_number: str
    court: str
    debtor: str
    first_seized_case: str
    drawn_on: date
    phase: str
    cases: tuple[JoinedView, ...] = ()
    amount: Decimal | None = None
    served_on: date | None = None
    objection_due_on: date | None = None
    shares: tuple[ShareView, ...] = ()
    objections: tuple[ObjectionView, ...] = ()
    finalized_on: date | None = None
    payable: tuple[ShareView, ...] = ()
    held_back: tuple[ShareView, ...] = ()
    releases: dict[str, tuple[ShareView, ...]] = Field(default_factory=dict)
    version: int = 0
    chain_head: str = ""

    def finalizes_after(self) -> date | None:
        """The last day a window of the plan stays open (objections, then each objection's
        opposition or suit window); None: not served, or carried out already."""
        if self.phase != "served" or self.objection_due_on is None:
            return None
        last = self.objection_due_on
        for o in self.objections:
            if o.judged_on is not None or o.suit_filed_on is not None:
                continue
            due = o.counter_due_on if o.opposed_on is None else o.suit_due_on
            if due is not None and due > last:
                last = due
        return last

    def releases_owed(self) -> list[tuple[str, ShareView]]:
        """Every (share_of, share) the plan owes a case: the final shares once carried out,
        then each judged suit's release."""
        owed = [(FINAL, s) for s in self.payable] if self.phase == "finalized" else []
        for objection_id, shares in sorted(self.releases.items()):
            owed += [(objection_id, s) for s in shares]
        return owed

    def pending_suits(self) -> bool:
        """Whether a held-back share still waits for its judgment."""
        held = {s.case_number for s in self.held_back}
        return any(o.disputed_case in held and o.judged_on is None for o in self.objections
                   if o.suit_filed_on is not None)


class PlanAct(Message):
    """An operator's act on a plan: ``kind`` names the plan command (PLAN_ACT_COMMANDS), the
    ``fields`` its payload (its date, PLAN_ACT_DATES, defaults to the business date). A ``join``
    also joins the case itself (``JoinDistribution``)."""

    kind: PlanActKind
    actor: Actor
    request_id: str | None = None
    fields: dict[str, Any] = Field(default_factory=dict)


class PlanStep(Message):
    """An act a docket schedules on its plan (docs/docket.md): applied at 14:00 on ``day``
    (days after the plan's workflow started, which a simulation starts on the filing day)."""

    day: int = Field(ge=0, le=36500)
    act: PlanAct


class DrawRequest(Message):
    """What drawing a plan takes (the act of a judge or the president). From a docket:
    ``draw_day`` (days after the workflow's start) and the ``schedule`` of its acts."""

    plan_number: str
    debtor: str
    debtor_kind: PartyKind = PartyKind.PERSON
    first_seized_case: str
    drawn_on: date | None = None
    actor: Actor
    request_id: str = "draw"
    draw_day: int = Field(default=0, ge=0, le=36500)
    schedule: tuple[PlanStep, ...] = ()


class PlanCommandRequest(Message):
    command: str
    payload: dict[str, Any]


class PlanOutcome(Message):
    command_id: str
    events: tuple[str, ...]
    duplicate: bool
    view: PlanView


class PlanProblem(Message):
    """A step of the plan's workflow that was refused (kept, not raised)."""

    on: date
    step: str
    code: str
    message: str


class PlanPaid(Message):
    """A share the workflow paid through a case (its ``DistributionSharePaid``)."""

    case_number: str
    share_of: str
    amount: Decimal
    paid_on: date


class PlanStatus(Message):
    """The plan's workflow: the plan's view, the payouts made through the cases, problems."""

    view: PlanView | None
    paid: tuple[PlanPaid, ...] = ()
    problems: tuple[PlanProblem, ...] = ()
    waiting_until: date | None = None
    """The last day of the window the workflow's timer waits out (then it carries the plan
    out)."""
