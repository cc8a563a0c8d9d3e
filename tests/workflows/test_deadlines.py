"""The 6-month closure deadline: suspended periods are not counted; before it runs out the
workflow asks for an extension (an approval due), which a president-approved request grants."""

from __future__ import annotations

from datetime import timedelta

from domain import events as ev
from domain.calendar import add_months
from domain.models import SuspensionReason
from tests.support import JUDGE
from tests.workflows.conftest import Rig
from tests.workflows.dockets import case
from workflows.acts import EndSuspension, RequestExtension, SuspendEnforcement
from workflows.docket import PropertyReport, ScheduledAct, World


async def test_deadline_excludes_suspension_and_an_extension_is_asked_for_and_granted(
        rig: Rig) -> None:
    subject = case("(2026)甘0402执401号", World(report=PropertyReport(day=5), acts=(
        ScheduledAct(day=30, act=SuspendEnforcement(actor=JUDGE,
                                                    reason=SuspensionReason.OBJECTION)),
        ScheduledAct(day=50, act=EndSuspension(actor=JUDGE)))))
    handle = await rig.file(subject)
    number = subject.case_number
    await rig.env.sleep(timedelta(days=60))
    d0 = rig.filed_on(number)
    # 20 suspended days are not counted; a last day on a weekend or holiday moves on
    deadline = rig.app.calendar.roll_forward(add_months(d0, 6) + timedelta(days=20))

    status = await rig.engine.status(number)
    assert (status.phase, status.outstanding) == ("inquiry", subject.claim.total)
    assert status.closure_deadline == deadline
    assert {d.name: d.due_on for d in status.deadlines}["closure"] == deadline
    assert [d.update for d in status.approvals_due] == ["record_applicant_hearing",
                                                        "restrict_consumption"]

    reminder = deadline - timedelta(days=15)
    await rig.env.sleep(timedelta(days=(reminder - d0).days - 60 + 1))
    status = await rig.engine.status(number)
    due = next(d for d in status.approvals_due if d.update == "request_extension")
    assert (due.since, due.by) == (reminder, deadline - timedelta(days=5))

    result = await rig.engine.act(number, await rig.approved(number,
                                                             RequestExtension(actor=JUDGE)))
    assert result.events == ("DeadlineExtended",)
    extended = next(e for e in rig.app.case_events(number)
                    if isinstance(e, ev.DeadlineExtended))
    assert extended.months == 3
    status = await rig.engine.status(number)
    assert status.closure_deadline is not None
    assert status.closure_deadline - deadline >= timedelta(days=89)  # three months more
    assert "request_extension" not in [d.update for d in status.approvals_due]
    assert [name for name, _ in rig.timeline(number)][-6:] == [
        "OnsiteInvestigated", "EnforcementSuspended", "SuspensionEnded", "ApprovalRequested",
        "ApprovalGiven", "DeadlineExtended"]
    await handle.terminate("test over")
