"""Unidentified receipts (docs/rules.md §10): a court's suspense account holds money that arrived
without a case until a case claims it (one transaction: the case's FundsReceived and the
account's claim) or it is returned to its payer."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from domain import events as ev
from domain.application import EnforcementCases
from domain.errors import CommandConflictError, NotPermittedError, RuleViolationError
from domain.rules import SRC_ENGINE, SRC_SUSPENSE
from domain.suspense import (
    RecordUnidentifiedReceipt,
    ReturnUnidentifiedReceipt,
    SuspenseResult,
    UnidentifiedReceiptClaimed,
    suspense_id,
)
from domain.values import Actor
from tests.support import CLERK, KEY, NUMBER, OFFICER, Driver, at, new_app, refuses

COURT = "甘0402"
ARRIVED = date(2026, 3, 2)
CLAIMED = date(2026, 3, 5)


def _book(app: EnforcementCases, receipt_id: str = "R1", amount: str = "3000.00",
          actor: Actor = CLERK, command_id: str | None = None, **fields: Any) -> SuspenseResult:
    return app.suspense(RecordUnidentifiedReceipt(
        court=fields.pop("court", COURT), command_id=command_id or f"suspense:{receipt_id}",
        actor=actor, recorded_at=at(ARRIVED), receipt_id=receipt_id, amount=Decimal(amount),
        received_on=fields.pop("received_on", ARRIVED), payer="李四",
        reference="货款 no case number", **fields))


def _return(app: EnforcementCases, receipt_id: str = "R1", actor: Actor = OFFICER,
            on: date = CLAIMED) -> SuspenseResult:
    return app.suspense(ReturnUnidentifiedReceipt(
        court=COURT, command_id=f"return:{receipt_id}:{on}", actor=actor, recorded_at=at(on),
        receipt_id=receipt_id, returned_on=on, reason="the payer asked for it back"))


def _case(principal: str = "100000.00") -> tuple[EnforcementCases, Driver]:
    app = new_app()
    d = Driver(app)
    d.file(date(2026, 1, 10), principal=principal)
    return app, d


def _claim(d: Driver, receipt_id: str = "R1", actor: Actor = OFFICER, **fields: Any) -> Any:
    return d.send("ClaimReceipt", CLAIMED, actor, receipt_id=receipt_id, claimed_on=CLAIMED,
                  **fields)


def test_a_claim_records_the_receipt_in_the_case_and_marks_it_claimed_in_one_transaction() -> None:
    app, d = _case()
    _book(app)
    before = app.recorder.max_notification_id() or 0
    result = _claim(d)
    assert result.events == ("FundsReceived",)
    received = app.case_events(NUMBER)[-1]
    assert isinstance(received, ev.FundsReceived)
    assert (received.amount, received.received_on, received.payer, received.receipt_id) == (
        Decimal("3000.00"), ARRIVED, "李四", "R1")
    assert received.payout_due_on == date(2026, 4, 1)  # 30 days from arrival at the court
    account = app.suspense_account(COURT)
    assert account.receipts["R1"].status == "claimed"
    assert account.receipts["R1"].case_number == NUMBER and not account.unclaimed
    written = app.recorder.select_notifications(start=before, limit=10,
                                                inclusive_of_start=False)
    assert [n.topic.split(":")[1] for n in written] == ["FundsReceived",
                                                         "UnidentifiedReceiptClaimed"]
    assert app.get_case(NUMBER).outstanding == Decimal("97000.00")


def test_claiming_twice_is_refused_with_its_source_and_writes_nothing() -> None:
    app, d = _case()
    _book(app)
    _claim(d)
    refuses(d, "suspense.already_claimed", SRC_SUSPENSE, "ClaimReceipt", CLAIMED,
            receipt_id="R1", claimed_on=CLAIMED)


def test_the_same_claim_sent_again_answers_its_first_outcome() -> None:
    app, d = _case()
    _book(app)
    first = _claim(d, command_id="claim-1")
    again = _claim(d, command_id="claim-1")
    assert again.duplicate and (again.first_version, again.last_version) == (
        first.first_version, first.last_version)
    assert app.suspense_account(COURT).version == 2


def test_claiming_more_than_the_case_still_owes_is_refused() -> None:
    app, d = _case("1000.00")  # ¥1,000 owed and the ¥50 fee
    _book(app, amount="1050.01")
    message = refuses(d, "suspense.exceeds_balance", f"{SRC_SUSPENSE}; {SRC_ENGINE}",
                      "ClaimReceipt", CLAIMED, receipt_id="R1", claimed_on=CLAIMED)
    assert "1050.01" in message
    assert app.suspense_account(COURT).receipts["R1"].status == "unclaimed"


def test_an_unknown_receipt_or_one_returned_cannot_be_claimed() -> None:
    app, d = _case()
    refuses(d, "suspense.unknown_receipt", SRC_SUSPENSE, "ClaimReceipt", CLAIMED,
            receipt_id="R9", claimed_on=CLAIMED)
    _book(app)
    _return(app)
    refuses(d, "suspense.already_returned", SRC_SUSPENSE, "ClaimReceipt", CLAIMED,
            receipt_id="R1", claimed_on=CLAIMED)


def test_a_claimed_receipt_is_not_returned() -> None:
    app, d = _case()
    _book(app)
    _claim(d)
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolationError) as refused:
        _return(app)
    assert (refused.value.code, refused.value.source) == ("suspense.already_claimed",
                                                          SRC_SUSPENSE)
    assert app.recorder.max_notification_id() == before


def test_a_clerk_may_book_but_neither_claim_nor_return() -> None:
    app, d = _case()
    _book(app)
    refuses(d, "role.not_permitted", "permissions table (docs/design.md, Actor)",
            "ClaimReceipt", CLAIMED, CLERK, error=NotPermittedError, receipt_id="R1",
            claimed_on=CLAIMED)
    with pytest.raises(NotPermittedError) as refused:
        _return(app, actor=CLERK)
    assert refused.value.code == "role.not_permitted"


def test_a_receipt_id_is_booked_once_and_a_command_id_means_one_command() -> None:
    app = new_app()
    _book(app)
    assert _book(app).duplicate
    with pytest.raises(RuleViolationError) as twice:
        _book(app, command_id="another")
    assert twice.value.code == "suspense.duplicate_receipt"
    with pytest.raises(CommandConflictError):
        _book(app, amount="1.00")


def test_money_cannot_arrive_or_go_back_in_the_future_nor_back_before_it_arrived() -> None:
    app = new_app()
    with pytest.raises(RuleViolationError) as future:
        _book(app, received_on=date(2026, 3, 3))
    assert future.value.code == "date.in_future"
    _book(app)
    with pytest.raises(RuleViolationError) as early:
        _return(app, on=date(2026, 3, 1))
    assert early.value.code == "date.before_receipt"


def test_the_account_is_hash_chained_anchored_and_verified_but_no_case() -> None:
    app, d = _case()
    _book(app)
    _book(app, "R2", "10.00")
    _claim(d)
    _return(app, "R2")
    assert [x.receipt_id for x in app.suspense_account(COURT).receipts.values()] == ["R1", "R2"]
    verified = {v.case_id: v for v in app.verify_all()}
    account = verified[suspense_id(COURT)]
    assert account.ok and account.events == 4
    assert all(v.ok for v in verified.values())
    assert suspense_id(COURT) not in set(app.case_ids())
    assert isinstance(app.events.get(suspense_id(COURT)).__iter__().__next__(),
                      ev.CaseEvent)
    claimed = list(app.events.get(suspense_id(COURT)))[2]
    assert isinstance(claimed, UnidentifiedReceiptClaimed) and claimed.amount == Decimal("3000")


def test_the_account_survives_reopening_the_store(tmp_path: Any) -> None:
    path = tmp_path / "cases.sqlite"
    app = EnforcementCases.sqlite(path, chain_key=KEY)
    _book(app)
    app.close()
    again = EnforcementCases.sqlite(path, chain_key=KEY)
    d = Driver(again)
    d.file(date(2026, 1, 10), principal="5000.00")
    _claim(d)
    assert again.suspense_account(COURT).receipts["R1"].status == "claimed"
    assert all(v.ok for v in again.verify_all())
    again.close()
