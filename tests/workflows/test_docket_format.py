"""The docket format's own rules: relative approval dates (``approval_day``), the 终本 ruling's
service (``notice.ruling_served``), and the errors a bad docket gets."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from domain.values import Actor, PartyKind, Role
from tests.support import JUDGE
from tests.workflows.dockets import paid_in_full
from workflows import acts as a
from workflows.adapters.ports import DocumentDispatch, TicketCheck
from workflows.adapters.simulated import SimulatedWorld, compile_acts
from workflows.docket import NoticeService, ScheduledAct, World
from workflows.messages import ScenarioRef

FINE = a.OrderMeasure(actor=JUDGE, measure=a.Fine(
    amount=Decimal("5000.00"), subject="被执行人", subject_kind=PartyKind.PERSON))
EXTENSION = a.RequestExtension(actor=JUDGE)


def scheduled(**fields: Any) -> dict[str, Any]:
    return {"day": 30, **fields}


def test_approval_day_is_the_day_the_act_is_asked_for_and_given() -> None:
    """The act's actor asks on ``approval_day``, the world's president gives it the same day,
    then the act names the request; an act without ``approval_day`` is sent as written."""
    anchor = date(2026, 11, 23)
    world = World(acts=(ScheduledAct(day=30, approval_day=28, act=FINE),
                        ScheduledAct(day=170, approval_day=170, act=EXTENSION),
                        ScheduledAct(day=40, act=EXTENSION)))
    steps = sorted(compile_acts(world, anchor), key=lambda s: s.day)
    assert [(s.day, s.act.kind) for s in steps] == [
        (28, "request_approval"), (28, "give_approval"), (30, "order_measure"),
        (40, "request_extension"),
        (170, "request_approval"), (170, "give_approval"), (170, "request_extension")]
    asked, given, fine = (s.act for s in steps[:3])
    assert isinstance(asked, a.RequestApproval) and isinstance(given, a.GiveApproval)
    assert (asked.actor, asked.measure, asked.subject, asked.amount) == (
        JUDGE, "fine", "被执行人", Decimal("5000.00"))
    assert given.actor == Actor(id="president-sim", role=Role.PRESIDENT)
    assert isinstance(fine, a.OrderMeasure) and isinstance(fine.measure, a.Fine)
    assert fine.measure.approval_id == asked.approval_id == given.approval_id
    assert fine.measure.approval is None
    unapproved = steps[3].act
    assert isinstance(unapproved, a.RequestExtension) and unapproved.approval_id is None


def test_an_approval_typed_into_a_docket_act_is_refused() -> None:
    typed = {"approver_id": "president-1", "role": "president", "approved_on": "2026-01-01"}
    with pytest.raises(ValidationError) as refused:
        ScheduledAct.model_validate(scheduled(approval_day=29, act={
            "kind": "list_dishonest", "actor": {"id": "officer-1", "role": "officer"},
            "ground": "able_but_refuses", "approval": typed}))
    assert "approval is the approver's own act" in str(refused.value)


def test_approval_day_needs_an_act_that_rests_on_an_approval() -> None:
    with pytest.raises(ValidationError) as refused:
        ScheduledAct.model_validate(scheduled(approval_day=29, act={
            "kind": "withdraw_application", "actor": {"id": "judge-1", "role": "judge"},
            "reason": "撤回"}))
    assert "approval_day is set but a withdraw_application act rests on no approval" in str(
        refused.value)


def test_approval_day_may_not_follow_the_act() -> None:
    with pytest.raises(ValidationError) as refused:
        ScheduledAct(day=30, approval_day=31, act=FINE)
    assert "approval_day must not follow the act's day" in str(refused.value)


async def test_a_ruling_never_served_while_the_notice_is() -> None:
    case = paid_in_full().model_copy(update={"world": World(
        notice=NoticeService(served_after_days=3, ruling_served=False))})
    world = SimulatedWorld()
    world.add(case)
    ref = ScenarioRef(key=case.case_number, anchor_on=date(2026, 11, 23))
    common = {"case_number": case.case_number, "as_of": date(2027, 6, 1), "scenario": ref,
              "step": "s"}
    for document, served in (("notice", date(2026, 11, 26)),
                             ("termination_ruling", None)):
        ticket = await world.dispatch(DocumentDispatch(**common, document=document,
                                                       issued_on=date(2026, 11, 23)))
        status = await world.check(TicketCheck(**common, ticket=ticket.ticket))
        assert status.served_on == served
