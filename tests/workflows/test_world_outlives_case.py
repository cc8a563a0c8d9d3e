"""The simulated world is a workflow of its own, not a child of the case: it acts after a 终本
run has continued as new (the applicant's resumption request), and a case that closes at the
world's last act does not stop the time-skipping server (both used to hang ``simulate``)."""

from __future__ import annotations

from datetime import timedelta

from temporalio.client import WorkflowExecutionStatus

from domain.calendar import add_months
from tests.workflows.conftest import Rig
from tests.workflows.dockets import resumed_on_request, withdrawn
from workflows.messages import case_workflow_id, world_workflow_id


async def test_the_applicant_asks_to_resume_during_monitoring(rig: Rig) -> None:
    case = resumed_on_request()
    number = case.case_number
    outcome = await (await rig.file(case)).result()
    d0 = rig.filed_on(number)
    assert outcome.closure_mode == "terminated"
    assert outcome.monitoring_rounds == 2  # resumed while waiting for the second round
    first_round = (add_months(d0 + timedelta(100), 6) - d0).days
    assert rig.timeline(number)[-4:] == [
        ("CurrentProcedureTerminated", 100), ("TerminationRulingServed", 102),
        ("PostTerminationInquiryMade", first_round), ("CaseResumed", 300)]
    new_number = outcome.resumed_as
    assert new_number == f"({(d0 + timedelta(300)).year})甘0402执恢110号"
    described = await rig.until_closed(new_number)
    assert described.status == WorkflowExecutionStatus.COMPLETED
    new = rig.app.get_case(new_number)
    assert (new.closure_mode and new.closure_mode.value, new.recovered) == (
        "concluded", rig.app.get_case(number).claim_total)
    assert ("FundsReceived", 330) in rig.timeline(new_number, d0)

    world = await rig.env.client.get_workflow_handle(world_workflow_id(number)).describe()
    assert world.raw_description.workflow_execution_info.parent_execution.workflow_id == ""


async def test_a_case_closing_at_the_worlds_last_act_lets_time_run_on(rig: Rig) -> None:
    case = withdrawn()
    number = case.case_number
    outcome = await (await rig.file(case)).result()
    assert (outcome.closure_mode, outcome.closed_on) == (
        "ended", rig.filed_on(number) + timedelta(20))
    assert rig.timeline(number)[-3:] == [
        ("ConsumptionRestricted", 12), ("CaseClosed", 20), ("ConsumptionRestrictionLifted", 20)]
    before = await rig.env.get_current_time()
    await rig.env.sleep(timedelta(days=30))  # used to fail: "Timeout expired"
    assert await rig.env.get_current_time() - before >= timedelta(days=30)
    handle = rig.env.client.get_workflow_handle(case_workflow_id(number))
    assert (await handle.describe()).status == WorkflowExecutionStatus.COMPLETED
