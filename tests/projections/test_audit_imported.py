"""The 终本 audit of imported legacy cases: histories that never passed the aggregate's check."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain.legacy_import import import_legacy
from domain.values import OtherDocument, Party, PartyKind
from projections.audit import AuditClass
from projections.audit_view import AuditedTermination, termination_audit
from projections.read_store import SQLiteReadModelStore
from projections.runner import ReadModelRunner
from tests.projections.legacy import CLERK, JUDGE, NOW, LegacyCase
from tests.support import new_app

MINOR = Party(name="王小明", kind=PartyKind.PERSON,
              document=OtherDocument(type="passport", number="E12345678"),
              birth_date=date(2005, 3, 1)).model_dump(mode="json")


def _compliant() -> LegacyCase:
    return LegacyCase("(2018)甘0402执1号", date(2018, 3, 1)).compliant_termination()


def _misreported() -> LegacyCase:
    """Closed as 终本 with a deposit known and never frozen, money held and a settlement open,
    no restriction order and an unserved ruling."""
    c = LegacyCase("(2018)甘0402执2号", date(2018, 3, 1)).notice().report().inquire()
    c.found("acct-2", "deposit", 50_000).funds(20_000, paid_after=None)
    on = c.next()
    c.add("SettlementReached", on, reached_on=on, amount="30000.00",
          due_on=date(2018, 9, 1), terms="分期")
    c.hear(date(2018, 7, 1))
    return c.terminate(date(2018, 7, 5))


def _non_compliant() -> LegacyCase:
    """Ruled two months after filing, breaking most of 终本规定 art.1."""
    c = LegacyCase("(2018)甘0402执3号", date(2018, 3, 1)).notice(report_order=False)
    c.inquire("deposits", "vehicles")
    on = c.next()
    c.add("LeadSubmitted", on, CLERK, lead_id="lead-1", description="申请人提供房产线索",
          urgent=False, submitted_on=on, due_on=c.next(7))
    on = c.next()
    c.add("ObstructionRecorded", on, occurred_on=on, description="拒不到庭")
    on = c.next()
    c.add("DebtorMissingRecorded", on, recorded_on=on)
    c.hear(date(2018, 4, 25))
    return c.terminate(date(2018, 5, 1)).serve()


def _closed_without_ruling() -> LegacyCase:
    """Recorded in the old system only as a closure of mode 终本: no hearing, no ruling."""
    c = LegacyCase("(2018)甘0402执4号", date(2018, 3, 1)).notice().report().inquire().restrict()
    on = date(2018, 8, 1)
    return c.add("CaseClosed", on, JUDGE, mode="terminated", closed_on=on, ground=None,
                 reason="终结本次执行程序")


def _minor_listed() -> LegacyCase:
    c = LegacyCase("(2018)甘0402执5号", date(2018, 3, 1), respondents=(MINOR,))
    c.notice().report("refused").inquire().restrict()
    on = c.next()
    c.add("DebtorListedDishonest", on, ground="report_violation", listed_on=on,
          until=date(2020, 6, 1), approval={"approver_id": "president-1", "role": "president",
                                            "approved_on": on.isoformat()})
    c.hear(date(2018, 7, 1))
    return c.terminate(date(2018, 7, 5)).serve()


@pytest.fixture
def audited(views: SQLiteReadModelStore) -> dict[str, AuditedTermination]:
    app = new_app()
    lines = [line for case in (_compliant(), _misreported(), _non_compliant(),
                               _closed_without_ruling(), _minor_listed()) for line in case.lines]
    summary = import_legacy(app, lines, NOW)
    assert summary.events_written == len(lines)
    ReadModelRunner(app, views, page_size=9).catch_up()
    return {a.case_number: a for a in termination_audit(views, imported=True)}


def _reasons(audited: AuditedTermination) -> list[tuple[str, str, str]]:
    return [(f.category, f.code, f.subject) for f in audited.findings]


def test_an_imported_termination_with_every_condition_is_compliant(
        audited: dict[str, AuditedTermination]) -> None:
    a = audited["(2018)甘0402执1号"]
    assert (a.audit_class, a.label, a.findings, a.imported) == \
        (AuditClass.COMPLIANT, "合规", [], True)


def test_an_imported_termination_with_assets_and_money_arriving_is_misreported(
        audited: dict[str, AuditedTermination]) -> None:
    a = audited["(2018)甘0402执2号"]
    assert (a.audit_class, a.label) == (AuditClass.MISREPORTED, "误报结")
    assert _reasons(a) == [  # every finding is listed, not only the deciding one
        ("misreport", "misreport.asset_disposable", "acct-2"),
        ("misreport", "misreport.funds_undisbursed", ""),
        ("misreport", "misreport.settlement_in_performance", ""),
        ("substantive", "termination.no_restriction", ""),
        ("procedural", "procedure.ruling_not_served", "")]
    assert a.findings[1].message == "20000.00 of case funds held and not paid out"
    assert a.findings[3].source == "终本规定 art.1(2); 限消规定 arts.1, 3, 4"


def test_an_imported_termination_two_months_after_filing_is_non_compliant_for_each_reason(
        audited: dict[str, AuditedTermination]) -> None:
    a = audited["(2018)甘0402执3号"]
    assert (a.audit_class, a.label) == (AuditClass.NON_COMPLIANT, "不合规")
    assert _reasons(a) == [
        ("substantive", "termination.no_report_order", ""),
        ("substantive", "termination.no_restriction", ""),
        ("substantive", "termination.dishonest_required", ""),
        ("substantive", "termination.channel_not_queried", "real_estate"),
        ("substantive", "termination.channel_not_queried", "securities"),
        ("substantive", "termination.lead_unverified", "lead-1"),
        ("substantive", "termination.too_early", ""),
        ("substantive", "termination.debtor_not_searched", ""),
        ("substantive", "termination.obstruction_unsanctioned", "")]
    too_early = a.findings[6]
    assert (too_early.message, too_early.source) == (
        "ruled on 2018-05-01, not more than 3 months after filing on 2018-03-01 (a 终本 may be "
        "ruled after 2018-06-01)", "终本规定 art.1(4)")


def test_a_legacy_closure_recorded_as_terminated_lacks_its_procedural_records(
        audited: dict[str, AuditedTermination]) -> None:
    a = audited["(2018)甘0402执4号"]
    assert (a.audit_class, a.label, a.via, a.ruled_on) == \
        (AuditClass.PENDING, "待完善", "closure", date(2018, 8, 1))
    assert _reasons(a) == [("procedural", "procedure.applicant_not_heard", ""),
                           ("procedural", "procedure.approval_missing", ""),
                           ("procedural", "procedure.ruling_not_served", "")]


def test_listing_a_minor_violates_the_dishonest_condition(
        audited: dict[str, AuditedTermination]) -> None:
    a = audited["(2018)甘0402执5号"]
    assert (a.audit_class, _reasons(a)) == (AuditClass.NON_COMPLIANT, [
        # the refused report met by the listing alone: no fine or detention (终本规定 art.2(3))
        ("substantive", "termination.report_breach_unsanctioned", ""),
        ("substantive", "termination.dishonest_minor_listed", "2018-03-09")])
    assert a.findings[0].source == "终本规定 art.2(3); 财产调查规定 art.9"
    assert a.findings[1].source == "终本规定 art.1(2); 失信规定 art.4"


def test_an_imported_termination_with_the_fee_still_held_on_the_ledger_is_misreported(
        views: SQLiteReadModelStore) -> None:
    """The legacy import reads ledger entries (docs/legacy-format.md): the applicant was paid,
    the court's 执行申请费 taken from the receipt was not — money held at the 终本."""
    c = LegacyCase("(2018)甘0402执6号", date(2018, 3, 1))
    c.notice().report().inquire().restrict()
    on = c.next()
    c.add("FundsReceived", on, CLERK, amount="20350.00", received_on=on,
          source="debtor_payment", payout_due_on=None, payer="李四", allocations=[
              {"payee_kind": "applicant", "payee": "张三", "amount": "20000.00"},
              {"payee_kind": "court_fee", "amount": "350.00"}])
    paid = c.next(10)
    c.add("FundsPaidOut", paid, amount="20000.00", paid_on=paid, late=False,
          payee_kind="applicant", payee="张三")
    c.hear(date(2018, 7, 1)).terminate(date(2018, 7, 5), outstanding=80_000).serve()
    app = new_app()
    import_legacy(app, c.lines, NOW)
    ReadModelRunner(app, views).catch_up()
    [a] = termination_audit(views, imported=True)
    assert (a.audit_class, _reasons(a)) == (
        AuditClass.MISREPORTED, [("misreport", "misreport.funds_undisbursed", "")])
    assert a.findings[0].message == "350.00 of case funds held and not paid out"
    case = app.get_case("(2018)甘0402执6号")
    assert (case.outstanding, case.fee_received, case.undisbursed) == (
        Decimal("80000.00"), Decimal("350.00"), Decimal("350.00"))
