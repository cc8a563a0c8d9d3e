"""Fixtures of the workflow tests: a time-skipping Temporal server and a worker per test.

Each test gets its own server (it starts in a fraction of a second), so no test's timers move
another's clock; cases are filed at 10:00 (Asia/Shanghai) so legal dates are stable.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pytest_asyncio
from temporalio.client import (
    WorkflowExecutionDescription,
    WorkflowExecutionStatus,
    WorkflowHandle,
)
from temporalio.testing import WorkflowEnvironment

from domain.application import EnforcementCases
from domain.calendar import COURT_ZONE, legal_date
from domain.values import Actor
from engine.facade import Engine
from engine.runtime import EngineWorker, create_worker, start_time_skipping
from tests.principals import TEST_RING, HarnessEngine
from tests.support import KEY, PRESIDENT
from workflows import acts as a
from workflows.adapters.simulated import SimulatedWorld, simulated_adapters
from workflows.case_workflow import EnforcementCaseWorkflow
from workflows.docket import DocketCase
from workflows.messages import CaseOutcome, Policy


@dataclass
class Rig:
    """A time-skipping server, an event store, a simulated world and a worker on its own queue."""

    env: WorkflowEnvironment
    app: EnforcementCases
    world: SimulatedWorld
    engine: Engine
    worker: EngineWorker

    async def morning(self) -> datetime:
        """Move the server's clock to 10:00 (court time) of the next day."""
        now = await self.env.get_current_time()
        day = now.astimezone(COURT_ZONE).date() + timedelta(days=1)
        target = datetime.combine(day, time(10), tzinfo=COURT_ZONE)
        await self.env.sleep(target - now)
        return target

    async def file(self, case: DocketCase, policy: Policy | None = None
                   ) -> WorkflowHandle[EnforcementCaseWorkflow, CaseOutcome]:
        self.world.add(case)
        await self.morning()
        return await self.engine.start_case(case, policy=policy)

    async def run(self, case: DocketCase, policy: Policy | None = None) -> CaseOutcome:
        handle = await self.file(case, policy)
        return await handle.result()

    async def until_closed(self, case_number: str, step: timedelta = timedelta(days=7)
                           ) -> WorkflowExecutionDescription:
        """Let virtual time pass until a case workflow we did not start ends (only handles from
        ``start_workflow`` unlock time skipping while a result is awaited)."""
        handle = self.engine.handle(case_number)
        while (described := await handle.describe()).status == WorkflowExecutionStatus.RUNNING:
            await self.env.sleep(step)
        return described

    def timeline(self, number: str, day0: date | None = None) -> list[tuple[str, int]]:
        """Each stored event of the case with its business day relative to ``day0`` (default:
        the case's filing date)."""
        events = self.app.case_events(number)
        start = day0 or self.app.get_case(number).filed_on
        return [(type(e).__name__, (legal_date(e.recorded_at) - start).days) for e in events]

    async def approved(self, number: str, act: a.AnyAct, approver: Actor = PRESIDENT
                       ) -> a.AnyAct:
        """``act`` resting on an approval its actor asked for (``request_approval``) and
        ``approver`` gave (``give_approval``), each through the engine's door."""
        request = a.approval_request(act)
        assert request is not None, f"a {a.act_name(act)} act rests on no approval"
        asked = await self.engine.act(number, request)
        assert asked.approval_id is not None and asked.events == ("ApprovalRequested",)
        given = await self.engine.act(number, a.GiveApproval(actor=approver,
                                                             approval_id=asked.approval_id))
        assert given.events == ("ApprovalGiven",)
        return a.with_approval_id(act, asked.approval_id)

    def filed_on(self, number: str) -> date:
        return self.app.get_case(number).filed_on


@pytest_asyncio.fixture(loop_scope="function")
async def rig() -> AsyncIterator[Rig]:
    env = await start_time_skipping()
    async with env:
        app = EnforcementCases.in_memory(chain_key=KEY)
        world = SimulatedWorld()
        queue = f"tq-{uuid.uuid4().hex[:8]}"
        worker = create_worker(env.client, app, simulated_adapters(world),
                               identity=TEST_RING, task_queue=queue)
        async with worker.worker:
            yield Rig(env=env, app=app, world=world, engine=HarnessEngine(env.client, queue),
                      worker=worker)
        worker.commands.close()
