"""(d) Nothing found: 终本 only after 3 months with all five conditions, network re-inquiry
every 6 months, property found in year 2, resumption under a 执恢 number."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from temporalio.client import WorkflowExecutionStatus

from domain import events as ev
from domain.calendar import add_months
from domain.errors import RuleViolationError
from domain.models import ApprovalMode
from tests.support import JUDGE
from tests.workflows.conftest import Rig
from tests.workflows.dockets import nothing_found
from workflows.acts import ApproveTermination
from workflows.messages import case_workflow_id

NOTHING = [("NetworkInquiryMade", 0)] * 7


async def test_nothing_found_terminates_after_three_months_then_resumes_when_property_appears(
        rig: Rig, capsys: pytest.CaptureFixture[str]) -> None:
    wall = time.monotonic()
    case = nothing_found()
    number = case.case_number
    handle = await rig.file(case)

    await rig.env.sleep(timedelta(days=60))
    before = rig.app.get_case(number).version
    with pytest.raises(RuleViolationError) as refused:
        await rig.engine.act(number, ApproveTermination(
            actor=JUDGE, approval_mode=ApprovalMode.APPLICANT_SIGNED))
    assert refused.value.code == "termination.too_early"
    assert refused.value.source == "终本规定 art.1(4)"
    assert rig.app.get_case(number).version == before  # refused: nothing written

    outcome = await handle.result()
    assert outcome.closure_mode == "terminated" and outcome.monitoring_rounds == 3
    d0 = rig.filed_on(number)
    ruled = d0 + timedelta(100)
    rounds = [(add_months(ruled, 6 * k) - d0).days for k in (1, 2, 3)]
    assert rig.timeline(number) == [
        ("CaseFiled", 0), ("NoticeIssued", 0), *NOTHING, ("NoticeServed", 2),
        ("PropertyReportRecorded", 6), ("OnsiteInvestigated", 10),
        ("ApprovalRequested", 20), ("ApprovalGiven", 20),
        ("ConsumptionRestricted", 20), ("ApplicantHeard", 80),
        ("CurrentProcedureTerminated", 100), ("TerminationRulingServed", 102),
        ("PostTerminationInquiryMade", rounds[0]), ("PostTerminationInquiryMade", rounds[1]),
        ("PostTerminationInquiryMade", rounds[2]), ("AssetFound", rounds[2]),
        ("CaseResumed", rounds[2])]
    assert 365 <= rounds[2] - 0 < 730  # found in the second year (the deposit appears on day 600)
    events = rig.app.case_events(number)
    ruling = next(e for e in events if isinstance(e, ev.CurrentProcedureTerminated))
    assert ruling.ruled_on > add_months(d0, 3) and ruling.approval_mode is \
        ApprovalMode.APPLICANT_SIGNED
    resumed_on = d0 + timedelta(rounds[2])
    new_number = f"({resumed_on.year})甘0402执恢104号"
    assert outcome.resumed_as == new_number

    described = await rig.until_closed(new_number)
    assert described.status == WorkflowExecutionStatus.COMPLETED
    assert rig.timeline(new_number, d0) == [
        ("CaseFiled", rounds[2]), ("NoticeIssued", rounds[2]),
        ("NetworkInquiryMade", rounds[2]), ("AssetFound", rounds[2]),
        *[("NetworkInquiryMade", rounds[2])] * 6, ("AssetControlled", rounds[2]),
        ("NoticeServed", rounds[2] + 2), ("DepositTransferred", rounds[2] + 7),
        ("FundsReceived", rounds[2] + 7), ("FundsPaidOut", rounds[2] + 10),
        ("CaseConcluded", rounds[2] + 10)]
    new = rig.app.get_case(new_number)
    assert (new.resumed_from, new.closure_mode and new.closure_mode.value) == (number,
                                                                             "concluded")
    old = rig.app.get_case(number)
    assert (old.closure_mode and old.closure_mode.value, old.resumed_as) == ("terminated",
                                                                           new_number)

    first = await rig.engine.client.get_workflow_handle(
        case_workflow_id(number), run_id=handle.first_execution_run_id).describe()
    assert described.close_time is not None
    span = described.close_time - first.start_time
    with capsys.disabled():
        print(f"\n(d) virtual span {span.days} days ({first.start_time:%Y-%m-%d} → "
              f"{described.close_time:%Y-%m-%d}), wall time {time.monotonic() - wall:.2f} s")
