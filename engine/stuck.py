"""Stuck cases: running case workflows whose workflow task keeps failing.

An unexpected error in workflow code (a bug, a nondeterminism error after a bad deploy) does
not fail the workflow: Temporal retries its workflow task until the code is fixed, and
meanwhile the case answers no query and no act. This module makes that visible: a case is
*stuck* when its workflow runs, its pending workflow task is on attempt 2 or later, and the
last workflow-task outcome in its history is a failure reported by a worker (not a timeout
of a worker that went away, nor a failure the server resolves by itself). The reason is that
failure's message; the repair path is docs/operations.md ("Stuck cases").
"""

from __future__ import annotations

import asyncio
import uuid
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator
from datetime import datetime

from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.enums.v1 import EventType, WorkflowTaskFailedCause
from temporalio.api.history.v1 import HistoryEvent
from temporalio.api.workflowservice.v1 import (
    GetWorkflowExecutionHistoryReverseRequest,
    ResetWorkflowExecutionRequest,
)
from temporalio.client import Client, WorkflowExecutionDescription, WorkflowExecutionStatus
from temporalio.service import RPCError, RPCStatusCode

from domain.errors import EnforcementError
from engine.errors import SOURCE, CaseStuckError, EngineUnavailableError
from engine.reads import valid_number
from workflows.messages import CASE_WORKFLOW, Message, case_workflow_id

REPAIR = "docs/operations.md (Stuck cases)"
STUCK_ATTEMPT = 2
"""A pending workflow task on this attempt or later has failed before."""
PAGE_SIZE = 100
MAX_PAGES = 20
"""History read backwards to find the last workflow-task outcome (at most 2,000 events)."""
MAX_CASES = 10_000
"""Running cases one listing examines at most."""
CONCURRENCY = 16
"""Describes in flight at once while listing."""
_TRANSIENT = frozenset({
    WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND,
    WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_RESET_STICKY_TASK_QUEUE,
    WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_RESET_WORKFLOW,
    WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_FORCE_CLOSE_COMMAND,
    WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_FAILOVER_CLOSE_COMMAND,
})
"""Failures the server reports and resolves by itself (a signal arrived meanwhile …)."""
_OUTCOMES = (EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
             EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED,
             EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT)


class StuckCase(Message):
    """A case whose workflow task keeps failing, and why."""

    case_number: str
    workflow_id: str
    run_id: str
    attempts: int
    """Attempt of the pending workflow task (failed attempts so far + 1)."""
    reason: str
    """The failure message of the last failed workflow task (e.g. ``[TMPRL1100] …``)."""
    cause: str
    """Temporal's cause, e.g. ``WORKFLOW_WORKER_UNHANDLED_FAILURE``, ``NON_DETERMINISTIC_ERROR``."""
    failed_at: datetime | None
    """When the failure was recorded."""
    since: datetime | None
    """When the failing workflow task was first scheduled."""


def case_number_of(workflow_id: str) -> str:
    return workflow_id.removeprefix("case:")


async def _reverse_pages(client: Client, workflow_id: str, run_id: str
                         ) -> AsyncIterator[list[HistoryEvent]]:
    """The run's history from its last event backwards, a page at a time (MAX_PAGES at most:
    the caller stops as soon as it has found what it looks for)."""
    token = b""
    for _ in range(MAX_PAGES):
        page = await client.workflow_service.get_workflow_execution_history_reverse(
            GetWorkflowExecutionHistoryReverseRequest(
                namespace=client.namespace, maximum_page_size=PAGE_SIZE,
                execution=WorkflowExecution(workflow_id=workflow_id, run_id=run_id),
                next_page_token=token))
        yield list(page.history.events)
        token = page.next_page_token
        if not token:
            return


async def _last_outcome(client: Client, workflow_id: str, run_id: str) -> HistoryEvent | None:
    """The run's last workflow-task outcome (completed, failed or timed out)."""
    async for events in _reverse_pages(client, workflow_id, run_id):
        for event in events:
            if event.event_type in _OUTCOMES:
                return event
    return None


async def diagnose(client: Client, description: WorkflowExecutionDescription
                   ) -> StuckCase | None:
    """The case as stuck, or None (it runs normally, waits for a worker, or has ended)."""
    raw = description.raw_description
    if description.status != WorkflowExecutionStatus.RUNNING \
            or not raw.HasField("pending_workflow_task") \
            or raw.pending_workflow_task.attempt < STUCK_ATTEMPT:
        return None
    last = await _last_outcome(client, description.id, description.run_id)
    if last is None or last.event_type != EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED:
        return None
    failed = last.workflow_task_failed_event_attributes
    if failed.cause in _TRANSIENT:
        return None
    pending = raw.pending_workflow_task
    return StuckCase(
        case_number=case_number_of(description.id), workflow_id=description.id,
        run_id=description.run_id, attempts=pending.attempt,
        reason=failed.failure.message or "(no message)",
        cause=WorkflowTaskFailedCause.Name(failed.cause).removeprefix(
            "WORKFLOW_TASK_FAILED_CAUSE_"),
        failed_at=last.event_time.ToDatetime().astimezone() if last.HasField("event_time")
        else None,
        since=pending.original_scheduled_time.ToDatetime().astimezone()
        if pending.HasField("original_scheduled_time") else None)


async def stuck_cases(client: Client, task_queue: str, *, limit: int = MAX_CASES
                      ) -> list[StuckCase]:
    """Every stuck case among the running case workflows of ``task_queue`` (visibility list,
    then one describe each; at most ``limit`` running cases examined), by case number."""
    query = (f'WorkflowType="{CASE_WORKFLOW}" AND ExecutionStatus="Running" '
             f'AND TaskQueue="{task_queue}"')
    gate = asyncio.Semaphore(CONCURRENCY)

    async def examine(workflow_id: str, run_id: str) -> StuckCase | None:
        async with gate:
            description = await client.get_workflow_handle(workflow_id, run_id=run_id).describe()
            return await diagnose(client, description)

    running = [(w.id, w.run_id) async for w in client.list_workflows(query, limit=limit)]
    found = await asyncio.gather(*(examine(*w) for w in running))
    return sorted((s for s in found if s is not None), key=lambda s: s.case_number)


async def reset_to_last_task(client: Client, stuck: StuckCase, reason: str) -> tuple[int, str]:
    """Reset a stuck case's run to the end of its last completed workflow task (else to its
    first workflow task): a new run replays the history up to there with the code now
    deployed and goes on; signals and updates received later are applied again. Answers the
    event id reset to and the new run's id."""
    point = await _last_completed_task(client, stuck.workflow_id, stuck.run_id)
    answer = await client.workflow_service.reset_workflow_execution(
        ResetWorkflowExecutionRequest(
            namespace=client.namespace, reason=reason, workflow_task_finish_event_id=point,
            workflow_execution=WorkflowExecution(workflow_id=stuck.workflow_id,
                                                 run_id=stuck.run_id),
            request_id=str(uuid.uuid4()), identity=client.identity))
    return point, answer.run_id


async def _last_completed_task(client: Client, workflow_id: str, run_id: str) -> int:
    """The event id of the run's last WorkflowTaskCompleted, else (no task ever completed) of
    its first WorkflowTaskStarted."""
    earliest_started, pages = 0, 0
    async for events in _reverse_pages(client, workflow_id, run_id):
        pages += 1
        for event in events:
            if event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
                return int(event.event_id)
            if event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED:
                earliest_started = int(event.event_id)
    if not earliest_started or pages >= MAX_PAGES:
        raise LookupError(f"{workflow_id}: no completed workflow task within the last "
                          f"{MAX_PAGES * PAGE_SIZE} events to reset to")
    return earliest_started


class CaseRepair(Message):
    """A stuck case reset to its last completed workflow task (``Engine.repair``)."""

    case_number: str
    workflow_id: str
    reason: str
    """Why it was stuck."""
    reset_to_event: int
    failed_run_id: str
    run_id: str
    """The new run, which goes on with the code now deployed."""


def stuck_error(stuck: StuckCase) -> CaseStuckError:
    """The typed error of a stuck case (its reason, and where the repair path is)."""
    return CaseStuckError(stuck.case_number, stuck.reason, stuck.attempts, REPAIR)


class StuckDoor(ABC):
    """The stuck-case part of the Engine facade (mixed into ``engine.facade.Engine``)."""

    task_queue: str

    @property
    @abstractmethod
    def client(self) -> Client:
        """The Engine's Temporal client (``engine.facade.Engine.client``)."""

    async def stuck_cases(self, *, limit: int = MAX_CASES) -> list[StuckCase]:
        """Running cases of this engine's task queue whose workflow task keeps failing, each
        with the reason (the last failure's message) and the attempt count."""
        try:
            return await stuck_cases(self.client, self.task_queue, limit=limit)
        except RPCError as err:
            raise _unavailable(err) from None

    async def repair(self, case_number: str) -> CaseRepair:
        """Reset a stuck case to its last completed workflow task, once the fix is deployed
        (docs/operations.md, "Stuck cases"); a case that is not stuck raises ``case.not_stuck``
        and nothing is changed."""
        number = valid_number(case_number)
        stuck = await self.stuck_case(number)
        if stuck is None:
            raise EnforcementError("case.not_stuck", f"{number} is not stuck: nothing to "
                                   "repair", REPAIR)
        try:
            point, run_id = await reset_to_last_task(
                self.client, stuck, f"repair of a stuck case: {stuck.reason}"[:1000])
        except RPCError as err:
            raise _unavailable(err) from None
        return CaseRepair(case_number=number, workflow_id=stuck.workflow_id,
                          reason=stuck.reason, reset_to_event=point,
                          failed_run_id=stuck.run_id, run_id=run_id)

    async def stuck_case(self, case_number: str) -> StuckCase | None:
        """The case as stuck, or None (no workflow, or one that is not stuck)."""
        number = valid_number(case_number)
        try:
            description = await self.client.get_workflow_handle(
                case_workflow_id(number)).describe()
            return await diagnose(self.client, description)
        except RPCError as err:
            if err.status == RPCStatusCode.NOT_FOUND:
                return None
            raise _unavailable(err) from None


def _unavailable(err: RPCError) -> EngineUnavailableError:
    return EngineUnavailableError("engine.unavailable", f"Temporal answered {err.status.name}: "
                                  f"{err.message}", SOURCE)
