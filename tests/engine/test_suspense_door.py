"""The facade's suspense door (engine/suspense.py) on a store of this process: booking and
returning by the vouched principal, typed refusals, bad input as ``input.invalid``, nothing
without a principal."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

import pytest

from domain.calendar import COURT_ZONE
from domain.errors import InvalidInputError, NotPermittedError, RuleViolationError
from engine.facade import Engine
from tests.principals import TEST_HOST
from tests.support import new_app
from workflows.principals import IdentityError, Principal

COURT = "甘0402"
DAY = date(2026, 3, 2)
AT = datetime.combine(DAY, time(10), COURT_ZONE)
CLERK = Principal(actor_id="clerk-1", role="clerk")  # type: ignore[arg-type]
OFFICER = Principal(actor_id="officer-1", role="officer")  # type: ignore[arg-type]


async def test_a_receipt_is_booked_once_per_key_returned_by_the_court_and_listed() -> None:
    app = new_app()
    door = Engine(None, host=TEST_HOST, cases=app)
    booked = await door.book_receipt(COURT, "R-1", "3000.00", DAY, "李四", "货款",
                                     principal=CLERK, request_id="k1", at=AT)
    assert booked.events == ("UnidentifiedReceiptRecorded",)
    again = await door.book_receipt(COURT, "R-1", "3000.00", DAY, "李四", "货款",
                                    principal=CLERK, request_id="k1", at=AT)
    assert again.duplicate
    with pytest.raises(NotPermittedError) as clerk:
        await door.return_receipt(COURT, "R-1", "付款人要求退回", principal=CLERK, at=AT)
    assert clerk.value.code == "role.not_permitted"
    returned = await door.return_receipt(COURT, "R-1", "付款人要求退回", principal=OFFICER,
                                         at=AT)
    assert returned.events == ("UnidentifiedReceiptReturned",)
    with pytest.raises(RuleViolationError) as twice:
        await door.return_receipt(COURT, "R-1", "again", principal=OFFICER, at=AT)
    assert twice.value.code == "suspense.already_returned"
    receipts = await door.suspense_receipts(COURT)
    assert [(x.receipt_id, x.amount, x.status, x.settled_on) for x in receipts] == [
        ("R-1", Decimal("3000.00"), "returned", DAY)]
    assert await door.suspense_receipts(COURT, unclaimed_only=True) == []


async def test_bad_input_is_invalid_and_an_unvouched_booking_is_refused() -> None:
    app = new_app()
    door = Engine(None, host=TEST_HOST, cases=app)
    with pytest.raises(InvalidInputError) as bad:
        await door.book_receipt(COURT, "R-1", "-5", DAY, "李四", principal=CLERK, at=AT)
    assert bad.value.code == "input.invalid" and "amount" in bad.value.message
    with pytest.raises(InvalidInputError):
        await door.book_receipt("Gansu", "R-1", "5.00", DAY, "李四", principal=CLERK, at=AT)
    with pytest.raises(IdentityError):
        await door.book_receipt(COURT, "R-1", "5.00", DAY, "李四", at=AT)
    with pytest.raises(IdentityError):
        await Engine.offline(cases=app).book_receipt(COURT, "R-1", "5.00", DAY, "李四",
                                                     principal=CLERK, at=AT)
    assert app.recorder.max_notification_id() in (None, 0)
