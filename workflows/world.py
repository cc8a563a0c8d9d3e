"""The simulated world's clock: a child workflow that performs the people's acts of a scenario
(payments, reports, leads, settlements, approvals …) by sending the case workflow the same
``act`` signal an outside system would send, at 14:00 on each act's day.

It runs as a workflow of its own (``start_world``), next to the case's. It asks the simulated
adapter for its schedule (an activity, so replays never ask again),
then sleeps from act to act; it stops when the case workflow is gone (a signal fails) and
ends an hour after its last act, so that its completion reaches the case at a moment of its
own rather than together with an act.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from temporalio import workflow
from temporalio.exceptions import FailureError
from temporalio.workflow import ParentClosePolicy

from workflows.context import CaseContext
from workflows.versions import world_top_level

with workflow.unsafe.imports_passed_through():
    from domain.calendar import COURT_ZONE
    from workflows.adapters import ports as p
    from workflows.messages import (
        START_WORLD,
        WORLD_WORKFLOW,
        WorldInput,
        world_workflow_id,
    )

ACT_HOUR = 14


@workflow.defn(name=WORLD_WORKFLOW)
class SimulatedWorldWorkflow:
    """Performs a scenario's acts of people, in order, on their days."""

    def __init__(self) -> None:
        self.delivered = 0

    @workflow.run
    async def run(self, data: WorldInput) -> int:
        schedule = await workflow.execute_activity(
            p.WORLD_SCHEDULE, p.ScheduleQuery(case_number=data.case_number,
                                              scenario=data.scenario),
            result_type=p.WorldSchedule, start_to_close_timeout=timedelta(seconds=60))
        anchor = data.scenario.anchor_on
        assert anchor is not None
        target = workflow.get_external_workflow_handle(data.target_workflow_id)
        for step in schedule.steps:
            when = datetime.combine(anchor + timedelta(days=step.day), time(ACT_HOUR),
                                    tzinfo=COURT_ZONE) + timedelta(minutes=step.minute)
            if data.skip_before is not None and when < data.skip_before:
                continue
            delay = (when - workflow.now()).total_seconds()
            if delay > 0:
                await workflow.sleep(timedelta(seconds=delay))
            try:
                await target.signal("act", step.act)
            except FailureError as err:
                workflow.logger.info("world of %s stops: %s", data.case_number, err)
                return self.delivered
            self.delivered += 1
        await workflow.sleep(timedelta(hours=1))
        return self.delivered

    @workflow.query(name="delivered")
    def get_delivered(self) -> int:
        return self.delivered


async def start_world(ctx: CaseContext, resumed: bool) -> None:
    """Attach the simulated world to a case (when its input names a scenario).

    The world is a workflow of its own, started by an activity (as a resumed 执恢 case is), not a
    child: it must outlive a 终本 run's continue-as-new (a resumption request comes after it),
    and a child that completes after its parent has closed stops Temporal's time-skipping test
    server from advancing time. Histories recorded before this change started it as a child
    (patch ``world-top-level``, decided at the run's start: ``workflows/versions.py``)."""
    if ctx.scenario is None or ctx.scenario.anchor_on is None:
        return
    data = WorldInput(case_number=ctx.case_number, target_workflow_id=ctx.wid,
                      scenario=ctx.scenario, skip_before=ctx.now() if resumed else None)
    if world_top_level(ctx.versions):
        await workflow.execute_activity(
            START_WORLD, data,
            start_to_close_timeout=timedelta(seconds=ctx.policy.port_timeout_seconds))
        return
    await workflow.start_child_workflow(
        WORLD_WORKFLOW, data, id=world_workflow_id(ctx.case_number),
        task_queue=workflow.info().task_queue, parent_close_policy=ParentClosePolicy.ABANDON)
