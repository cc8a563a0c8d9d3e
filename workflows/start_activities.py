"""Starting a workflow from a workflow: a resumed 执恢 case is a case of its own, and a case's
simulated world runs beside it.

An activity (not a child workflow) starts each, so that the new workflow is top-level and
outlives the workflow that started it cleanly. Idempotent: the workflow id derives from the
case number, and an already started workflow is success. A case number whose workflow failed
may be started again (as ``Engine.start``: ``ALLOW_DUPLICATE_FAILED_ONLY``).
"""

from __future__ import annotations

from temporalio import activity
from temporalio.client import Client
from temporalio.common import Priority, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from workflows.messages import (
    CASE_WORKFLOW,
    START_CASE,
    START_WORLD,
    WORLD_WORKFLOW,
    CaseInput,
    WorldInput,
    case_workflow_id,
    world_workflow_id,
)


class StartActivities:
    """Activities that use the worker's own Temporal client."""

    def __init__(self, client: Client) -> None:
        self.client = client

    @activity.defn(name=START_CASE)
    async def start_case(self, data: CaseInput) -> str:
        workflow_id = case_workflow_id(data.case_number)
        try:
            await self.client.start_workflow(
                CASE_WORKFLOW, data, id=workflow_id, task_queue=activity.info().task_queue,
                priority=Priority(priority_key=data.priority),
                id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY)
        except WorkflowAlreadyStartedError:
            activity.logger.info("%s was already started", workflow_id)
        return workflow_id

    @activity.defn(name=START_WORLD)
    async def start_world(self, data: WorldInput) -> str:
        workflow_id = world_workflow_id(data.case_number)
        try:
            await self.client.start_workflow(
                WORLD_WORKFLOW, data, id=workflow_id, task_queue=activity.info().task_queue,
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE)
        except WorkflowAlreadyStartedError:
            activity.logger.info("%s was already started", workflow_id)
        return workflow_id
