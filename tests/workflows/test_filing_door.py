"""A filing the workflow would refuse is refused at the door (``Engine.file``/``file_case``),
with the field or the rule named and nothing started in Temporal; one that gets past the door
anyway (a caller starting the workflow itself, a date that moved) fails its workflow at once,
never its workflow task, and leaves the number free for the corrected filing."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowExecutionStatus, WorkflowFailureError
from temporalio.exceptions import ApplicationError

from domain import rules as r
from domain.calendar import COURT_ZONE, add_years
from domain.errors import (
    InvalidInputError,
    NotPermittedError,
    RuleViolationError,
    UnknownCaseError,
)
from engine.errors import from_application_error
from tests.workflows.conftest import Rig
from tests.workflows.dockets import BASIS, paid_in_full
from workflows.messages import BasisSpec, Filing

NUMBER = "(2026)甘0402执161号"
IN_2099 = BASIS.model_copy(update={
    "effective_days_before_filing": None, "performance_days_before_filing": None,
    "effective_on": date(2099, 1, 1), "performance_deadline": date(2099, 2, 1)})
"""A judgment that takes effect in 2099: no application can follow it today."""
TOO_RECENT = BASIS.model_copy(update={"effective_days_before_filing": 2})
"""Took effect two days before filing, but applied for five days before filing (below)."""


def filing(basis: BasisSpec = BASIS, **fields: object) -> Filing:
    return paid_in_full().filing().model_copy(update={"basis": basis, **fields})


POISON = {"basis.effective_on": filing(IN_2099),
          "basis.effective_days_before_filing": filing(TOO_RECENT,
                                                       applied_days_before_filing=5)}


async def test_a_poison_filing_is_refused_at_the_door_naming_the_field(rig: Rig) -> None:
    await rig.morning()
    for field, poison in POISON.items():
        with pytest.raises(InvalidInputError) as refused:
            await rig.engine.file(NUMBER, poison)
        assert refused.value.code == "input.invalid"
        assert refused.value.message.startswith(f"invalid filing of {NUMBER}: {field}: the "
                                                "basis must have taken effect by the "
                                                "application date"), refused.value.message
        assert refused.value.source == "domain/commands.py FileCase; docs/workflows.md (Filing)"
        assert not await rig.engine.exists(NUMBER)  # nothing reached Temporal

    docket_case = paid_in_full().model_copy(update={"case_number": NUMBER, "basis": IN_2099})
    with pytest.raises(InvalidInputError) as refused:
        await rig.engine.file_case(docket_case)
    assert "basis.effective_on" in refused.value.message
    assert not await rig.engine.exists(NUMBER)

    filed = await rig.engine.file(NUMBER, filing())  # the corrected filing
    assert filed.status.stage == "procedure"
    assert rig.app.get_case(NUMBER).version >= 1
    await rig.engine.handle(NUMBER).terminate("test over")


async def test_what_the_aggregate_refuses_from_the_filing_alone_is_refused_at_the_door(
        rig: Rig) -> None:
    await rig.morning()
    with pytest.raises(RuleViolationError) as resumed:
        await rig.engine.file("(2026)甘0402执恢161号", filing())
    assert resumed.value.code == "filing.resumed_number"
    with pytest.raises(NotPermittedError) as auditor:
        await rig.engine.file(NUMBER, filing(actor={"id": "a-1", "role": "auditor"}))
    assert auditor.value.code == "role.not_permitted"
    for number in (NUMBER, "(2026)甘0402执恢161号"):
        assert not await rig.engine.exists(number)


async def test_an_application_after_the_period_is_filed_and_flagged(rig: Rig) -> None:
    """民诉法解释 art.481: the court accepts it; the status says the period had passed and
    the debtor may object (docs/rules.md §1.13)."""
    await rig.morning()
    stale = filing(BASIS.model_copy(update={"effective_days_before_filing": 1300,
                                            "performance_days_before_filing": 1200}))
    filed = await rig.engine.file(NUMBER, stale)
    assert (filed.status.stage, filed.status.application_period_passed) == ("procedure", True)
    case = rig.app.get_case(NUMBER)
    assert case.application_period_passed and case.application_period_ended_on == \
        add_years(case.filed_on - timedelta(days=1200), r.APPLICATION_PERIOD_YEARS)
    await rig.engine.handle(NUMBER).terminate("test over")


async def test_a_filing_refused_inside_fails_its_workflow_and_frees_the_number(
        rig: Rig) -> None:
    await rig.morning()
    handle = await rig.engine.start(NUMBER, filing(IN_2099))  # past the door, as a tool might
    with pytest.raises(WorkflowFailureError) as failed:
        await handle.result()
    cause = failed.value.cause
    assert isinstance(cause, ApplicationError) and cause.non_retryable
    refusal = from_application_error(cause)
    assert isinstance(refusal, InvalidInputError) and "basis.effective_on" in refusal.message
    kinds = [e.event_type async for e in handle.fetch_history_events()]
    assert EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED not in kinds  # never retried
    assert (await handle.describe()).status == WorkflowExecutionStatus.FAILED
    with pytest.raises(UnknownCaseError):
        rig.app.get_case(NUMBER)  # nothing in the record

    filed = await rig.engine.file(NUMBER, filing())  # the number is free again
    assert filed.status.stage == "procedure"
    case = rig.app.get_case(NUMBER)
    assert case.basis.effective_on == case.filed_on - timedelta(days=60)
    await rig.engine.handle(NUMBER).terminate("test over")


async def test_a_period_that_ends_between_the_door_and_the_workflow_is_flagged(
        rig: Rig) -> None:
    """The workflow files on its own business date; here the server's clock runs 60 days
    ahead of the door's, and the application period ends between the two: the door's check
    passes unflagged, the filing is recorded flagged (民诉法解释 art.481)."""
    await rig.env.sleep(timedelta(days=60))
    await rig.morning()
    today = datetime.now(COURT_ZONE).date()
    deadline = add_years(today, -2) + timedelta(days=10)  # the period ends 10-20 days from now
    edge = filing(BASIS.model_copy(update={
        "effective_days_before_filing": None, "performance_days_before_filing": None,
        "effective_on": deadline - timedelta(days=30), "performance_deadline": deadline}))
    filed = await rig.engine.file(NUMBER, edge)
    assert filed.status.stage == "procedure" and filed.status.application_period_passed
    case = rig.app.get_case(NUMBER)
    assert case.application_period_ended_on is not None
    assert today < case.application_period_ended_on < case.filed_on
    await rig.engine.handle(NUMBER).terminate("test over")
