"""A minimal valid command of every type, as an activity would receive it (plain data validated
by the command's model), for tests that must reach every command (the permission matrix)."""

from __future__ import annotations

import itertools
from datetime import date, datetime
from typing import Any

from domain import commands as c
from domain.values import Actor, Role
from tests.support import APPLICANT, DEBTOR, NUMBER, at

FILED_ON = date(2026, 3, 2)
ON = date(2026, 4, 1)
"""The business date of every command (a month after filing)."""
DAY = ON.isoformat()
LATER = date(2026, 10, 1).isoformat()
OPENS, CLOSES = at(date(2026, 4, 2)).isoformat(), at(date(2026, 4, 3)).isoformat()
PRESIDENTS = {"approver_id": "president-1", "role": "president", "approved_on": DAY}
JUDGES = {"approver_id": "judge-1", "role": "judge", "approved_on": DAY}
ASSET = {"asset_id": "A1", "kind": "deposit", "description": "工商银行存款", "value": "5000.00"}
BASIS = {"kind": "judgment", "document_number": "(2025)甘0402民初88号",
         "issued_by": "甘肃省白银市白银区人民法院", "effective_on": "2025-11-01",
         "performance_deadline": "2025-12-01"}

FIELDS: dict[str, dict[str, Any]] = {
    "FileCase": {"category": "loan", "applicants": [APPLICANT.model_dump(mode="json")],
                 "respondents": [DEBTOR.model_dump(mode="json")], "enforcement_basis": BASIS,
                 "claim": {"principal": "100000.00"}, "applied_on": DAY, "filed_on": DAY},
    "IssueNotice": {"issued_on": DAY, "report_due_on": "2026-04-11"},
    "RecordNoticeService": {"served_on": DAY},
    "RecordPropertyReport": {"status": "filed", "reported_on": DAY},
    "AssessDelayInterest": {"to_date": DAY},
    "RaiseLimitationObjection": {"raised_on": DAY, "grounds": "申请执行时效已届满"},
    "RuleOnLimitationObjection": {"ruled_on": DAY, "upheld": False, "reason": "未超过时效"},
    "RecordNetworkInquiry": {"channel": "deposits", "queried_on": DAY},
    "RegisterAsset": {"asset": ASSET, "found_on": DAY},
    "SubmitLead": {"lead_id": "L1", "description": "债务人在某银行有存款", "submitted_on": DAY},
    "VerifyLead": {"lead_id": "L1", "verified_on": DAY},
    "RecordOnsiteInvestigation": {"investigated_on": DAY},
    "RecordSearch": {"searched_on": DAY},
    "RequestReward": {"requested_on": DAY},
    "DecideReward": {"decided_on": DAY, "granted": True},
    "RequestAudit": {"requested_on": DAY},
    "DecideAudit": {"decided_on": DAY, "granted": True},
    "RecordDebtorMissing": {"recorded_on": DAY},
    "RecordDebtorSearch": {"searched_on": DAY, "located": False},
    "RecordObstruction": {"occurred_on": DAY, "description": "拒不开门"},
    "ControlAsset": {"asset_id": "A1", "measure": "freeze", "amount": "5000.00",
                     "effective_on": DAY, "expires_on": LATER},
    "RenewControl": {"asset_id": "A1", "renewed_on": DAY, "expires_on": LATER},
    "RecordControlLapse": {"asset_id": "A1", "lapsed_on": DAY},
    "ReleaseControl": {"asset_id": "A1", "released_on": DAY, "reason": "错误冻结"},
    "AdvanceQueue": {"asset_id": "A1", "advanced_on": DAY, "expires_on": LATER},
    "AdjustLivingAllowance": {"asset_id": "A1", "allowance": "1000.00",
                              "panel_decision": "合议庭决定", "decided_on": DAY},
    "RecordGarnisheeStopped": {"asset_id": "A1", "stopped_on": DAY, "reason": "离职"},
    "TransferDeposit": {"asset_id": "A1", "amount": "5000.00", "transferred_on": DAY},
    "SetReferencePrice": {"asset_id": "A1", "method": "agreement", "amount": "5000.00",
                          "requested_on": DAY, "determined_on": DAY},
    "AnnounceAuction": {"asset_id": "A1", "start_price": "5000.00", "deposit": "500.00",
                        "announced_on": DAY, "opens_at": OPENS, "closes_at": CLOSES},
    "RecordBid": {"asset_id": "A1", "bidder": "B1", "amount": "5000.00",
                  "bid_at": at(ON).isoformat()},
    "CloseAuction": {"asset_id": "A1", "closed_at": at(ON).isoformat()},
    "RecordBuyerDefault": {"asset_id": "A1", "defaulted_on": DAY},
    "SellAsset": {"asset_id": "A1", "price": "5000.00", "buyer": "B1", "sold_on": DAY},
    "TransferInLieu": {"asset_id": "A1", "transferred_on": DAY, "applicant_consents": True},
    "RecordFundsReceived": {"amount": "100.00", "received_on": DAY},
    "PayOut": {"amount": "100.00", "paid_on": DAY},
    "ClaimReceipt": {"receipt_id": "R1", "claimed_on": DAY},
    "LeaveDistribution": {"plan_number": "(2026)甘0402执分1号", "left_on": DAY},
    "JoinDistribution": {"plan_number": "(2026)甘0402执分1号", "debtor": "李四",
                         "claim": "100.00", "claim_class": "ordinary", "joined_on": DAY},
    "ReachSettlement": {"reached_on": DAY, "amount": "50000.00", "due_on": LATER,
                        "terms": "分期付款"},
    "RecordSettlementPayment": {"amount": "100.00", "paid_on": DAY},
    "RecordSettlementPerformed": {"performed_on": DAY},
    "RecordSettlementDefault": {"defaulted_on": DAY, "choice": "resume"},
    "RestrictConsumption": {"issued_on": DAY, "approval_id": "AP1"},
    "LiftConsumptionRestriction": {"lifted_on": DAY, "reason": "performance"},
    "ListDishonest": {"ground": "able_but_refuses", "listed_on": DAY, "approval_id": "AP1"},
    "DeleteDishonestEntry": {"deleted_on": DAY, "reason": "performance"},
    "ImposeFine": {"amount": "1000.00", "imposed_on": DAY, "subject": "李四",
                   "subject_kind": "person", "approval_id": "AP1"},
    "OrderDetention": {"days": 5, "ordered_on": DAY, "subject": "李四", "approval_id": "AP1"},
    "IssueSummons": {"hours": 8, "issued_on": DAY},
    "BanExit": {"banned_on": DAY, "subject": "李四"},
    "RequestExtension": {"requested_on": DAY, "approval_id": "AP1"},
    "RequestApproval": {"approval_id": "AP2", "measure": "dishonest", "requested_on": DAY},
    "GiveApproval": {"approval_id": "AP1", "given_on": DAY},
    "RefuseApproval": {"approval_id": "AP1", "refused_on": DAY, "reason": "理由不足"},
    "SuspendEnforcement": {"suspended_on": DAY, "reason": "objection"},
    "EndSuspension": {"ended_on": DAY},
    "RecordSecurity": {"security_id": "S1", "form": "guarantee", "provider": "third_party",
                       "guarantor": APPLICANT.model_dump(mode="json"), "amount": "1000.00",
                       "applicant_consents": True, "given_on": DAY},
    "PostponeEnforcement": {"decided_on": DAY, "until": LATER, "security_ids": ["S1"]},
    "RecordSecurityBreach": {"security_id": "S1", "occurred_on": DAY,
                             "description": "转移担保财产"},
    "EndPostponement": {"ended_on": DAY, "cause": "period_ended"},
    "RuleAgainstSecurity": {"security_id": "S1", "ruled_on": DAY},
    "CollectFromSecurity": {"security_id": "S1", "amount": "100.00", "collected_on": DAY},
    "FindRefusalToEnforce": {"found_on": DAY, "conduct": "隐匿财产"},
    "ReferRefusalToEnforce": {"referral_id": "R1", "route": "applicant_complaint",
                              "referred_on": DAY, "subject": "李四", "facts": "隐匿财产"},
    "RecordReferralOutcome": {"referral_id": "R1", "outcome": "accepted", "decided_on": DAY},
    "RecordApplicantHearing": {"heard_on": DAY, "record": "已约谈申请人"},
    "TerminateCurrentProcedure": {"ruled_on": DAY, "ruling_number": "(2026)甘0402执123号之一",
                                  "approval_mode": "applicant_signed"},
    "RecordTerminationService": {"served_on": DAY},
    "RecordPostTerminationInquiry": {"queried_on": DAY},
    "ResumeEnforcement": {"resumed_on": DAY, "reason": "发现财产"},
    "ConcludeCase": {"closed_on": DAY},
    "EndEnforcement": {"closed_on": DAY, "ground": "applicant_withdrew", "reason": "申请人撤回"},
    "CloseCase": {"mode": "withdrawn_filing", "closed_on": DAY, "reason": "撤回申请"},
    "RecordObjection": {"objection_id": "OB1", "objector": "李四", "standing": "party",
                        "act": "other", "act_version": 1, "grounds": "执行行为违法",
                        "received_on": DAY},
    "RecordOutsiderClaim": {"objection_id": "CL1", "claimant": "王五", "asset_id": "A1",
                            "grounds": "存款系案外人所有", "received_on": DAY},
    "OrderObjectionStay": {"objection_id": "OB1", "ordered_on": DAY, "reason": "提供担保"},
    "RuleOnObjection": {"objection_id": "OB1", "outcome": "rejected", "ruled_on": DAY},
    "RecordObjectionService": {"objection_id": "OB1", "served_on": DAY},
    "ApplyForReview": {"objection_id": "OB1", "applicant": "李四", "applied_on": DAY},
    "RecordReviewDecision": {"objection_id": "OB1", "outcome": "maintained", "decided_on": DAY},
    "RecordObjectionSuit": {"objection_id": "CL1", "filed_on": DAY},
    "RecordSuitJudgment": {"objection_id": "CL1", "judgment": "enforcement_allowed",
                           "decided_on": DAY},
    "RecordRefusedAct": {"act": "record_property_report", "key": "signal:run:1",
                         "submitted_by": {"id": "debtor-portal", "role": "clerk"},
                         "code": "report.not_ordered", "message": "no report was ordered",
                         "source": "财产调查规定 art.3"},
}
"""Each command's own fields (the envelope is added by :func:`minimal_command`)."""

_serial = itertools.count(500)


def minimal_command(name: str, role: Role, *, case_number: str = NUMBER,
                    recorded_at: datetime | None = None, **override: Any) -> c.Command:
    """Command ``name`` given by ``role`` on ``ON``, with a fresh command id. A FileCase files a
    fresh case number and a ResumeEnforcement opens a fresh 执恢 number (so that neither meets
    an existing case before its permission is checked)."""
    serial = next(_serial)
    data: dict[str, Any] = {**FIELDS[name], **override}
    if name == "FileCase":
        case_number = f"(2026)甘0402执{serial}号"
    if name == "ResumeEnforcement":
        data.setdefault("new_case_number", f"(2026)甘0402执恢{serial}号")
    actor = Actor(id=f"{role.value}-1", role=role)
    return c.COMMANDS[name].model_validate({
        "case_number": case_number, "command_id": f"matrix:{serial}", "actor": actor,
        "recorded_at": recorded_at or at(ON, 18), **data})
