"""A receipt of the court's suspense account claimed into a live case by its act
(docs/rules.md §10): the workflow sees the money on the case's ledger and pays each payee out,
and the case ends performed."""

from __future__ import annotations

from decimal import Decimal

from domain import events as ev
from domain.calendar import legal_date
from domain.suspense import RecordUnidentifiedReceipt
from tests.support import CLERK, OFFICER
from tests.workflows.conftest import Rig
from tests.workflows.dockets import case
from workflows.acts import ClaimReceipt
from workflows.docket import World

NUMBER = "(2026)甘0402执861号"


async def test_a_claimed_receipt_is_paid_out_to_the_applicant_and_the_court(rig: Rig) -> None:
    subject = case(NUMBER, World(), principal="2000.00")  # the fee: ¥50
    handle = await rig.file(subject)
    arrived = await rig.morning()
    rig.app.suspense(RecordUnidentifiedReceipt(
        court="甘0402", command_id="bank:0001", actor=CLERK, recorded_at=arrived,
        receipt_id="R-1", amount=Decimal("2050.00"), received_on=legal_date(arrived),
        payer="李四", reference="no case number"))
    await rig.morning()

    claimed = await rig.engine.act(NUMBER, ClaimReceipt(actor=OFFICER, receipt_id="R-1"))
    assert claimed.events == ("FundsReceived",)
    outcome = await handle.result()

    assert outcome.closure_mode == "concluded"
    events = rig.app.case_events(NUMBER)
    received = next(e for e in events if isinstance(e, ev.FundsReceived))
    assert (received.receipt_id, received.payer, received.received_on) == (
        "R-1", "李四", legal_date(arrived))
    paid = [(e.payee_kind.value, e.amount) for e in events if isinstance(e, ev.FundsPaidOut)]
    assert sorted(paid) == [("applicant", Decimal("2000.00")), ("court_fee", Decimal("50.00"))]
    assert rig.app.suspense_account("甘0402").receipts["R-1"].case_number == NUMBER
