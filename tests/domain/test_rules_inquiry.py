"""Asset inquiry: applicant's leads (7/3 days), reward notice (10 days), audit, findings."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain.models import AssetFinding
from domain.rules import AssetKind, Channel
from tests.support import CLERK, COMPANY, JUDGE, NUMBER, Driver, new_app, refuses

CAR = AssetFinding(asset_id="car-1", kind=AssetKind.VEHICLE, description="甘D·12345 轿车",
                   value=Decimal("80000.00"))


@pytest.fixture
def d() -> Driver:
    """A case filed on Monday 2 March 2026 against a person."""
    driver = Driver(new_app())
    driver.file(date(2026, 3, 2))
    return driver


# --- applicant's leads: verified within 7 days, 3 if urgent (财产调查规定 art.2) ---------------------

def test_lead_is_due_seven_days_after_submission(d: Driver) -> None:
    d.send("SubmitLead", date(2026, 3, 2), CLERK, lead_id="L1", description="债务人有一辆轿车",
           submitted_on=date(2026, 3, 2))
    assert d.app.get_case(NUMBER).leads["L1"].due_on == date(2026, 3, 9)


def test_urgent_lead_is_due_three_days_after_submission(d: Driver) -> None:
    d.send("SubmitLead", date(2026, 3, 2), CLERK, lead_id="L1", description="车辆即将转让",
           urgent=True, submitted_on=date(2026, 3, 2))
    assert d.app.get_case(NUMBER).leads["L1"].due_on == date(2026, 3, 5)


def test_lead_due_date_in_the_may_day_holiday_moves_to_the_next_working_day(d: Driver) -> None:
    d.send("SubmitLead", date(2026, 4, 27), CLERK, lead_id="L1", description="债务人有一辆轿车",
           submitted_on=date(2026, 4, 27))  # 4 May 2026 is a holiday; 5 May too
    assert d.app.get_case(NUMBER).leads["L1"].due_on == date(2026, 5, 6)


def test_lead_verified_on_the_seventh_day_is_on_time(d: Driver) -> None:
    d.send("SubmitLead", date(2026, 3, 2), CLERK, lead_id="L1", description="债务人有一辆轿车",
           submitted_on=date(2026, 3, 2))
    d.send("VerifyLead", date(2026, 3, 9), lead_id="L1", verified_on=date(2026, 3, 9))
    assert d.app.case_events(NUMBER)[-1].late is False


def test_lead_verified_on_the_eighth_day_is_flagged_late(d: Driver) -> None:
    d.send("SubmitLead", date(2026, 3, 2), CLERK, lead_id="L1", description="债务人有一辆轿车",
           submitted_on=date(2026, 3, 2))
    d.send("VerifyLead", date(2026, 3, 10), lead_id="L1", verified_on=date(2026, 3, 10))
    assert d.app.case_events(NUMBER)[-1].late is True


def test_urgent_lead_verified_on_the_third_day_is_on_time(d: Driver) -> None:
    d.send("SubmitLead", date(2026, 3, 2), CLERK, lead_id="L1", description="车辆即将转让",
           urgent=True, submitted_on=date(2026, 3, 2))
    d.send("VerifyLead", date(2026, 3, 5), lead_id="L1", verified_on=date(2026, 3, 5))
    assert d.app.case_events(NUMBER)[-1].late is False


def test_urgent_lead_verified_on_the_fourth_day_is_flagged_late(d: Driver) -> None:
    d.send("SubmitLead", date(2026, 3, 2), CLERK, lead_id="L1", description="车辆即将转让",
           urgent=True, submitted_on=date(2026, 3, 2))
    d.send("VerifyLead", date(2026, 3, 6), lead_id="L1", verified_on=date(2026, 3, 6))
    assert d.app.case_events(NUMBER)[-1].late is True


def test_a_verified_lead_with_a_finding_registers_the_asset(d: Driver) -> None:
    d.send("SubmitLead", date(2026, 3, 2), CLERK, lead_id="L1", description="债务人有一辆轿车",
           submitted_on=date(2026, 3, 2))
    d.send("VerifyLead", date(2026, 3, 4), lead_id="L1", verified_on=date(2026, 3, 4),
           finding=CAR)
    case = d.app.get_case(NUMBER)
    assert (case.leads["L1"].found, case.assets["car-1"].source) == (True, "lead")


def test_refuses_verifying_a_lead_twice(d: Driver) -> None:
    d.send("SubmitLead", date(2026, 3, 2), CLERK, lead_id="L1", description="债务人有一辆轿车",
           submitted_on=date(2026, 3, 2))
    d.send("VerifyLead", date(2026, 3, 4), lead_id="L1", verified_on=date(2026, 3, 4))
    refuses(d, "lead.already_verified", "财产调查规定 art.2", "VerifyLead", date(2026, 3, 5),
            lead_id="L1", verified_on=date(2026, 3, 5))


def test_refuses_verification_dated_before_the_lead(d: Driver) -> None:
    d.send("SubmitLead", date(2026, 3, 4), CLERK, lead_id="L1", description="债务人有一辆轿车",
           submitted_on=date(2026, 3, 4))
    refuses(d, "lead.verified_before_submitted", "财产调查规定 art.2", "VerifyLead",
            date(2026, 3, 5), lead_id="L1", verified_on=date(2026, 3, 3))


# --- reward notice decided within 10 days (财产调查规定 art.21) -------------------------------------

def test_reward_decided_on_the_tenth_day_is_on_time(d: Driver) -> None:
    d.send("RequestReward", date(2026, 3, 2), CLERK, requested_on=date(2026, 3, 2))
    d.send("DecideReward", date(2026, 3, 12), JUDGE, decided_on=date(2026, 3, 12), granted=True)
    assert d.app.case_events(NUMBER)[-1].late is False


def test_reward_decided_on_the_eleventh_day_is_flagged_late(d: Driver) -> None:
    d.send("RequestReward", date(2026, 3, 2), CLERK, requested_on=date(2026, 3, 2))
    d.send("DecideReward", date(2026, 3, 13), JUDGE, decided_on=date(2026, 3, 13), granted=True)
    assert d.app.case_events(NUMBER)[-1].late is True


def test_refuses_a_reward_decision_without_a_request(d: Driver) -> None:
    refuses(d, "reward.nothing_to_decide", "财产调查规定 art.21", "DecideReward",
            date(2026, 3, 5), JUDGE, decided_on=date(2026, 3, 5), granted=False)


def test_refuses_a_second_reward_request(d: Driver) -> None:
    d.send("RequestReward", date(2026, 3, 2), CLERK, requested_on=date(2026, 3, 2))
    refuses(d, "reward.already_requested", "财产调查规定 art.21", "RequestReward",
            date(2026, 3, 3), CLERK, requested_on=date(2026, 3, 3))


# --- audit of an organisation debtor (财产调查规定 art.17) ------------------------------------------

def test_accepts_an_audit_request_against_an_organisation() -> None:
    d = Driver(new_app())
    d.file(date(2026, 3, 2), respondents=(COMPANY,))
    d.send("RequestAudit", date(2026, 3, 3), CLERK, requested_on=date(2026, 3, 3))
    assert d.app.get_case(NUMBER).audit_requested_on == date(2026, 3, 3)


def test_refuses_an_audit_request_against_a_natural_person(d: Driver) -> None:
    refuses(d, "audit.debtor_not_organisation", "财产调查规定 art.17", "RequestAudit",
            date(2026, 3, 3), CLERK, requested_on=date(2026, 3, 3))


# --- findings ------------------------------------------------------------------------------------

def test_network_inquiry_registers_what_it_finds(d: Driver) -> None:
    d.send("RecordNetworkInquiry", date(2026, 3, 3), channel=Channel.VEHICLES,
           queried_on=date(2026, 3, 3), findings=(CAR,))
    case = d.app.get_case(NUMBER)
    assert (case.channels_queried, case.assets["car-1"].source) == (
        {Channel.VEHICLES: date(2026, 3, 3)}, "vehicles")


def test_refuses_registering_the_same_asset_twice(d: Driver) -> None:
    d.send("RecordNetworkInquiry", date(2026, 3, 3), channel=Channel.VEHICLES,
           queried_on=date(2026, 3, 3), findings=(CAR,))
    refuses(d, "asset.duplicate", "engine invariant (docs/rules.md §5)", "RegisterAsset",
            date(2026, 3, 4), asset=CAR, found_on=date(2026, 3, 4))
