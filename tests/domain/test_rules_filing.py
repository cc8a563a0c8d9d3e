"""Filing, notice, property report, delay interest, and the guards every command passes
(dates, business time, closed case, idempotency) — through ``app.execute`` only."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain.errors import CommandConflictError, RuleViolationError
from domain.models import Basis, BasisKind, CaseCategory, Claim, ClosureMode, ReportStatus
from domain.rules import Channel
from tests.support import APPLICANT, CLERK, DEBTOR, JUDGE, NUMBER, OFFICER, Driver, new_app, refuses

# A judgment to be performed by Monday 5 October 2024: two years later, 5 October 2026, falls in
# the National Day holiday (1-7 October 2026), so the period runs to Thursday 8 October 2026.
DUE_IN_HOLIDAY = Basis(kind=BasisKind.JUDGMENT, document_number="(2024)甘0402民初17号",
                       issued_by="甘肃省白银市白银区人民法院", effective_on=date(2024, 9, 20),
                       performance_deadline=date(2024, 10, 5))


# --- application period (民诉法 art.250) ----------------------------------------------------------

def test_accepts_application_on_the_last_day_of_the_two_year_period() -> None:
    d = Driver(new_app())
    d.file(date(2027, 12, 1), performance_deadline=date(2025, 12, 1))
    assert d.app.get_case(NUMBER).applied_on == date(2027, 12, 1)


def test_accepts_application_one_day_after_the_two_year_period_flagged() -> None:
    """The court accepts it; the debtor may object (民诉法解释 art.481, docs/rules.md §1.13)."""
    d = Driver(new_app())
    d.file(date(2027, 12, 2), performance_deadline=date(2025, 12, 1))
    case = d.app.get_case(NUMBER)
    assert (case.application_period_passed, case.application_period_ended_on) == (
        True, date(2027, 12, 1))


def test_application_period_ending_in_a_holiday_runs_to_the_next_working_day() -> None:
    d = Driver(new_app())
    d.send("FileCase", date(2026, 10, 8), CLERK, category=CaseCategory.LOAN,
           applicants=(APPLICANT,), respondents=(DEBTOR,), enforcement_basis=DUE_IN_HOLIDAY,
           claim=Claim(principal=Decimal("80000.00")), applied_on=date(2026, 10, 8),
           filed_on=date(2026, 10, 8))
    case = d.app.get_case(NUMBER)
    assert (case.applied_on, case.application_period_passed) == (date(2026, 10, 8), False)


def test_flags_application_the_day_after_the_holiday_rolled_last_day() -> None:
    d = Driver(new_app())
    d.send("FileCase", date(2026, 10, 9), CLERK, category=CaseCategory.LOAN,
           applicants=(APPLICANT,), respondents=(DEBTOR,), enforcement_basis=DUE_IN_HOLIDAY,
           claim=Claim(principal=Decimal("80000.00")), applied_on=date(2026, 10, 9),
           filed_on=date(2026, 10, 9))
    case = d.app.get_case(NUMBER)
    assert (case.application_period_passed, case.application_period_ended_on) == (
        True, date(2026, 10, 8))


def test_refuses_filing_under_a_resumed_case_number() -> None:
    d = Driver(new_app(), number="(2026)甘0402执恢5号")
    before = d.app.recorder.max_notification_id()
    with pytest.raises(RuleViolationError) as refused:
        d.file(date(2026, 3, 2))
    assert (refused.value.code, refused.value.source) == ("filing.resumed_number",
                                                          "终本规定 art.9")
    assert d.app.recorder.max_notification_id() == before


def test_refuses_filing_dated_after_the_business_date() -> None:
    d = Driver(new_app())
    refuses(d, "date.in_future", "engine invariant (docs/rules.md §5)", "FileCase", date(2026, 3, 2),
            CLERK, category=CaseCategory.LOAN, applicants=(APPLICANT,), respondents=(DEBTOR,),
            enforcement_basis=DUE_IN_HOLIDAY, claim=Claim(principal=Decimal("80000.00")),
            applied_on=date(2026, 3, 2), filed_on=date(2026, 3, 3))


# --- filing decision within 7 days (执行工作规定 art.16) --------------------------------------------

def test_filing_on_the_seventh_day_after_application_is_on_time() -> None:
    d = Driver(new_app())
    d.file(date(2026, 3, 9), applied_on=date(2026, 3, 2))
    assert d.app.case_events(NUMBER)[0].filing_late is False


def test_filing_on_the_eighth_day_after_application_is_flagged_late() -> None:
    d = Driver(new_app())
    d.file(date(2026, 3, 10), applied_on=date(2026, 3, 2))
    assert d.app.case_events(NUMBER)[0].filing_late is True


# --- notice and property-report order --------------------------------------------------------

def test_notice_on_the_tenth_day_after_application_is_on_time() -> None:
    d = Driver(new_app())
    d.file(date(2026, 3, 2))
    d.send("IssueNotice", date(2026, 3, 12), CLERK, issued_on=date(2026, 3, 12),
           report_due_on=date(2026, 3, 22))
    assert d.app.case_events(NUMBER)[-1].late is False


def test_notice_on_the_eleventh_day_after_application_is_flagged_late() -> None:
    d = Driver(new_app())
    d.file(date(2026, 3, 2))
    d.send("IssueNotice", date(2026, 3, 13), CLERK, issued_on=date(2026, 3, 13),
           report_due_on=date(2026, 3, 23))
    assert d.app.case_events(NUMBER)[-1].late is True


def test_refuses_notice_without_the_property_report_order() -> None:
    d = Driver(new_app())
    d.file(date(2026, 3, 2))
    refuses(d, "notice.report_order_required", "财产调查规定 art.3", "IssueNotice",
            date(2026, 3, 3), CLERK, issued_on=date(2026, 3, 3), report_order=False)


def test_refuses_report_order_due_on_the_notice_day() -> None:
    d = Driver(new_app())
    d.file(date(2026, 3, 2))
    refuses(d, "notice.report_due_invalid", "财产调查规定 art.3", "IssueNotice",
            date(2026, 3, 3), CLERK, issued_on=date(2026, 3, 3), report_due_on=date(2026, 3, 3))


def test_accepts_report_order_due_the_day_after_the_notice() -> None:
    d = Driver(new_app())
    d.file(date(2026, 3, 2))
    d.send("IssueNotice", date(2026, 3, 3), CLERK, issued_on=date(2026, 3, 3),
           report_due_on=date(2026, 3, 4))
    case = d.app.get_case(NUMBER)
    assert (case.report_ordered, case.report_due_on) == (True, date(2026, 3, 4))


def test_refuses_a_second_notice() -> None:
    d = Driver(new_app())
    d.file(date(2026, 3, 2))
    d.send("IssueNotice", date(2026, 3, 3), CLERK, issued_on=date(2026, 3, 3),
           report_due_on=date(2026, 3, 13))
    refuses(d, "notice.already_issued", "执行工作规定 art.22", "IssueNotice", date(2026, 3, 4),
            CLERK, issued_on=date(2026, 3, 4), report_due_on=date(2026, 3, 14))


# --- property report (财产调查规定 arts.3, 9, 10) -------------------------------------------------

def test_report_filed_on_its_due_date_is_filed() -> None:
    d = Driver(new_app())
    d.file(date(2026, 3, 2))
    d.send("IssueNotice", date(2026, 3, 3), CLERK, issued_on=date(2026, 3, 3),
           report_due_on=date(2026, 3, 13))
    d.send("RecordPropertyReport", date(2026, 3, 13), CLERK, status="filed",
           reported_on=date(2026, 3, 13))
    assert d.app.get_case(NUMBER).report_status is ReportStatus.FILED


def test_report_filed_the_day_after_its_due_date_is_late() -> None:
    d = Driver(new_app())
    d.file(date(2026, 3, 2))
    d.send("IssueNotice", date(2026, 3, 3), CLERK, issued_on=date(2026, 3, 3),
           report_due_on=date(2026, 3, 13))
    d.send("RecordPropertyReport", date(2026, 3, 14), CLERK, status="filed",
           reported_on=date(2026, 3, 14))
    assert d.app.get_case(NUMBER).report_status is ReportStatus.LATE


def test_records_a_refusal_to_report() -> None:
    d = Driver(new_app())
    d.file(date(2026, 3, 2))
    d.send("IssueNotice", date(2026, 3, 3), CLERK, issued_on=date(2026, 3, 3),
           report_due_on=date(2026, 3, 13))
    d.send("RecordPropertyReport", date(2026, 3, 10), OFFICER, status="refused",
           reported_on=date(2026, 3, 10))
    assert d.app.get_case(NUMBER).report_status is ReportStatus.REFUSED


def test_records_a_false_report() -> None:
    d = Driver(new_app())
    d.file(date(2026, 3, 2))
    d.send("IssueNotice", date(2026, 3, 3), CLERK, issued_on=date(2026, 3, 3),
           report_due_on=date(2026, 3, 13))
    d.send("RecordPropertyReport", date(2026, 3, 10), OFFICER, status="false",
           reported_on=date(2026, 3, 10))
    assert d.app.get_case(NUMBER).report_status is ReportStatus.FALSE


def test_refuses_a_report_before_any_report_order() -> None:
    d = Driver(new_app())
    d.file(date(2026, 3, 2))
    refuses(d, "report.not_ordered", "财产调查规定 art.3", "RecordPropertyReport",
            date(2026, 3, 5), CLERK, status="filed", reported_on=date(2026, 3, 5))


# --- double-rate delay interest (民诉法 art.264) ---------------------------------------------------

def test_assesses_delay_interest_at_one_point_seven_five_per_ten_thousand_a_day() -> None:
    d = Driver(new_app())
    d.file(date(2026, 1, 10), principal="100000.00", performance_deadline=date(2025, 12, 1))
    d.send("IssueNotice", date(2026, 1, 12), CLERK, issued_on=date(2026, 1, 12),
           report_due_on=date(2026, 1, 22))
    d.send("AssessDelayInterest", date(2026, 3, 1), to_date=date(2026, 3, 1))  # 90 days
    case = d.app.get_case(NUMBER)
    assert (case.delay_interest, case.outstanding) == (Decimal("1575.00"), Decimal("101575.00"))


def test_a_second_assessment_counts_from_the_end_of_the_first() -> None:
    d = Driver(new_app())
    d.file(date(2026, 1, 10), principal="100000.00", performance_deadline=date(2025, 12, 1))
    d.send("IssueNotice", date(2026, 1, 12), CLERK, issued_on=date(2026, 1, 12),
           report_due_on=date(2026, 1, 22))
    d.send("AssessDelayInterest", date(2026, 3, 1), to_date=date(2026, 3, 1))
    d.send("AssessDelayInterest", date(2026, 3, 31), to_date=date(2026, 3, 31))  # 30 more days
    assert d.app.get_case(NUMBER).delay_interest == Decimal("2100.00")


def test_refuses_delay_interest_adding_no_day() -> None:
    d = Driver(new_app())
    d.file(date(2026, 1, 10), principal="100000.00", performance_deadline=date(2025, 12, 1))
    d.send("IssueNotice", date(2026, 1, 12), CLERK, issued_on=date(2026, 1, 12),
           report_due_on=date(2026, 1, 22))
    d.send("AssessDelayInterest", date(2026, 3, 1), to_date=date(2026, 3, 1))
    refuses(d, "interest.period_empty", "民诉法 art.264; 迟延履行利息解释 art.1",
            "AssessDelayInterest", date(2026, 3, 1), to_date=date(2026, 3, 1))


def test_refuses_delay_interest_before_the_notice_that_warns_of_it() -> None:
    d = Driver(new_app())
    d.file(date(2026, 1, 10), principal="100000.00", performance_deadline=date(2025, 12, 1))
    refuses(d, "interest.no_notice", "民诉法 art.264; 迟延履行利息解释 art.1",
            "AssessDelayInterest", date(2026, 3, 1), to_date=date(2026, 3, 1))


# --- guards every command passes ---------------------------------------------------------------

def test_accepts_an_act_dated_on_the_filing_day() -> None:
    d = Driver(new_app())
    d.file(date(2026, 3, 2))
    d.send("RecordNetworkInquiry", date(2026, 3, 2), channel=Channel.DEPOSITS,
           queried_on=date(2026, 3, 2))
    assert d.app.get_case(NUMBER).channels_queried == {Channel.DEPOSITS: date(2026, 3, 2)}


def test_refuses_an_act_dated_before_filing() -> None:
    d = Driver(new_app())
    d.file(date(2026, 3, 2))
    refuses(d, "date.before_filing", "engine invariant (docs/rules.md §5)", "RecordNetworkInquiry",
            date(2026, 3, 2), channel=Channel.DEPOSITS, queried_on=date(2026, 3, 1))


def test_refuses_an_act_dated_after_the_business_date() -> None:
    d = Driver(new_app())
    d.file(date(2026, 3, 2))
    refuses(d, "date.in_future", "engine invariant (docs/rules.md §5)", "RecordNetworkInquiry",
            date(2026, 3, 5), channel=Channel.DEPOSITS, queried_on=date(2026, 3, 6))


def test_accepts_business_time_equal_to_the_last_recorded_act() -> None:
    d = Driver(new_app())
    d.file(date(2026, 3, 2))
    d.send("RecordNetworkInquiry", date(2026, 3, 5), channel=Channel.DEPOSITS,
           queried_on=date(2026, 3, 5), hour=11)
    d.send("RecordNetworkInquiry", date(2026, 3, 5), channel=Channel.VEHICLES,
           queried_on=date(2026, 3, 5), hour=11)
    assert d.app.get_case(NUMBER).version == 3


def test_refuses_business_time_going_backwards() -> None:
    d = Driver(new_app())
    d.file(date(2026, 3, 2))
    d.send("RecordNetworkInquiry", date(2026, 3, 5), channel=Channel.DEPOSITS,
           queried_on=date(2026, 3, 5), hour=11)
    refuses(d, "time.backwards", "engine invariant (docs/rules.md §5)", "RecordNetworkInquiry",
            date(2026, 3, 5), hour=10, channel=Channel.VEHICLES, queried_on=date(2026, 3, 5))


def test_refuses_any_act_on_a_closed_case() -> None:
    d = Driver(new_app())
    d.file(date(2026, 3, 2))
    d.send("CloseCase", date(2026, 3, 4), JUDGE, mode=ClosureMode.WITHDRAWN_FILING,
           closed_on=date(2026, 3, 4), reason="申请执行人撤回申请")
    refuses(d, "case.closed", "执行工作规定 art.64; 立案结案意见 arts.14-20", "IssueNotice",
            date(2026, 3, 5), CLERK, issued_on=date(2026, 3, 5), report_due_on=date(2026, 3, 15))


# --- idempotency (docs/design.md, Idempotency) ------------------------------------------------------

def test_repeated_command_id_writes_one_event_and_returns_the_same_versions() -> None:
    d = Driver(new_app())
    d.file(date(2026, 3, 2))
    first = d.send("IssueNotice", date(2026, 3, 3), CLERK, command_id="notice-1",
                   issued_on=date(2026, 3, 3), report_due_on=date(2026, 3, 13))
    before = d.app.recorder.max_notification_id()
    again = d.send("IssueNotice", date(2026, 3, 3), CLERK, command_id="notice-1",
                   issued_on=date(2026, 3, 3), report_due_on=date(2026, 3, 13))
    assert (again.duplicate, again.first_version, again.last_version) == (
        True, first.first_version, first.last_version)
    assert d.app.recorder.max_notification_id() == before
    assert [type(e).__name__ for e in d.app.case_events(NUMBER)] == ["CaseFiled", "NoticeIssued"]


def test_repeated_filing_command_is_a_no_op() -> None:
    d = Driver(new_app())
    d.file(date(2026, 3, 2), command_id="file-1")
    again = d.file(date(2026, 3, 2), command_id="file-1")
    assert (again.duplicate, again.first_version, again.last_version) == (True, 1, 1)
    assert d.app.recorder.max_notification_id() == 1


def test_reused_command_id_with_another_payload_is_a_conflict() -> None:
    d = Driver(new_app())
    d.file(date(2026, 3, 2))
    d.send("IssueNotice", date(2026, 3, 3), CLERK, command_id="notice-1",
           issued_on=date(2026, 3, 3), report_due_on=date(2026, 3, 13))
    before = d.app.recorder.max_notification_id()
    with pytest.raises(CommandConflictError) as conflict:
        d.send("IssueNotice", date(2026, 3, 3), CLERK, command_id="notice-1",
               issued_on=date(2026, 3, 3), report_due_on=date(2026, 3, 14))
    assert conflict.value.code == "command.id_conflict"
    assert d.app.recorder.max_notification_id() == before
