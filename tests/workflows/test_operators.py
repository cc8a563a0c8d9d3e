"""(h) a malformed update is rejected by its validator: clear message, no event, no history;
(i) an update the aggregate refuses reaches the caller with code and source, writes nothing,
and the case goes on normally."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError

from domain.errors import InvalidInputError, RuleViolationError
from tests.support import CLERK, OFFICER
from tests.workflows.conftest import Rig
from tests.workflows.dockets import paid_in_full, real_estate
from tests.workflows.test_assets import inquiry
from workflows.acts import AnnounceAuction, RecordPayment

WORKFLOW_TASK_EVENTS = {"workflow_task_scheduled_event_attributes",
                        "workflow_task_started_event_attributes",
                        "workflow_task_completed_event_attributes"}


def refusal(err: pytest.ExceptionInfo[WorkflowUpdateFailedError]) -> ApplicationError:
    cause = err.value.cause
    assert isinstance(cause, ApplicationError)
    return cause


async def test_malformed_updates_are_rejected_before_anything_is_recorded(rig: Rig) -> None:
    case = paid_in_full()
    number = case.case_number
    handle = await rig.file(case)
    await rig.env.sleep(timedelta(days=3))
    events_before = (await handle.fetch_history()).events
    version = rig.app.get_case(number).version
    clerk = CLERK.model_dump(mode="json")

    with pytest.raises(WorkflowUpdateFailedError) as negative:
        await handle.execute_update("record_payment", {"actor": clerk, "amount": "-5"})
    err = refusal(negative)
    assert err.type == "input.invalid"
    assert "amount" in err.message and "no sign is written" in err.message

    with pytest.raises(WorkflowUpdateFailedError) as cents:
        await handle.execute_update("record_payment", {"actor": clerk, "amount": "10.005"})
    assert refusal(cents).type == "input.invalid" and "decimal places" in refusal(cents).message

    today = rig.filed_on(number) + timedelta(days=3)
    with pytest.raises(WorkflowUpdateFailedError) as future:
        await handle.execute_update("record_payment", RecordPayment(
            actor=CLERK, amount=Decimal("100.00"), paid_on=today + timedelta(days=5)))
    err = refusal(future)
    assert err.type == "input.invalid"
    assert f"paid_on {today + timedelta(days=5)} is after the business date {today}" in \
        err.message
    with pytest.raises(InvalidInputError) as typed:  # the same through the facade
        await rig.engine.act(number, RecordPayment(actor=CLERK, amount=Decimal("100.00"),
                                                   paid_on=today + timedelta(days=5)))
    assert typed.value.code == "input.invalid" and "paid_on" in typed.value.message
    with pytest.raises(InvalidInputError) as malformed:  # JSON refused before it is sent
        await rig.engine.act(number, {"kind": "record_payment", "actor": clerk, "amount": "-5"})
    assert "amount" in malformed.value.message and "no sign" in malformed.value.message

    added = (await handle.fetch_history()).events[len(events_before):]
    # No update, activity or marker entered the history. (The time-skipping test server runs a
    # rejected update's workflow task as a normal one and keeps its three bookkeeping events;
    # a real server discards it: tests/workflows/test_dev_server.py checks the length there.)
    assert {e.WhichOneof("attributes") for e in added} <= WORKFLOW_TASK_EVENTS
    assert rig.app.get_case(number).version == version  # no event
    outcome = await handle.result()
    assert outcome.closure_mode == "concluded"
    assert [name for name, _ in rig.timeline(number)][-3:] == [
        "FundsReceived", "FundsPaidOut", "CaseConcluded"]


async def test_an_update_the_aggregate_refuses_reports_code_and_source_and_changes_nothing(
        rig: Rig) -> None:
    case = real_estate()
    number = case.case_number
    handle = await rig.file(case)
    await rig.env.sleep(timedelta(days=10))  # the reference price (600,000) is set on day 8
    version = rig.app.get_case(number).version

    too_low = AnnounceAuction(actor=OFFICER, asset_id="flat-1",
                              start_price=Decimal("400000.00"), deposit=Decimal("40000.00"))
    with pytest.raises(WorkflowUpdateFailedError) as below_floor:  # as Temporal carries it
        await handle.execute_update("announce_auction", too_low)
    err = refusal(below_floor)
    assert err.type == "auction.start_below_floor"
    assert err.details[0] == {"code": "auction.start_below_floor", "source": "网拍规定 art.10",
                              "message": "starting price 400000.00 is below the floor 420000.00",
                              "type": "RuleViolationError"}
    with pytest.raises(RuleViolationError) as typed:  # as the facade raises it
        await rig.engine.act(number, too_low)
    assert (typed.value.code, typed.value.source, typed.value.message) == (
        "auction.start_below_floor", "网拍规定 art.10",
        "starting price 400000.00 is below the floor 420000.00")
    assert rig.app.get_case(number).version == version

    status = await rig.engine.status(number)
    assert status.phase == "disposal" and status.problems == ()
    outcome = await handle.result()
    assert outcome.closure_mode == "concluded"
    assert rig.timeline(number) == [
        ("CaseFiled", 0), ("NoticeIssued", 0), *inquiry("real_estate"), ("AssetControlled", 0),
        ("NoticeServed", 2), ("PropertyReportRecorded", 5), ("ReferencePriceSet", 8),
        ("AuctionAnnounced", 15), ("AuctionFailed", 46), ("AuctionAnnounced", 53),
        ("BidPlaced", 69), ("BidPlaced", 69), ("AuctionSold", 69), ("FundsReceived", 79),
        # the applicant, the court's enforcement fee and the debtor's surplus (docs/rules.md §1.7)
        ("FundsPaidOut", 82), ("FundsPaidOut", 82), ("FundsPaidOut", 82),
        ("CaseConcluded", 82)]
