"""The 参与分配 part of the Engine facade (mixed into ``engine.facade.Engine``): draw a plan,
act on it, read its workflow's status and its record (docs/rules.md §12)."""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from temporalio.client import Client, WorkflowExecutionStatus, WorkflowHandle
from temporalio.exceptions import WorkflowAlreadyStartedError

from domain.distribution import PlanState
from domain.errors import EnforcementError, RuleViolationError
from domain.tamper import CaseVerification
from engine.records import Records
from workflows.distribution import DistributionPlanWorkflow
from workflows.plan_messages import DrawRequest, PlanAct, PlanOutcome, PlanStatus, plan_workflow_id
from workflows.principals import Principal

DRAW_WAIT = 30.0
"""Seconds ``draw_distribution`` waits for the workflow to draw the plan."""


class DistributionDoor(ABC):
    """Plans of 参与分配: one workflow each, ``distribution:<plan number>``."""

    task_queue: str
    records: Records

    @property
    @abstractmethod
    def client(self) -> Client:
        """The Engine's Temporal client."""

    @abstractmethod
    def vouched(self, principal: Principal | None) -> Principal:
        """``principal`` as the engine's host vouches for it."""

    @abstractmethod
    async def _typed(self, err: BaseException, case_number: str) -> EnforcementError:
        """Temporal's error as ours."""

    def distribution_handle(self, plan_number: str) -> WorkflowHandle[Any, PlanStatus]:
        return self.client.get_workflow_handle(plan_workflow_id(plan_number),
                                               result_type=PlanStatus)

    async def draw_distribution(self, draw: DrawRequest | Mapping[str, Any], *,
                                principal: Principal | None = None) -> PlanStatus:
        """Start the plan's workflow, which draws the plan as ``principal`` (a judge or the
        president); answers once drawn, or raises the refusal (docs/rules.md §12)."""
        who = self.vouched(principal)
        request = draw if isinstance(draw, DrawRequest) else DrawRequest.model_validate(
            {**draw, "actor": who.actor.model_dump(mode="json")})
        request = request.model_copy(update={"actor": who.actor})
        try:
            handle = await self.client.start_workflow(
                DistributionPlanWorkflow.run, request, id=plan_workflow_id(request.plan_number),
                task_queue=self.task_queue)
        except WorkflowAlreadyStartedError:
            raise RuleViolationError("distribution.already_drawn", f"plan {request.plan_number}"
                                     " already has a workflow", "docs/rules.md §12") from None
        deadline = asyncio.get_running_loop().time() + DRAW_WAIT
        while True:
            try:
                description = await handle.describe()
                if description.status != WorkflowExecutionStatus.RUNNING:
                    return await handle.result()
                status: PlanStatus = await handle.query(DistributionPlanWorkflow.get_status)
            except Exception as err:
                raise await self._typed(err, "") from None
            if status.view is not None:
                return status
            if asyncio.get_running_loop().time() > deadline:
                raise EnforcementError("engine.no_worker", f"no worker drew {request.plan_number}"
                                       f" within {DRAW_WAIT:.0f} s", "engine")
            await asyncio.sleep(0.1)

    async def act_on_plan(self, plan_number: str, act: PlanAct | Mapping[str, Any], *,
                          principal: Principal | None = None) -> PlanOutcome:
        """An operator's act on the plan (join, record_amount, serve, object, counter_object,
        sue, record_judgment) by ``principal``; a refusal raises our typed error."""
        who = self.vouched(principal)
        payload = act if isinstance(act, PlanAct) else PlanAct.model_validate(
            {**act, "actor": who.actor.model_dump(mode="json")})
        payload = payload.model_copy(update={"actor": who.actor})
        try:
            outcome: PlanOutcome = await self.distribution_handle(plan_number).execute_update(
                "act", payload, result_type=PlanOutcome)
        except Exception as err:
            raise await self._typed(err, "") from None
        return outcome

    async def distribution(self, plan_number: str, *, wait: float = 10.0,
                           settled: bool = False) -> PlanStatus:
        """The plan's workflow status: the plan, the shares paid through the cases, problems.
        ``settled``: once the workflow has done what is due today (an Update that waits for
        it), not as it stands this instant."""
        handle = self.distribution_handle(plan_number)
        try:
            if settled:
                done: PlanStatus = await handle.execute_update("settled", result_type=PlanStatus)
                return done
            status: PlanStatus = await handle.query(
                DistributionPlanWorkflow.get_status, rpc_timeout=timedelta(seconds=wait))
        except Exception as err:
            raise await self._typed(err, "") from None
        return status

    async def distribution_plan(self, plan_number: str) -> tuple[PlanState, CaseVerification]:
        """The plan as recorded in the event store, and its hash chain verified."""
        cases = self.records.cases
        return await self.records.run(lambda: (cases.get_plan(plan_number),
                                               cases.verify_plan(plan_number)))
