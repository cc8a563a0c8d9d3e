"""Coercive measures: 失信 listing (失信规定), consumption restriction (限消规定), fines and
detention (民诉法 arts.118, 119), summons (民诉法解释 art.482), through the public API."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from pydantic import ValidationError

from domain import events as ev
from domain.application import EnforcementCases
from domain.errors import NotPermitted, RuleViolation
from domain.models import AssetFinding, ControlMeasure, DishonestGround
from domain.rules import AssetKind
from domain.values import Approval, Party, PartyKind, ResidentId, Role
from tests.support import CLERK, COMPANY, DEBTOR, JUDGE, NUMBER, Driver, new_app

MINOR = Party(name="赵六", kind=PartyKind.PERSON,
              document=ResidentId(number="620402200803160013"))  # born 2008-03-16
JUDGE_SIGNATURE = Approval(approver_id="judge-1", role=Role.JUDGE, approved_on=date(2026, 3, 2))


def _case(respondent: Party = DEBTOR) -> tuple[EnforcementCases, Driver]:
    """A ¥1,000,000.00 case against ``respondent`` filed on 2026-01-10, its notice issued on
    2026-01-12 (performance at once)."""
    app = new_app()
    d = Driver(app)
    d.file(date(2026, 1, 10), respondents=(respondent,))
    d.send("IssueNotice", date(2026, 1, 12), CLERK, issued_on=date(2026, 1, 12),
           report_due_on=date(2026, 1, 22))
    return app, d


# --- 失信 list --------------------------------------------------------------------------------

def test_refuses_to_list_a_debtor_who_turns_eighteen_the_next_day() -> None:
    app, d = _case(MINOR)
    pre = d.approve("ListDishonest", date(2026, 3, 15), ground=DishonestGround.ABLE_BUT_REFUSES,
                    listed_on=date(2026, 3, 15))
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("ListDishonest", date(2026, 3, 15), ground=DishonestGround.ABLE_BUT_REFUSES,
               listed_on=date(2026, 3, 15), approval_id=pre)
    assert (refused.value.code, refused.value.source) == ("dishonest.minor", "失信规定 art.4")
    assert app.recorder.max_notification_id() == before
    d.send("ListDishonest", date(2026, 3, 16), ground=DishonestGround.ABLE_BUT_REFUSES,
           listed_on=date(2026, 3, 16), approved=date(2026, 3, 16))


def test_refuses_to_list_a_debtor_who_gave_full_security() -> None:
    app, d = _case()
    pre = d.approve("ListDishonest", date(2026, 3, 2), ground=DishonestGround.ABLE_BUT_REFUSES,
                    listed_on=date(2026, 3, 2), security_given=True)
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("ListDishonest", date(2026, 3, 2), ground=DishonestGround.ABLE_BUT_REFUSES,
               listed_on=date(2026, 3, 2), approval_id=pre,
               security_given=True)
    assert (refused.value.code, refused.value.source) == ("dishonest.security_given",
                                                          "失信规定 art.3")
    assert app.recorder.max_notification_id() == before
    d.send("ListDishonest", date(2026, 3, 2), ground=DishonestGround.ABLE_BUT_REFUSES,
           listed_on=date(2026, 3, 2), approved=date(2026, 3, 2),
           security_given=False)


def test_refuses_to_list_a_debtor_whose_seized_property_covers_the_debt() -> None:
    app, d = _case()
    d.send("RegisterAsset", date(2026, 2, 2), asset=AssetFinding(
        asset_id="flat-1", kind=AssetKind.REAL_ESTATE, description="商品房 3-2-501",
        value=Decimal("1000000.00")), found_on=date(2026, 2, 2))
    d.send("ControlAsset", date(2026, 2, 2), asset_id="flat-1", measure=ControlMeasure.SEAL,
           amount=Decimal("1000000.00"), effective_on=date(2026, 2, 2),
           expires_on=date(2029, 2, 2))
    pre = d.approve("ListDishonest", date(2026, 3, 2), ground=DishonestGround.ABLE_BUT_REFUSES,
                    listed_on=date(2026, 3, 2))
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("ListDishonest", date(2026, 3, 2), ground=DishonestGround.ABLE_BUT_REFUSES,
               listed_on=date(2026, 3, 2), approval_id=pre)
    assert (refused.value.code, refused.value.source) == ("dishonest.assets_cover_debt",
                                                          "失信规定 art.3")
    assert app.recorder.max_notification_id() == before


def test_lists_a_debtor_whose_seized_property_falls_a_cent_short_of_the_debt() -> None:
    _, d = _case()
    d.send("RegisterAsset", date(2026, 2, 2), asset=AssetFinding(
        asset_id="flat-1", kind=AssetKind.REAL_ESTATE, description="商品房 3-2-501",
        value=Decimal("999999.99")), found_on=date(2026, 2, 2))
    d.send("ControlAsset", date(2026, 2, 2), asset_id="flat-1", measure=ControlMeasure.SEAL,
           amount=Decimal("999999.99"), effective_on=date(2026, 2, 2),
           expires_on=date(2029, 2, 2))
    result = d.send("ListDishonest", date(2026, 3, 2), ground=DishonestGround.ABLE_BUT_REFUSES,
                    listed_on=date(2026, 3, 2), approved=date(2026, 3, 2))
    assert result.events == ("DebtorListedDishonest",)


def test_queued_seizure_does_not_exclude_listing() -> None:
    _, d = _case()
    d.send("RegisterAsset", date(2026, 2, 2), asset=AssetFinding(
        asset_id="flat-1", kind=AssetKind.REAL_ESTATE, description="商品房 3-2-501",
        value=Decimal("1000000.00")), found_on=date(2026, 2, 2))
    d.send("ControlAsset", date(2026, 2, 2), asset_id="flat-1", measure=ControlMeasure.SEAL,
           amount=Decimal("1000000.00"), effective_on=date(2026, 2, 2),
           expires_on=date(2029, 2, 2), queue_position=1)
    result = d.send("ListDishonest", date(2026, 3, 2), ground=DishonestGround.ABLE_BUT_REFUSES,
                    listed_on=date(2026, 3, 2), approved=date(2026, 3, 2))
    assert result.events == ("DebtorListedDishonest",)


def test_refuses_to_list_a_debtor_later_in_the_order_of_performance() -> None:
    app, d = _case()
    pre = d.approve("ListDishonest", date(2026, 3, 2), ground=DishonestGround.ABLE_BUT_REFUSES,
                    listed_on=date(2026, 3, 2), later_in_order=True)
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("ListDishonest", date(2026, 3, 2), ground=DishonestGround.ABLE_BUT_REFUSES,
               listed_on=date(2026, 3, 2), approval_id=pre,
               later_in_order=True)
    assert (refused.value.code, refused.value.source) == ("dishonest.later_in_order",
                                                          "失信规定 art.3")
    assert app.recorder.max_notification_id() == before


def test_lists_for_two_years_on_a_report_violation() -> None:
    app, d = _case()
    d.send("RecordPropertyReport", date(2026, 1, 20), CLERK, status="refused",
           reported_on=date(2026, 1, 20))
    d.send("ListDishonest", date(2026, 3, 2), ground=DishonestGround.REPORT_VIOLATION,
           listed_on=date(2026, 3, 2), approved=date(2026, 3, 2))
    assert app.get_case(NUMBER).dishonest[0].until == date(2028, 3, 2)


def test_lists_for_up_to_three_more_years_when_serious() -> None:
    app, d = _case()
    d.send("RecordPropertyReport", date(2026, 1, 20), CLERK, status="false",
           reported_on=date(2026, 1, 20))
    pre = d.approve("ListDishonest", date(2026, 3, 2), ground=DishonestGround.REPORT_VIOLATION,
                    listed_on=date(2026, 3, 2), extra_years=4)
    with pytest.raises(ValidationError, match="extra_years"):
        d.send("ListDishonest", date(2026, 3, 2), ground=DishonestGround.REPORT_VIOLATION,
               listed_on=date(2026, 3, 2), approval_id=pre, extra_years=4)
    d.send("ListDishonest", date(2026, 3, 2), ground=DishonestGround.REPORT_VIOLATION,
           listed_on=date(2026, 3, 2), approved=date(2026, 3, 2), extra_years=3)
    assert app.get_case(NUMBER).dishonest[0].until == date(2031, 3, 2)


def test_refuses_a_fixed_period_for_ground_one() -> None:
    app, d = _case()
    pre = d.approve("ListDishonest", date(2026, 3, 2), ground=DishonestGround.ABLE_BUT_REFUSES,
                    listed_on=date(2026, 3, 2), extra_years=1)
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("ListDishonest", date(2026, 3, 2), ground=DishonestGround.ABLE_BUT_REFUSES,
               listed_on=date(2026, 3, 2), approval_id=pre, extra_years=1)
    assert (refused.value.code, refused.value.source) == ("dishonest.period_not_applicable",
                                                          "失信规定 art.2")
    assert app.recorder.max_notification_id() == before
    d.send("ListDishonest", date(2026, 3, 2), ground=DishonestGround.ABLE_BUT_REFUSES,
           listed_on=date(2026, 3, 2), approved=date(2026, 3, 2), extra_years=0)
    assert app.get_case(NUMBER).dishonest[0].until is None


def test_refuses_report_violation_listing_without_a_recorded_violation() -> None:
    app, d = _case()
    d.send("RecordPropertyReport", date(2026, 1, 20), CLERK, status="filed",
           reported_on=date(2026, 1, 20))
    pre = d.approve("ListDishonest", date(2026, 3, 2), ground=DishonestGround.REPORT_VIOLATION,
                    listed_on=date(2026, 3, 2))
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("ListDishonest", date(2026, 3, 2), ground=DishonestGround.REPORT_VIOLATION,
               listed_on=date(2026, 3, 2), approval_id=pre)
    assert (refused.value.code, refused.value.source) == ("dishonest.ground_not_evidenced",
                                                          "失信规定 art.1")
    assert app.recorder.max_notification_id() == before


@pytest.mark.parametrize(("deleted_on", "late"), [
    (date(2026, 6, 4), False),  # closed Mon 06-01: the third working day is Thu 06-04
    (date(2026, 6, 5), True),
])
def test_deletion_later_than_three_working_days_after_performance_is_flagged_late(
        deleted_on: date, late: bool) -> None:
    app, d = _case()
    d.send("ListDishonest", date(2026, 3, 2), ground=DishonestGround.ABLE_BUT_REFUSES,
           listed_on=date(2026, 3, 2), approved=date(2026, 3, 2))
    d.send("RecordFundsReceived", date(2026, 5, 25), CLERK, amount=Decimal("1000000.00"),
           received_on=date(2026, 5, 25))
    d.send("PayOut", date(2026, 5, 29), amount=Decimal("1000000.00"), paid_on=date(2026, 5, 29))
    d.send("ConcludeCase", date(2026, 6, 1), JUDGE, closed_on=date(2026, 6, 1))
    d.send("DeleteDishonestEntry", deleted_on, deleted_on=deleted_on, reason="performance")
    deleted = app.case_events(NUMBER)[-1]
    assert isinstance(deleted, ev.DishonestEntryDeleted)
    assert deleted.late is late


def test_refuses_deletion_for_an_expired_period_before_it_ends() -> None:
    app, d = _case()
    d.send("RecordPropertyReport", date(2026, 1, 20), CLERK, status="refused",
           reported_on=date(2026, 1, 20))
    d.send("ListDishonest", date(2026, 3, 2), ground=DishonestGround.REPORT_VIOLATION,
           listed_on=date(2026, 3, 2), approved=date(2026, 3, 2))
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("DeleteDishonestEntry", date(2028, 3, 1), deleted_on=date(2028, 3, 1),
               reason="period_expired")
    assert (refused.value.code, refused.value.source) == ("dishonest.period_not_expired",
                                                          "失信规定 art.2")
    assert app.recorder.max_notification_id() == before
    d.send("DeleteDishonestEntry", date(2028, 3, 2), deleted_on=date(2028, 3, 2),
           reason="period_expired")
    assert app.get_case(NUMBER).dishonest_active is None


# --- consumption restriction ------------------------------------------------------------------

def test_refuses_restriction_on_an_organisation_without_the_bound_persons() -> None:
    app, d = _case(COMPANY)
    pre = d.approve("RestrictConsumption", date(2026, 3, 2), issued_on=date(2026, 3, 2))
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("RestrictConsumption", date(2026, 3, 2), issued_on=date(2026, 3, 2),
               approval_id=pre)
    assert (refused.value.code, refused.value.source) == ("restriction.bound_persons_required",
                                                          "限消规定 arts.1, 3, 4")
    assert app.recorder.max_notification_id() == before
    d.send("RestrictConsumption", date(2026, 3, 2), issued_on=date(2026, 3, 2),
           bound_persons=("王五",), approved=date(2026, 3, 2))


def test_refuses_restriction_without_the_presidents_approval() -> None:
    app, d = _case()
    before = app.recorder.max_notification_id()
    with pytest.raises(NotPermitted) as refused:
        d.send("RestrictConsumption", date(2026, 3, 2), issued_on=date(2026, 3, 2),
               approval=JUDGE_SIGNATURE)
    assert (refused.value.code, refused.value.source) == (
        "approval.typed_not_accepted", "限消规定 art.5; docs/rules.md, Approvals")
    assert app.recorder.max_notification_id() == before


# --- fines, detention, summons ----------------------------------------------------------------

def test_refuses_a_fine_on_an_individual_above_one_hundred_thousand() -> None:
    app, d = _case()
    pre = d.approve("ImposeFine", date(2026, 3, 2), amount=Decimal("100000.01"),
                    imposed_on=date(2026, 3, 2), subject="李四", subject_kind=PartyKind.PERSON)
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("ImposeFine", date(2026, 3, 2), amount=Decimal("100000.01"),
               imposed_on=date(2026, 3, 2), subject="李四", subject_kind=PartyKind.PERSON,
               approval_id=pre)
    assert (refused.value.code, refused.value.source) == ("fine.out_of_range",
                                                          "民诉法 arts.118, 119")
    assert app.recorder.max_notification_id() == before
    d.send("ImposeFine", date(2026, 3, 2), amount=Decimal("100000.00"),
           imposed_on=date(2026, 3, 2), subject="李四", subject_kind=PartyKind.PERSON,
           approved=date(2026, 3, 2))


def test_refuses_a_fine_on_an_organisation_below_fifty_thousand() -> None:
    app, d = _case(COMPANY)
    pre = d.approve("ImposeFine", date(2026, 3, 2), amount=Decimal("49999.99"),
                    imposed_on=date(2026, 3, 2), subject="某某建设有限公司",
                    subject_kind=PartyKind.ORGANISATION)
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("ImposeFine", date(2026, 3, 2), amount=Decimal("49999.99"),
               imposed_on=date(2026, 3, 2), subject="某某建设有限公司",
               subject_kind=PartyKind.ORGANISATION, approval_id=pre)
    assert (refused.value.code, refused.value.source) == ("fine.out_of_range",
                                                          "民诉法 arts.118, 119")
    assert app.recorder.max_notification_id() == before
    d.send("ImposeFine", date(2026, 3, 2), amount=Decimal("50000.00"),
           imposed_on=date(2026, 3, 2), subject="某某建设有限公司",
           subject_kind=PartyKind.ORGANISATION, approved=date(2026, 3, 2))


def test_refuses_a_fine_on_an_organisation_above_one_million() -> None:
    app, d = _case(COMPANY)
    pre = d.approve("ImposeFine", date(2026, 3, 2), amount=Decimal("1000000.01"),
                    imposed_on=date(2026, 3, 2), subject="某某建设有限公司",
                    subject_kind=PartyKind.ORGANISATION)
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("ImposeFine", date(2026, 3, 2), amount=Decimal("1000000.01"),
               imposed_on=date(2026, 3, 2), subject="某某建设有限公司",
               subject_kind=PartyKind.ORGANISATION, approval_id=pre)
    assert (refused.value.code, refused.value.source) == ("fine.out_of_range",
                                                          "民诉法 arts.118, 119")
    assert app.recorder.max_notification_id() == before
    d.send("ImposeFine", date(2026, 3, 2), amount=Decimal("1000000.00"),
           imposed_on=date(2026, 3, 2), subject="某某建设有限公司",
           subject_kind=PartyKind.ORGANISATION, approved=date(2026, 3, 2))


def test_refuses_a_fine_without_the_presidents_approval() -> None:
    app, d = _case()
    before = app.recorder.max_notification_id()
    with pytest.raises(NotPermitted) as refused:
        d.send("ImposeFine", date(2026, 3, 2), amount=Decimal("10000.00"),
               imposed_on=date(2026, 3, 2), subject="李四", subject_kind=PartyKind.PERSON,
               approval=JUDGE_SIGNATURE)
    assert (refused.value.code, refused.value.source) == (
        "approval.typed_not_accepted", "民诉法 art.119; docs/rules.md, Approvals")
    assert app.recorder.max_notification_id() == before


def test_refuses_detention_longer_than_fifteen_days() -> None:
    app, d = _case()
    pre = d.approve("OrderDetention", date(2026, 3, 2), days=16, ordered_on=date(2026, 3, 2),
                    subject="李四")
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("OrderDetention", date(2026, 3, 2), days=16, ordered_on=date(2026, 3, 2),
               subject="李四", approval_id=pre)
    assert (refused.value.code, refused.value.source) == ("detention.too_long",
                                                          "民诉法 arts.118, 119")
    assert app.recorder.max_notification_id() == before
    d.send("OrderDetention", date(2026, 3, 2), days=15, ordered_on=date(2026, 3, 2),
           subject="李四", approved=date(2026, 3, 2))


def test_refuses_detention_without_the_presidents_approval() -> None:
    app, d = _case()
    before = app.recorder.max_notification_id()
    with pytest.raises(NotPermitted) as refused:
        d.send("OrderDetention", date(2026, 3, 2), days=5, ordered_on=date(2026, 3, 2),
               subject="李四", approval=JUDGE_SIGNATURE)
    assert (refused.value.code, refused.value.source) == (
        "approval.typed_not_accepted", "民诉法 art.119; docs/rules.md, Approvals")
    assert app.recorder.max_notification_id() == before


def test_refuses_summons_questioning_longer_than_eight_hours() -> None:
    app, d = _case()
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("IssueSummons", date(2026, 3, 2), hours=9, issued_on=date(2026, 3, 2))
    assert (refused.value.code, refused.value.source) == ("summons.too_long",
                                                          "民诉法解释 art.482")
    assert app.recorder.max_notification_id() == before
    d.send("IssueSummons", date(2026, 3, 2), hours=8, issued_on=date(2026, 3, 2))


def test_refuses_summons_longer_than_twenty_four_hours_when_detention_is_likely() -> None:
    app, d = _case()
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("IssueSummons", date(2026, 3, 2), hours=25, issued_on=date(2026, 3, 2),
               detention_likely=True)
    assert (refused.value.code, refused.value.source) == ("summons.too_long",
                                                          "民诉法解释 art.482")
    assert app.recorder.max_notification_id() == before
    d.send("IssueSummons", date(2026, 3, 2), hours=24, issued_on=date(2026, 3, 2),
           detention_likely=True)
