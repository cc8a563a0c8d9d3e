"""The docket format's own rules: relative approval dates (``approval_day``), the 终本 ruling's
service (``notice.ruling_served``), and the errors a bad docket gets."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from domain.values import Approval, PartyKind, Role
from tests.support import JUDGE
from tests.workflows.dockets import paid_in_full
from workflows import acts as a
from workflows.adapters.ports import DocumentDispatch, TicketCheck
from workflows.adapters.simulated import SimulatedWorld, compile_acts
from workflows.messages import ScenarioRef
from workflows.scenario import NoticeService, ScheduledAct, World

WRITTEN = date(2020, 1, 1)
FINE = a.OrderMeasure(actor=JUDGE, measure=a.Fine(
    amount=Decimal("5000.00"), subject="被执行人", subject_kind=PartyKind.PERSON,
    approval=Approval(approver_id="president-1", role=Role.PRESIDENT, approved_on=WRITTEN)))
EXTENSION = a.RequestExtension(actor=JUDGE, approval=Approval(
    approver_id="president-1", role=Role.PRESIDENT, approved_on=WRITTEN))


def scheduled(**fields: Any) -> dict[str, Any]:
    return {"day": 30, **fields}


def test_approval_day_dates_the_approval_from_filing() -> None:
    anchor = date(2026, 11, 23)
    world = World(acts=(ScheduledAct(day=30, approval_day=28, act=FINE),
                        ScheduledAct(day=170, approval_day=170, act=EXTENSION),
                        ScheduledAct(day=40, act=EXTENSION)))
    fine, absolute, extension = (s.act for s in sorted(compile_acts(world, anchor),
                                                      key=lambda s: s.day))
    assert isinstance(fine, a.OrderMeasure) and isinstance(fine.measure, a.Fine)
    assert fine.measure.approval.approved_on == date(2026, 12, 21)  # day 28
    assert isinstance(extension, a.RequestExtension)
    assert absolute.model_dump()["approval"]["approved_on"] == WRITTEN  # no approval_day: as is
    assert extension.approval.approved_on == date(2027, 5, 12)  # day 170


def test_approval_day_needs_an_act_that_carries_an_approval() -> None:
    with pytest.raises(ValidationError) as refused:
        ScheduledAct.model_validate(scheduled(approval_day=29, act={
            "kind": "withdraw_application", "actor": {"id": "judge-1", "role": "judge"},
            "reason": "撤回"}))
    assert "approval_day is set but a withdraw_application act carries no approval" in str(
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
