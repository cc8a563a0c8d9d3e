"""Acts are durable facts (docs/workflows.md, "Acts as facts"): every act has a key, is journalled
on receipt with its outcome, is applied once per key whatever the caller re-sends, waits for the
notice that orders it, and a refused act nobody waits for enters the case's record."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from datetime import timedelta
from decimal import Decimal

import pytest

from domain.errors import InvalidInputError, RuleViolationError
from domain.events import ActRefused, FundsReceived
from engine.facade import ActNotConfirmedError
from engine.runtime import create_worker
from tests.principals import TEST_RING, HarnessEngine
from tests.support import CLERK, PRESIDENT
from tests.workflows.conftest import Rig
from tests.workflows.dockets import case
from tests.workflows.test_replay import patches
from workflows.acts import RecordPayment, RecordPropertyReport
from workflows.adapters.simulated import simulated_adapters
from workflows.docket import World
from workflows.messages import Policy, case_workflow_id

NUMBER = "(2026)甘0402执151号"


async def filed(rig: Rig, number: str = NUMBER, principal: str = "100000.00") -> None:
    await rig.file(case(number, World(), principal=principal))
    await rig.env.sleep(timedelta(days=1))


async def test_twenty_concurrent_new_acts_are_each_applied_once_and_none_is_a_duplicate(
        rig: Rig) -> None:
    await filed(rig)
    acts = [RecordPayment(actor=CLERK, amount=Decimal("10.00"), request_id=f"receipt-{i:02d}")
            for i in range(20)]
    results = await asyncio.gather(*(rig.engine.act(NUMBER, act) for act in acts))

    assert [r.duplicate for r in results] == [False] * 20
    assert sorted(r.request_id or "" for r in results) == [f"receipt-{i:02d}" for i in range(20)]
    assert all(r.events == ("FundsReceived",) for r in results)
    stored = [e for e in rig.app.case_events(NUMBER) if isinstance(e, FundsReceived)]
    assert len(stored) == 20
    assert Counter(e.command_id.rsplit("/", 1)[-1] for e in stored) == \
        {f"request:receipt-{i:02d}": 1 for i in range(20)}
    assert rig.app.get_case(NUMBER).outstanding == Decimal("99800.00")


async def test_a_resent_key_answers_the_stored_outcome_and_applies_nothing_again(
        rig: Rig) -> None:
    await filed(rig)
    first = await rig.engine.act(NUMBER, RecordPayment(actor=CLERK, amount=Decimal("500.00")))
    key = first.request_id
    assert key and key.startswith("act-") and not first.duplicate  # made by the facade
    version = rig.app.get_case(NUMBER).version

    again = await rig.engine.act(NUMBER, RecordPayment(actor=CLERK, amount=Decimal("500.00"),
                                                       request_id=key))
    assert again.command_ids == first.command_ids and again.events == first.events
    assert rig.app.get_case(NUMBER).version == version
    assert rig.app.get_case(NUMBER).outstanding == Decimal("99500.00")

    with pytest.raises(InvalidInputError) as other:  # the same key for another act
        await rig.engine.act(NUMBER, RecordPayment(actor=CLERK, amount=Decimal("700.00"),
                                                   request_id=key))
    assert key in other.value.message and "another act" in other.value.message
    assert rig.app.get_case(NUMBER).version == version

    record = await rig.engine.act_status(NUMBER, key)
    assert record is not None and record.state == "applied" and record.via == "update"
    assert record.result is not None and record.result.events == ("FundsReceived",)
    assert await rig.engine.act_status(NUMBER, "never-sent") is None


async def test_a_refused_act_keeps_its_refusal_under_its_key_and_writes_nothing(
        rig: Rig) -> None:
    await filed(rig, principal="1000.00")
    version = rig.app.get_case(NUMBER).version
    too_much = RecordPayment(actor=CLERK, amount=Decimal("900000.00"), request_id="big-one")
    with pytest.raises(RuleViolationError) as refused:
        await rig.engine.act(NUMBER, too_much)
    assert refused.value.code == "funds.exceed_balance"

    record = await rig.engine.act_status(NUMBER, "big-one")
    assert record is not None and record.state == "refused"
    assert (record.code, record.source) == ("funds.exceed_balance", refused.value.source)
    with pytest.raises(RuleViolationError) as again:  # re-sent: the stored refusal
        await rig.engine.act(NUMBER, too_much)
    assert again.value.code == "funds.exceed_balance"
    assert rig.app.get_case(NUMBER).version == version  # an update's caller is told; no event


async def test_a_refused_signal_act_enters_the_record(rig: Rig) -> None:
    await filed(rig, principal="1000.00")
    key = await rig.engine.notify(NUMBER, RecordPayment(
        actor=CLERK, amount=Decimal("5000.00"), request_id="bank-feed-77"))
    assert key == "bank-feed-77"
    await rig.env.sleep(timedelta(hours=1))

    (refusal,) = [e for e in rig.app.case_events(NUMBER) if isinstance(e, ActRefused)]
    assert (refusal.act, refusal.key, refusal.code) == \
        ("record_payment", "bank-feed-77", "funds.exceed_balance")
    assert refusal.submitted_by == CLERK and refusal.actor.role.value == "system"
    assert rig.app.get_case(NUMBER).outstanding == Decimal("1000.00")
    record = await rig.engine.act_status(NUMBER, "bank-feed-77")
    assert record is not None and record.state == "refused" and record.via == "signal"
    status = await rig.engine.status(NUMBER)
    assert [p.code for p in status.problems] == ["funds.exceed_balance"]


async def test_a_partys_act_sent_with_the_filing_waits_for_the_notice_that_orders_it(
        rig: Rig) -> None:
    docket_case = case(NUMBER, World())
    rig.world.add(docket_case)
    await rig.morning()
    await rig.engine.start_case(docket_case)
    report = RecordPropertyReport(actor=DEBTOR_PORTAL, status="filed", request_id="report-1")
    await rig.engine.notify(NUMBER, report)  # may reach the workflow before its notice
    await rig.env.sleep(timedelta(days=1))  # no time skips while a task of day 0 is open
    record = await rig.engine.act_status(NUMBER, "report-1")

    names = [type(e).__name__ for e in rig.app.case_events(NUMBER)]
    assert record is not None and record.state == "applied", (record, names)
    assert names.index("NoticeIssued") < names.index("PropertyReportRecorded")
    assert "ActRefused" not in names


DEBTOR_PORTAL = CLERK.model_copy(update={"id": "portal-clerk"})


async def test_acts_that_come_with_the_start_wait_for_the_runs_version_decisions(
        rig: Rig) -> None:
    """Acts signalled before any worker took the case's first workflow task are delivered with
    its start, in one activation, and their handlers run before ``run`` (a busy worker polls
    late: how the test above failed under load). They must still be verified, journalled and
    applied after the notice, not taken by version decisions ``run`` has not made yet."""
    queue = f"late-{uuid.uuid4().hex[:6]}"
    engine = HarnessEngine(rig.env.client, queue)  # no worker polls its queue yet
    docket_case = case(NUMBER, World())
    rig.world.add(docket_case)
    await rig.morning()
    await engine.start_case(docket_case)
    await engine.notify(NUMBER, RecordPropertyReport(actor=DEBTOR_PORTAL, status="filed",
                                                     request_id="report-1"))
    await rig.env.client.get_workflow_handle(case_workflow_id(NUMBER)).signal(  # no header
        "act", RecordPayment(actor=PRESIDENT, amount=Decimal("1.00"), request_id="claimed-1"))
    worker = create_worker(rig.env.client, rig.app, simulated_adapters(rig.world),
                           identity=TEST_RING, task_queue=queue)
    async with worker.worker:
        await rig.env.sleep(timedelta(days=1))
        history = await engine.handle(NUMBER).fetch_history()
        first_task = []
        for event in history.events:
            if event.HasField("workflow_task_started_event_attributes"):
                break
            first_task.append(event.WhichOneof("attributes"))
        assert first_task.count("workflow_execution_signaled_event_attributes") == 2, first_task

        report = await engine.act_status(NUMBER, "report-1")
        events = rig.app.case_events(NUMBER)
        names = [type(e).__name__ for e in events]
        assert report is not None and report.state == "applied", (report, names)
        assert report.vouched_by == "test-harness"  # verified, not taken as it came
        assert names.index("NoticeIssued") < names.index("PropertyReportRecorded")
        assert "FundsReceived" not in names and "ActRefused" not in names, names
        status = await engine.status(NUMBER)  # an act nobody vouched for is refused
        assert [p.code for p in status.problems] == ["identity.required"]
        assert patches(history) == ["acts-await-decisions", "world-top-level", "acts-as-facts",
                                    "principals"]  # the handlers' marker first
        await engine.handle(NUMBER).terminate("test over")
    worker.commands.close()


async def test_an_act_nobody_answers_is_not_confirmed_and_names_its_key(rig: Rig) -> None:
    """No worker serves the case's queue: the caller is told to check with the act's key."""
    engine = HarnessEngine(rig.env.client, f"unserved-{uuid.uuid4().hex[:6]}")
    docket_case = case("(2026)甘0402执152号", World())
    await engine.start_case(docket_case, policy=Policy())
    with pytest.raises(ActNotConfirmedError) as unconfirmed:
        await engine.act("(2026)甘0402执152号", RecordPayment(
            actor=CLERK, amount=Decimal("1.00"), request_id="wait-1"), wait=1.0)
    assert unconfirmed.value.code == "act.unconfirmed"
    assert unconfirmed.value.request_id == "wait-1"
    assert "check with key wait-1" in unconfirmed.value.message
    await engine.handle("(2026)甘0402执152号").terminate("test over")
