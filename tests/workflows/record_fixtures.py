"""Record the workflow histories the replay test replays (run once; commit the output).

    python -m tests.workflows.record_fixtures [NAME ...]

Each scenario runs on a fresh time-skipping server; every run of every workflow it started
(continue-as-new runs, the 执恢 case, the simulated worlds) is written to
tests/workflows/fixtures/<name>.json as a list of histories. Re-record only on purpose: the
replay test exists to catch workflow changes that old histories no longer replay under.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from temporalio.client import Client, WorkflowHistory

from domain.application import EnforcementCases
from domain.models import ApprovalMeasure
from domain.values import Approval, PartyKind, Role
from engine.runtime import create_worker, start_time_skipping
from tests.principals import TEST_RING, HarnessEngine
from tests.support import CLERK, KEY, OFFICER, PRESIDENT
from tests.workflows import dockets
from tests.workflows.conftest import Rig
from tests.workflows.test_garnishment import panel_raises_the_allowance_in_month_3
from workflows.acts import (
    AnnounceAuction,
    Fine,
    GiveApproval,
    OrderMeasure,
    RecordPayment,
    RecordPropertyReport,
    RequestApproval,
)
from workflows.adapters.simulated import SimulatedWorld, simulated_adapters
from workflows.docket import DocketCase, Payment, World
from workflows.messages import case_workflow_id, world_workflow_id

FIXTURES = Path(__file__).with_name("fixtures")


async def runs(client: Client, workflow_id: str, first_run: str | None = None
               ) -> list[WorkflowHistory]:
    """Every run of a workflow from ``first_run`` (default: its only run), following
    continue-as-new."""
    run: str | None = first_run or (
        await client.get_workflow_handle(workflow_id).describe()).run_id
    histories: list[WorkflowHistory] = []
    while run:
        history = await client.get_workflow_handle(workflow_id, run_id=run).fetch_history()
        histories.append(history)
        last = history.events[-1]
        run = last.workflow_execution_continued_as_new_event_attributes.new_execution_run_id \
            if last.HasField("workflow_execution_continued_as_new_event_attributes") else None
    return histories


async def record(name: str, case: DocketCase,
                 drive: Callable[[Rig], Awaitable[None]] | None = None,
                 early: Callable[[Rig], Awaitable[None]] | None = None) -> None:
    """``early`` runs after the case's start and before its worker polls: what it signals comes
    with the start, in the run's first workflow task."""
    env = await start_time_skipping()
    async with env:
        app = EnforcementCases.in_memory(chain_key=KEY)
        world = SimulatedWorld()
        worker = create_worker(env.client, app, simulated_adapters(world),
                               identity=TEST_RING, task_queue="fixtures")
        rig = Rig(env=env, app=app, world=world, engine=HarnessEngine(env.client, "fixtures"),
                  worker=worker)
        handle = None
        if early is not None:  # before the worker polls
            handle = await rig.file(case)
            await early(rig)
        async with worker.worker:
            if handle is None:
                handle = await rig.file(case)
            if drive is not None:
                await drive(rig)
            outcome = await handle.result()
            numbers = [case.case_number]
            if outcome.resumed_as:
                await rig.until_closed(outcome.resumed_as)
                numbers.append(outcome.resumed_as)
            await env.sleep(timedelta(days=2))  # let the worlds end
            histories: list[WorkflowHistory] = []
            for number in numbers:
                first = handle.first_execution_run_id if number == case.case_number else None
                histories += await runs(env.client, case_workflow_id(number), first)
                histories += await runs(env.client, world_workflow_id(number))
        worker.commands.close()
    FIXTURES.mkdir(exist_ok=True)
    text = json.dumps(
        [{"workflow_id": h.workflow_id, "history": json.loads(h.to_json())} for h in histories],
        ensure_ascii=False, separators=(",", ":"))
    (FIXTURES / f"{name}.json").write_text(without_machine_paths(text), "utf-8")
    print(f"{name}: {len(histories)} histories, {sum(len(h.events) for h in histories)} events")


def without_machine_paths(text: str) -> str:
    """Failure stack traces name this machine's directories; replay never reads them."""
    root = str(Path(__file__).resolve().parents[2]) + "/"
    return text.replace(sys.prefix + "/lib/", "").replace(sys.base_prefix + "/lib/", "") \
        .replace(root, "")


async def approvals_by_update(rig: Rig) -> None:
    """Updates of the approval acts, applied and refused: a request, its approval by the
    officer who asked (refused: role), a fine with a typed approval (refused), the president's
    approval, a fine on it."""
    number = dockets.approvals().case_number
    await rig.env.sleep(timedelta(days=2))
    fine = Fine(amount=Decimal("1000.00"), subject="李四", subject_kind=PartyKind.PERSON)
    asked = await rig.engine.act(number, RequestApproval(
        actor=OFFICER, measure=ApprovalMeasure.FINE, approval_id="fine-1", subject="李四",
        amount=Decimal("1000.00")))
    for refused in (GiveApproval(actor=OFFICER, approval_id="fine-1"),
                    OrderMeasure(actor=OFFICER, measure=fine.model_copy(update={
                        "approval": Approval(approver_id="nobody-at-all", role=Role.PRESIDENT,
                                             approved_on=date(2000, 1, 1))}))):
        try:
            await rig.engine.act(number, refused)
        except Exception as err:  # the refusal is what is recorded
            print("refused as expected:", type(err).__name__)
    await rig.engine.act(number, GiveApproval(actor=PRESIDENT, approval_id=asked.approval_id
                                              or ""))
    await rig.engine.act(number, OrderMeasure(actor=OFFICER, measure=fine.model_copy(
        update={"approval_id": "fine-1"})))


async def refused_announcement(rig: Rig) -> None:
    await rig.env.sleep(timedelta(days=10))
    try:
        await rig.engine.act(dockets.real_estate().case_number, AnnounceAuction(
            actor=OFFICER, asset_id="flat-1", start_price=Decimal("400000.00"),
            deposit=Decimal("40000.00")))
    except Exception as err:  # the refusal is what is recorded
        print("refused as expected:", type(err).__name__)


def acts_with_the_start() -> DocketCase:
    """Paid in full on day 14; two acts are signalled before the first workflow task."""
    return dockets.case("(2026)甘0402执113号", World(
        payments=(Payment(day=14, amount=Decimal("37999.00")),)), principal="38000.00")


async def signalled_with_the_start(rig: Rig) -> None:
    """A party's report (vouched for) and a payment nobody vouched for, both signalled before
    any worker took the case's first task (recorded before acts waited for the run's version
    decisions: the report was refused before the notice, the claim applied as claimed)."""
    number = acts_with_the_start().case_number
    await rig.engine.notify(number, RecordPropertyReport(
        actor=CLERK.model_copy(update={"id": "portal-clerk"}),
        status="filed", request_id="report-1"))
    await rig.env.client.get_workflow_handle(case_workflow_id(number)).signal(
        "act", RecordPayment(actor=PRESIDENT, amount=Decimal("1.00"), request_id="claimed-1"))


Drive = Callable[[Rig], Awaitable[None]] | None
SCENARIOS: dict[str, tuple[Callable[[], DocketCase], Drive] | tuple[
        Callable[[], DocketCase], Drive, Drive]] = {
    "paid_in_full": (dockets.paid_in_full, None),
    "real_estate_refused_update": (dockets.real_estate, refused_announcement),
    "buyer_default": (dockets.buyer_default, None),
    "settlement_default": (dockets.settlement_default, None),
    "nothing_found_monitoring_resumed": (dockets.nothing_found, None),
    # recorded after the simulated world became a top-level workflow (patch world-top-level)
    "withdrawn_world_apart": (dockets.withdrawn, None),
    "resumed_on_request_world_apart": (dockets.resumed_on_request, None),
    # recorded after approvals became acts (request_approval, give_approval)
    "approvals_as_acts": (dockets.approvals, approvals_by_update),
    # acts in the first workflow task, recorded before they waited for the version decisions
    "acts_with_the_start": (acts_with_the_start, None, signalled_with_the_start),
    "wage_garnishment": (dockets.wage_garnishment, panel_raises_the_allowance_in_month_3),
}


async def main(names: list[str]) -> None:
    """Record the named scenarios (all when none is named)."""
    for name in names or list(SCENARIOS):
        build, drive, *early = SCENARIOS[name]
        await record(name, build(), drive, *early)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
