"""Starting a case's workflow from a workflow: a resumed 执恢 case is a case of its own.

An activity (not a child workflow) starts it, so that the new case's workflow is top-level,
outlives the terminated case's workflow cleanly and has children of its own. Idempotent: the
workflow id derives from the case number, and an already started workflow is success.
"""

from __future__ import annotations

from temporalio import activity
from temporalio.client import Client
from temporalio.common import Priority, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from workflows.messages import CASE_WORKFLOW, START_CASE, CaseInput, case_workflow_id


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
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE)
        except WorkflowAlreadyStartedError:
            activity.logger.info("%s was already started", workflow_id)
        return workflow_id
