"""(e) settlement, default, resumption; (g) a freeze renewed before expiry across 3 years."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from domain import events as ev
from domain.calendar import add_years
from domain.models import SettlementChoice
from tests.workflows.conftest import Rig
from tests.workflows.dockets import long_settlement, settlement_default

NOTHING = [("NetworkInquiryMade", 0)] * 7


async def test_settlement_default_resumes_enforcement_which_then_collects(rig: Rig) -> None:
    case = settlement_default()
    outcome = await rig.run(case)

    assert outcome.closure_mode == "concluded"
    assert rig.timeline(case.case_number) == [
        ("CaseFiled", 0), ("NoticeIssued", 0), *NOTHING, ("NoticeServed", 2),
        ("PropertyReportRecorded", 5), ("OnsiteInvestigated", 10), ("SettlementReached", 20),
        ("EnforcementSuspended", 20), ("SettlementPaymentRecorded", 30),
        ("SettlementDefaulted", 55), ("SettlementResumed", 55), ("NetworkInquiryMade", 55),
        ("AssetFound", 55), *[("NetworkInquiryMade", 55)] * 6, ("AssetControlled", 55),
        ("DepositTransferred", 62), ("FundsReceived", 62), ("FundsPaidOut", 65),
        ("CaseConcluded", 65)]
    events = rig.app.case_events(case.case_number)
    default = next(e for e in events if isinstance(e, ev.SettlementDefaulted))
    assert default.choice is SettlementChoice.RESUME
    resumed = next(e for e in events if isinstance(e, ev.SettlementResumed))
    assert resumed.deducted == Decimal("20000.00")  # what was performed is deducted
    frozen = next(e for e in events if isinstance(e, ev.AssetControlled))
    assert frozen.amount == Decimal("60000.00")  # the balance after the part payment


async def test_a_freeze_is_renewed_before_each_expiry_through_a_three_year_settlement(
        rig: Rig) -> None:
    case = long_settlement()
    outcome = await rig.run(case)

    assert outcome.closure_mode == "concluded"
    d0 = rig.filed_on(case.case_number)
    expiries = [add_years(d0, n) for n in (1, 2, 3, 4)]
    renewals = [(e - timedelta(30) - d0).days for e in expiries[:3]]  # 30 days' lead
    assert rig.timeline(case.case_number) == [
        ("CaseFiled", 0), ("NoticeIssued", 0), ("NetworkInquiryMade", 0), ("AssetFound", 0),
        *[("NetworkInquiryMade", 0)] * 6, ("AssetControlled", 0), ("NoticeServed", 2),
        ("SettlementReached", 3), ("EnforcementSuspended", 3), ("PropertyReportRecorded", 5),
        ("ControlRenewed", renewals[0]), ("SettlementPaymentRecorded", 360),
        ("ControlRenewed", renewals[1]), ("SettlementPaymentRecorded", 720),
        ("ControlRenewed", renewals[2]), ("SettlementPaymentRecorded", 1080),
        ("SettlementPerformed", 1080), ("ControlReleased", 1080), ("CaseConcluded", 1080)]
    events = rig.app.case_events(case.case_number)
    renewed = [e for e in events if isinstance(e, ev.ControlRenewed)]
    assert [(r.renewed_on, r.expires_on) for r in renewed] == [
        (d0 + timedelta(renewals[i]), expiries[i + 1]) for i in range(3)]
    assert all(r.renewed_on < old for r, old in zip(renewed, expiries, strict=False))
    assert not any(isinstance(e, ev.ControlLapsed) for e in events)
    concluded = next(e for e in events if isinstance(e, ev.CaseConcluded))
    assert concluded.by_settlement
