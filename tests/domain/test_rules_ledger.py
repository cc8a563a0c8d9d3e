"""The case's ledger (docs/rules.md §1.7): every receipt split by payee (applicants, the court's
enforcement fee, a refund of the excess to the debtor), payouts per payee within the funds held
for that payee, a refund only of a true excess, a discounted settlement's waived part."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain import events as ev
from domain.application import EnforcementCases
from domain.decide.funds import split_evenly
from domain.errors import RuleViolation
from domain.models import FundsSource, PayeeKind
from domain.rules import enforcement_fee
from domain.values import Party, PartyKind, ResidentId
from tests.support import APPLICANT, CLERK, DEBTOR, NUMBER, Driver, new_app

SECOND = Party(name="王二", kind=PartyKind.PERSON, document=ResidentId(number="11010519491231002X"))
THIRD = Party(name="赵六", kind=PartyKind.PERSON, document=ResidentId(number="11010519491231002X"))
RECEIVED = date(2026, 3, 2)


def _case(principal: str = "100000.00",
          applicants: tuple[Party, ...] = (APPLICANT,)) -> tuple[EnforcementCases, Driver]:
    app = new_app()
    d = Driver(app)
    d.file(date(2026, 1, 10), principal=principal, applicants=applicants)
    return app, d


def _receive(d: Driver, amount: str, source: FundsSource = FundsSource.DEBTOR_PAYMENT
             ) -> ev.FundsReceived:
    d.send("RecordFundsReceived", RECEIVED, CLERK, amount=Decimal(amount), received_on=RECEIVED,
           source=source, payer="李四")
    event = d.app.case_events(NUMBER)[-1]
    assert isinstance(event, ev.FundsReceived)
    return event


@pytest.mark.parametrize(("amount", "fee"), [
    ("0.01", "50.00"), ("10000.00", "50.00"), ("10000.01", "50.00"), ("100000.00", "1400.00"),
    ("500000.00", "7400.00"), ("1000000.00", "12400.00"), ("5000000.00", "52400.00"),
    ("10000000.00", "77400.00"), ("20000000.00", "87400.00")])
def test_the_enforcement_fee_follows_the_schedule_band_by_band(amount: str, fee: str) -> None:
    """诉讼费用交纳办法 art.14(1): ¥50 up to ¥10,000; 1.5% to ¥500,000; 1% to ¥5M; 0.5% to ¥10M;
    0.1% above."""
    assert enforcement_fee(Decimal(amount)) == Decimal(fee)


def test_a_receipt_goes_to_the_applicant_then_the_fee_then_back_to_the_debtor() -> None:
    app, d = _case()  # ¥100,000 owed, fee ¥1,400
    receipt = _receive(d, "120000.00", FundsSource.AUCTION_PROCEEDS)
    parts = [(a.payee_kind, a.payee, a.amount) for a in receipt.allocations]
    assert parts == [(PayeeKind.APPLICANT, APPLICANT.name, Decimal("100000.00")),
                     (PayeeKind.COURT_FEE, None, Decimal("1400.00")),
                     (PayeeKind.DEBTOR_REFUND, DEBTOR.name, Decimal("18600.00"))]
    assert receipt.payer == "李四"
    state = app.get_case(NUMBER)
    assert (state.outstanding, state.fee_outstanding, state.undisbursed) == (
        Decimal("0.00"), Decimal("0.00"), Decimal("120000.00"))
    assert {a.due_on for a in receipt.allocations} == {date(2026, 4, 1)}


def test_a_debtor_payment_beyond_claim_and_fee_is_refused_and_writes_nothing() -> None:
    app, d = _case()
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        _receive(d, "101400.01")
    assert refused.value.code == "funds.exceed_balance"
    assert app.recorder.max_notification_id() == before


@pytest.mark.parametrize("amount", ["100.00", "100.01", "100.02", "0.01", "0.02", "99999.99"])
def test_shares_of_several_applicants_never_lose_a_fen(amount: str) -> None:
    shares = split_evenly(Decimal(amount), ["甲", "乙", "丙"])
    assert sum(x for _, x in shares) == Decimal(amount)
    assert max(x for _, x in shares) - min(x for _, x in shares) <= Decimal("0.01")
    assert [x for _, x in shares] == sorted((x for _, x in shares), reverse=True)


def test_each_applicant_is_paid_from_their_own_share() -> None:
    app, d = _case(applicants=(APPLICANT, SECOND, THIRD))
    receipt = _receive(d, "100.00")
    assert [(a.payee, a.amount) for a in receipt.allocations] == [
        (APPLICANT.name, Decimal("33.34")), (SECOND.name, Decimal("33.33")),
        (THIRD.name, Decimal("33.33"))]
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("PayOut", date(2026, 3, 5), amount=Decimal("33.34"), paid_on=date(2026, 3, 5),
               payee_kind=PayeeKind.APPLICANT, payee=SECOND.name)
    assert (refused.value.code, refused.value.source) == ("payout.exceeds_funds",
                                                          "执行款物规定 (about art.10)")
    assert app.recorder.max_notification_id() == before
    d.send("PayOut", date(2026, 3, 5), amount=Decimal("33.33"), paid_on=date(2026, 3, 5),
           payee_kind=PayeeKind.APPLICANT, payee=SECOND.name)
    paid = app.case_events(NUMBER)[-1]
    assert isinstance(paid, ev.FundsPaidOut)
    assert (paid.payee_kind, paid.payee) == (PayeeKind.APPLICANT, SECOND.name)
    assert app.get_case(NUMBER).undisbursed == Decimal("66.67")


def test_a_payout_to_someone_not_a_party_is_refused() -> None:
    app, d = _case()
    _receive(d, "100.00")
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("PayOut", date(2026, 3, 5), amount=Decimal("100.00"), paid_on=date(2026, 3, 5),
               payee_kind=PayeeKind.APPLICANT, payee="钱七")
    assert refused.value.code == "payout.unknown_payee"
    assert app.recorder.max_notification_id() == before


def test_a_refund_is_only_of_a_true_excess() -> None:
    app, d = _case()
    _receive(d, "100500.00")  # the claim and ¥500 of the fee: no excess
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("PayOut", date(2026, 3, 5), amount=Decimal("0.01"), paid_on=date(2026, 3, 5),
               payee_kind=PayeeKind.DEBTOR_REFUND)
    assert refused.value.code == "payout.refund_not_excess"
    assert app.recorder.max_notification_id() == before
    _receive(d, "5000.00", FundsSource.SALE_PROCEEDS)  # ¥900 fee left, ¥4,100 excess
    with pytest.raises(RuleViolation) as beyond:
        d.send("PayOut", date(2026, 3, 5), amount=Decimal("4100.01"), paid_on=date(2026, 3, 5),
               payee_kind=PayeeKind.DEBTOR_REFUND)
    assert beyond.value.code == "payout.exceeds_funds"
    d.send("PayOut", date(2026, 3, 5), amount=Decimal("4100.00"), paid_on=date(2026, 3, 5),
           payee_kind=PayeeKind.DEBTOR_REFUND, payee=DEBTOR.name)
    d.send("PayOut", date(2026, 3, 5), amount=Decimal("1400.00"), paid_on=date(2026, 3, 5),
           payee_kind=PayeeKind.COURT_FEE)
    d.send("PayOut", date(2026, 3, 5), amount=Decimal("100000.00"), paid_on=date(2026, 3, 5),
           payee_kind=PayeeKind.APPLICANT)
    assert app.get_case(NUMBER).undisbursed == Decimal("0.00")


def test_a_payout_is_late_by_its_own_payees_oldest_due_day() -> None:
    app, d = _case()
    _receive(d, "101400.00")  # due 2026-04-01 for the applicant and the fee
    d.send("PayOut", date(2026, 4, 1), amount=Decimal("100000.00"), paid_on=date(2026, 4, 1),
           payee_kind=PayeeKind.APPLICANT)
    d.send("PayOut", date(2026, 4, 2), amount=Decimal("1400.00"), paid_on=date(2026, 4, 2),
           payee_kind=PayeeKind.COURT_FEE)
    first, second = app.case_events(NUMBER)[-2:]
    assert isinstance(first, ev.FundsPaidOut) and isinstance(second, ev.FundsPaidOut)
    assert (first.late, second.late) == (False, True)


def test_a_settlement_for_less_than_the_balance_waives_the_rest() -> None:
    app, d = _case()
    d.send("ReachSettlement", date(2026, 3, 1), reached_on=date(2026, 3, 1),
           amount=Decimal("60000.00"), due_on=date(2026, 4, 1), terms="一次性支付六万元")
    d.send("RecordSettlementPayment", date(2026, 3, 20), amount=Decimal("60000.00"),
           paid_on=date(2026, 3, 20))
    result = d.send("RecordSettlementPerformed", date(2026, 3, 21), performed_on=date(2026, 3, 21))
    assert result.events == ("SettlementPerformed", "DebtWaived")
    waived = app.case_events(NUMBER)[-1]
    assert isinstance(waived, ev.DebtWaived)
    assert waived.amount == Decimal("40000.00")
    assert app.get_case(NUMBER).outstanding == Decimal("0.00")
