"""The seven rule defects of issue 13 ("found tried as a new user would"), one boundary each:
literal values, the rule's source asserted in the refusal, nothing written on refusal.

Each test failed before its fix (docs/rules.md §1.15 lists the defects and their fixes)."""

from __future__ import annotations

import hashlib
import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from domain import commands as c
from domain import events as ev
from domain import rules as r
from domain.calendar import CalendarFileError, HolidayCalendar
from domain.case import CommandResult, fingerprint
from domain.models import (
    ApprovalMode,
    AssetFinding,
    ClosureMode,
    ControlMeasure,
    DishonestGround,
    PriceMethod,
)
from domain.rules import AssetKind
from domain.state import ControlStatus
from domain.values import Party, PartyKind, ResidentId
from tests.domain.test_rules_termination import RULING, _ready
from tests.support import (
    CLERK,
    COMPANY,
    DEBTOR,
    JUDGE,
    NUMBER,
    OFFICER,
    Driver,
    at,
    new_app,
    refuses,
)

MINOR = Party(name="赵六", kind=PartyKind.PERSON,
              document=ResidentId(number="620402200803160013"))  # born 2008-03-16
CHILD = Party(name="赵七", kind=PartyKind.PERSON,
              document=ResidentId(number="620402201005010023"))  # born 2010-05-01


def terminate(d: Driver, on: date) -> Any:
    return d.send("TerminateCurrentProcedure", on, JUDGE, ruled_on=on, ruling_number=RULING,
                  approval_mode=ApprovalMode.APPLICANT_SIGNED)


# --- 1. a report breach is sanctioned by 罚款、拘留, not by a 失信 listing alone -------------------

@pytest.mark.parametrize("report", ["refused", "false"])
def test_a_report_breach_met_only_by_a_dishonest_listing_does_not_allow_termination(
        report: str) -> None:
    _, d = _ready(report=report)  # reported 2026-01-20, everything else ready by 04-11
    d.send("ListDishonest", date(2026, 4, 9), ground=DishonestGround.REPORT_VIOLATION,
           listed_on=date(2026, 4, 9), approved=date(2026, 4, 9))
    message = refuses(d, "termination.report_breach_unsanctioned", "终本规定 art.2(3)",
                      "TerminateCurrentProcedure", date(2026, 4, 15), actor=JUDGE,
                      ruled_on=date(2026, 4, 15), ruling_number=RULING,
                      approval_mode=ApprovalMode.APPLICANT_SIGNED)
    assert "罚款" in message and "失信" in message
    d.send("ImposeFine", date(2026, 4, 14), amount=Decimal("10000.00"),
           imposed_on=date(2026, 4, 14), subject="李四", subject_kind=PartyKind.PERSON,
           approved=date(2026, 4, 14))
    assert terminate(d, date(2026, 4, 15)).events == ("CurrentProcedureTerminated",)


def test_a_late_report_is_sanctioned_by_a_detention_as_well() -> None:
    _, d = _ready(report=None)
    d.send("RecordPropertyReport", date(2026, 5, 4), CLERK, status="filed",
           reported_on=date(2026, 5, 4))  # due 04-30: late
    d.send("ListDishonest", date(2026, 5, 5), ground=DishonestGround.REPORT_VIOLATION,
           listed_on=date(2026, 5, 5), approved=date(2026, 5, 5))
    refuses(d, "termination.report_breach_unsanctioned", "终本规定 art.2(3)",
            "TerminateCurrentProcedure", date(2026, 5, 6), actor=JUDGE,
            ruled_on=date(2026, 5, 6), ruling_number=RULING,
            approval_mode=ApprovalMode.APPLICANT_SIGNED)
    d.send("OrderDetention", date(2026, 5, 6), days=5, ordered_on=date(2026, 5, 6),
           subject="李四", approved=date(2026, 5, 6))
    assert terminate(d, date(2026, 5, 6)).events == ("CurrentProcedureTerminated",)


# --- 2. a minor among the respondents protects the minor only ---------------------------------

def _report_refused(*respondents: Party) -> tuple[Any, Driver]:
    """A ¥1,000,000.00 case against ``respondents``, filed 2026-01-10, notice 2026-01-12
    (performance at once), the report refused on 01-20."""
    app = new_app()
    d = Driver(app)
    d.file(date(2026, 1, 10), respondents=respondents)
    d.send("IssueNotice", date(2026, 1, 12), CLERK, issued_on=date(2026, 1, 12),
           report_due_on=date(2026, 1, 22))
    d.send("RecordPropertyReport", date(2026, 1, 20), CLERK, status="refused",
           reported_on=date(2026, 1, 20))
    return app, d


def _with_minor() -> tuple[Any, Driver]:
    """Against 李四 (adult) and 赵六 (born 2008-03-16)."""
    return _report_refused(DEBTOR, MINOR)


def test_the_adult_co_debtor_is_listed_by_name_while_the_minor_is_not() -> None:
    app, d = _with_minor()
    message = refuses(d, "dishonest.minor", "失信规定 art.4", "ListDishonest", date(2026, 3, 2),
                      ground=DishonestGround.REPORT_VIOLATION, listed_on=date(2026, 3, 2),
                      approved=date(2026, 3, 2))  # no respondent named: every respondent
    assert "赵六" in message and "respondent" in message
    refuses(d, "dishonest.minor", "失信规定 art.4", "ListDishonest", date(2026, 3, 2),
            ground=DishonestGround.REPORT_VIOLATION, listed_on=date(2026, 3, 2),
            respondent="赵六", approved=date(2026, 3, 2))
    refuses(d, "dishonest.respondent_unknown", r.SRC_ENGINE, "ListDishonest", date(2026, 3, 2),
            ground=DishonestGround.REPORT_VIOLATION, listed_on=date(2026, 3, 2),
            respondent="王五", approved=date(2026, 3, 2))
    result = d.send("ListDishonest", date(2026, 3, 2), ground=DishonestGround.REPORT_VIOLATION,
                    listed_on=date(2026, 3, 2), respondent="李四", approved=date(2026, 3, 2))
    assert result.events == ("DebtorListedDishonest",)
    listing = app.case_events(NUMBER)[-1]
    assert isinstance(listing, ev.DebtorListedDishonest) and listing.respondent == "李四"
    entry = app.get_case(NUMBER).dishonest[0]
    assert (entry.respondent, entry.until) == ("李四", date(2028, 3, 2))
    refuses(d, "dishonest.already_listed", "失信规定 art.2", "ListDishonest", date(2026, 3, 3),
            ground=DishonestGround.REPORT_VIOLATION, listed_on=date(2026, 3, 3),
            respondent="李四", approved=date(2026, 3, 3))


def test_the_minor_turning_eighteen_is_listed_from_that_day() -> None:
    _, d = _with_minor()
    refuses(d, "dishonest.minor", "失信规定 art.4", "ListDishonest", date(2026, 3, 15),
            ground=DishonestGround.REPORT_VIOLATION, listed_on=date(2026, 3, 15),
            respondent="620402200803160013", approved=date(2026, 3, 15))  # by document number
    result = d.send("ListDishonest", date(2026, 3, 16), ground=DishonestGround.REPORT_VIOLATION,
                    listed_on=date(2026, 3, 16), respondent="620402200803160013",
                    approved=date(2026, 3, 16))
    assert result.events == ("DebtorListedDishonest",)


def test_termination_asks_for_the_adult_co_debtor_to_be_listed() -> None:
    """Before the fix the minor made the listing impossible, so 终本 passed without it."""
    _, d = _ready(report="refused", heard=False, respondents=(DEBTOR, CHILD))
    d.send("ImposeFine", date(2026, 4, 9), amount=Decimal("10000.00"),
           imposed_on=date(2026, 4, 9), subject="李四", subject_kind=PartyKind.PERSON,
           approved=date(2026, 4, 9))
    d.send("RecordApplicantHearing", date(2026, 4, 9), heard_on=date(2026, 4, 9),
           record="约谈笔录")
    message = refuses(d, "termination.dishonest_required",
                      "终本规定 art.1(2); 财产调查规定 art.10; 失信规定 art.1(4)",
                      "TerminateCurrentProcedure", date(2026, 4, 15), actor=JUDGE,
                      ruled_on=date(2026, 4, 15), ruling_number=RULING,
                      approval_mode=ApprovalMode.APPLICANT_SIGNED)
    assert "李四" in message and "赵七" not in message
    d.send("ListDishonest", date(2026, 4, 14), ground=DishonestGround.REPORT_VIOLATION,
           listed_on=date(2026, 4, 14), respondent="李四", approved=date(2026, 4, 14))
    assert terminate(d, date(2026, 4, 15)).events == ("CurrentProcedureTerminated",)


def test_listings_recorded_without_a_respondent_load_and_name_every_respondent() -> None:
    recorded = {"originator_id": "6f1c2d4e-0000-5000-8000-000000000001",
                "originator_version": 7, "recorded_at": "2026-03-02T18:00:00+08:00",
                "command_id": "x:7", "actor": {"id": "officer-1", "role": "officer"},
                "ground": "report_violation", "listed_on": "2026-03-02",
                "until": "2028-03-02",
                "approval": {"approver_id": "president-1", "role": "president",
                             "approved_on": "2026-03-02"}}
    listing = ev.DebtorListedDishonest.model_validate(recorded)
    assert listing.respondent is None  # every respondent, as before
    old = c.ListDishonest(case_number=NUMBER, command_id="k", actor=OFFICER,
                          recorded_at=at(date(2026, 3, 2)),
                          ground=DishonestGround.REPORT_VIOLATION, listed_on=date(2026, 3, 2),
                          approval_id="A1")
    body = json.loads(old.model_dump_json(exclude={"recorded_at"}))
    del body["respondent"]  # a command built before the field existed hashes as it did
    assert "respondent" not in json.dumps(body)
    assert fingerprint(old) == hashlib.sha256(
        old.__pydantic_serializer__.to_json(old, exclude={"recorded_at", "respondent"})
    ).hexdigest()[:32]


def test_an_upheld_objection_to_the_listing_deletes_each_respondents_entry() -> None:
    """Listings naming their respondents meet an objection (docs/rules.md §7.1): upheld, the
    deletion naming it ends every entry in force, 李四's and the company's, and the objection
    records its act revoked."""
    app, d = _report_refused(DEBTOR, COMPANY)
    for day, who in ((2, "李四"), (3, COMPANY.name)):
        d.send("ListDishonest", date(2026, 3, day), ground=DishonestGround.REPORT_VIOLATION,
               listed_on=date(2026, 3, day), respondent=who, approved=date(2026, 3, day))
    d.send("RecordObjection", date(2026, 3, 5), CLERK, objection_id="OB-1", objector=COMPANY.name,
           standing="party", act="dishonest", grounds="已如实申报财产", received_on=date(2026, 3, 5))
    d.send("RuleOnObjection", date(2026, 3, 12), JUDGE, objection_id="OB-1", outcome="upheld",
           ruled_on=date(2026, 3, 12))
    deleted = d.send("DeleteDishonestEntry", date(2026, 3, 12), deleted_on=date(2026, 3, 12),
                     reason="objection_upheld", objection_id="OB-1")
    assert deleted.events == ("DishonestEntryDeleted",)
    state = app.get_case(NUMBER)
    assert [(e.respondent, e.deleted_on) for e in state.dishonest] == [
        ("李四", date(2026, 3, 12)), (COMPANY.name, date(2026, 3, 12))]
    assert state.dishonest_active is None
    assert state.objections["OB-1"].revoked_on == date(2026, 3, 12)


# --- 3. delay interest on the part not yet performed, period by period -----------------------

def test_delay_interest_is_charged_on_what_is_left_after_a_part_payment() -> None:
    """¥100,000.00 due 2025-12-01; ¥40,000.00 paid 2026-01-30; assessed to 2026-03-01:
    60 days (12-02 … 01-30) × 100,000.00 × 0.000175 = 1,050.00, then 30 days (01-31 … 03-01)
    × 60,000.00 × 0.000175 = 315.00: 1,365.00 (the whole principal for 90 days: 1,575.00)."""
    d = Driver(new_app())
    d.file(date(2026, 1, 10), principal="100000.00", performance_deadline=date(2025, 12, 1))
    d.send("IssueNotice", date(2026, 1, 12), CLERK, issued_on=date(2026, 1, 12),
           report_due_on=date(2026, 1, 22))
    d.send("RecordFundsReceived", date(2026, 1, 30), CLERK, amount=Decimal("40000.00"),
           received_on=date(2026, 1, 30))
    d.send("AssessDelayInterest", date(2026, 3, 1), to_date=date(2026, 3, 1))
    case = d.app.get_case(NUMBER)
    assert (case.delay_interest, case.outstanding) == (Decimal("1365.00"), Decimal("61365.00"))
    assessed = d.app.case_events(NUMBER)[-1]
    assert isinstance(assessed, ev.DelayInterestAssessed)
    assert (assessed.amount, assessed.from_date, assessed.to_date) == (
        Decimal("1365.00"), date(2025, 12, 1), date(2026, 3, 1))


def test_delay_interest_periods_with_two_payments_and_claimed_interest_paid_first() -> None:
    """Principal ¥100,000.00 and ¥5,000.00 of interest claimed; ¥38,333.33 received 01-15
    (¥5,000.00 goes to the claimed interest first, 民法典 art.561), ¥20,000.00 transferred in
    lieu 02-10; doubled interest from 2025-12-01 to 2026-02-28."""
    periods = r.delay_interest_periods(
        principal=Decimal("100000.00"), interest=Decimal("5000.00"), fees=Decimal("0.00"),
        recoveries=((date(2026, 1, 15), Decimal("38333.33")),
                    (date(2026, 2, 10), Decimal("20000.00"))),
        start=date(2025, 12, 1), end=date(2026, 2, 28), rules=r.DEFAULT_RULES)
    assert [(p.first, p.last, p.base, p.days, p.amount) for p in periods] == [
        (date(2025, 12, 2), date(2026, 1, 15), Decimal("100000.00"), 45, Decimal("787.5")),
        (date(2026, 1, 16), date(2026, 2, 10), Decimal("66666.67"), 26,
         Decimal("303.33334850")),
        (date(2026, 2, 11), date(2026, 2, 28), Decimal("46666.67"), 18,
         Decimal("147.00001050")),
    ]
    assert r.delay_interest_total(periods) == Decimal("1237.83")  # 1,237.8333590 half up


def test_a_payment_on_the_last_day_of_the_assessment_still_bears_that_day() -> None:
    periods = r.delay_interest_periods(
        principal=Decimal("100000.00"), interest=Decimal("0.00"), fees=Decimal("0.00"),
        recoveries=((date(2026, 3, 1), Decimal("100000.00")),),
        start=date(2025, 12, 1), end=date(2026, 3, 1), rules=r.DEFAULT_RULES)
    assert r.delay_interest_total(periods) == Decimal("1575.00")  # 90 days, all of it owed


# --- 4. a late application is accepted; the debtor may object (民诉法解释 art.481) ----------------

def _late(d: Driver) -> CommandResult:
    """Applied and filed 2027-12-02: the 2-year period from 2025-12-01 ended 2027-12-01."""
    return d.file(date(2027, 12, 2), performance_deadline=date(2025, 12, 1))


def test_an_application_after_the_two_year_period_is_accepted_and_flagged() -> None:
    app = new_app()
    result = _late(Driver(app))
    assert result.events == ("CaseFiled",)
    filed = app.case_events(NUMBER)[0]
    assert isinstance(filed, ev.CaseFiled)
    assert (filed.application_period_passed, filed.application_period_ended_on) == (
        True, date(2027, 12, 1))
    state = app.get_case(NUMBER)
    assert (state.application_period_passed, state.limitation_objection) == (True, None)


def test_an_application_on_the_last_day_is_not_flagged() -> None:
    app = new_app()
    Driver(app).file(date(2027, 12, 1), performance_deadline=date(2025, 12, 1))
    assert app.get_case(NUMBER).application_period_passed is False


def test_an_upheld_limitation_objection_ends_the_case_as_not_enforced() -> None:
    app = new_app()
    d = Driver(app)
    _late(d)
    d.send("IssueNotice", date(2027, 12, 3), CLERK, issued_on=date(2027, 12, 3),
           report_due_on=date(2027, 12, 13))
    d.send("RegisterAsset", date(2027, 12, 6), asset=AssetFinding(
        asset_id="acct-1", kind=AssetKind.DEPOSIT, description="工商银行 账户 ****1234",
        value=Decimal("5000.00")), found_on=date(2027, 12, 6))
    d.send("ControlAsset", date(2027, 12, 6), asset_id="acct-1", measure=ControlMeasure.FREEZE,
           amount=Decimal("5000.00"), effective_on=date(2027, 12, 6),
           expires_on=date(2028, 12, 6))
    refuses(d, "limitation.no_objection", r.SRC_LIMITATION_OBJECTION,
            "RuleOnLimitationObjection", date(2027, 12, 8), actor=JUDGE,
            ruled_on=date(2027, 12, 8), upheld=True, reason="申请执行时效期间届满")
    raised = d.send("RaiseLimitationObjection", date(2027, 12, 7), CLERK,
                    raised_on=date(2027, 12, 7), grounds="申请执行时效已于2027-12-01届满")
    assert raised.events == ("LimitationObjectionRaised",)
    assert app.get_case(NUMBER).limitation_objection == "pending"
    refuses(d, "limitation.objection_pending", r.SRC_LIMITATION_OBJECTION,
            "RaiseLimitationObjection", date(2027, 12, 7), actor=CLERK,
            raised_on=date(2027, 12, 7), grounds="再次提出")
    ruled = d.send("RuleOnLimitationObjection", date(2027, 12, 20), JUDGE,
                   ruled_on=date(2027, 12, 20), upheld=True, reason="申请执行时效期间届满")
    assert ruled.events == ("LimitationObjectionRuled", "ControlReleased", "CaseClosed")
    state = app.get_case(NUMBER)
    assert (state.closure_mode, state.closed_on, state.limitation_objection) == (
        ClosureMode.NOT_ENFORCED, date(2027, 12, 20), "upheld")
    assert state.assets["acct-1"].control is ControlStatus.RELEASED
    closed = app.case_events(NUMBER)[-1]
    assert isinstance(closed, ev.CaseClosed) and closed.mode is ClosureMode.NOT_ENFORCED
    refuses(d, "case.closed", r.SRC_CLOSURE_MODES, "RecordNetworkInquiry", date(2027, 12, 21),
            channel="deposits", queried_on=date(2027, 12, 21))


def test_a_limitation_objection_is_not_upheld_within_the_period() -> None:
    app = new_app()
    d = Driver(app)
    d.file(date(2027, 12, 1), performance_deadline=date(2025, 12, 1))  # the last day
    d.send("RaiseLimitationObjection", date(2027, 12, 7), CLERK, raised_on=date(2027, 12, 7),
           grounds="申请执行时效已届满")
    message = refuses(d, "limitation.period_not_passed",
                      "民诉法 art.250; 民诉法解释 art.481", "RuleOnLimitationObjection",
                      date(2027, 12, 20), actor=JUDGE, ruled_on=date(2027, 12, 20),
                      upheld=True, reason="申请执行时效期间届满")
    assert "2027-12-01" in message
    ruled = d.send("RuleOnLimitationObjection", date(2027, 12, 20), JUDGE,
                   ruled_on=date(2027, 12, 20), upheld=False, reason="未超过申请执行时效")
    assert ruled.events == ("LimitationObjectionRuled",)
    state = app.get_case(NUMBER)
    assert (state.closure_mode, state.limitation_objection) == (None, "rejected")


def test_a_rejected_objection_leaves_a_late_case_running() -> None:
    """The applicant showed an interruption of the period the record did not know."""
    app = new_app()
    d = Driver(app)
    _late(d)
    d.send("RaiseLimitationObjection", date(2027, 12, 7), CLERK, raised_on=date(2027, 12, 7),
           grounds="申请执行时效已届满")
    d.send("RuleOnLimitationObjection", date(2027, 12, 20), JUDGE, ruled_on=date(2027, 12, 20),
           upheld=False, reason="申请执行人举证时效中断")
    assert app.get_case(NUMBER).closure_mode is None


# --- 5. restriction and 失信 follow an unperformed notice --------------------------------------

def _filed() -> Driver:
    d = Driver(new_app())
    d.file(date(2026, 1, 10))
    return d


def test_restriction_and_listing_are_refused_before_any_notice() -> None:
    d = _filed()
    refuses(d, "restriction.no_notice", "限消规定 art.1", "RestrictConsumption",
            date(2026, 2, 2), issued_on=date(2026, 2, 2), approved=date(2026, 2, 2))
    refuses(d, "dishonest.no_notice", "失信规定 arts.1, 5", "ListDishonest", date(2026, 2, 2),
            ground=DishonestGround.ABLE_BUT_REFUSES, listed_on=date(2026, 2, 2),
            approved=date(2026, 2, 2))


def test_restriction_waits_until_the_notices_performance_period_has_passed() -> None:
    d = _filed()
    d.send("IssueNotice", date(2026, 1, 12), CLERK, issued_on=date(2026, 1, 12),
           report_due_on=date(2026, 1, 22), performance_due_on=date(2026, 1, 19))
    message = refuses(d, "restriction.notice_period_running", "限消规定 art.1",
                      "RestrictConsumption", date(2026, 1, 19), issued_on=date(2026, 1, 19),
                      approved=date(2026, 1, 19))
    assert "2026-01-19" in message
    refuses(d, "dishonest.notice_period_running", "失信规定 arts.1, 5", "ListDishonest",
            date(2026, 1, 19), ground=DishonestGround.ABLE_BUT_REFUSES,
            listed_on=date(2026, 1, 19), approved=date(2026, 1, 19))
    assert d.send("RestrictConsumption", date(2026, 1, 20), issued_on=date(2026, 1, 20),
                  approved=date(2026, 1, 20)).events == ("ConsumptionRestricted",)
    assert d.send("ListDishonest", date(2026, 1, 20), ground=DishonestGround.ABLE_BUT_REFUSES,
                  listed_on=date(2026, 1, 20), approved=date(2026, 1, 20)).events == (
        "DebtorListedDishonest",)


def test_a_notice_ordering_performance_at_once_allows_restriction_the_next_day() -> None:
    d = _filed()
    d.send("IssueNotice", date(2026, 1, 12), CLERK, issued_on=date(2026, 1, 12),
           report_due_on=date(2026, 1, 22))
    refuses(d, "restriction.notice_period_running", "限消规定 art.1", "RestrictConsumption",
            date(2026, 1, 12), issued_on=date(2026, 1, 12), approved=date(2026, 1, 12))
    assert d.send("RestrictConsumption", date(2026, 1, 13), issued_on=date(2026, 1, 13),
                  approved=date(2026, 1, 13)).events == ("ConsumptionRestricted",)


def test_restriction_is_refused_once_the_debt_is_performed() -> None:
    d = _filed()
    d.send("IssueNotice", date(2026, 1, 12), CLERK, issued_on=date(2026, 1, 12),
           report_due_on=date(2026, 1, 22))
    d.send("RecordFundsReceived", date(2026, 1, 15), CLERK, amount=Decimal("1000000.00"),
           received_on=date(2026, 1, 15))
    refuses(d, "restriction.performed", "限消规定 art.1", "RestrictConsumption",
            date(2026, 1, 20), issued_on=date(2026, 1, 20), approved=date(2026, 1, 20))


def test_a_performance_date_before_the_notice_is_refused() -> None:
    d = _filed()
    refuses(d, "notice.performance_due_invalid", "执行工作规定 art.22; 限消规定 art.1",
            "IssueNotice", date(2026, 1, 12), actor=CLERK, issued_on=date(2026, 1, 12),
            report_due_on=date(2026, 1, 22), performance_due_on=date(2026, 1, 11))


# --- 6. the holiday calendar: its years, a court's file over it --------------------------------

def test_the_shipped_calendar_knows_which_years_it_covers() -> None:
    calendar = HolidayCalendar.load(env={})
    assert calendar.known_years == frozenset({2025, 2026})
    assert calendar.covers(date(2026, 12, 31)) and not calendar.covers(date(2027, 1, 1))
    assert not calendar.covers(date(2024, 12, 31))


def test_a_courts_calendar_file_is_merged_over_the_shipped_one(tmp_path: Path) -> None:
    """Test data only (not an official calendar): a court's file for a year 2030."""
    court = tmp_path / "holidays-2030.json"
    court.write_text(json.dumps({"years": [2030], "holidays": ["2030-10-01", "2030-10-02"],
                                 "working_weekends": ["2030-09-29"]}), "utf-8")
    calendar = HolidayCalendar.load(env={"ENFORCEMENT_HOLIDAYS_FILE": str(court)})
    assert calendar.known_years == frozenset({2025, 2026, 2030})
    assert not calendar.is_working_day(date(2030, 10, 1))
    assert calendar.is_working_day(date(2030, 9, 29))  # a Sunday worked
    assert not calendar.is_working_day(date(2026, 10, 1))  # the shipped years stay
    assert calendar.period_end(date(2030, 9, 1), 30) == date(2030, 10, 3)


def test_a_courts_file_replaces_the_years_it_declares(tmp_path: Path) -> None:
    court = tmp_path / "holidays.json"
    court.write_text(json.dumps({"years": [2026], "holidays": ["2026-01-01"],
                                 "working_weekends": []}), "utf-8")
    calendar = HolidayCalendar.load(env={"ENFORCEMENT_HOLIDAYS_FILE": str(court)})
    assert calendar.is_working_day(date(2026, 10, 8))  # no longer the shipped National Day
    assert not calendar.is_working_day(date(2026, 1, 1))
    assert not calendar.is_working_day(date(2025, 10, 8))  # 2025 kept as shipped


@pytest.mark.parametrize(("content", "field"), [
    ({"years": [2030], "holidays": ["2031-01-01"], "working_weekends": []}, "holidays.0"),
    ({"years": [2030], "holidays": [], "working_weekends": ["2030-10-08"]},
     "working_weekends.0"),
    ({"years": [2030], "holidays": ["2030-13-01"], "working_weekends": []}, "holidays.0"),
    ({"years": [2030], "holiday": [], "working_weekends": []}, "holiday"),
    ({"years": [], "holidays": [], "working_weekends": []}, "years"),
])
def test_a_bad_calendar_file_is_refused_naming_the_field(tmp_path: Path, content: Any,
                                                          field: str) -> None:
    court = tmp_path / "bad.json"
    court.write_text(json.dumps(content), "utf-8")
    with pytest.raises(CalendarFileError) as bad:
        HolidayCalendar.load(env={"ENFORCEMENT_HOLIDAYS_FILE": str(court)})
    assert str(court) in str(bad.value) and field in str(bad.value)


def test_a_missing_calendar_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CalendarFileError, match="ENFORCEMENT_HOLIDAYS_FILE"):
        HolidayCalendar.load(env={"ENFORCEMENT_HOLIDAYS_FILE": str(tmp_path / "none.json")})


# --- 7. the reference price after its year (参考价规定 art.27) -----------------------------------

def _priced() -> Driver:
    """A car sealed 2026-02-02 to 2028-02-02, priced ¥1,000,000.00 on 2026-02-10 (valid to
    2027-02-10)."""
    d = Driver(new_app())
    d.file(date(2026, 1, 10))
    car = AssetFinding(asset_id="car-1", kind=AssetKind.VEHICLE, description="小型轿车 甘D·12345",
                       value=Decimal("1000000.00"))
    d.send("RegisterAsset", date(2026, 2, 2), asset=car, found_on=date(2026, 2, 2))
    d.send("ControlAsset", date(2026, 2, 2), asset_id="car-1", measure=ControlMeasure.SEIZE,
           amount=Decimal("1000000.00"), effective_on=date(2026, 2, 2),
           expires_on=date(2028, 2, 2))
    d.send("SetReferencePrice", date(2026, 2, 10), asset_id="car-1",
           method=PriceMethod.APPRAISAL, amount=Decimal("1000000.00"),
           requested_on=date(2026, 2, 3), determined_on=date(2026, 2, 10))
    return d


def _announcing(announced: date, opens: date, start: str) -> dict[str, Any]:
    """A round announced on ``announced``, bidding from ``opens`` 10:00 for 24 hours:
    AnnounceAuction's fields."""
    return {"asset_id": "car-1", "start_price": Decimal(start), "deposit": Decimal(start) / 10,
            "announced_on": announced, "opens_at": at(opens),
            "closes_at": at(opens) + timedelta(hours=24)}


def _round(d: Driver, announced: date, opens: date, start: str) -> Any:
    return d.send("AnnounceAuction", announced, **_announcing(announced, opens, start))


def _fail(d: Driver, opens: date) -> None:
    """No bid: the round that opened on ``opens`` closes failed a day later."""
    closes = at(opens + timedelta(days=1))
    d.send("CloseAuction", closes.date(), asset_id="car-1", closed_at=closes)


def test_a_re_auction_may_follow_after_the_price_lapsed() -> None:
    """Round 1 announced 2027-02-01 (within the year), failed 2027-02-17; its re-auction is
    announced 2027-02-20, after the price lapsed on 2027-02-10: it proceeds."""
    d = _priced()
    _round(d, date(2027, 2, 1), date(2027, 2, 16), "700000.00")
    _fail(d, date(2027, 2, 16))
    assert _round(d, date(2027, 2, 20), date(2027, 2, 27), "560000.00").events == (
        "AuctionAnnounced",)


def test_a_first_round_is_still_refused_once_the_price_lapsed() -> None:
    d = _priced()
    refuses(d, "auction.reference_price_expired", "参考价规定 art.27", "AnnounceAuction",
            date(2027, 2, 11), **_announcing(date(2027, 2, 11), date(2027, 2, 26), "700000.00"))


def test_an_auction_more_than_six_months_after_the_lapse_is_refused() -> None:
    d = _priced()
    refuses(d, "auction.reference_price_stale", "参考价规定 art.27", "AnnounceAuction",
            date(2027, 2, 10), **_announcing(date(2027, 2, 10), date(2027, 8, 11), "700000.00"))
    assert _round(d, date(2027, 2, 10), date(2027, 8, 10), "700000.00").events == (
        "AuctionAnnounced",)


def test_a_sale_more_than_six_months_after_the_lapse_is_refused() -> None:
    """Round 1 announced 2027-02-10 for 06-01 fails; round 2 for 06-12 fails on 06-13; the
    sale window runs 60 days, the price's grace ends 2027-08-10."""
    d = _priced()
    _round(d, date(2027, 2, 10), date(2027, 6, 1), "700000.00")
    _fail(d, date(2027, 6, 1))
    _round(d, date(2027, 6, 5), date(2027, 6, 12), "560000.00")
    _fail(d, date(2027, 6, 12))
    refuses(d, "sale.reference_price_stale", "参考价规定 art.27", "SellAsset",
            date(2027, 8, 11), asset_id="car-1", price=Decimal("560000.00"), buyer="buyer-1",
            sold_on=date(2027, 8, 11))
    assert d.send("SellAsset", date(2027, 8, 10), asset_id="car-1",
                  price=Decimal("560000.00"), buyer="buyer-1",
                  sold_on=date(2027, 8, 10)).events[0] == "AssetSold"


def test_verified_citations() -> None:
    """The duty to hear the applicant before 终本 (终本规定 art.5), the president's signature of
    a 失信 decision (失信规定 art.5) and of a restriction order (限消规定 art.5)."""
    from domain.approvals import RULES
    from domain.models import ApprovalMeasure
    assert r.SRC_TERMINATION_HEARING == "终本规定 art.5"
    assert RULES[ApprovalMeasure.DISHONEST].source == "失信规定 art.5"
    assert RULES[ApprovalMeasure.RESTRICTION].source == "限消规定 art.5"
    assert r.SRC_DISHONEST_APPROVAL == "失信规定 art.5"


def test_an_obstruction_listing_demanded_by_termination_cites_its_own_ground() -> None:
    _, d = _ready()
    d.send("RecordObstruction", date(2026, 4, 9), occurred_on=date(2026, 4, 9),
           description="被执行人阻挠查封")
    d.send("OrderDetention", date(2026, 4, 9), days=10, ordered_on=date(2026, 4, 9),
           subject="李四", approved=date(2026, 4, 9))
    refuses(d, "termination.dishonest_required", "终本规定 art.1(2); 失信规定 art.1(2)",
            "TerminateCurrentProcedure", date(2026, 4, 15), actor=JUDGE,
            ruled_on=date(2026, 4, 15), ruling_number=RULING,
            approval_mode=ApprovalMode.APPLICANT_SIGNED)
