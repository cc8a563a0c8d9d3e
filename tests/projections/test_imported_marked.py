"""Imported history is marked imported in every read model (docs/legacy-format.md § Marked
imported everywhere), and the quality metrics count it apart from the live work."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain.legacy_import import import_legacy
from projections.audit_view import termination_audit
from projections.caselist import case_rows
from projections.ledger import case_ledger, payouts_due
from projections.metrics import quality_metrics
from projections.read_store import SQLiteReadModelStore
from projections.registers import asset_register, sanctions_register
from projections.runner import ReadModelRunner
from projections.timeline import timeline
from projections.watch import deadline_watch
from tests.projections.dockets import Script, officer
from tests.projections.legacy import NOW, LegacyCase
from tests.support import new_app

LIVE = "(2026)甘0402执201号"
OLD = "(2026)甘0402执202号"  # an imported history of the same year, kind and court
YEAR = (date(2026, 1, 1), date(2026, 12, 31))


def _imported() -> LegacyCase:
    """Filed in 2026 elsewhere: ¥999,999 received and 执行完毕, a deposit under freeze, a
    restriction in force, a payout overdue."""
    c = LegacyCase(OLD, date(2026, 1, 12), principal=999_999).notice().report().inquire()
    c.found("acct-9", "deposit", 50_000)
    on = c.next()
    c.add("AssetControlled", on, asset_id="acct-9", measure="freeze", amount="50000.00",
          effective_on=on, expires_on=date(2026, 12, 20), queue_position=0)
    c.restrict().funds(999_999, paid_after=None)
    return c.conclude()


@pytest.fixture
def store(views: SQLiteReadModelStore) -> SQLiteReadModelStore:
    app = new_app()
    Script(app, LIVE, principal="100000.00", by=officer(1)).notice().funds("100000.00") \
        .conclude()
    import_legacy(app, _imported().lines, NOW)
    ReadModelRunner(app, views, page_size=7).catch_up()
    return views


def test_metrics_count_imported_cases_apart(store: SQLiteReadModelStore) -> None:
    groups = {(m.kind, m.imported): m for m in quality_metrics(store, *YEAR)}
    assert set(groups) == {("执", False), ("执", True)}
    live, imported = groups["执", False], groups["执", True]
    assert (live.new, live.closed, live.applied, live.recovered) == (
        1, 1, Decimal("100000.00"), Decimal("100000.00"))
    # received but never paid out: nothing reached the applicant (执行到位率, docs/projections.md)
    assert (imported.new, imported.closed, imported.applied, imported.recovered) == (
        1, 1, Decimal("999999.00"), Decimal("0.00"))
    assert (imported.payouts_due, imported.payouts_on_time) == (1, 0)  # never paid out
    assert (live.payouts_due, live.payouts_on_time) == (1, 1)


def test_the_ledger_and_the_payouts_due_mark_imported_cases(store: SQLiteReadModelStore) -> None:
    assert {e.imported for e in case_ledger(store, OLD)} == {True}
    assert {e.imported for e in case_ledger(store, LIVE)} == {False}
    (due,) = payouts_due(store, date(2026, 12, 31))  # the imported receipt, never paid out
    assert (due.case_number, due.unpaid, due.overdue, due.imported) == (
        OLD, Decimal("999999.00"), True, True)


def test_metrics_grouped_by_court_keep_the_origins_apart(store: SQLiteReadModelStore) -> None:
    found = quality_metrics(store, *YEAR, by=("court",))
    assert [(m.kind, m.imported, m.court) for m in found] == [
        ("执", False, "甘0402"), ("执", True, "甘0402")]


def test_the_timeline_marks_each_imported_event(store: SQLiteReadModelStore) -> None:
    entries = timeline(store)
    assert {e.imported for e in entries if e.case_number == OLD} == {True}
    assert {e.imported for e in entries if e.case_number == LIVE} == {False}


def test_registers_and_the_deadline_watch_mark_imported_cases(
        store: SQLiteReadModelStore) -> None:
    (asset,) = asset_register(store)
    assert (asset.case_number, asset.imported) == (OLD, True)
    sanctions = sanctions_register(store, date(2026, 3, 1))
    assert sanctions and {(s.case_number, s.imported) for s in sanctions} == {(OLD, True)}
    watch = deadline_watch(store, date(2026, 12, 1), within_days=60)
    assert {(w.case_number, w.imported) for w in watch if w.case_number == OLD} == {
        (OLD, True)}
    assert {w.watch for w in watch if w.case_number == OLD} >= {"control_expiry"}
    live = deadline_watch(store, date(2026, 12, 1), within_days=60, live_only=True)
    assert live == [w for w in watch if not w.imported]  # the console's worklist
    assert [r.case_number for r in case_rows(store, live_only=True)] == [LIVE]
    assert sorted(r.case_number for r in case_rows(store)) == [LIVE, OLD]
    (live_row,) = case_rows(store, live_only=True)
    assert live_row.officer and case_rows(store, officer=[live_row.officer, "x"]) == [live_row]
    assert case_rows(store, officer=[]) == []  # a team of nobody has no case


def test_the_termination_audit_marks_imported_terminations(
        views: SQLiteReadModelStore) -> None:
    app = new_app()
    import_legacy(app, LegacyCase(OLD, date(2018, 3, 1)).compliant_termination().lines, NOW)
    ReadModelRunner(app, views).catch_up()
    (audited,) = termination_audit(views)
    assert (audited.case_number, audited.imported) == (OLD, True)
    assert termination_audit(views, imported=False) == []
    assert termination_audit(views, limit=1) == [audited]
    assert termination_audit(views, limit=1, offset=1) == []
