"""The permission table, role by role and command by command: every one of the 82 commands ×
6 roles goes through ``app.execute`` and must end as the table written out below says.

``allowed``: the role may give the command: it is applied, or refused by a rule of the case (never
by a permission or approval check). A measure that rests on an approval names request ``AP1``,
asked by an officer and given by another president before (``case_filed``); ``GiveApproval`` and
``RefuseApproval`` decide ``AP1``, asked by an officer and still pending. Otherwise the refusal
code of the typed ``NotPermittedError``, which writes nothing. The table is the policy (docs/design.md
"Actor"; domain/permissions.py): a change to either side shows up here pair by pair.
"""

from __future__ import annotations

import pytest

from domain.application import EnforcementCases
from domain.approvals import MEASURES
from domain.calendar import HolidayCalendar
from domain.commands import COMMANDS, Command
from domain.errors import EnforcementError, NotPermittedError
from domain.values import Actor, Role
from tests.domain.minimal_commands import FILED_ON, ON, PRESIDENTS, minimal_command
from tests.support import KEY, OFFICER, Driver

OK = "allowed"
NO = "role.not_permitted"
TY = "approval.typed_not_accepted"
WR = "approval.wrong_role"
ROLES = (Role.CLERK, Role.OFFICER, Role.JUDGE, Role.PRESIDENT, Role.AUDITOR, Role.SYSTEM)
PERMISSION_CODES = frozenset({NO, TY, WR, "approval.required", "approval.self_approval"})
BEFORE_PERMISSION = frozenset({"case.unknown", "case.already_filed", "command.id_conflict",
                               "case.concurrent_update", "engine.busy"})
"""Engine refusals that come before the permission check: none may stand in for "allowed"."""

# command:                        (clerk, officer, judge, president, auditor, system)
EXPECTED: dict[str, tuple[str, str, str, str, str, str]] = {
    "FileCase":                     (OK, OK, OK, OK, NO, OK),
    "IssueNotice":                  (OK, OK, OK, OK, NO, OK),
    "RecordNoticeService":          (OK, OK, OK, OK, NO, OK),
    "RecordPropertyReport":         (OK, OK, OK, OK, NO, OK),
    "RaiseLimitationObjection":     (OK, OK, OK, OK, NO, NO),
    "RuleOnLimitationObjection":    (NO, NO, OK, OK, NO, NO),
    "AssessDelayInterest":          (NO, OK, OK, OK, NO, OK),
    "RecordNetworkInquiry":         (NO, OK, OK, OK, NO, OK),
    "RegisterAsset":                (OK, OK, OK, OK, NO, OK),
    "SubmitLead":                   (OK, OK, OK, OK, NO, OK),
    "VerifyLead":                   (NO, OK, OK, OK, NO, OK),
    "RecordOnsiteInvestigation":    (NO, OK, OK, OK, NO, NO),
    "RecordSearch":                 (NO, OK, OK, OK, NO, NO),
    "RequestReward":                (OK, OK, OK, OK, NO, OK),
    "DecideReward":                 (NO, NO, OK, OK, NO, NO),
    "RequestAudit":                 (OK, OK, OK, OK, NO, OK),
    "DecideAudit":                  (NO, NO, OK, OK, NO, NO),
    "RecordDebtorMissing":          (NO, OK, OK, OK, NO, NO),
    "RecordDebtorSearch":           (NO, OK, OK, OK, NO, NO),
    "RecordObstruction":            (NO, OK, OK, OK, NO, NO),
    "ControlAsset":                 (NO, OK, OK, OK, NO, OK),
    "RenewControl":                 (NO, OK, OK, OK, NO, OK),
    "RecordControlLapse":           (NO, OK, OK, OK, NO, OK),
    "ReleaseControl":               (NO, OK, OK, OK, NO, OK),
    "AdvanceQueue":                 (NO, OK, OK, OK, NO, OK),
    "AdjustLivingAllowance":        (NO, NO, OK, OK, NO, NO),
    "RecordGarnisheeStopped":       (OK, OK, OK, OK, NO, OK),
    "TransferDeposit":              (NO, OK, OK, OK, NO, OK),
    "SetReferencePrice":            (NO, OK, OK, OK, NO, OK),
    "AnnounceAuction":              (NO, OK, OK, OK, NO, OK),
    "RecordBid":                    (NO, OK, OK, OK, NO, OK),
    "CloseAuction":                 (NO, OK, OK, OK, NO, OK),
    "RecordBuyerDefault":           (NO, OK, OK, OK, NO, OK),
    "SellAsset":                    (NO, OK, OK, OK, NO, NO),
    "TransferInLieu":               (NO, NO, OK, OK, NO, NO),
    "RecordFundsReceived":          (OK, OK, OK, OK, NO, OK),
    "PayOut":                       (NO, OK, OK, OK, NO, OK),
    "ClaimReceipt":                 (NO, OK, OK, OK, NO, NO),
    "JoinDistribution":             (NO, OK, OK, OK, NO, OK),
    "LeaveDistribution":            (NO, OK, OK, OK, NO, OK),
    "ReachSettlement":              (NO, OK, OK, OK, NO, NO),
    "RecordSettlementPayment":      (OK, OK, OK, OK, NO, OK),
    "RecordSettlementPerformed":    (NO, OK, OK, OK, NO, OK),
    "RecordSettlementDefault":      (NO, OK, OK, OK, NO, NO),
    "RestrictConsumption":          (NO, OK, OK, OK, NO, OK),
    "LiftConsumptionRestriction":   (NO, OK, OK, OK, NO, OK),
    "ListDishonest":                (NO, OK, OK, OK, NO, OK),
    "DeleteDishonestEntry":         (NO, OK, OK, OK, NO, OK),
    "ImposeFine":                   (NO, OK, OK, OK, NO, NO),
    "OrderDetention":               (NO, OK, OK, OK, NO, NO),
    "IssueSummons":                 (NO, OK, OK, OK, NO, NO),
    "BanExit":                      (NO, NO, OK, OK, NO, NO),
    "RequestApproval":              (NO, OK, OK, OK, NO, NO),
    "GiveApproval":                 (NO, NO, WR, OK, NO, NO),
    "RefuseApproval":               (NO, NO, WR, OK, NO, NO),
    "RequestExtension":             (NO, OK, OK, OK, NO, NO),
    "SuspendEnforcement":           (NO, NO, OK, OK, NO, NO),
    "EndSuspension":                (NO, NO, OK, OK, NO, OK),
    "RecordSecurity":               (NO, OK, OK, OK, NO, NO),
    "PostponeEnforcement":          (NO, NO, OK, OK, NO, NO),
    "RecordSecurityBreach":         (NO, OK, OK, OK, NO, NO),
    "EndPostponement":              (NO, NO, OK, OK, NO, OK),
    "RuleAgainstSecurity":          (NO, NO, OK, OK, NO, NO),
    "CollectFromSecurity":          (NO, OK, OK, OK, NO, NO),
    "FindRefusalToEnforce":         (NO, NO, OK, OK, NO, NO),
    "ReferRefusalToEnforce":        (OK, OK, OK, OK, NO, NO),
    "RecordReferralOutcome":        (OK, OK, OK, OK, NO, NO),
    "RecordApplicantHearing":       (OK, OK, OK, OK, NO, NO),
    "TerminateCurrentProcedure":    (NO, NO, OK, OK, NO, NO),
    "RecordTerminationService":     (OK, OK, OK, OK, NO, OK),
    "RecordPostTerminationInquiry": (NO, OK, OK, OK, NO, OK),
    "ResumeEnforcement":            (NO, NO, OK, OK, NO, OK),
    "ConcludeCase":                 (NO, NO, OK, OK, NO, OK),
    "EndEnforcement":               (NO, NO, OK, OK, NO, NO),
    "CloseCase":                    (NO, NO, OK, OK, NO, NO),
    "RecordObjection":              (OK, OK, OK, OK, NO, NO),
    "RecordOutsiderClaim":          (OK, OK, OK, OK, NO, NO),
    "OrderObjectionStay":           (NO, NO, OK, OK, NO, NO),
    "RuleOnObjection":              (NO, NO, OK, OK, NO, NO),
    "RecordObjectionService":       (OK, OK, OK, OK, NO, OK),
    "ApplyForReview":               (OK, OK, OK, OK, NO, NO),
    "RecordReviewDecision":         (OK, OK, OK, OK, NO, NO),
    "RecordObjectionSuit":          (OK, OK, OK, OK, NO, NO),
    "RecordSuitJudgment":           (OK, OK, OK, OK, NO, NO),
    "RecordRefusedAct":             (NO, NO, NO, NO, NO, OK),
}
"""Every command, its approval (if it rests on one) requested and given before."""

WITH_A_TYPED_APPROVAL: dict[str, tuple[str, str, str, str, str, str]] = {
    "ImposeFine":                   (NO, TY, TY, TY, NO, NO),
    "OrderDetention":               (NO, TY, TY, TY, NO, NO),
    "RestrictConsumption":          (NO, TY, TY, TY, NO, TY),
    "ListDishonest":                (NO, TY, TY, TY, NO, TY),
    "RequestExtension":             (NO, TY, TY, TY, NO, NO),
}
"""The measures that rest on the president's approval, given an approval typed into the command
(even a president's): roles that may give them are refused for the typed approval, the others
for their role first."""

CALENDAR = HolidayCalendar.load()


def case_filed(name: str = "") -> EnforcementCases:
    """A store holding one case against a person, filed on 2 March 2026 by a clerk, with
    approval request ``AP1`` for command ``name``: given by president-9 if ``name`` rests on
    one, pending if ``name`` decides it."""
    app = EnforcementCases.in_memory(chain_key=KEY, calendar=CALENDAR)
    d = Driver(app)
    d.file(FILED_ON)
    minimal = minimal_command(name, Role.OFFICER) if name in MEASURES else None
    if name in ("GiveApproval", "RefuseApproval"):
        d.send("RequestApproval", ON, OFFICER, hour=9, approval_id="AP1", measure="dishonest",
               requested_on=ON)
    elif minimal is not None:
        fields = {k: getattr(minimal, k) for k in ("subject", "amount", "days")
                  if k in type(minimal).model_fields}
        d.send("RequestApproval", ON, OFFICER, hour=9, approval_id="AP1",
               measure=MEASURES[name][0], requested_on=ON, **fields)
        d.send("GiveApproval", ON, Actor(id="president-9", role=Role.PRESIDENT), hour=9,
               approval_id="AP1", given_on=ON)
    return app


def outcome(app: EnforcementCases, cmd: Command) -> str:
    """``allowed`` if the command passed the permission and approval checks, else the code."""
    before = app.recorder.max_notification_id()
    try:
        app.execute(cmd)
    except NotPermittedError as refused:
        assert app.recorder.max_notification_id() == before, "a refusal wrote events"
        return refused.code
    except EnforcementError as refused:  # a rule of the case, after the permission checks
        assert refused.code not in PERMISSION_CODES | BEFORE_PERMISSION, refused
        return f"{OK} (then {refused.code})"
    return OK


PAIRS = [(name, role) for name in EXPECTED for role in ROLES]


def test_the_table_names_every_command_and_role_once() -> None:
    assert len(EXPECTED) == len(COMMANDS) == 85 and set(EXPECTED) == set(COMMANDS)
    assert len(ROLES) == len(Role) == 6 and set(ROLES) == set(Role)
    assert len(PAIRS) == 510


@pytest.mark.parametrize(("name", "role"), PAIRS, ids=[f"{r.value}-{n}" for n, r in PAIRS])
def test_permission_pair(name: str, role: Role) -> None:
    expected = EXPECTED[name][ROLES.index(role)]
    found = outcome(case_filed(name), minimal_command(name, role))
    assert found.split(" (then ")[0] == expected


@pytest.mark.parametrize(("name", "role"), [(n, r) for n in WITH_A_TYPED_APPROVAL
                                            for r in ROLES],
                         ids=[f"{r.value}-{n}" for n in WITH_A_TYPED_APPROVAL for r in ROLES])
def test_typed_approval_pair(name: str, role: Role) -> None:
    expected = WITH_A_TYPED_APPROVAL[name][ROLES.index(role)]
    assert outcome(case_filed(name),
                   minimal_command(name, role, approval=PRESIDENTS)) == expected


def test_auditors_are_refused_every_command() -> None:
    assert {outcome(case_filed(), minimal_command(name, Role.AUDITOR)) for name in COMMANDS} \
        == {NO}
