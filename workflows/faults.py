"""Test-only: a bug in workflow code, on demand, to show what a stuck case looks like and how
it is repaired (tests/engine/test_stuck_cases.py, docs/operations.md "Stuck cases").

With ``ENFORCEMENT_TEST_FAIL_CASES`` set (case numbers, comma-separated) the worker's case
workflows of those numbers raise ``RuntimeError`` in workflow code before they do anything:
Temporal fails their workflow task and retries it, as after a real bug. Restarting the worker
without the variable is the "fix": the next retry succeeds. Unset (always, outside tests), the
worker has no interceptor at all.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from temporalio import workflow
from temporalio.worker import (
    ExecuteWorkflowInput,
    Interceptor,
    WorkflowInboundInterceptor,
    WorkflowInterceptorClassInput,
)

from workflows.messages import CASE_WORKFLOW, case_workflow_id

FAULT_ENV = "ENFORCEMENT_TEST_FAIL_CASES"


def fault_interceptors(env: Mapping[str, str] = os.environ) -> list[Interceptor]:
    """The fault interceptor if ``ENFORCEMENT_TEST_FAIL_CASES`` names cases, else none."""
    numbers = [n.strip() for n in env.get(FAULT_ENV, "").split(",") if n.strip()]
    return [CaseFault(frozenset(case_workflow_id(n) for n in numbers))] if numbers else []


class CaseFault(Interceptor):
    """Makes the case workflows with these ids fail in workflow code."""

    def __init__(self, workflow_ids: frozenset[str]) -> None:
        self.workflow_ids = workflow_ids

    def workflow_interceptor_class(self, input: WorkflowInterceptorClassInput
                                   ) -> type[WorkflowInboundInterceptor]:
        ids = self.workflow_ids

        class FailingCase(WorkflowInboundInterceptor):
            async def execute_workflow(self, input: ExecuteWorkflowInput) -> Any:
                info = workflow.info()
                if info.workflow_type == CASE_WORKFLOW and info.workflow_id in ids:
                    raise RuntimeError(f"injected fault in workflow code for {info.workflow_id}"
                                       f" ({FAULT_ENV})")
                return await super().execute_workflow(input)

        return FailingCase
