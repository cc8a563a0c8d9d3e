"""Approvals are acts of the approver under their own principal (docs/rules.md, Approvals):
request → give (or refuse) → the measure names the request. Every refusal is a typed
``NotPermittedError`` citing the measure's source and docs/rules.md, and writes nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from domain.errors import NotPermittedError, RuleViolationError
from domain.events import ApprovalGiven, ApprovalRequested, DebtorListedDishonest, FineImposed
from domain.models import ApprovalMeasure, DishonestGround
from domain.values import Actor, Approval, PartyKind, Role
from tests.projections.legacy import NOW, LegacyCase
from tests.support import JUDGE, NUMBER, OFFICER, PRESIDENT, Driver, new_app

ON = date(2026, 4, 1)
DOC = "docs/rules.md, Approvals"
MALLORY = Actor(id="mallory", role=Role.PRESIDENT)
LISTING: dict[str, Any] = {"ground": DishonestGround.ABLE_BUT_REFUSES, "listed_on": ON}
FINE: dict[str, Any] = {"amount": Decimal("20000.00"), "imposed_on": ON, "subject": "李四",
                        "subject_kind": PartyKind.PERSON}
DETENTION: dict[str, Any] = {"days": 15, "ordered_on": ON, "subject": "李四"}


@pytest.fixture
def d() -> Driver:
    """A case against a person, filed on 2 March 2026, its notice issued on 3 March."""
    driver = Driver(new_app())
    driver.file(date(2026, 3, 2))
    driver.send("IssueNotice", date(2026, 3, 3), issued_on=date(2026, 3, 3),
                report_due_on=date(2026, 3, 13))
    return driver


def refused(d: Driver, code: str, name: str, actor: Actor = OFFICER, on: date = ON,
            source: str = "失信规定 art.5", **fields: Any) -> None:
    """Send the command; assert the refusal (code, source) and that nothing was written."""
    before = d.app.recorder.max_notification_id()
    with pytest.raises(NotPermittedError) as err:
        d.send(name, on, actor, **fields)
    assert (err.value.code, err.value.source) == (code, f"{source}; {DOC}")
    assert d.app.recorder.max_notification_id() == before


def request(d: Driver, approval_id: str, measure: ApprovalMeasure, actor: Actor = OFFICER,
            **particulars: Any) -> None:
    d.send("RequestApproval", ON, actor, approval_id=approval_id, measure=measure,
           requested_on=ON, **particulars)


def give(d: Driver, approval_id: str, actor: Actor = PRESIDENT) -> None:
    d.send("GiveApproval", ON, actor, approval_id=approval_id, given_on=ON)


# --- what worked before and must not any more ------------------------------------------------

def test_a_self_signed_approval_typed_into_the_listing_is_refused(d: Driver) -> None:
    """Issue 11: ``list_dishonest`` with a self-signed approval dated 2000-01-01."""
    forged = Approval(approver_id="mallory", role=Role.PRESIDENT, approved_on=date(2000, 1, 1))
    refused(d, "approval.typed_not_accepted", "ListDishonest", MALLORY, approval=forged,
            **LISTING)
    assert d.app.get_case(NUMBER).dishonest == []


def test_an_approval_by_nobody_typed_into_a_restriction_is_refused(d: Driver) -> None:
    """Issue 11: an officer's restriction with ``approver_id=nobody-at-all role=president``."""
    nobody = Approval(approver_id="nobody-at-all", role=Role.PRESIDENT, approved_on=ON)
    refused(d, "approval.typed_not_accepted", "RestrictConsumption", approval=nobody,
            issued_on=ON, source="限消规定 art.5")


def test_a_detention_without_a_recorded_approval_is_refused(d: Driver) -> None:
    refused(d, "approval.required", "OrderDetention", source="民诉法 art.119", **DETENTION)


# --- request → give → measure ------------------------------------------------------------------

def test_a_listing_on_the_presidents_recorded_approval(d: Driver) -> None:
    request(d, "R1", ApprovalMeasure.DISHONEST)
    give(d, "R1")
    d.send("ListDishonest", ON, approval_id="R1", **LISTING)
    events = d.app.case_events(NUMBER)[-3:]
    asked, given, listed = events
    assert isinstance(asked, ApprovalRequested) and asked.actor == OFFICER
    assert isinstance(given, ApprovalGiven) and given.actor == PRESIDENT
    assert isinstance(listed, DebtorListedDishonest) and listed.approval_id == "R1"
    assert listed.approval == Approval(approver_id=PRESIDENT.id, role=Role.PRESIDENT,
                                       approved_on=ON, reference="R1")
    approval = d.app.get_case(NUMBER).approvals["R1"]
    assert (approval.status, approval.requested_by, approval.decided_by, approval.used_by) == (
        "given", OFFICER.id, PRESIDENT.id, listed.command_id)


def test_a_fine_and_a_detention_name_their_subject_and_amount_or_days(d: Driver) -> None:
    request(d, "F1", ApprovalMeasure.FINE, subject="李四", amount=Decimal("20000.00"))
    request(d, "D1", ApprovalMeasure.DETENTION, subject="李四", days=15)
    give(d, "F1")
    give(d, "D1")
    d.send("ImposeFine", ON, approval_id="F1", **FINE)
    d.send("OrderDetention", ON, approval_id="D1", **DETENTION)
    state = d.app.get_case(NUMBER)
    assert (state.fines, state.detentions) == (1, 1)


# --- the checks --------------------------------------------------------------------------------

def test_the_requester_may_not_approve_his_own_request(d: Driver) -> None:
    request(d, "R1", ApprovalMeasure.DISHONEST, MALLORY)
    refused(d, "approval.self_approval", "GiveApproval", MALLORY, approval_id="R1", given_on=ON)
    refused(d, "approval.pending", "ListDishonest", MALLORY, approval_id="R1", **LISTING)


def test_only_the_role_the_rule_names_gives_the_approval(d: Driver) -> None:
    request(d, "R1", ApprovalMeasure.DISHONEST)
    refused(d, "approval.wrong_role", "GiveApproval", JUDGE, approval_id="R1", given_on=ON)
    before = d.app.recorder.max_notification_id()
    with pytest.raises(NotPermittedError) as err:
        d.send("GiveApproval", ON, Actor(id="officer-2", role=Role.OFFICER), approval_id="R1",
               given_on=ON)
    assert err.value.code == "role.not_permitted"
    assert d.app.recorder.max_notification_id() == before


def test_an_approval_for_another_measure_is_refused(d: Driver) -> None:
    request(d, "R1", ApprovalMeasure.RESTRICTION)
    give(d, "R1")
    refused(d, "approval.wrong_measure", "ListDishonest", approval_id="R1", **LISTING)
    d.send("RestrictConsumption", ON, approval_id="R1", issued_on=ON)


def test_an_approval_for_another_subject_or_amount_is_refused(d: Driver) -> None:
    request(d, "F1", ApprovalMeasure.FINE, subject="王五", amount=Decimal("20000.00"))
    request(d, "F2", ApprovalMeasure.FINE, subject="李四", amount=Decimal("5000.00"))
    give(d, "F1")
    give(d, "F2")
    for approval_id in ("F1", "F2"):
        refused(d, "approval.particulars_differ", "ImposeFine", approval_id=approval_id,
                source="民诉法 art.119", **FINE)


def test_a_fine_request_names_its_subject_and_amount(d: Driver) -> None:
    refused(d, "approval.particulars_missing", "RequestApproval", approval_id="F1",
            measure=ApprovalMeasure.FINE, requested_on=ON, subject="李四",
            source="民诉法 art.119")


def test_one_approval_rests_one_measure(d: Driver) -> None:
    request(d, "R1", ApprovalMeasure.DISHONEST)
    give(d, "R1")
    d.send("ListDishonest", ON, approval_id="R1", **LISTING)
    d.send("DeleteDishonestEntry", ON, deleted_on=ON, reason="error")
    refused(d, "approval.already_used", "ListDishonest", approval_id="R1", **LISTING)


def test_a_repeated_measure_is_the_same_act_not_a_second_use(d: Driver) -> None:
    request(d, "R1", ApprovalMeasure.DISHONEST)
    give(d, "R1")
    first = d.send("ListDishonest", ON, command_id="listing-1", approval_id="R1", **LISTING)
    again = d.send("ListDishonest", ON, command_id="listing-1", approval_id="R1", **LISTING)
    assert again.duplicate and again.last_version == first.last_version


def test_a_refused_request_rests_nothing_and_is_decided_once(d: Driver) -> None:
    request(d, "R1", ApprovalMeasure.DISHONEST)
    d.send("RefuseApproval", ON, PRESIDENT, approval_id="R1", refused_on=ON, reason="证据不足")
    refused(d, "approval.refused", "ListDishonest", approval_id="R1", **LISTING)
    refused(d, "approval.already_decided", "GiveApproval", MALLORY, approval_id="R1",
            given_on=ON)


def test_unknown_and_duplicate_requests_are_refused(d: Driver) -> None:
    refused(d, "approval.unknown_request", "ListDishonest", approval_id="R9", **LISTING)
    before = d.app.recorder.max_notification_id()
    with pytest.raises(NotPermittedError) as err:
        d.send("GiveApproval", ON, PRESIDENT, approval_id="R9", given_on=ON)
    assert (err.value.code, err.value.source) == ("approval.unknown_request", DOC)
    assert d.app.recorder.max_notification_id() == before
    request(d, "R1", ApprovalMeasure.DISHONEST)
    refused(d, "approval.duplicate_request", "RequestApproval", approval_id="R1",
            measure=ApprovalMeasure.RESTRICTION, requested_on=ON, source="限消规定 art.5")


def test_an_approval_neither_predates_its_request_nor_follows_its_measure(d: Driver) -> None:
    d.send("RequestApproval", date(2026, 4, 2), approval_id="R1",
           measure=ApprovalMeasure.DISHONEST, requested_on=date(2026, 4, 2))
    refused(d, "approval.before_request", "GiveApproval", PRESIDENT, on=date(2026, 4, 2),
            approval_id="R1", given_on=date(2026, 4, 1))
    d.send("GiveApproval", date(2026, 4, 3), PRESIDENT, approval_id="R1",
           given_on=date(2026, 4, 3))
    refused(d, "approval.after_measure", "ListDishonest", on=date(2026, 4, 3), approval_id="R1",
            ground=DishonestGround.ABLE_BUT_REFUSES, listed_on=date(2026, 4, 2))


def test_an_approval_cannot_predate_the_case(d: Driver) -> None:
    """It is recorded in the case, in business time: a request dated before filing is refused
    like any act dated before filing."""
    with pytest.raises(RuleViolationError) as err:
        d.send("RequestApproval", ON, approval_id="R1", measure=ApprovalMeasure.DISHONEST,
               requested_on=date(2000, 1, 1))
    assert err.value.code == "date.before_filing"


# --- histories recorded before approvals were acts -----------------------------------------------

def test_events_with_a_typed_approval_recorded_before_still_load() -> None:
    app = new_app()
    number = "(2019)甘0402执7号"
    case = LegacyCase(number, date(2019, 3, 1)).notice()
    on = case.next()
    typed = {"approver_id": "president-1", "role": "president", "approved_on": on.isoformat()}
    case.add("DebtorListedDishonest", on, ground="able_but_refuses", listed_on=on, until=None,
             approval=typed)
    case.add("FineImposed", on, amount="5000.00", imposed_on=on, subject="李四", approval=typed)
    app.import_legacy(case.lines, NOW)
    state = app.get_case(number)
    assert state.dishonest_active is not None and state.fines == 1 and state.approvals == {}
    events = app.case_events(number)
    fine = events[-1]
    assert isinstance(fine, FineImposed) and fine.approval_id is None
    assert fine.approval.approver_id == "president-1"
    assert app.verify(number).ok
