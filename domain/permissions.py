"""Who may give which command: the role × command table, in one place.

Roles (docs/design.md, Actor): clerks record filings and reported facts; officers carry out the
enforcement acts; judges also rule (终本, closure, panel decisions); the court president may do
all of that; the system (the case workflow itself) runs routine acts; auditors are read-only.
Measures that the law puts under the court president's approval (fines, detention, restriction
orders, 失信 decisions, deadline extensions, a 终本 without the applicant's signature) also need
an approval request that the president approved, each an act of its own: see
``domain/approvals.py`` and docs/rules.md, "Approvals".
"""

from __future__ import annotations

from domain.commands import COMMANDS
from domain.errors import NotPermitted
from domain.values import Role

C, OF, J, P, S = Role.CLERK, Role.OFFICER, Role.JUDGE, Role.PRESIDENT, Role.SYSTEM
_COURT = frozenset({OF, J, P})
_ALL_ACTING = frozenset({C, OF, J, P, S})

ALLOWED: dict[str, frozenset[Role]] = {
    # filing, notice, report
    "FileCase": frozenset({C, OF, J, P, S}),
    "IssueNotice": frozenset({C, OF, J, P, S}),
    "RecordNoticeService": _ALL_ACTING,
    "RecordPropertyReport": _ALL_ACTING,
    "AssessDelayInterest": _COURT | {S},
    # the debtor's limitation objection (recorded from its writing) and the court's ruling
    "RaiseLimitationObjection": frozenset({C, OF, J, P}),
    "RuleOnLimitationObjection": frozenset({J, P}),
    # inquiry
    "RecordNetworkInquiry": _COURT | {S},
    "RegisterAsset": _ALL_ACTING,
    "SubmitLead": _ALL_ACTING,
    "VerifyLead": _COURT | {S},
    "RecordOnsiteInvestigation": _COURT,
    "RecordSearch": _COURT,
    "RequestReward": _ALL_ACTING,
    "DecideReward": frozenset({J, P}),
    "RequestAudit": _ALL_ACTING,
    "DecideAudit": frozenset({J, P}),
    "RecordDebtorMissing": _COURT,
    "RecordDebtorSearch": _COURT,
    "RecordObstruction": _COURT,
    # control
    "ControlAsset": _COURT | {S},
    "RenewControl": _COURT | {S},
    "RecordControlLapse": _COURT | {S},
    "ReleaseControl": _COURT | {S},
    "AdvanceQueue": _COURT | {S},
    "AdjustLivingAllowance": frozenset({J, P}),
    "RecordGarnisheeStopped": _ALL_ACTING,
    "TransferDeposit": _COURT | {S},
    # valuation and disposal
    "SetReferencePrice": _COURT | {S},
    "AnnounceAuction": _COURT | {S},
    "RecordBid": _COURT | {S},
    "CloseAuction": _COURT | {S},
    "RecordBuyerDefault": _COURT | {S},
    "SellAsset": _COURT,
    "TransferInLieu": frozenset({J, P}),
    # funds
    "RecordFundsReceived": _ALL_ACTING,
    "PayOut": _COURT | {S},
    "ClaimReceipt": _COURT,  # identifies court money to the case (docs/rules.md §10)
    "JoinDistribution": _COURT | {S},
    "LeaveDistribution": _COURT | {S},
    # settlement
    "ReachSettlement": _COURT,
    "RecordSettlementPayment": _ALL_ACTING,
    "RecordSettlementPerformed": _COURT | {S},
    "RecordSettlementDefault": _COURT,
    # coercive measures
    "RestrictConsumption": _COURT | {S},
    "LiftConsumptionRestriction": _COURT | {S},
    "ListDishonest": _COURT | {S},
    "DeleteDishonestEntry": _COURT | {S},
    "ImposeFine": _COURT,
    "OrderDetention": _COURT,
    "IssueSummons": _COURT,
    "BanExit": frozenset({J, P}),
    # approvals: asked by whoever needs one; given or refused by the approver, whose role the
    # measure's rule names (domain/approvals.py checks it against the request)
    "RequestApproval": _COURT,
    "GiveApproval": frozenset({J, P}),
    "RefuseApproval": frozenset({J, P}),
    # deadline
    "RequestExtension": _COURT,
    "SuspendEnforcement": frozenset({J, P}),
    "EndSuspension": frozenset({J, P, S}),
    # security and postponement (docs/rules.md §8): the court records the security, a judge
    # decides the postponement and the enforcement against the security; the workflow ends a
    # postponement whose term ran out
    "RecordSecurity": _COURT,
    "PostponeEnforcement": frozenset({J, P}),
    "RecordSecurityBreach": _COURT,
    "EndPostponement": frozenset({J, P, S}),
    "RuleAgainstSecurity": frozenset({J, P}),
    "CollectFromSecurity": _COURT,
    # refusal to enforce (docs/rules.md §9): a judge finds; a clerk records the applicant's
    # complaint or private prosecution, a judge transfers to the police (checked by route)
    "FindRefusalToEnforce": frozenset({J, P}),
    "ReferRefusalToEnforce": frozenset({C, OF, J, P}),
    "RecordReferralOutcome": frozenset({C, OF, J, P}),
    # termination, resumption, closure
    "RecordApplicantHearing": frozenset({C, OF, J, P}),
    "TerminateCurrentProcedure": frozenset({J, P}),
    "RecordTerminationService": _ALL_ACTING,
    "RecordPostTerminationInquiry": _COURT | {S},
    "ResumeEnforcement": frozenset({J, P, S}),
    "ConcludeCase": frozenset({J, P, S}),
    "EndEnforcement": frozenset({J, P}),
    "CloseCase": frozenset({J, P}),
    # objections and outsiders' claims (docs/rules.md §7): received and served by the court's
    # staff; stayed and ruled by a judge; the higher court's decision and the suit's judgment
    # recorded by the staff as documents received
    "RecordObjection": frozenset({C, OF, J, P}),
    "RecordOutsiderClaim": frozenset({C, OF, J, P}),
    "OrderObjectionStay": frozenset({J, P}),
    "RuleOnObjection": frozenset({J, P}),
    "RecordObjectionService": _ALL_ACTING,
    "ApplyForReview": frozenset({C, OF, J, P}),
    "RecordReviewDecision": frozenset({C, OF, J, P}),
    "RecordObjectionSuit": frozenset({C, OF, J, P}),
    "RecordSuitJudgment": frozenset({C, OF, J, P}),
    # the register of received acts: the workflow records a refusal nobody else is told of
    "RecordRefusedAct": frozenset({S}),
}

assert set(ALLOWED) == set(COMMANDS), set(ALLOWED) ^ set(COMMANDS)


def check_permitted(command_name: str, role: Role) -> None:
    """Raise ``NotPermitted`` unless ``role`` may give ``command_name``."""
    if role not in ALLOWED[command_name]:
        raise NotPermitted(
            "role.not_permitted",
            f"a {role.value} may not give {command_name}",
            "permissions table (docs/design.md, Actor)",
        )
