"""Case funds 案款: receipts within the balance, payout limited to funds held and tracked
against the 30-day payout period (执行款物规定), through the application's public API."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain import events as ev
from domain.application import EnforcementCases
from domain.errors import RuleViolation
from domain.models import FundsSource
from tests.support import CLERK, JUDGE, NUMBER, Driver, new_app


def _case() -> tuple[EnforcementCases, Driver]:
    """A ¥1,000,000.00 case filed on 2026-01-10."""
    app = new_app()
    d = Driver(app)
    d.file(date(2026, 1, 10))
    return app, d


def test_refuses_funds_beyond_the_balance_and_the_enforcement_fee() -> None:
    """¥1,000,000 owed plus its 执行申请费 ¥12,400 (诉讼费用交纳办法 art.14(1)) may arrive."""
    app, d = _case()
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("RecordFundsReceived", date(2026, 3, 2), CLERK, amount=Decimal("1012400.01"),
               received_on=date(2026, 3, 2))
    assert (refused.value.code, refused.value.source) == ("funds.exceed_balance",
                                                          "engine invariant (docs/rules.md §5)")
    assert app.recorder.max_notification_id() == before
    d.send("RecordFundsReceived", date(2026, 3, 2), CLERK, amount=Decimal("1012400.00"),
           received_on=date(2026, 3, 2))
    state = app.get_case(NUMBER)
    assert (state.outstanding, state.fee_outstanding) == (Decimal("0.00"), Decimal("0.00"))


def test_refuses_payout_beyond_the_funds_held() -> None:
    app, d = _case()
    d.send("RecordFundsReceived", date(2026, 3, 2), CLERK, amount=Decimal("300000.00"),
           received_on=date(2026, 3, 2))
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("PayOut", date(2026, 3, 10), amount=Decimal("300000.01"),
               paid_on=date(2026, 3, 10))
    assert (refused.value.code, refused.value.source) == ("payout.exceeds_funds",
                                                          "执行款物规定 (about art.10)")
    assert app.recorder.max_notification_id() == before
    d.send("PayOut", date(2026, 3, 10), amount=Decimal("300000.00"), paid_on=date(2026, 3, 10))
    assert app.get_case(NUMBER).undisbursed == Decimal("0.00")


def test_refuses_payout_dated_before_the_funds_arrived() -> None:
    app, d = _case()
    d.send("RecordFundsReceived", date(2026, 3, 10), CLERK, amount=Decimal("300000.00"),
           received_on=date(2026, 3, 10))
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("PayOut", date(2026, 3, 10), amount=Decimal("300000.00"),
               paid_on=date(2026, 3, 9))
    assert (refused.value.code, refused.value.source) == ("payout.exceeds_funds",
                                                          "执行款物规定 (about art.10)")
    assert app.recorder.max_notification_id() == before
    d.send("PayOut", date(2026, 3, 10), amount=Decimal("300000.00"), paid_on=date(2026, 3, 10))


def test_receipt_sets_the_payout_due_date_thirty_days_later() -> None:
    app, d = _case()
    d.send("RecordFundsReceived", date(2026, 3, 2), CLERK, amount=Decimal("300000.00"),
           received_on=date(2026, 3, 2))
    receipt = app.case_events(NUMBER)[-1]
    assert isinstance(receipt, ev.FundsReceived)
    assert receipt.payout_due_on == date(2026, 4, 1)


def test_payout_on_the_thirtieth_day_is_on_time() -> None:
    app, d = _case()
    d.send("RecordFundsReceived", date(2026, 3, 2), CLERK, amount=Decimal("300000.00"),
           received_on=date(2026, 3, 2))
    d.send("PayOut", date(2026, 4, 1), amount=Decimal("300000.00"), paid_on=date(2026, 4, 1))
    payout = app.case_events(NUMBER)[-1]
    assert isinstance(payout, ev.FundsPaidOut)
    assert (payout.late, app.get_case(NUMBER).late_payouts) == (False, 0)


def test_payout_after_the_thirtieth_day_is_tracked_as_late() -> None:
    app, d = _case()
    d.send("RecordFundsReceived", date(2026, 3, 2), CLERK, amount=Decimal("300000.00"),
           received_on=date(2026, 3, 2))
    d.send("PayOut", date(2026, 4, 2), amount=Decimal("300000.00"), paid_on=date(2026, 4, 2))
    payout = app.case_events(NUMBER)[-1]
    assert isinstance(payout, ev.FundsPaidOut)
    assert (payout.late, app.get_case(NUMBER).late_payouts) == (True, 1)


def test_payout_period_ending_on_a_holiday_runs_to_the_next_working_day() -> None:
    app, d = _case()
    d.send("RecordFundsReceived", date(2026, 4, 1), CLERK, amount=Decimal("300000.00"),
           received_on=date(2026, 4, 1))  # day 30 is Fri 2026-05-01, 劳动节 until 05-05
    d.send("PayOut", date(2026, 5, 6), amount=Decimal("300000.00"), paid_on=date(2026, 5, 6))
    payout = app.case_events(NUMBER)[-1]
    assert isinstance(payout, ev.FundsPaidOut)
    assert payout.late is False


def test_payment_confirmed_by_the_applicant_needs_no_payout() -> None:
    app, d = _case()
    d.send("RecordFundsReceived", date(2026, 3, 2), CLERK, amount=Decimal("1000000.00"),
           received_on=date(2026, 3, 2), source=FundsSource.DIRECT_TO_APPLICANT)
    state = app.get_case(NUMBER)
    assert (state.outstanding, state.undisbursed) == (Decimal("0.00"), Decimal("0.00"))
    result = d.send("ConcludeCase", date(2026, 3, 3), JUDGE, closed_on=date(2026, 3, 3))
    assert result.events == ("CaseConcluded",)
