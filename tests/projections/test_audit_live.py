"""The 终本 audit of live cases (they passed the aggregate's own check, the audit re-checks)."""

from __future__ import annotations

from datetime import date

from domain.application import EnforcementCases
from domain.rules import Channel, RuleSet
from projections.audit import AuditClass
from projections.audit_view import AuditedTermination, audit_summary, termination_audit
from projections.read_store import SQLiteReadModelStore
from projections.runner import ReadModelRunner
from tests.projections.dockets import Script, terminated
from tests.support import KEY, new_app


def _audit(app: EnforcementCases, views: SQLiteReadModelStore) -> dict[str, AuditedTermination]:
    ReadModelRunner(app, views, page_size=5).catch_up()
    return {a.case_number: a for a in termination_audit(views)}


def _reasons(audited: AuditedTermination) -> list[tuple[str, str, str]]:
    return [(f.category, f.code, f.subject) for f in audited.findings]


def test_a_termination_with_every_condition_and_record_is_compliant(
        views: SQLiteReadModelStore) -> None:
    app = new_app()
    terminated(app, "(2026)甘0402执201号")
    audited = _audit(app, views)["(2026)甘0402执201号"]
    assert (audited.audit_class, audited.label, audited.findings) == \
        (AuditClass.COMPLIANT, "合规", [])
    assert (audited.ruled_on, audited.via, audited.imported) == (date(2026, 5, 10), "ruling", False)


def test_an_unserved_ruling_is_pending_until_its_service_is_recorded(
        views: SQLiteReadModelStore) -> None:
    app = new_app()
    script = terminated(app, "(2026)甘0402执202号", serve=False)
    audited = _audit(app, views)["(2026)甘0402执202号"]
    assert (audited.audit_class, audited.label) == (AuditClass.PENDING, "待完善")
    assert _reasons(audited) == [("procedural", "procedure.ruling_not_served", "")]
    assert audited.findings[0].source == "docs/rules.md §2 (service of the 终本 ruling)"

    served = script.at(after=5)
    script.send("RecordTerminationService", served, served_on=served)
    assert _audit(app, views)["(2026)甘0402执202号"].audit_class is AuditClass.COMPLIANT


def test_a_court_configured_with_fewer_channels_is_non_compliant_by_the_audit_rules(
        views: SQLiteReadModelStore) -> None:
    lax = EnforcementCases.in_memory(chain_key=KEY, rules=RuleSet(
        required_channels=frozenset({Channel.DEPOSITS})))
    s = Script(lax, "(2026)甘0402执203号").notice().report().inquire(Channel.DEPOSITS).restrict()
    s.terminate(date(2026, 5, 20))
    audited = _audit(lax, views)["(2026)甘0402执203号"]
    assert (audited.audit_class, audited.label) == (AuditClass.NON_COMPLIANT, "不合规")
    assert _reasons(audited) == [
        ("substantive", "termination.channel_not_queried", "real_estate"),
        ("substantive", "termination.channel_not_queried", "securities"),
        ("substantive", "termination.channel_not_queried", "vehicles")]
    assert {f.source for f in audited.findings} == {"终本规定 art.1(3); 终本规定 art.3"}


def test_the_summary_counts_every_class(views: SQLiteReadModelStore) -> None:
    app = new_app()
    terminated(app, "(2026)甘0402执205号")
    terminated(app, "(2026)甘0402执206号", serve=False)
    Script(app, "(2026)甘0402执207号", principal="5000.00").notice().funds("5000.00").conclude()
    _audit(app, views)
    assert audit_summary(views) == {AuditClass.COMPLIANT: 1, AuditClass.NON_COMPLIANT: 0,
                                    AuditClass.PENDING: 1, AuditClass.MISREPORTED: 0}
    assert [a.case_number for a in termination_audit(views, classes=[AuditClass.PENDING])] == \
        ["(2026)甘0402执206号"]
