"""Who may give which command: the role × command table, in one place.

Roles (docs/design.md, Actor): clerks record filings and reported facts; officers carry out the
enforcement acts; judges also rule (终本, closure, panel decisions); the court president may do
all of that; the system (the case workflow itself) runs routine acts; auditors are read-only.
Acts that the law reserves to the court president (fines, detention, restriction orders, 失信
decisions, deadline extensions) also need a recorded president's ``approval`` — see
``PRESIDENT_APPROVAL``.
"""

from __future__ import annotations

from datetime import date

from domain.commands import COMMANDS
from domain.errors import NotPermitted
from domain.values import Approval, Role

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
    # deadline
    "RequestExtension": _COURT,
    "SuspendEnforcement": frozenset({J, P}),
    "EndSuspension": frozenset({J, P, S}),
    # termination, resumption, closure
    "RecordApplicantHearing": frozenset({C, OF, J, P}),
    "TerminateCurrentProcedure": frozenset({J, P}),
    "RecordTerminationService": _ALL_ACTING,
    "RecordPostTerminationInquiry": _COURT | {S},
    "ResumeEnforcement": frozenset({J, P, S}),
    "ConcludeCase": frozenset({J, P, S}),
    "EndEnforcement": frozenset({J, P}),
    "CloseCase": frozenset({J, P}),
    # the register of received acts: the workflow records a refusal nobody else is told of
    "RecordRefusedAct": frozenset({S}),
}

PRESIDENT_APPROVAL: dict[str, str] = {
    "ImposeFine": "民诉法 art.119",
    "OrderDetention": "民诉法 art.119",
    "RestrictConsumption": "限消规定 art.4",
    "ListDishonest": "失信规定 art.6",
    "RequestExtension": "审限规定 art.5; 执行工作规定 art.63",
}
"""Commands that need the court president's recorded approval, with the source."""

assert set(ALLOWED) == set(COMMANDS), set(ALLOWED) ^ set(COMMANDS)


def check_permitted(command_name: str, role: Role) -> None:
    """Raise ``NotPermitted`` unless ``role`` may give ``command_name``."""
    if role not in ALLOWED[command_name]:
        raise NotPermitted(
            "role.not_permitted",
            f"a {role.value} may not give {command_name}",
            "permissions table (docs/design.md, Actor)",
        )


def check_president_approval(command_name: str, approval: Approval | None,
                             today: date | None = None) -> None:
    """Raise ``NotPermitted`` if the act needs a president's approval that is missing, or that
    is dated after the business date ``today`` of the act (an approval precedes the act)."""
    source = PRESIDENT_APPROVAL.get(command_name)
    if not source:
        return
    if approval is None or approval.role is not Role.PRESIDENT:
        raise NotPermitted(
            "approval.president_required",
            f"{command_name} needs the court president's approval", source,
        )
    if today is not None and approval.approved_on > today:
        raise NotPermitted(
            "approval.in_future",
            f"the president's approval is dated {approval.approved_on}, after the act on {today}",
            source,
        )
