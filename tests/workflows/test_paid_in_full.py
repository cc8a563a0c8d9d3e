"""(a) The debtor pays in full after the notice: paid out, 执行完毕."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from domain.events import CaseConcluded, FundsPaidOut, FundsReceived, NoticeIssued
from domain.rules import Channel
from tests.workflows.conftest import Rig
from tests.workflows.dockets import paid_in_full

INQUIRY = [("NetworkInquiryMade", 0)] * len(Channel)


async def test_debtor_paying_after_notice_is_paid_out_and_concluded(rig: Rig) -> None:
    case = paid_in_full()
    outcome = await rig.run(case)

    assert outcome.closure_mode == "concluded" and outcome.outstanding == 0
    assert rig.timeline(case.case_number) == [
        ("CaseFiled", 0), ("NoticeIssued", 0), *INQUIRY, ("NoticeServed", 2),
        ("PropertyReportRecorded", 5), ("OnsiteInvestigated", 10), ("FundsReceived", 14),
        ("FundsPaidOut", 17), ("CaseConcluded", 17)]
    events = {type(e).__name__: e for e in rig.app.case_events(case.case_number)}
    d0 = rig.filed_on(case.case_number)
    notice = events["NoticeIssued"]
    assert isinstance(notice, NoticeIssued)
    assert (notice.issued_on, notice.report_due_on, notice.late) == (d0, d0 + timedelta(10), False)
    received = events["FundsReceived"]
    assert isinstance(received, FundsReceived)
    assert (received.amount, received.received_on) == (Decimal("38000.00"), d0 + timedelta(14))
    assert received.payout_due_on == rig.app.calendar.period_end(d0 + timedelta(14), 30)
    paid = events["FundsPaidOut"]
    assert isinstance(paid, FundsPaidOut)
    assert (paid.amount, paid.paid_on, paid.late) == (Decimal("38000.00"), d0 + timedelta(17),
                                                      False)
    concluded = events["CaseConcluded"]
    assert isinstance(concluded, CaseConcluded)
    assert (concluded.closed_on, concluded.by_settlement) == (d0 + timedelta(17), False)
    assert rig.app.verify(case.case_number).ok

