"""The Engine facade: file cases, send operator acts, read where a case stands.

Host applications (and the CLI) use only this; they never touch Temporal or the event store.
Never imported by workflow code.
"""

from __future__ import annotations

import os
from datetime import timedelta

from temporalio.client import Client, WorkflowHandle
from temporalio.common import Priority, WorkflowIDReusePolicy
from temporalio.service import RPCError

from domain.models import LIVELIHOOD, CaseCategory
from workflows.acts import ActBase, act_name
from workflows.case_workflow import EnforcementCaseWorkflow
from workflows.messages import (
    TASK_QUEUE,
    ActResult,
    CaseInput,
    CaseOutcome,
    Filing,
    Policy,
    ScenarioRef,
    case_workflow_id,
)
from workflows.runtime import connect, tls_from_env
from workflows.scenario import DocketCase
from workflows.status import CaseStatus

SIMPLE_CLAIM = 100_000
"""Claims up to this amount (yuan) count as simple cases: served before other ordinary ones."""


def priority_of(category: CaseCategory, claim_total: float) -> int:
    """Temporal priority key (1 = first): livelihood 1, simple 2, other cases 3 (RULES.md §4)."""
    if category in LIVELIHOOD:
        return 1
    return 2 if claim_total <= SIMPLE_CLAIM else 3


class Engine:
    """Async facade over a Temporal client running the engine's workflows."""

    def __init__(self, client: Client, task_queue: str = TASK_QUEUE) -> None:
        self.client = client
        self.task_queue = task_queue

    @classmethod
    async def connect(cls, address: str | None = None, *, namespace: str | None = None,
                      task_queue: str | None = None) -> Engine:
        """Connect to ``address`` (default: TEMPORAL_ADDRESS, else the local dev server)."""
        client = await connect(address or os.environ.get("TEMPORAL_ADDRESS", "127.0.0.1:7233"),
                               namespace or os.environ.get("TEMPORAL_NAMESPACE", "default"),
                               tls_from_env())
        return cls(client, task_queue or os.environ.get("ENFORCEMENT_TASK_QUEUE", TASK_QUEUE))

    # --- filing --------------------------------------------------------------------------------
    async def file(self, case_number: str, filing: Filing, *, policy: Policy | None = None,
                   scenario: str | None = None, task_timeout: timedelta | None = None
                   ) -> WorkflowHandle[EnforcementCaseWorkflow, CaseOutcome]:
        """File a case: start its workflow (id derived from the number), which files it."""
        data = CaseInput(case_number=case_number, filing=filing, category=filing.category,
                         priority=priority_of(filing.category, float(filing.claim.total)),
                         policy=policy or Policy(),
                         scenario=ScenarioRef(key=scenario) if scenario else None)
        return await self.client.start_workflow(
            EnforcementCaseWorkflow.run, data, id=case_workflow_id(case_number),
            task_queue=self.task_queue, priority=Priority(priority_key=data.priority),
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE, task_timeout=task_timeout)

    async def file_case(self, case: DocketCase, *, policy: Policy | None = None,
                        simulated: bool = True, task_timeout: timedelta | None = None
                        ) -> WorkflowHandle[EnforcementCaseWorkflow, CaseOutcome]:
        """File a docket case; ``simulated``: its world answers the ports and performs its acts
        (the worker's simulated adapter must know the docket)."""
        return await self.file(case.case_number, case.filing(), policy=policy,
                               scenario=case.case_number if simulated else None,
                               task_timeout=task_timeout)

    # --- acting and reading ----------------------------------------------------------------------
    def handle(self, case_number: str) -> WorkflowHandle[EnforcementCaseWorkflow, CaseOutcome]:
        return self.client.get_workflow_handle_for(EnforcementCaseWorkflow.run,
                                                   case_workflow_id(case_number))

    async def act(self, case_number: str, act: ActBase, *, update_id: str | None = None
                  ) -> ActResult:
        """Send an operator act as its Update; refusals raise WorkflowUpdateFailedError whose
        cause is an ApplicationError (type = code, details = [{code, message, source}])."""
        result: ActResult = await self.handle(case_number).execute_update(
            act_name(act), act, id=update_id, result_type=ActResult)
        return result

    async def notify(self, case_number: str, act: ActBase) -> None:
        """Send an act as the ``act`` signal (no answer; refusals are kept as problems)."""
        await self.handle(case_number).signal("act", act)

    async def status(self, case_number: str) -> CaseStatus:
        result: CaseStatus = await self.handle(case_number).query(
            EnforcementCaseWorkflow.get_status)
        return result

    async def result(self, case_number: str) -> CaseOutcome:
        """Wait for the case's workflow to end (following continue-as-new)."""
        return await self.handle(case_number).result()

    async def exists(self, case_number: str) -> bool:
        try:
            await self.handle(case_number).describe()
        except RPCError:
            return False
        return True
