"""Case money read models (projections/ledger.py): the ledger with its running balance, payouts
due and overdue per payee, what reached the applicants (执行到位率) and 案款发放及时率 per payee.

The case 执201 (filed 2026-01-10, ¥10,000.00 applied for, 张三 the applicant; its 执行申请费 is
¥50.00, 诉讼费用交纳办法 art.14(1), borne by the debtor):

| day | entry | amount | held after | owed after |
|---|---|---|---|---|
| 01-12 | receipt from 李四 | 6,000.00 (applicant) | 6,000.00 | 4,000.00 |
| its due day (30 days) | payout to 张三 | 6,000.00 | 0.00 | 4,000.00 |
| 03-02 | receipt | 4,050.00 (4,000 applicant + 50 fee) | 4,050.00 | 0.00 |
| 03-10 | payout to 张三 | 4,000.00 | 50.00 | 0.00 |
| fee due day + 1 | payout of the fee | 50.00 (late) | 0.00 | 0.00 |
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from domain.application import EnforcementCases
from domain.models import PayeeKind
from domain.suspense import RecordUnidentifiedReceipt, ReturnUnidentifiedReceipt
from projections.ledger import (
    case_ledger,
    distribution_plans,
    payout_timeliness_by_payee,
    payouts_due,
    suspense_list,
)
from projections.metrics import quality_metrics
from projections.read_store import SQLiteReadModelStore
from projections.runner import ReadModelRunner, rebuild
from tests.domain.test_rules_distribution import FIRST, PLAN, SECOND, THIRD, _objected
from tests.projections.compare import assert_same_read_models
from tests.projections.dockets import Script, officer
from tests.support import CLERK, OFFICER, at, new_app

NUMBER = "(2026)甘0402执201号"
YEAR = (date(2026, 1, 1), date(2026, 12, 31))


def _recovered_fen(store: SQLiteReadModelStore) -> int:
    ((value,),) = store.query("SELECT recovered_fen FROM cases WHERE case_number = ?", (NUMBER,))
    return int(value)


def _receive(s: Script, amount: str, on: date) -> None:
    s.at(on)
    s.send("RecordFundsReceived", on, CLERK, amount=Decimal(amount), received_on=on,
           payer="李四")


def _pay(s: Script, amount: str, on: date, kind: PayeeKind = PayeeKind.APPLICANT,
         payee: str | None = "张三") -> None:
    s.at(on)
    s.send("PayOut", on, amount=Decimal(amount), paid_on=on, payee_kind=kind, payee=payee)


@pytest.fixture
def app() -> EnforcementCases:
    return new_app()


def test_the_ledger_runs_its_balance_and_payouts_reach_the_applicant_per_payee(
        app: EnforcementCases, views: SQLiteReadModelStore, tmp_path: Path) -> None:
    runner = ReadModelRunner(app, views, page_size=3)
    s = Script(app, NUMBER, principal="10000.00", by=officer(1)).notice(date(2026, 1, 11))
    _receive(s, "6000.00", date(2026, 1, 12))
    runner.catch_up()
    (first,) = payouts_due(views, date(2026, 1, 20))
    assert (first.payee_kind, first.payee, first.unpaid, first.overdue) == (
        "applicant", "张三", Decimal("6000.00"), False)  # the allocation names the payee
    assert _recovered_fen(views) == 0  # received and held: nothing reached the applicant yet
    _pay(s, "6000.00", first.due_on)  # day 30 of the 30: on time
    assert _recovered_fen_after(runner, views) == 600000
    _receive(s, "4050.00", date(2026, 3, 2))
    _pay(s, "4000.00", date(2026, 3, 10))
    runner.catch_up()
    (fee,) = payouts_due(views, date(2026, 4, 15))
    assert (fee.payee_kind, fee.unpaid, fee.overdue) == ("court_fee", Decimal("50.00"), True)
    assert fee.days_overdue == (date(2026, 4, 15) - fee.due_on).days > 0
    assert payouts_due(views, fee.due_on, overdue_only=True) == []  # day 30: not yet overdue
    assert len(payouts_due(views, fee.due_on + timedelta(days=1), overdue_only=True)) == 1
    _pay(s, "50.00", fee.due_on + timedelta(days=1), PayeeKind.COURT_FEE, None)  # day 31: late
    s.conclude(date(2026, 4, 20))
    runner.catch_up()

    ledger = case_ledger(views, NUMBER)
    assert [(e.entry, e.payee_kind, e.amount, e.held, e.owed, e.late) for e in ledger] == [
        ("receipt", None, Decimal("6000.00"), Decimal("6000.00"), Decimal("4000.00"), None),
        ("payout", "applicant", Decimal("6000.00"), Decimal("0.00"), Decimal("4000.00"), False),
        ("receipt", None, Decimal("4050.00"), Decimal("4050.00"), Decimal("0.00"), None),
        ("payout", "applicant", Decimal("4000.00"), Decimal("50.00"), Decimal("0.00"), False),
        ("payout", "court_fee", Decimal("50.00"), Decimal("0.00"), Decimal("0.00"), True)]
    assert ledger[0].payer == "李四" and ledger[1].payee == "张三"
    assert ledger[2].details == "applicant 张三 4000.00; court_fee 50.00"
    assert payouts_due(views, date(2026, 12, 31)) == []

    (m,) = quality_metrics(views, *YEAR)
    assert (m.applied, m.recovered, m.recovery_rate) == (
        Decimal("10000.00"), Decimal("10000.00"), Decimal("100.0"))  # the fee is not recovery
    assert (m.payouts_due, m.payouts_on_time, m.payout_timeliness) == (3, 2, Decimal("66.7"))
    by_payee = {t.payee_kind: (t.due, t.on_time, t.rate)
                for t in payout_timeliness_by_payee(views, *YEAR)}
    assert by_payee == {"applicant": (2, 2, Decimal("100.0")),
                        "court_fee": (1, 0, Decimal("0.0"))}

    target = tmp_path / "rebuilt.db"
    rebuild(app, target, progress=False)
    rebuilt = SQLiteReadModelStore(target)
    try:
        assert_same_read_models(views, rebuilt)
    finally:
        rebuilt.close()


def _recovered_fen_after(runner: ReadModelRunner, views: SQLiteReadModelStore) -> int:
    runner.catch_up()
    return _recovered_fen(views)


def test_a_settlement_for_less_shows_the_waived_part_and_recovers_only_what_was_paid(
        app: EnforcementCases, views: SQLiteReadModelStore) -> None:
    """和解规定 arts.8, 17: 6,000 of 10,000 performed under the settlement, the rest waived."""
    Script(app, NUMBER, principal="10000.00").notice().settle("6000.00").conclude()
    ReadModelRunner(app, views).catch_up()
    assert [(e.entry, e.amount, e.owed, e.held) for e in case_ledger(views, NUMBER)] == [
        ("settlement", Decimal("6000.00"), Decimal("4000.00"), Decimal("0.00")),
        ("waiver", Decimal("4000.00"), Decimal("0.00"), Decimal("0.00"))]
    (m,) = quality_metrics(views, *YEAR)
    assert (m.recovered, m.recovery_rate) == (Decimal("6000.00"), Decimal("60.0"))


def _book(app: EnforcementCases, receipt_id: str, amount: str, on: date) -> None:
    app.suspense(RecordUnidentifiedReceipt(
        court="甘0402", command_id=f"book:{receipt_id}", actor=CLERK, recorded_at=at(on),
        receipt_id=receipt_id, amount=Decimal(amount), received_on=on, payer="李四",
        reference="货款 无案号"))


def test_the_suspense_list_holds_the_unclaimed_receipts_with_their_age_and_no_case_facts(
        app: EnforcementCases, views: SQLiteReadModelStore, tmp_path: Path) -> None:
    """Three receipts arrive without a case number (docs/rules.md §10): R1 is claimed into
    执201, R2 goes back to its payer, R3 waits; the claim shows in the case's ledger."""
    s = Script(app, NUMBER, principal="10000.00").notice(date(2026, 1, 11))
    runner = ReadModelRunner(app, views, page_size=2)
    for receipt_id, amount, on in (("R1", "3000.00", date(2026, 3, 2)),
                                   ("R2", "500.00", date(2026, 3, 3)),
                                   ("R3", "800.00", date(2026, 3, 4))):
        _book(app, receipt_id, amount, on)
    runner.catch_up()
    assert [x.receipt_id for x in suspense_list(views, date(2026, 3, 4))] == ["R1", "R2", "R3"]
    s.send("ClaimReceipt", date(2026, 3, 5), receipt_id="R1", claimed_on=date(2026, 3, 5))
    app.suspense(ReturnUnidentifiedReceipt(
        court="甘0402", command_id="return:R2", actor=OFFICER, recorded_at=at(date(2026, 3, 6)),
        receipt_id="R2", returned_on=date(2026, 3, 6), reason="the payer asked for it back"))
    runner.catch_up()

    (waiting,) = suspense_list(views, date(2026, 4, 3))
    assert (waiting.court, waiting.receipt_id, waiting.amount, waiting.age_days) == (
        "甘0402", "R3", Decimal("800.00"), 30)
    assert suspense_list(views, date(2026, 4, 3), court="甘0403") == []
    (claimed,) = case_ledger(views, NUMBER)
    assert (claimed.entry, claimed.amount, claimed.payer, claimed.receipt_id, claimed.held) == (
        "receipt", Decimal("3000.00"), "李四", "R1", Decimal("3000.00"))
    assert views.query("SELECT COUNT(*) FROM case_facts") == [(1,)]  # the account is no case
    assert views.query("SELECT case_number FROM cases") == [(NUMBER,)]

    target = tmp_path / "rebuilt.db"
    rebuild(app, target, progress=False)
    rebuilt = SQLiteReadModelStore(target)
    try:
        assert_same_read_models(views, rebuilt)
    finally:
        rebuilt.close()


def test_a_distribution_plan_shows_its_state_the_open_objection_and_the_share_held_back(
        views: SQLiteReadModelStore, tmp_path: Path) -> None:
    """参与分配 (docs/rules.md §12): three creditors (执123 secured), ¥100,000 to distribute; an
    objection to the secured claim, opposed and sued on, holds its 60,000 back at the
    finalization; the judgment (20,000) releases it to the three cases."""
    p = _objected()
    runner = ReadModelRunner(p.app, views, page_size=4)
    runner.catch_up()
    (plan,) = distribution_plans(views)
    assert (plan.plan_number, plan.state, plan.cases, plan.claims, plan.distributable) == (
        PLAN, "served", [FIRST, SECOND, THIRD], Decimal("180000.00"), Decimal("100000.00"))
    assert (plan.objections_open, plan.suits_pending, plan.held_back) == (["O1"], ["O1"], 0)
    assert plan.objection_due_on is not None and plan.served_on == date(2026, 4, 10)
    p.send("FinalizePlan", date(2026, 5, 20), finalized_on=date(2026, 5, 20))
    runner.catch_up()
    (plan,) = distribution_plans(views)
    assert (plan.state, plan.paid, plan.held_back, plan.objections_open) == (
        "finalized", Decimal("40000.00"), Decimal("60000.00"), ["O1"])
    p.send("RecordPlanSuitJudgment", date(2026, 8, 3), objection_id="O1",
           judged_claim=Decimal("20000.00"), judged_on=date(2026, 8, 3))
    runner.catch_up()
    (plan,) = distribution_plans(views)
    assert (plan.paid, plan.held_back, plan.objections_open, plan.suits_pending) == (
        Decimal("100000.00"), Decimal("0.00"), [], [])
    assert distribution_plans(views, court="甘0403") == []
    assert views.query("SELECT COUNT(*) FROM case_facts") == [(0,)]  # a plan is no case

    target = tmp_path / "rebuilt.db"
    rebuild(p.app, target, progress=False)
    rebuilt = SQLiteReadModelStore(target)
    try:
        assert_same_read_models(views, rebuilt)
    finally:
        rebuilt.close()
