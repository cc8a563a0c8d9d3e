"""Objections and outsiders' claims in the read models (docs/rules.md §7.3): the case facts, the
timeline, the deadline watch, 异议审查及时率, and the 终本 audit of an imported history that
left an objection unanswered and an asset under a claim."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from domain.application import EnforcementCases
from domain.legacy_import import import_legacy
from domain.models import ControlMeasure
from projections.audit_view import termination_audit
from projections.auditor import export_read_model
from projections.facts import FACTS
from projections.metrics import quality_metrics
from projections.read_store import SQLiteReadModelStore
from projections.runner import ReadModelRunner
from projections.settings import DEFAULT_SETTINGS
from projections.timeline import timeline
from projections.watch import deadline_watch
from tests.domain.test_rules_objections import ACCOUNT, CAR, FLAT
from tests.projections.legacy import CLERK as LEGACY_CLERK
from tests.projections.legacy import JUDGE as LEGACY_JUDGE
from tests.projections.legacy import NOW, LegacyCase
from tests.support import CLERK, JUDGE, NUMBER, Driver, new_app

FILED = date(2026, 2, 2)


def _objections(d: Driver) -> None:
    """OB-1 to the freeze of acct-1, upheld a day late (03-18) and released; OB-2 to the seal of
    flat-1, rejected in time; CL-1 to car-1 rejected in time and served 04-01; CL-2 to flat-1
    upheld in time and served 04-01; OB-3 to the seizure of car-1 received 04-01, unanswered."""
    d.file(FILED, principal="1000000.00")
    d.send("IssueNotice", FILED, CLERK, issued_on=FILED, report_due_on=date(2026, 2, 12))
    for asset in (FLAT, CAR, ACCOUNT):
        d.send("RegisterAsset", FILED, asset=asset, found_on=FILED)
    on = date(2026, 2, 3)
    for asset_id, measure, amount, expires in (
            ("acct-1", ControlMeasure.FREEZE, "100000.00", date(2027, 2, 3)),
            ("flat-1", ControlMeasure.SEAL, "600000.00", date(2029, 2, 3)),
            ("car-1", ControlMeasure.SEIZE, "200000.00", date(2028, 2, 3))):
        d.send("ControlAsset", on, asset_id=asset_id, measure=measure, amount=Decimal(amount),
               effective_on=on, expires_on=expires)
    received = date(2026, 3, 2)
    for oid, asset_id in (("OB-1", "acct-1"), ("OB-2", "flat-1")):
        d.send("RecordObjection", received, CLERK, objection_id=oid, objector="李四",
               standing="party", act="control", asset_id=asset_id, grounds="控制超出必要限度",
               received_on=received)
    for oid, asset_id, who in (("CL-1", "car-1", "王五"), ("CL-2", "flat-1", "赵六")):
        d.send("RecordOutsiderClaim", received, CLERK, objection_id=oid, claimant=who,
               asset_id=asset_id, grounds="该财产系案外人所有", received_on=received)
    d.send("RuleOnObjection", date(2026, 3, 10), JUDGE, objection_id="OB-2",
           outcome="rejected", ruled_on=date(2026, 3, 10), served_on=date(2026, 3, 10))
    d.send("RuleOnObjection", date(2026, 3, 16), JUDGE, objection_id="CL-1",
           outcome="rejected", ruled_on=date(2026, 3, 16))
    d.send("RuleOnObjection", date(2026, 3, 16), JUDGE, objection_id="CL-2",
           outcome="upheld", ruled_on=date(2026, 3, 16))
    d.send("RuleOnObjection", date(2026, 3, 18), JUDGE, objection_id="OB-1", outcome="upheld",
           ruled_on=date(2026, 3, 18), served_on=date(2026, 3, 18))
    d.send("ReleaseControl", date(2026, 3, 18), JUDGE, asset_id="acct-1",
           released_on=date(2026, 3, 18), reason="异议成立", objection_id="OB-1")
    served = date(2026, 4, 1)
    for oid in ("CL-1", "CL-2"):
        d.send("RecordObjectionService", served, CLERK, objection_id=oid, served_on=served)
    d.send("RecordObjection", served, CLERK, objection_id="OB-3", objector="李四",
           standing="party", act="control", asset_id="car-1", grounds="扣押车辆系营运工具",
           received_on=served)


@pytest.fixture
def live(views: SQLiteReadModelStore) -> EnforcementCases:
    app = new_app()
    _objections(Driver(app))
    ReadModelRunner(app, views, page_size=7).catch_up()
    return app


def test_the_facts_hold_each_objection_and_claim(live: EnforcementCases,
                                                 views: SQLiteReadModelStore) -> None:
    (raw,) = views.query("SELECT facts FROM case_facts")
    facts = FACTS.validate_json(raw[0])
    got = {oid: (o.kind, o.asset_id, o.outcome, o.late, o.served_on, o.revoked_on)
           for oid, o in facts.objections.items()}
    assert got == {
        "OB-1": ("act", "acct-1", "upheld", True, date(2026, 3, 18), date(2026, 3, 18)),
        "OB-2": ("act", "flat-1", "rejected", False, date(2026, 3, 10), None),
        "CL-1": ("claim", "car-1", "rejected", False, date(2026, 4, 1), None),
        "CL-2": ("claim", "flat-1", "upheld", False, date(2026, 4, 1), None),
        "OB-3": ("act", "car-1", None, False, None, None)}


def test_the_timeline_carries_them(live: EnforcementCases, views: SQLiteReadModelStore) -> None:
    kinds = ("ObjectionReceived", "OutsiderClaimReceived", "ObjectionRuled",
             "ObjectionRulingServed", "ControlReleased")
    entries = timeline(views, case_number=NUMBER, kinds=kinds)
    assert [(e.kind, e.details.get("objection_id")) for e in entries] == [
        ("ObjectionReceived", "OB-1"), ("ObjectionReceived", "OB-2"),
        ("OutsiderClaimReceived", "CL-1"), ("OutsiderClaimReceived", "CL-2"),
        ("ObjectionRuled", "OB-2"), ("ObjectionRuled", "CL-1"), ("ObjectionRuled", "CL-2"),
        ("ObjectionRuled", "OB-1"), ("ControlReleased", "OB-1"),
        ("ObjectionRulingServed", "CL-1"), ("ObjectionRulingServed", "CL-2"),
        ("ObjectionReceived", "OB-3")]
    late = next(e for e in entries if e.kind == "ObjectionRuled"
                and e.details["objection_id"] == "OB-1")
    assert (late.details["late"], late.details["due_on"], late.role) == (
        True, "2026-03-17", "judge")


def test_the_deadline_watch_lists_examinations_suit_windows_and_releases(
        live: EnforcementCases, views: SQLiteReadModelStore) -> None:
    kinds = {"objection", "objection_suit_window", "claim_release"}
    items = [(i.watch, i.subject, i.due_on, i.days_left, i.source)
             for i in deadline_watch(views, date(2026, 4, 10), 30) if i.watch in kinds]
    assert items == [
        ("objection", "objection OB-3 to the control of car-1 not ruled on", date(2026, 4, 16),
         6, "民诉法 art.236; 民诉法 art.238"),
        ("objection_suit_window", "last day to sue about car-1 (claim CL-1); then its disposal "
         "proceeds", date(2026, 4, 16), 6, "民诉法 art.238"),
        ("objection_suit_window", "last day to sue about flat-1 (claim CL-2); then it is "
         "released", date(2026, 4, 16), 6, "民诉法 art.238"),
        ("claim_release", "release flat-1 (outsider's claim CL-2)", date(2026, 4, 23), 13,
         "民诉法解释 art.314")]
    overdue = [(i.watch, i.days_left) for i in deadline_watch(views, date(2026, 4, 20), 3)
               if i.watch in kinds]
    assert overdue == [("objection", -4), ("claim_release", 3)]


def test_the_watch_flags_their_dates_beyond_the_holiday_calendar(
        live: EnforcementCases, views: SQLiteReadModelStore) -> None:
    """The examination's 15 days, the days to sue and a release counted from them run over the
    holiday calendar (民诉法 art.85): in a year it does not cover they are flagged
    (docs/rules.md §1.14)."""
    kinds = {"objection", "objection_suit_window", "claim_release"}
    calendar = DEFAULT_SETTINGS.calendar.model_copy(update={"years": frozenset({2025})})
    only_2025 = DEFAULT_SETTINGS.model_copy(update={"calendar": calendar})
    flagged = [(i.watch, i.beyond_calendar) for i in deadline_watch(
        views, date(2026, 4, 10), 30, settings=only_2025) if i.watch in kinds]
    assert flagged == [("objection", True), ("objection_suit_window", True),
                       ("objection_suit_window", True), ("claim_release", True)]
    assert not any(i.beyond_calendar for i in deadline_watch(views, date(2026, 4, 10), 30))


def test_objection_timeliness_counts_the_rulings_in_the_period(live: EnforcementCases,
                                                                 views: SQLiteReadModelStore
                                                                 ) -> None:
    (m,) = quality_metrics(views, date(2026, 1, 1), date(2026, 12, 31))
    assert (m.objections_answered, m.objections_on_time) == (4, 3)  # OB-1 a day late
    assert m.rates()["异议审查及时率"] == Decimal("75.0")
    (march,) = quality_metrics(views, date(2026, 3, 17), date(2026, 3, 31))
    assert (march.objections_answered, march.rates()["异议审查及时率"]) == (1, Decimal("0.0"))


def test_the_audit_finds_an_unanswered_objection_and_an_asset_under_claim(
        views: SQLiteReadModelStore) -> None:
    """An imported 终本 (the aggregate would refuse it): the debtor's objection to the
    restriction never ruled on, an outsider's claim to the sealed flat rejected but its 15 days
    to sue still running at the ruling."""
    c = LegacyCase("(2018)甘0402执9号", date(2018, 3, 1)).notice().report().inquire().restrict()
    c.found("flat-9", "real_estate", 300_000, source="real_estate")
    on = c.next()
    c.add("AssetControlled", on, asset_id="flat-9", measure="seal", amount="300000.00",
          effective_on=on, expires_on=date(2021, 3, 1), queue_position=0)
    c.add("OutsiderClaimReceived", date(2018, 6, 1), LEGACY_CLERK, objection_id="CL-9",
          claimant="王五", asset_id="flat-9", grounds="案外人已购买", received_on="2018-06-01",
          due_on="2018-06-19")
    c.add("ObjectionRuled", date(2018, 6, 15), LEGACY_JUDGE, objection_id="CL-9",
          outcome="rejected", ruled_on="2018-06-15", due_on="2018-06-19", late=False,
          served_on="2018-06-29")
    c.add("ObjectionReceived", date(2018, 6, 20), LEGACY_CLERK, objection_id="OB-9",
          objector="李四", standing="party", act="restriction", asset_id=None, act_version=None,
          grounds="限制消费错误", received_on="2018-06-20", due_on="2018-07-05")
    c.hear(date(2018, 7, 1))
    c.terminate(date(2018, 7, 5)).serve()
    app = new_app()
    assert import_legacy(app, c.lines, NOW).events_written == len(c.lines)
    ReadModelRunner(app, views).catch_up()
    (audited,) = termination_audit(views)
    assert audited.label == "误报结"
    found = {(f.category, f.code, f.subject, f.source) for f in audited.findings}
    assert {
        ("substantive", "termination.objection_unanswered", "OB-9",
         "民诉法 art.236; docs/rules.md §7.3"),
        ("misreport", "misreport.asset_under_claim", "flat-9",
         "民诉法 art.238; 终本规定 art.1(3); docs/rules.md §7.3"),
    } <= found
    claim = next(f for f in audited.findings if f.code == "misreport.asset_under_claim")
    assert claim.message == ("asset flat-9 was under the outsider's claim CL-9: the 15 days to "
                             "sue ran until 2018-07-16")


def test_the_export_carries_them(live: EnforcementCases, views: SQLiteReadModelStore,
                                 tmp_path: Path) -> None:
    written = export_read_model(views, "deadline_watch", tmp_path, "json")
    rows = json.loads((tmp_path / "objections.json").read_text("utf-8"))
    assert written[tmp_path / "objections.json"] == len(rows) == 5
    assert {(r["objection_id"], r["kind"], r["late"]) for r in rows} == {
        ("OB-1", "act", 1), ("OB-2", "act", 0), ("OB-3", "act", 0), ("CL-1", "claim", 0),
        ("CL-2", "claim", 0)}
