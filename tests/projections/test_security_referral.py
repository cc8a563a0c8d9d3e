"""Security, postponement and 拒执罪 referral in the read models (docs/rules.md §§8, 9): the facts,
the 终本 audit finding for a referral called for and absent (an imported history: the aggregate
refuses such a 终本), the deadline watch of a postponement's end, the timeline."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from domain.legacy_import import import_legacy
from domain.models import PostponementEnd, SecurityForm, SecurityProvider
from projections.audit import AuditClass
from projections.audit_view import termination_audit
from projections.evidence import apply
from projections.read_store import SQLiteReadModelStore
from projections.runner import ReadModelRunner
from projections.settings import DEFAULT_SETTINGS
from projections.timeline import timeline
from projections.watch import deadline_watch
from tests.projections.legacy import JUDGE, NOW, LegacyCase
from tests.support import CLERK, NUMBER, OFFICER, SYSTEM, Driver, new_app
from tests.support import JUDGE as JUDGE_ACTOR

GUARANTOR = {"name": "王五", "kind": "person",
             "document": {"type": "resident_id", "number": "620402197505050014"}}


def _found_and_not_referred(referred: bool) -> LegacyCase:
    """A compliant 终本 except that the court found the debtor's conduct calls for criminal
    proceedings (after a sanctioned obstruction) and — unless ``referred`` — none were started."""
    number = "(2018)甘0402执7号" if referred else "(2018)甘0402执6号"
    c = LegacyCase(number, date(2018, 3, 1)).notice().report().inquire().restrict()
    on = c.next()
    c.add("ObstructionRecorded", on, occurred_on=on, description="阻挠查封")
    on = c.next()
    c.add("FineImposed", on, amount="10000.00", imposed_on=on, subject="李四",
          approval={"approver_id": "president-1", "role": "president",
                    "approved_on": on.isoformat()})
    c.add("DebtorListedDishonest", on, ground="obstruction", listed_on=on,
          until=date(2020, 3, 20), approval={"approver_id": "president-1", "role": "president",
                                             "approved_on": on.isoformat()})
    on = c.next()
    c.add("RefusalToEnforceFound", on, JUDGE, found_on=on, conduct="转移财产, 经罚款仍拒不履行")
    if referred:
        on = c.next()
        c.add("RefusalToEnforceReferred", on, JUDGE, referral_id="R1", route="court_transfer",
              referred_on=on, subject="李四", facts="转移财产")
    c.hear(date(2018, 6, 25))
    return c.terminate(date(2018, 7, 1)).serve()


def test_a_termination_without_the_referral_the_court_found_necessary_is_non_compliant(
        views: SQLiteReadModelStore) -> None:
    app = new_app()
    lines = [line for case in (_found_and_not_referred(False), _found_and_not_referred(True))
             for line in case.lines]
    import_legacy(app, lines, NOW)
    ReadModelRunner(app, views).catch_up()
    audited = {a.case_number: a for a in termination_audit(views, imported=True)}
    missing = audited["(2018)甘0402执6号"]
    assert (missing.audit_class, missing.label) == (AuditClass.NON_COMPLIANT, "不合规")
    assert [(f.category, f.code, f.source) for f in missing.findings] == [
        ("substantive", "termination.referral_missing",
         "终本规定 art.1(5); 刑法 art.313; 刑法313解释")]
    assert "2018-03-" in missing.findings[0].message
    referred = audited["(2018)甘0402执7号"]
    assert (referred.audit_class, referred.findings) == (AuditClass.COMPLIANT, [])


def test_a_termination_leaving_an_ended_postponements_security_unenforced_is_non_compliant(
        views: SQLiteReadModelStore) -> None:
    c = LegacyCase("(2018)甘0402执8号", date(2018, 3, 1))
    on = c.next()
    c.add("SecurityRecorded", on, security_id="S1", form="guarantee", provider="third_party",
          provider_name="王五", guarantor=GUARANTOR, amount="60000.00", secured_property=None,
          security_months=12, applicant_consents=True, given_on=on)
    c.add("EnforcementPostponed", on, JUDGE, decided_on=on, until=date(2018, 4, 2),
          security_ids=["S1"])
    c.add("PostponementEnded", date(2018, 4, 3), JUDGE, ended_on=date(2018, 4, 3),
          cause="period_ended")
    c.compliant_termination()
    app = new_app()
    import_legacy(app, c.lines, NOW)
    ReadModelRunner(app, views).catch_up()
    [audited] = termination_audit(views, imported=True)
    assert audited.audit_class is AuditClass.NON_COMPLIANT
    assert [(f.code, f.subject, f.source) for f in audited.findings] == [
        ("termination.security_unenforced", "S1",
         "终本规定 art.1(3); 民诉法 art.242; 民诉法解释 art.469; 执行担保规定 art.11")]


def _postponed_case() -> tuple[Driver, date]:
    app = new_app()
    d = Driver(app)
    d.file(date(2026, 1, 10), principal="100000.00")
    d.send("IssueNotice", date(2026, 1, 12), CLERK, issued_on=date(2026, 1, 12),
           report_due_on=date(2026, 1, 22))
    d.send("RecordSecurity", date(2026, 3, 10), OFFICER, security_id="S1",
           form=SecurityForm.GUARANTEE, provider=SecurityProvider.THIRD_PARTY,
           guarantor=GUARANTOR, amount=Decimal("60000.00"), applicant_consents=True,
           given_on=date(2026, 3, 10))
    until = date(2026, 9, 10)
    d.send("PostponeEnforcement", date(2026, 3, 10), JUDGE_ACTOR, decided_on=date(2026, 3, 10),
           until=until, security_ids=("S1",))
    return d, until


def test_the_watch_lists_a_postponements_end_and_the_facts_follow_it(
        views: SQLiteReadModelStore) -> None:
    d, until = _postponed_case()
    runner = ReadModelRunner(d.app, views)
    runner.catch_up()
    items = [(i.watch, i.case_number, i.due_on, i.days_left, i.source)
             for i in deadline_watch(views, date(2026, 9, 1), within_days=30)
             if i.watch == "postponement_end"]
    assert items == [("postponement_end", NUMBER, date(2026, 9, 11), 10,
                      "民诉法解释 art.467; 执行担保规定 art.10")]
    assert not [i for i in deadline_watch(views, date(2026, 8, 1), within_days=30)
                if i.watch == "postponement_end"]
    d.send("EndPostponement", date(2026, 9, 11), SYSTEM, ended_on=date(2026, 9, 11),
           cause=PostponementEnd.PERIOD_ENDED)
    d.send("RuleAgainstSecurity", date(2026, 9, 14), JUDGE_ACTOR, security_id="S1",
           ruled_on=date(2026, 9, 14))
    d.send("CollectFromSecurity", date(2026, 9, 20), OFFICER, security_id="S1",
           amount=Decimal("60000.00"), collected_on=date(2026, 9, 20))
    runner.catch_up()
    assert not [i for i in deadline_watch(views, date(2026, 9, 1), within_days=30)
                if i.watch == "postponement_end"]
    kinds = [e.kind for e in timeline(views, case_number=NUMBER)]
    assert kinds[-6:] == ["SecurityRecorded", "EnforcementPostponed", "PostponementEnded",
                          "SecurityEnforcementRuled", "SecurityCollected", "FundsReceived"]
    collected = [e for e in timeline(views, case_number=NUMBER)
                 if e.kind == "SecurityCollected"]
    assert collected[0].amount == Decimal("60000.00")

    facts = None
    for event in d.app.case_events(NUMBER):
        facts = apply(facts, event, DEFAULT_SETTINGS)
    assert facts is not None
    assert facts.securities["S1"].provider_name == "王五"
    assert facts.securities["S1"].collected == Decimal("60000.00")
    assert facts.securities["S1"].ruled_on == date(2026, 9, 14)
    assert [(p.until, p.ended_on, p.cause) for p in facts.postponements] == [
        (until, until + timedelta(days=1), "period_ended")]
    assert [(p.kind, p.start, p.end) for p in facts.periods] == [
        ("suspension", date(2026, 3, 10), date(2026, 9, 11))]  # not counted (审限规定 art.9)
    assert facts.received == Decimal("60000.00")
