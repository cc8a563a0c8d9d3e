"""Approvals through the engine's door (the facade's updates): issue 11's typed approvals are
refused, and request → give → measure works, each act under its own actor
(docs/rules.md, "Approvals"; docs/workflows.md)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from domain import events as ev
from domain.errors import NotPermittedError
from domain.models import ApprovalMeasure, DishonestGround
from domain.values import Actor, Approval, PartyKind, Role
from tests.support import JUDGE, OFFICER, PRESIDENT
from tests.workflows.conftest import Rig
from tests.workflows.dockets import case
from workflows import acts as a
from workflows.docket import PropertyReport, World

MALLORY = Actor(id="mallory", role=Role.PRESIDENT)
FORGED = Approval(approver_id="mallory", role=Role.PRESIDENT, approved_on=date(2000, 1, 1))
NOBODY = Approval(approver_id="nobody-at-all", role=Role.PRESIDENT, approved_on=date(2000, 1, 1))


async def refused(rig: Rig, number: str, act: a.ActBase, code: str) -> None:
    """The act is refused with ``code`` (a NotPermittedError) and the case records nothing."""
    before = rig.app.get_case(number).version
    with pytest.raises(NotPermittedError) as err:
        await rig.engine.act(number, act)
    assert err.value.code == code
    assert "docs/rules.md, Approvals" in err.value.source
    assert rig.app.get_case(number).version == before


async def test_typed_approvals_are_refused_at_the_door(rig: Rig) -> None:
    """Issue 11: a self-signed 失信 listing dated 2000-01-01, a 15-day detention the same way,
    an officer's restriction approved by ``nobody-at-all``."""
    subject = case("(2026)甘0402执601号", World(report=PropertyReport(day=1)))
    handle = await rig.file(subject)
    number = subject.case_number
    await rig.env.sleep(timedelta(days=2))
    await refused(rig, number, a.ListDishonest(
        actor=MALLORY, ground=DishonestGround.ABLE_BUT_REFUSES, approval=FORGED),
        "approval.typed_not_accepted")
    await refused(rig, number, a.OrderMeasure(actor=MALLORY, measure=a.Detention(
        days=15, subject="李四", approval=FORGED)), "approval.typed_not_accepted")
    await refused(rig, number, a.RestrictConsumption(actor=OFFICER, approval=NOBODY),
                  "approval.typed_not_accepted")
    await refused(rig, number, a.ListDishonest(
        actor=OFFICER, ground=DishonestGround.ABLE_BUT_REFUSES), "approval.required")
    state = rig.app.get_case(number)
    assert (state.dishonest, state.detentions, state.restriction_on) == ([], 0, None)
    await handle.terminate("test over")


async def test_request_give_and_the_measure_each_under_its_own_actor(rig: Rig) -> None:
    subject = case("(2026)甘0402执602号", World(report=PropertyReport(day=1)))
    handle = await rig.file(subject)
    number = subject.case_number
    await rig.env.sleep(timedelta(days=2))

    asked = await rig.engine.act(number, a.RequestApproval(
        actor=OFFICER, measure=ApprovalMeasure.DISHONEST, approval_id="R-1"))
    assert (asked.events, asked.approval_id) == (("ApprovalRequested",), "R-1")
    status = await rig.engine.status(number)
    assert [d.update for d in status.approvals_due if "R-1" in d.reason] == ["give_approval"]
    await refused(rig, number, a.ListDishonest(
        actor=OFFICER, ground=DishonestGround.ABLE_BUT_REFUSES, approval_id="R-1"),
        "approval.pending")
    await refused(rig, number, a.GiveApproval(actor=JUDGE, approval_id="R-1"),
                  "approval.wrong_role")
    given = await rig.engine.act(number, a.GiveApproval(actor=PRESIDENT, approval_id="R-1"))
    assert given.events == ("ApprovalGiven",)
    listed = await rig.engine.act(number, a.ListDishonest(
        actor=OFFICER, ground=DishonestGround.ABLE_BUT_REFUSES, approval_id="R-1"))
    assert listed.events == ("DebtorListedDishonest",)
    events = rig.app.case_events(number)[-3:]
    assert [(type(e).__name__, e.actor) for e in events] == [
        ("ApprovalRequested", OFFICER), ("ApprovalGiven", PRESIDENT),
        ("DebtorListedDishonest", OFFICER)]
    listing = events[-1]
    assert isinstance(listing, ev.DebtorListedDishonest)
    assert listing.approval.approver_id == PRESIDENT.id and listing.approval_id == "R-1"
    status = await rig.engine.status(number)
    assert not [d for d in status.approvals_due if "R-1" in d.reason]
    await handle.terminate("test over")


async def test_self_approval_and_an_approval_for_another_measure_are_refused(rig: Rig) -> None:
    subject = case("(2026)甘0402执603号", World(report=PropertyReport(day=1)))
    handle = await rig.file(subject)
    number = subject.case_number
    await rig.env.sleep(timedelta(days=2))
    asked = await rig.engine.act(number, a.RequestApproval(
        actor=MALLORY, measure=ApprovalMeasure.DETENTION, subject="李四", days=15))
    assert asked.approval_id is not None
    await refused(rig, number, a.GiveApproval(actor=MALLORY, approval_id=asked.approval_id),
                  "approval.self_approval")

    restriction = await rig.engine.act(number, a.RequestApproval(
        actor=OFFICER, measure=ApprovalMeasure.RESTRICTION, approval_id="R-2"))
    await rig.engine.act(number, a.GiveApproval(actor=PRESIDENT,
                                                approval_id=restriction.approval_id or ""))
    await refused(rig, number, a.ListDishonest(
        actor=OFFICER, ground=DishonestGround.ABLE_BUT_REFUSES, approval_id="R-2"),
        "approval.wrong_measure")
    await refused(rig, number, a.OrderMeasure(actor=OFFICER, measure=a.Fine(
        amount=Decimal("1000.00"), subject="李四", subject_kind=PartyKind.PERSON,
        approval_id="R-2")), "approval.wrong_measure")
    done = await rig.engine.act(number, a.RestrictConsumption(actor=OFFICER, approval_id="R-2"))
    assert done.events == ("ConsumptionRestricted",)
    await refused(rig, number, a.RestrictConsumption(actor=OFFICER, approval_id="R-2"),
                  "approval.already_used")
    await handle.terminate("test over")
