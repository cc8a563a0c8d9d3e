"""Termination of the current procedure 终本: the five conditions of 终本规定 art.1 one by one,
the applicant's hearing and the approval (民诉法解释 art.517), through the public API."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain.application import EnforcementCases
from domain.errors import NotPermitted, RuleViolation
from domain.models import (
    ApprovalMode,
    AssetFinding,
    ClosureMode,
    ControlMeasure,
    DishonestGround,
    SuspensionReason,
)
from domain.rules import DEFAULT_RULES, AssetKind, Channel, RuleSet
from domain.state import Phase
from domain.values import Approval, Party, PartyKind, ResidentId, Role
from tests.support import CLERK, DEBTOR, JUDGE, KEY, NUMBER, Driver

REQUIRED = (Channel.DEPOSITS, Channel.VEHICLES, Channel.REAL_ESTATE, Channel.SECURITIES)
CAR = AssetFinding(asset_id="car-1", kind=AssetKind.VEHICLE, description="小型轿车 甘D·12345",
                   value=Decimal("80000.00"))
RULING = "(2026)甘0402执123号之一"


def _ready(*, notice: bool = True, report: str | None = "filed", restriction: bool = True,
           channels: tuple[Channel, ...] = REQUIRED, heard: bool = True,
           rules: RuleSet = DEFAULT_RULES, respondents: tuple[Party, ...] = (DEBTOR,)
           ) -> tuple[EnforcementCases, Driver]:
    """A ¥1,000,000.00 case filed 2026-01-10 meeting every 终本 condition from 2026-04-11 on,
    unless one step is left out: notice with report order 2026-01-12 (report due 04-30), the
    report recorded 01-20, network inquiries from 01-13, restriction 02-02, hearing 04-08."""
    app = EnforcementCases.in_memory(chain_key=KEY, rules=rules)
    d = Driver(app)
    d.file(date(2026, 1, 10), respondents=respondents)
    if notice:
        d.send("IssueNotice", date(2026, 1, 12), CLERK, issued_on=date(2026, 1, 12),
               report_due_on=date(2026, 4, 30))
    for day, channel in enumerate(channels, start=13):
        d.send("RecordNetworkInquiry", date(2026, 1, day), channel=channel,
               queried_on=date(2026, 1, day))
    if notice and report is not None:
        d.send("RecordPropertyReport", date(2026, 1, 20), CLERK, status=report,
               reported_on=date(2026, 1, 20))
    if restriction and notice:  # a restriction follows the notice (限消规定 art.1)
        d.send("RestrictConsumption", date(2026, 2, 2), issued_on=date(2026, 2, 2),
               approved=date(2026, 2, 2))
    if heard:
        d.send("RecordApplicantHearing", date(2026, 4, 8), heard_on=date(2026, 4, 8),
               record="约谈笔录: 告知终本措施及后果")
    return app, d


# --- (4) more than three months since filing ------------------------------------------------

def test_refuses_termination_exactly_three_months_after_filing() -> None:
    app, d = _ready()
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("TerminateCurrentProcedure", date(2026, 4, 10), JUDGE, ruled_on=date(2026, 4, 10),
               ruling_number=RULING, approval_mode=ApprovalMode.APPLICANT_SIGNED)
    assert (refused.value.code, refused.value.source) == ("termination.too_early",
                                                          "终本规定 art.1(4)")
    assert app.recorder.max_notification_id() == before
    d.send("TerminateCurrentProcedure", date(2026, 4, 11), JUDGE, ruled_on=date(2026, 4, 11),
           ruling_number=RULING, approval_mode=ApprovalMode.APPLICANT_SIGNED)
    state = app.get_case(NUMBER)
    assert (state.closure_mode, state.phase) == (ClosureMode.TERMINATED, Phase.TERMINATED)


# --- (1) notice, report order, report verified ----------------------------------------------

def test_refuses_termination_without_notice_and_report_order() -> None:
    app, d = _ready(notice=False)
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("TerminateCurrentProcedure", date(2026, 4, 15), JUDGE, ruled_on=date(2026, 4, 15),
               ruling_number=RULING, approval_mode=ApprovalMode.APPLICANT_SIGNED)
    assert (refused.value.code, refused.value.source) == ("termination.no_notice",
                                                          "终本规定 art.1(1)")
    assert app.recorder.max_notification_id() == before
    d.send("IssueNotice", date(2026, 4, 13), CLERK, issued_on=date(2026, 4, 13),
           report_due_on=date(2026, 4, 14))
    d.send("RecordPropertyReport", date(2026, 4, 14), CLERK, status="filed",
           reported_on=date(2026, 4, 14))
    d.send("RestrictConsumption", date(2026, 4, 14), issued_on=date(2026, 4, 14),
           approved=date(2026, 4, 14))
    d.send("TerminateCurrentProcedure", date(2026, 4, 15), JUDGE, ruled_on=date(2026, 4, 15),
           ruling_number=RULING, approval_mode=ApprovalMode.APPLICANT_SIGNED)


def test_refuses_termination_with_the_property_report_unrecorded() -> None:
    app, d = _ready(report=None)
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("TerminateCurrentProcedure", date(2026, 4, 15), JUDGE, ruled_on=date(2026, 4, 15),
               ruling_number=RULING, approval_mode=ApprovalMode.APPLICANT_SIGNED)
    assert (refused.value.code, refused.value.source) == ("termination.report_unverified",
                                                          "终本规定 art.2")
    assert app.recorder.max_notification_id() == before
    d.send("RecordPropertyReport", date(2026, 4, 14), CLERK, status="filed",
           reported_on=date(2026, 4, 14))
    d.send("TerminateCurrentProcedure", date(2026, 4, 15), JUDGE, ruled_on=date(2026, 4, 15),
           ruling_number=RULING, approval_mode=ApprovalMode.APPLICANT_SIGNED)


def test_refuses_termination_while_a_late_report_goes_unsanctioned() -> None:
    app, d = _ready(report=None)
    d.send("RecordPropertyReport", date(2026, 5, 4), CLERK, status="filed",
           reported_on=date(2026, 5, 4))  # due 04-30: late
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("TerminateCurrentProcedure", date(2026, 5, 6), JUDGE, ruled_on=date(2026, 5, 6),
               ruling_number=RULING, approval_mode=ApprovalMode.APPLICANT_SIGNED)
    assert (refused.value.code, refused.value.source) == (
        "termination.report_breach_unsanctioned", "终本规定 art.2(3)")
    assert app.recorder.max_notification_id() == before
    d.send("ImposeFine", date(2026, 5, 6), amount=Decimal("10000.00"),
           imposed_on=date(2026, 5, 6), subject="李四", subject_kind=PartyKind.PERSON,
           approved=date(2026, 5, 6))
    d.send("TerminateCurrentProcedure", date(2026, 5, 6), JUDGE, ruled_on=date(2026, 5, 6),
           ruling_number=RULING, approval_mode=ApprovalMode.APPLICANT_SIGNED)


# --- (2) restriction and 失信 where due ------------------------------------------------------

def test_refuses_termination_without_a_consumption_restriction() -> None:
    app, d = _ready(restriction=False)
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("TerminateCurrentProcedure", date(2026, 4, 15), JUDGE, ruled_on=date(2026, 4, 15),
               ruling_number=RULING, approval_mode=ApprovalMode.APPLICANT_SIGNED)
    assert (refused.value.code, refused.value.source) == ("termination.no_restriction",
                                                          "终本规定 art.1(2)")
    assert app.recorder.max_notification_id() == before
    d.send("RestrictConsumption", date(2026, 4, 14), issued_on=date(2026, 4, 14),
           approved=date(2026, 4, 14))
    d.send("TerminateCurrentProcedure", date(2026, 4, 15), JUDGE, ruled_on=date(2026, 4, 15),
           ruling_number=RULING, approval_mode=ApprovalMode.APPLICANT_SIGNED)


@pytest.mark.parametrize("report", ["refused", "false"])
def test_refuses_termination_without_listing_after_a_bad_property_report(report: str) -> None:
    app, d = _ready(report=report)
    d.send("ImposeFine", date(2026, 4, 9), amount=Decimal("10000.00"),
           imposed_on=date(2026, 4, 9), subject="李四", subject_kind=PartyKind.PERSON,
           approved=date(2026, 4, 9))
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("TerminateCurrentProcedure", date(2026, 4, 15), JUDGE, ruled_on=date(2026, 4, 15),
               ruling_number=RULING, approval_mode=ApprovalMode.APPLICANT_SIGNED)
    assert (refused.value.code, refused.value.source) == (
        "termination.dishonest_required",
        "终本规定 art.1(2); 财产调查规定 art.10; 失信规定 art.1(4)")
    assert app.recorder.max_notification_id() == before
    d.send("ListDishonest", date(2026, 4, 14), ground=DishonestGround.REPORT_VIOLATION,
           listed_on=date(2026, 4, 14), approved=date(2026, 4, 14))
    d.send("TerminateCurrentProcedure", date(2026, 4, 15), JUDGE, ruled_on=date(2026, 4, 15),
           ruling_number=RULING, approval_mode=ApprovalMode.APPLICANT_SIGNED)


def test_refuses_termination_once_the_restriction_was_lifted() -> None:
    app, d = _ready()
    d.send("LiftConsumptionRestriction", date(2026, 4, 9), lifted_on=date(2026, 4, 9),
           reason="applicant_consent")
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("TerminateCurrentProcedure", date(2026, 4, 15), JUDGE, ruled_on=date(2026, 4, 15),
               ruling_number=RULING, approval_mode=ApprovalMode.APPLICANT_SIGNED)
    assert (refused.value.code, refused.value.source) == ("termination.restriction_lifted",
                                                          "终本规定 art.1(2)")
    assert app.recorder.max_notification_id() == before
    d.send("RestrictConsumption", date(2026, 4, 14), issued_on=date(2026, 4, 14),
           approved=date(2026, 4, 14))
    d.send("TerminateCurrentProcedure", date(2026, 4, 15), JUDGE, ruled_on=date(2026, 4, 15),
           ruling_number=RULING, approval_mode=ApprovalMode.APPLICANT_SIGNED)


def test_minor_debtor_who_refused_the_report_is_terminated_without_listing() -> None:
    minor = Party(name="赵七", kind=PartyKind.PERSON,
                  document=ResidentId(number="620402201005010023"))  # born 2010-05-01
    _, d = _ready(report="refused", respondents=(minor,))
    d.send("ImposeFine", date(2026, 4, 9), amount=Decimal("1000.00"),
           imposed_on=date(2026, 4, 9), subject="赵七之监护人", subject_kind=PartyKind.PERSON,
           approved=date(2026, 4, 9))
    result = d.send("TerminateCurrentProcedure", date(2026, 4, 15), JUDGE,
                    ruled_on=date(2026, 4, 15), ruling_number=RULING,
                    approval_mode=ApprovalMode.APPLICANT_SIGNED)
    assert result.events == ("CurrentProcedureTerminated",)


# --- (3) property investigation exhausted, nothing disposable --------------------------------

@pytest.mark.parametrize("missing", REQUIRED)
def test_refuses_termination_with_a_required_channel_never_queried(missing: Channel) -> None:
    app, d = _ready(channels=tuple(ch for ch in REQUIRED if ch is not missing))
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("TerminateCurrentProcedure", date(2026, 4, 15), JUDGE, ruled_on=date(2026, 4, 15),
               ruling_number=RULING, approval_mode=ApprovalMode.APPLICANT_SIGNED)
    assert (refused.value.code, refused.value.source) == ("termination.channel_not_queried",
                                                          "终本规定 art.3")
    assert missing.value in refused.value.message
    assert app.recorder.max_notification_id() == before
    d.send("RecordNetworkInquiry", date(2026, 4, 14), channel=missing,
           queried_on=date(2026, 4, 14))
    d.send("TerminateCurrentProcedure", date(2026, 4, 15), JUDGE, ruled_on=date(2026, 4, 15),
           ruling_number=RULING, approval_mode=ApprovalMode.APPLICANT_SIGNED)


def test_required_channels_are_configurable() -> None:
    _, d = _ready(channels=(Channel.DEPOSITS,),
                    rules=RuleSet(required_channels=frozenset({Channel.DEPOSITS})))
    result = d.send("TerminateCurrentProcedure", date(2026, 4, 15), JUDGE, ruled_on=date(2026, 4, 15),
                    ruling_number=RULING, approval_mode=ApprovalMode.APPLICANT_SIGNED)
    assert result.events == ("CurrentProcedureTerminated",)


def test_refuses_termination_with_an_applicants_lead_unverified() -> None:
    app, d = _ready()
    d.send("SubmitLead", date(2026, 4, 9), lead_id="lead-1", description="被执行人在某市有商铺",
           submitted_on=date(2026, 4, 9))
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("TerminateCurrentProcedure", date(2026, 4, 15), JUDGE, ruled_on=date(2026, 4, 15),
               ruling_number=RULING, approval_mode=ApprovalMode.APPLICANT_SIGNED)
    assert (refused.value.code, refused.value.source) == ("termination.lead_unverified",
                                                          "终本规定 art.3")
    assert app.recorder.max_notification_id() == before
    d.send("VerifyLead", date(2026, 4, 13), lead_id="lead-1", verified_on=date(2026, 4, 13))
    d.send("TerminateCurrentProcedure", date(2026, 4, 15), JUDGE, ruled_on=date(2026, 4, 15),
           ruling_number=RULING, approval_mode=ApprovalMode.APPLICANT_SIGNED)


def test_refuses_termination_with_disposable_property_found() -> None:
    app, d = _ready()
    d.send("RegisterAsset", date(2026, 4, 9), asset=CAR, found_on=date(2026, 4, 9))
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("TerminateCurrentProcedure", date(2026, 4, 15), JUDGE, ruled_on=date(2026, 4, 15),
               ruling_number=RULING, approval_mode=ApprovalMode.APPLICANT_SIGNED)
    assert (refused.value.code, refused.value.source) == ("termination.assets_disposable",
                                                          "终本规定 art.1(3)")
    assert app.recorder.max_notification_id() == before


def test_exempt_property_does_not_block_termination() -> None:
    _, d = _ready()
    d.send("RegisterAsset", date(2026, 4, 9), asset=CAR.model_copy(update={"exempt": True}),
           found_on=date(2026, 4, 9))
    result = d.send("TerminateCurrentProcedure", date(2026, 4, 15), JUDGE, ruled_on=date(2026, 4, 15),
                    ruling_number=RULING, approval_mode=ApprovalMode.APPLICANT_SIGNED)
    assert result.events == ("CurrentProcedureTerminated",)


def test_refuses_termination_while_a_lapsed_seizure_leaves_property_disposable() -> None:
    app, d = _ready()
    d.send("RegisterAsset", date(2026, 4, 9), asset=CAR, found_on=date(2026, 2, 2))
    d.send("ControlAsset", date(2026, 4, 9), asset_id="car-1", measure=ControlMeasure.SEIZE,
           amount=Decimal("80000.00"), effective_on=date(2026, 2, 2),
           expires_on=date(2026, 3, 2))
    d.send("RecordControlLapse", date(2026, 4, 9), asset_id="car-1", lapsed_on=date(2026, 3, 3))
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("TerminateCurrentProcedure", date(2026, 4, 15), JUDGE, ruled_on=date(2026, 4, 15),
               ruling_number=RULING, approval_mode=ApprovalMode.APPLICANT_SIGNED)
    assert (refused.value.code, refused.value.source) == ("termination.assets_disposable",
                                                          "终本规定 art.1(3)")
    assert app.recorder.max_notification_id() == before


def test_refuses_termination_while_case_funds_await_payout() -> None:
    app, d = _ready()
    d.send("RecordFundsReceived", date(2026, 4, 9), CLERK, amount=Decimal("20000.00"),
           received_on=date(2026, 4, 9))
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("TerminateCurrentProcedure", date(2026, 4, 15), JUDGE, ruled_on=date(2026, 4, 15),
               ruling_number=RULING, approval_mode=ApprovalMode.APPLICANT_SIGNED)
    assert (refused.value.code, refused.value.source) == ("termination.money_arriving",
                                                          "终本规定 art.1(3)")
    assert app.recorder.max_notification_id() == before
    d.send("PayOut", date(2026, 4, 14), amount=Decimal("20000.00"), paid_on=date(2026, 4, 14))
    d.send("TerminateCurrentProcedure", date(2026, 4, 15), JUDGE, ruled_on=date(2026, 4, 15),
           ruling_number=RULING, approval_mode=ApprovalMode.APPLICANT_SIGNED)
    assert app.get_case(NUMBER).outstanding == Decimal("980000.00")


# --- (5) missing debtor searched, obstruction sanctioned ------------------------------------

def test_refuses_termination_before_the_missing_debtor_is_searched_for() -> None:
    app, d = _ready()
    d.send("RecordDebtorMissing", date(2026, 4, 9), recorded_on=date(2026, 4, 9))
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("TerminateCurrentProcedure", date(2026, 4, 15), JUDGE, ruled_on=date(2026, 4, 15),
               ruling_number=RULING, approval_mode=ApprovalMode.APPLICANT_SIGNED)
    assert (refused.value.code, refused.value.source) == ("termination.debtor_not_searched",
                                                          "终本规定 art.1(5)")
    assert app.recorder.max_notification_id() == before
    d.send("RecordDebtorSearch", date(2026, 4, 14), searched_on=date(2026, 4, 14),
           located=False)
    d.send("TerminateCurrentProcedure", date(2026, 4, 15), JUDGE, ruled_on=date(2026, 4, 15),
           ruling_number=RULING, approval_mode=ApprovalMode.APPLICANT_SIGNED)


def test_refuses_termination_while_obstruction_goes_without_fine_or_detention() -> None:
    app, d = _ready()
    d.send("RecordObstruction", date(2026, 4, 9), occurred_on=date(2026, 4, 9),
           description="被执行人阻挠查封")
    d.send("ListDishonest", date(2026, 4, 10), ground=DishonestGround.OBSTRUCTION,
           listed_on=date(2026, 4, 10), approved=date(2026, 4, 10))
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("TerminateCurrentProcedure", date(2026, 4, 15), JUDGE, ruled_on=date(2026, 4, 15),
               ruling_number=RULING, approval_mode=ApprovalMode.APPLICANT_SIGNED)
    assert (refused.value.code, refused.value.source) == (
        "termination.obstruction_unsanctioned", "终本规定 art.1(5)")
    assert app.recorder.max_notification_id() == before
    d.send("OrderDetention", date(2026, 4, 14), days=10, ordered_on=date(2026, 4, 14),
           subject="李四", approved=date(2026, 4, 14))
    d.send("TerminateCurrentProcedure", date(2026, 4, 15), JUDGE, ruled_on=date(2026, 4, 15),
           ruling_number=RULING, approval_mode=ApprovalMode.APPLICANT_SIGNED)


# --- hearing and approval -----------------------------------------------------------------

def test_refuses_termination_before_the_applicant_is_heard() -> None:
    app, d = _ready(heard=False)
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("TerminateCurrentProcedure", date(2026, 4, 15), JUDGE, ruled_on=date(2026, 4, 15),
               ruling_number=RULING, approval_mode=ApprovalMode.APPLICANT_SIGNED)
    assert (refused.value.code, refused.value.source) == ("termination.applicant_not_heard",
                                                          "终本规定 art.5")
    assert app.recorder.max_notification_id() == before
    d.send("RecordApplicantHearing", date(2026, 4, 14), heard_on=date(2026, 4, 14),
           record="约谈笔录")
    d.send("TerminateCurrentProcedure", date(2026, 4, 15), JUDGE, ruled_on=date(2026, 4, 15),
           ruling_number=RULING, approval_mode=ApprovalMode.APPLICANT_SIGNED)


def test_hearing_requirement_is_configurable() -> None:
    _, d = _ready(heard=False, rules=RuleSet(hearing_required=False))
    result = d.send("TerminateCurrentProcedure", date(2026, 4, 15), JUDGE, ruled_on=date(2026, 4, 15),
                    ruling_number=RULING, approval_mode=ApprovalMode.APPLICANT_SIGNED)
    assert result.events == ("CurrentProcedureTerminated",)


def test_refuses_termination_without_signature_or_presidents_approval() -> None:
    """Without the applicant's signature a 终本 rests on the president's recorded approval: none,
    or one typed into the ruling, is refused."""
    app, d = _ready()
    typed = Approval(approver_id="president-1", role=Role.PRESIDENT, approved_on=date(2026, 4, 15))
    before = app.recorder.max_notification_id()
    for given, code in (({}, "approval.required"),
                        ({"approval": typed}, "approval.typed_not_accepted")):
        with pytest.raises(NotPermitted) as refused:
            d.send("TerminateCurrentProcedure", date(2026, 4, 15), JUDGE,
                   ruled_on=date(2026, 4, 15), ruling_number=RULING,
                   approval_mode=ApprovalMode.PANEL_AND_PRESIDENT, **given)
        assert (refused.value.code, refused.value.source) == (
            code, "民诉法解释 art.517; docs/rules.md, Approvals")
    assert app.recorder.max_notification_id() == before
    d.send("TerminateCurrentProcedure", date(2026, 4, 15), JUDGE,
           ruled_on=date(2026, 4, 15), ruling_number=RULING,
           approval_mode=ApprovalMode.PANEL_AND_PRESIDENT, approved=date(2026, 4, 15))
    assert app.get_case(NUMBER).termination_approval is ApprovalMode.PANEL_AND_PRESIDENT
    ruled = app.case_events(NUMBER)[-1]
    assert getattr(ruled, "approval", None) is not None
    assert ruled.approval.approver_id == "president-1"  # type: ignore[attr-defined]


def test_refuses_termination_while_enforcement_is_suspended() -> None:
    app, d = _ready()
    d.send("SuspendEnforcement", date(2026, 4, 9), JUDGE, suspended_on=date(2026, 4, 9),
           reason=SuspensionReason.OBJECTION)
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("TerminateCurrentProcedure", date(2026, 4, 15), JUDGE, ruled_on=date(2026, 4, 15),
               ruling_number=RULING, approval_mode=ApprovalMode.APPLICANT_SIGNED)
    assert refused.value.code == "case.suspended"
    assert app.recorder.max_notification_id() == before


def test_refuses_termination_when_nothing_is_owed() -> None:
    app, d = _ready()
    d.send("RecordFundsReceived", date(2026, 4, 9), CLERK, amount=Decimal("1000000.00"),
           received_on=date(2026, 4, 9))
    d.send("PayOut", date(2026, 4, 10), amount=Decimal("1000000.00"), paid_on=date(2026, 4, 10))
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("TerminateCurrentProcedure", date(2026, 4, 15), JUDGE, ruled_on=date(2026, 4, 15),
               ruling_number=RULING, approval_mode=ApprovalMode.APPLICANT_SIGNED)
    assert (refused.value.code, refused.value.source) == (
        "termination.nothing_owed", "执行工作规定 art.64; 立案结案意见 arts.14-20")
    assert app.recorder.max_notification_id() == before
