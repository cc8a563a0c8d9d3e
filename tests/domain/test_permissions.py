"""Who may give which command (docs/design.md, Actor), and the acts the law reserves to the court
president's approval (民诉法 art.119; 限消规定 art.5; 失信规定 art.5; 审限规定 art.5)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from domain.errors import NotPermittedError
from domain.models import ApprovalMode, Basis, BasisKind, CaseCategory, Claim, DishonestGround
from domain.permissions import ALLOWED
from domain.rules import Channel
from domain.values import Actor, Approval, PartyKind, Role
from tests import support
from tests.support import (
    APPLICANT,
    CLERK,
    DEBTOR,
    JUDGE,
    NUMBER,
    OFFICER,
    PRESIDENT,
    SYSTEM,
    Driver,
    new_app,
)

AUDITOR = Actor(id="auditor-1", role=Role.AUDITOR)
JUDGES_APPROVAL = Approval(approver_id="judge-1", role=Role.JUDGE, approved_on=date(2026, 4, 1))
FINE: dict[str, Any] = {"amount": Decimal("10000.00"), "imposed_on": date(2026, 4, 1),
                        "subject": "李四", "subject_kind": PartyKind.PERSON}


def refuses(d: Driver, code: str, source: str, name: str, on: date, actor: Actor,
            **fields: Any) -> None:
    """Refused by the permissions (NotPermittedError), nothing stored: ``support.refuses``."""
    support.refuses(d, code, source, name, on, actor, error=NotPermittedError, **fields)


@pytest.fixture
def d() -> Driver:
    """A case against a person, filed on 2 March 2026."""
    driver = Driver(new_app())
    driver.file(date(2026, 3, 2))
    return driver


# --- role classes ------------------------------------------------------------------------------

def test_officer_imposes_a_fine_with_the_presidents_approval(d: Driver) -> None:
    d.send("ImposeFine", date(2026, 4, 1), OFFICER, approved=date(2026, 4, 1), **FINE)
    assert d.app.get_case(NUMBER).fines == 1


def test_clerk_cannot_order_a_fine(d: Driver) -> None:
    refuses(d, "role.not_permitted", "permissions table (docs/design.md, Actor)", "ImposeFine",
            date(2026, 4, 1), CLERK, approval_id="A1", **FINE)


def test_the_workflow_cannot_order_a_fine(d: Driver) -> None:
    refuses(d, "role.not_permitted", "permissions table (docs/design.md, Actor)", "ImposeFine",
            date(2026, 4, 1), SYSTEM, approval_id="A1", **FINE)


def test_officer_cannot_rule_on_termination(d: Driver) -> None:
    refuses(d, "role.not_permitted", "permissions table (docs/design.md, Actor)",
            "TerminateCurrentProcedure", date(2026, 6, 10), OFFICER, ruled_on=date(2026, 6, 10),
            ruling_number="(2026)甘0402执123号之一", approval_mode=ApprovalMode.APPLICANT_SIGNED)


def test_officer_cannot_decide_a_reward_request(d: Driver) -> None:
    d.send("RequestReward", date(2026, 3, 3), CLERK, requested_on=date(2026, 3, 3))
    refuses(d, "role.not_permitted", "permissions table (docs/design.md, Actor)", "DecideReward",
            date(2026, 3, 5), OFFICER, decided_on=date(2026, 3, 5), granted=True)


def test_clerk_cannot_query_the_network(d: Driver) -> None:
    refuses(d, "role.not_permitted", "permissions table (docs/design.md, Actor)",
            "RecordNetworkInquiry", date(2026, 3, 3), CLERK, channel=Channel.DEPOSITS,
            queried_on=date(2026, 3, 3))


def test_judge_decides_a_reward_request(d: Driver) -> None:
    d.send("RequestReward", date(2026, 3, 3), CLERK, requested_on=date(2026, 3, 3))
    d.send("DecideReward", date(2026, 3, 5), JUDGE, decided_on=date(2026, 3, 5), granted=True)
    assert d.app.get_case(NUMBER).reward_decided_on == date(2026, 3, 5)


@pytest.mark.parametrize(("name", "on", "fields"), [
    ("IssueNotice", date(2026, 3, 3),
     {"issued_on": date(2026, 3, 3), "report_due_on": date(2026, 3, 13)}),
    ("RecordNetworkInquiry", date(2026, 3, 3),
     {"channel": Channel.DEPOSITS, "queried_on": date(2026, 3, 3)}),
    ("RecordFundsReceived", date(2026, 3, 3),
     {"amount": Decimal("100.00"), "received_on": date(2026, 3, 3)}),
    ("ImposeFine", date(2026, 4, 1), {"approval_id": "A1", **FINE}),
    ("CloseCase", date(2026, 3, 3),
     {"mode": "withdrawn_filing", "closed_on": date(2026, 3, 3), "reason": "撤回申请"}),
], ids=["IssueNotice", "RecordNetworkInquiry", "RecordFundsReceived", "ImposeFine", "CloseCase"])
def test_auditor_can_give_no_command(d: Driver, name: str, on: date,
                                     fields: dict[str, Any]) -> None:
    refuses(d, "role.not_permitted", "permissions table (docs/design.md, Actor)", name, on, AUDITOR,
            **fields)


def test_auditor_cannot_file_a_case() -> None:
    d = Driver(new_app())
    basis = Basis(kind=BasisKind.JUDGMENT, document_number="(2025)甘0402民初88号",
                  issued_by="甘肃省白银市白银区人民法院", effective_on=date(2025, 11, 1),
                  performance_deadline=date(2025, 12, 1))
    with pytest.raises(NotPermittedError) as refused:
        d.send("FileCase", date(2026, 3, 2), AUDITOR, category=CaseCategory.LOAN,
               applicants=(APPLICANT,), respondents=(DEBTOR,), enforcement_basis=basis,
               claim=Claim(principal=Decimal("1000000.00")), applied_on=date(2026, 3, 2),
               filed_on=date(2026, 3, 2))
    assert refused.value.code == "role.not_permitted"
    assert d.app.recorder.max_notification_id() is None


def test_no_command_is_open_to_the_auditor() -> None:
    assert [name for name, roles in ALLOWED.items() if Role.AUDITOR in roles] == []


# --- president's approval (docs/rules.md, Approvals) --------------------------------------------

DOC = "docs/rules.md, Approvals"


@pytest.mark.parametrize(("name", "on", "fields", "source"), [
    ("ImposeFine", date(2026, 4, 1), FINE, "民诉法 art.119"),
    ("OrderDetention", date(2026, 4, 1),
     {"days": 10, "ordered_on": date(2026, 4, 1), "subject": "李四"}, "民诉法 art.119"),
    ("RestrictConsumption", date(2026, 4, 1), {"issued_on": date(2026, 4, 1)}, "限消规定 art.5"),
    ("ListDishonest", date(2026, 4, 1),
     {"ground": DishonestGround.ABLE_BUT_REFUSES, "listed_on": date(2026, 4, 1)},
     "失信规定 art.5"),
    ("RequestExtension", date(2026, 8, 20), {"requested_on": date(2026, 8, 20)},
     "审限规定 art.5; 执行工作规定 art.63"),
], ids=["ImposeFine", "OrderDetention", "RestrictConsumption", "ListDishonest", "RequestExtension"])
def test_acts_reserved_to_the_president_refuse_a_judges_approval(
        d: Driver, name: str, on: date, fields: dict[str, Any], source: str) -> None:
    """A judge may not give the approval (wrong role), and the measure waits for one."""
    with pytest.raises(NotPermittedError) as refused:
        d.approve(name, on, OFFICER, JUDGE, **fields)
    assert (refused.value.code, refused.value.source) == ("approval.wrong_role",
                                                          f"{source}; {DOC}")
    refuses(d, "approval.pending", f"{source}; {DOC}", name, on, OFFICER,
            approval_id=next(iter(d.app.get_case(NUMBER).approvals)), **fields)
    refuses(d, "approval.typed_not_accepted", f"{source}; {DOC}", name, on, JUDGE,
            approval=JUDGES_APPROVAL, **fields)


def test_president_may_not_approve_his_own_request(d: Driver) -> None:
    with pytest.raises(NotPermittedError) as refused:
        d.approve("ImposeFine", date(2026, 4, 1), PRESIDENT, PRESIDENT, **FINE)
    assert refused.value.code == "approval.self_approval"
    (pending,) = d.app.get_case(NUMBER).approvals
    other = Actor(id="president-2", role=Role.PRESIDENT)
    d.send("GiveApproval", date(2026, 4, 1), other, approval_id=pending,
           given_on=date(2026, 4, 1))
    d.send("ImposeFine", date(2026, 4, 1), PRESIDENT, approval_id=pending, **FINE)
    assert d.app.get_case(NUMBER).fines == 1


def test_refuses_a_measure_dated_before_its_approval(d: Driver) -> None:
    approval_id = d.approve("ImposeFine", date(2026, 4, 2), **FINE)
    refuses(d, "approval.after_measure", f"民诉法 art.119; {DOC}", "ImposeFine",
            date(2026, 4, 2), OFFICER, approval_id=approval_id, **FINE)
