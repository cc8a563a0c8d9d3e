"""Closure: the 6-month (3-month non-litigation) limit with extensions and excluded periods
(期限规定 art.1, 审限规定 arts.5, 9), no act on a closed case, resumption (终本规定 art.9) and
conclusion (执行完毕), through the application's public API."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

import pytest

from domain.application import EnforcementCases
from domain.deadlines import closure_deadline
from domain.errors import NotPermitted, RuleViolation
from domain.models import (
    ApprovalMode,
    AssetFinding,
    BasisKind,
    ClosureMode,
    ControlMeasure,
    EndingGround,
    PriceMethod,
    SettlementChoice,
    SuspensionReason,
)
from domain.rules import AssetKind, Channel
from domain.state import Phase
from domain.values import Approval, Role
from tests.support import CLERK, COMPANY, JUDGE, NUMBER, Driver, at, new_app

RESUMED = "(2026)甘0402执恢45号"
CAR = AssetFinding(asset_id="car-1", kind=AssetKind.VEHICLE, description="小型轿车 甘D·12345",
                   value=Decimal("1000000.00"))


def _case(stage: Literal["filed", "terminated"] = "filed",
          basis_kind: BasisKind = BasisKind.JUDGMENT) -> tuple[EnforcementCases, Driver]:
    """A ¥1,000,000.00 case filed 2026-01-10; "terminated": ¥300,000.00 received and paid out,
    then closed as 终本 on 2026-04-15 with ¥700,000.00 outstanding."""
    app = new_app()
    d = Driver(app)
    d.file(date(2026, 1, 10), basis_kind=basis_kind)
    if stage == "filed":
        return app, d
    d.send("IssueNotice", date(2026, 1, 12), CLERK, issued_on=date(2026, 1, 12),
           report_due_on=date(2026, 1, 22))
    for day, channel in enumerate((Channel.DEPOSITS, Channel.VEHICLES, Channel.REAL_ESTATE,
                                   Channel.SECURITIES), start=13):
        d.send("RecordNetworkInquiry", date(2026, 1, day), channel=channel,
               queried_on=date(2026, 1, day))
    d.send("RecordPropertyReport", date(2026, 1, 20), CLERK, status="filed",
           reported_on=date(2026, 1, 20))
    d.send("RestrictConsumption", date(2026, 2, 2), issued_on=date(2026, 2, 2),
           approved=date(2026, 2, 2))
    d.send("RecordFundsReceived", date(2026, 3, 2), CLERK, amount=Decimal("300000.00"),
           received_on=date(2026, 3, 2))
    d.send("PayOut", date(2026, 3, 10), amount=Decimal("300000.00"), paid_on=date(2026, 3, 10))
    d.send("RecordApplicantHearing", date(2026, 4, 8), heard_on=date(2026, 4, 8),
           record="约谈笔录: 告知终本措施及后果")
    d.send("TerminateCurrentProcedure", date(2026, 4, 15), JUDGE, ruled_on=date(2026, 4, 15),
           ruling_number="(2026)甘0402执123号之一", approval_mode=ApprovalMode.APPLICANT_SIGNED)
    return app, d


# --- closure deadline ---------------------------------------------------------------------

def test_closure_deadline_is_six_months_after_filing() -> None:
    app, _ = _case()
    assert closure_deadline(app.get_case(NUMBER), date(2026, 3, 1)) == date(2026, 7, 10)


def test_closure_deadline_is_three_months_for_a_non_litigation_case() -> None:
    app, _ = _case(basis_kind=BasisKind.ADMINISTRATIVE)
    assert closure_deadline(app.get_case(NUMBER), date(2026, 3, 1)) == date(2026, 4, 10)


def test_refuses_extension_asked_less_than_five_days_before_the_deadline() -> None:
    app, d = _case()
    pre = d.approve("RequestExtension", date(2026, 7, 5), requested_on=date(2026, 7, 6))
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("RequestExtension", date(2026, 7, 6), requested_on=date(2026, 7, 6),
               approval_id=pre)
    assert (refused.value.code, refused.value.source) == ("deadline.extension_too_late",
                                                          "审限规定 art.5; 执行工作规定 art.63")
    assert app.recorder.max_notification_id() == before
    d.send("RequestExtension", date(2026, 7, 5), requested_on=date(2026, 7, 5),
           approval_id=pre)
    assert closure_deadline(app.get_case(NUMBER), date(2026, 7, 5)) == date(2026, 10, 10)
    extended = app.case_events(NUMBER)[-1]
    assert getattr(extended, "new_deadline", None) == date(2026, 10, 10)  # event agrees with state


def test_refuses_extension_of_a_non_litigation_case_asked_too_late() -> None:
    app, d = _case(basis_kind=BasisKind.ADMINISTRATIVE)
    pre = d.approve("RequestExtension", date(2026, 4, 5), requested_on=date(2026, 4, 6))
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("RequestExtension", date(2026, 4, 6), requested_on=date(2026, 4, 6),
               approval_id=pre)
    assert (refused.value.code, refused.value.source) == ("deadline.extension_too_late",
                                                          "审限规定 art.5; 执行工作规定 art.63")
    assert app.recorder.max_notification_id() == before
    d.send("RequestExtension", date(2026, 4, 5), requested_on=date(2026, 4, 5),
           approval_id=pre)
    assert closure_deadline(app.get_case(NUMBER), date(2026, 4, 5)) == date(2026, 7, 10)


def test_refuses_extension_without_the_presidents_recorded_approval() -> None:
    """An approval typed into the command (even a president's) is not one; none is none."""
    app, d = _case()
    before = app.recorder.max_notification_id()
    with pytest.raises(NotPermitted) as refused:
        d.send("RequestExtension", date(2026, 6, 1), requested_on=date(2026, 6, 1),
               approval=Approval(approver_id="president-1", role=Role.PRESIDENT,
                                 approved_on=date(2026, 6, 1)))
    assert (refused.value.code, refused.value.source) == (
        "approval.typed_not_accepted", "审限规定 art.5; 执行工作规定 art.63; docs/rules.md, Approvals")
    with pytest.raises(NotPermitted) as refused:
        d.send("RequestExtension", date(2026, 6, 1), requested_on=date(2026, 6, 1))
    assert refused.value.code == "approval.required"
    assert app.recorder.max_notification_id() == before


def test_suspended_period_is_not_counted() -> None:
    app, d = _case()
    d.send("SuspendEnforcement", date(2026, 2, 1), JUDGE, suspended_on=date(2026, 2, 1),
           reason=SuspensionReason.OBJECTION)
    d.send("EndSuspension", date(2026, 2, 11), JUDGE, ended_on=date(2026, 2, 11))
    assert closure_deadline(app.get_case(NUMBER), date(2026, 3, 1)) == date(2026, 7, 20)


def test_open_suspension_is_not_counted_up_to_the_day_asked() -> None:
    app, d = _case()
    d.send("SuspendEnforcement", date(2026, 2, 1), JUDGE, suspended_on=date(2026, 2, 1),
           reason=SuspensionReason.OBJECTION)
    assert closure_deadline(app.get_case(NUMBER), date(2026, 2, 6)) == date(2026, 7, 15)


def test_settlement_period_is_not_counted() -> None:
    app, d = _case()
    d.send("ReachSettlement", date(2026, 2, 1), reached_on=date(2026, 2, 1),
           amount=Decimal("600000.00"), due_on=date(2026, 3, 1), terms="一次性支付 600,000 元")
    d.send("RecordSettlementDefault", date(2026, 3, 3), defaulted_on=date(2026, 3, 3),
           choice=SettlementChoice.RESUME)
    # 2026-08-09 is a Sunday: the last day moves to Monday (民诉法 art.85)
    assert closure_deadline(app.get_case(NUMBER), date(2026, 4, 1)) == date(2026, 8, 10)


def test_valuation_and_auction_periods_are_not_counted() -> None:
    app, d = _case()
    d.send("RegisterAsset", date(2026, 2, 2), asset=CAR, found_on=date(2026, 2, 2))
    d.send("ControlAsset", date(2026, 2, 2), asset_id="car-1", measure=ControlMeasure.SEIZE,
           amount=Decimal("1000000.00"), effective_on=date(2026, 2, 2),
           expires_on=date(2027, 2, 2))
    d.send("SetReferencePrice", date(2026, 2, 10), asset_id="car-1",
           method=PriceMethod.APPRAISAL, amount=Decimal("1000000.00"),
           requested_on=date(2026, 2, 3), determined_on=date(2026, 2, 10))  # 7 days
    d.send("AnnounceAuction", date(2026, 3, 2), asset_id="car-1",
           start_price=Decimal("700000.00"), deposit=Decimal("70000.00"),
           announced_on=date(2026, 3, 2), opens_at=at(date(2026, 3, 17), 10, 0),
           closes_at=at(date(2026, 3, 18), 10, 0))
    d.send("CloseAuction", date(2026, 3, 18), asset_id="car-1",
           closed_at=at(date(2026, 3, 18), 10, 0))  # 16 days
    # 2026-08-02 is a Sunday: the last day moves to Monday (民诉法 art.85)
    assert closure_deadline(app.get_case(NUMBER), date(2026, 4, 1)) == date(2026, 8, 3)


def test_extension_deadline_moves_with_the_excluded_period() -> None:
    app, d = _case()
    d.send("SuspendEnforcement", date(2026, 2, 1), JUDGE, suspended_on=date(2026, 2, 1),
           reason=SuspensionReason.OBJECTION)
    d.send("EndSuspension", date(2026, 2, 11), JUDGE, ended_on=date(2026, 2, 11))
    pre = d.approve("RequestExtension", date(2026, 7, 15), requested_on=date(2026, 7, 16))
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("RequestExtension", date(2026, 7, 16), requested_on=date(2026, 7, 16),
               approval_id=pre)
    assert refused.value.code == "deadline.extension_too_late"
    assert app.recorder.max_notification_id() == before
    d.send("RequestExtension", date(2026, 7, 15), requested_on=date(2026, 7, 15),
           approval_id=pre)


# --- no act on a closed case --------------------------------------------------------------

def test_refuses_any_act_on_a_concluded_case() -> None:
    app, d = _case()
    d.send("RecordFundsReceived", date(2026, 3, 2), CLERK, amount=Decimal("1000000.00"),
           received_on=date(2026, 3, 2))
    d.send("PayOut", date(2026, 3, 10), amount=Decimal("1000000.00"), paid_on=date(2026, 3, 10))
    d.send("ConcludeCase", date(2026, 3, 11), JUDGE, closed_on=date(2026, 3, 11))
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("IssueSummons", date(2026, 3, 12), hours=8, issued_on=date(2026, 3, 12))
    assert (refused.value.code, refused.value.source) == (
        "case.closed", "执行工作规定 art.64; 立案结案意见 arts.14-20")
    assert app.recorder.max_notification_id() == before


def test_refuses_funds_on_a_terminated_case_until_it_is_resumed() -> None:
    app, d = _case("terminated")
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("RecordFundsReceived", date(2026, 5, 4), CLERK, amount=Decimal("10000.00"),
               received_on=date(2026, 5, 4))
    assert (refused.value.code, refused.value.source) == (
        "case.closed", "执行工作规定 art.64; 立案结案意见 arts.14-20")
    assert app.recorder.max_notification_id() == before
    d.send("RecordPostTerminationInquiry", date(2026, 5, 4), queried_on=date(2026, 5, 4))


# --- resumption ---------------------------------------------------------------------------

def test_resumption_of_a_terminated_case_opens_a_linked_case_for_the_balance() -> None:
    app, d = _case("terminated")
    d.send("ResumeEnforcement", date(2026, 10, 12), JUDGE, new_case_number=RESUMED,
           resumed_on=date(2026, 10, 12), reason="申请执行人提供新的财产线索")
    old, new = app.get_case(NUMBER), app.get_case(RESUMED)
    assert (old.resumed_as, old.closure_mode) == (RESUMED, ClosureMode.TERMINATED)
    assert (new.resumed_from, new.kind) == (NUMBER, "执恢")
    assert (new.claim.principal, new.outstanding) == (Decimal("700000.00"),
                                                      Decimal("700000.00"))


def test_refuses_resumption_of_a_case_not_terminated() -> None:
    app, d = _case()
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("ResumeEnforcement", date(2026, 5, 4), JUDGE, new_case_number=RESUMED,
               resumed_on=date(2026, 5, 4), reason="申请恢复执行")
    assert (refused.value.code, refused.value.source) == ("resumption.not_terminated",
                                                          "终本规定 art.9")
    assert app.recorder.max_notification_id() == before


def test_refuses_resumption_under_a_first_enforcement_number() -> None:
    app, d = _case("terminated")
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("ResumeEnforcement", date(2026, 10, 12), JUDGE,
               new_case_number="(2026)甘0402执456号", resumed_on=date(2026, 10, 12),
               reason="申请恢复执行")
    assert (refused.value.code, refused.value.source) == ("resumption.number_kind",
                                                          "终本规定 art.9")
    assert app.recorder.max_notification_id() == before


def test_refuses_a_new_case_for_a_defaulted_settlement_which_resumes_in_place() -> None:
    app, d = _case()
    d.send("ReachSettlement", date(2026, 2, 1), reached_on=date(2026, 2, 1),
           amount=Decimal("600000.00"), due_on=date(2026, 3, 1), terms="一次性支付 600,000 元")
    d.send("RecordSettlementDefault", date(2026, 3, 3), defaulted_on=date(2026, 3, 3),
           choice=SettlementChoice.RESUME)
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("ResumeEnforcement", date(2026, 3, 4), JUDGE, new_case_number=RESUMED,
               resumed_on=date(2026, 3, 4), reason="和解协议未履行")
    assert (refused.value.code, refused.value.source) == ("resumption.not_terminated",
                                                          "终本规定 art.9")
    assert app.recorder.max_notification_id() == before
    assert app.get_case(NUMBER).phase is Phase.INQUIRY


# --- conclusion 执行完毕 ----------------------------------------------------------------------

def test_refuses_conclusion_with_a_cent_outstanding() -> None:
    app, d = _case()
    d.send("RecordFundsReceived", date(2026, 3, 2), CLERK, amount=Decimal("999999.99"),
           received_on=date(2026, 3, 2))
    d.send("PayOut", date(2026, 3, 10), amount=Decimal("999999.99"), paid_on=date(2026, 3, 10))
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("ConcludeCase", date(2026, 3, 11), JUDGE, closed_on=date(2026, 3, 11))
    assert (refused.value.code, refused.value.source) == (
        "conclusion.balance_outstanding", "执行工作规定 art.64; 立案结案意见 arts.14-20")
    assert app.recorder.max_notification_id() == before
    d.send("RecordFundsReceived", date(2026, 3, 11), CLERK, amount=Decimal("0.01"),
           received_on=date(2026, 3, 11))
    d.send("PayOut", date(2026, 3, 11), amount=Decimal("0.01"), paid_on=date(2026, 3, 11))
    d.send("ConcludeCase", date(2026, 3, 11), JUDGE, closed_on=date(2026, 3, 11))
    assert app.get_case(NUMBER).closure_mode is ClosureMode.CONCLUDED


def test_refuses_conclusion_before_every_cent_is_paid_out() -> None:
    app, d = _case()
    d.send("RecordFundsReceived", date(2026, 3, 2), CLERK, amount=Decimal("1000000.00"),
           received_on=date(2026, 3, 2))
    d.send("PayOut", date(2026, 3, 10), amount=Decimal("999999.99"), paid_on=date(2026, 3, 10))
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("ConcludeCase", date(2026, 3, 11), JUDGE, closed_on=date(2026, 3, 11))
    assert (refused.value.code, refused.value.source) == ("closure.funds_unpaid",
                                                          "执行款物规定 (about art.10)")
    assert app.recorder.max_notification_id() == before
    d.send("PayOut", date(2026, 3, 11), amount=Decimal("0.01"), paid_on=date(2026, 3, 11))
    d.send("ConcludeCase", date(2026, 3, 11), JUDGE, closed_on=date(2026, 3, 11))


def test_audit_period_is_not_counted() -> None:
    app = new_app()
    d = Driver(app)
    d.file(date(2026, 1, 10), respondents=(COMPANY,))
    d.send("RequestAudit", date(2026, 2, 1), requested_on=date(2026, 2, 1))
    d.send("DecideAudit", date(2026, 2, 11), JUDGE, decided_on=date(2026, 2, 11), granted=True)
    # 6 months from 2026-01-10 is 2026-07-10; 10 audit days later: Monday 2026-07-20
    assert closure_deadline(app.get_case(NUMBER), date(2026, 4, 1)) == date(2026, 7, 20)


def test_a_control_left_in_place_is_released_after_the_case_is_ended() -> None:
    app, d = _case()
    d.send("RegisterAsset", date(2026, 2, 2), asset=CAR, found_on=date(2026, 2, 2))
    d.send("ControlAsset", date(2026, 2, 2), asset_id="car-1", measure=ControlMeasure.SEIZE,
           amount=Decimal("1000000.00"), effective_on=date(2026, 2, 2),
           expires_on=date(2027, 2, 2))
    d.send("EndEnforcement", date(2026, 3, 1), JUDGE, closed_on=date(2026, 3, 1),
           ground=EndingGround.APPLICANT_WITHDREW, reason="申请执行人撤回申请")
    d.send("ReleaseControl", date(2026, 3, 2), asset_id="car-1", released_on=date(2026, 3, 2),
           reason="终结执行后解除扣押")
    assert app.get_case(NUMBER).assets["car-1"].control.value == "released"
