"""Builders shared by the tests: literal parties, dates and a small command driver."""

from __future__ import annotations

import itertools
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import pytest

from domain import commands as c
from domain.application import EnforcementCases
from domain.approvals import MEASURES, PARTICULARS
from domain.calendar import COURT_ZONE
from domain.case import CommandResult
from domain.errors import EnforcementError, RuleViolationError
from domain.models import Basis, BasisKind, CaseCategory, Claim
from domain.values import Actor, Approval, Party, PartyKind, ResidentId, Role, SocialCreditCode

KEY = b"test-chain-key-0123456789abcdef"
NUMBER = "(2026)甘0402执123号"
APPLICANT = Party(name="张三", kind=PartyKind.PERSON,
                  document=ResidentId(number="11010519491231002X"))
DEBTOR = Party(name="李四", kind=PartyKind.PERSON,
               document=ResidentId(number="620402198001010013"))
COMPANY = Party(name="某某建设有限公司", kind=PartyKind.ORGANISATION,
                document=SocialCreditCode(number="91350100M000100Y43"),
                legal_representative="王五")
CLERK = Actor(id="clerk-1", role=Role.CLERK)
OFFICER = Actor(id="officer-1", role=Role.OFFICER)
JUDGE = Actor(id="judge-1", role=Role.JUDGE)
PRESIDENT = Actor(id="president-1", role=Role.PRESIDENT)
SYSTEM = Actor(id="workflow", role=Role.SYSTEM)


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    """A business instant on ``day`` in the court's zone."""
    return datetime.combine(day, time(hour, minute), tzinfo=COURT_ZONE)


def approval(on: date) -> Approval:
    return Approval(approver_id="president-1", role=Role.PRESIDENT, approved_on=on)


def money(text: str) -> Decimal:
    return Decimal(text)


class Driver:
    """Sends commands to an application with fresh command ids and sensible defaults."""

    def __init__(self, app: EnforcementCases, number: str = NUMBER) -> None:
        self.app = app
        self.number = number
        self._ids = itertools.count(1)

    def send(self, name: str, on: date, actor: Actor = OFFICER, *, hour: int = 18,
             command_id: str | None = None, approved: date | None = None,
             **fields: Any) -> CommandResult:
        """Build command ``name`` recorded at ``on`` (18:00 by default) and execute it.

        ``approved``: first ask (as ``actor``) for the approval the measure needs and have the
        president give it on that date (at ``hour``); the command names it by ``approval_id``."""
        if approved is not None:
            fields["approval_id"] = self.approve(name, approved, actor, hour=hour, **fields)
        cmd = c.COMMANDS[name](case_number=fields.pop("case_number", self.number),
                               command_id=command_id or f"{self.number}:{next(self._ids)}",
                               actor=actor, recorded_at=at(on, hour), **fields)
        return self.app.execute(cmd)

    def approve(self, name: str, on: date, requester: Actor = OFFICER,
                approver: Actor = PRESIDENT, *, hour: int = 18, **fields: Any) -> str:
        """Request (as ``requester``) and give (as ``approver``) on ``on`` the approval that
        command ``name`` with ``fields`` needs; the approval request's id."""
        approval_id = f"A{next(self._ids)}"
        measure = MEASURES[name][0]
        particulars = {k: fields[k] for k in PARTICULARS.get(measure, ())}
        self.send("RequestApproval", on, requester, hour=hour, approval_id=approval_id,
                  measure=measure, requested_on=on, **particulars)
        self.send("GiveApproval", on, approver, hour=hour, approval_id=approval_id, given_on=on)
        return approval_id

    def file(self, filed_on: date = date(2026, 1, 10), *, principal: str = "1000000.00",
             respondents: tuple[Party, ...] = (DEBTOR,),
             applicants: tuple[Party, ...] = (APPLICANT,),
             category: CaseCategory = CaseCategory.LOAN,
             basis_kind: BasisKind = BasisKind.JUDGMENT,
             performance_deadline: date = date(2025, 12, 1),
             applied_on: date | None = None, **fields: Any) -> CommandResult:
        basis = Basis(kind=basis_kind, document_number="(2025)甘0402民初88号",
                      issued_by="甘肃省白银市白银区人民法院", effective_on=date(2025, 11, 1),
                      performance_deadline=performance_deadline)
        return self.send("FileCase", filed_on, CLERK, category=category,
                         applicants=applicants, respondents=respondents,
                         enforcement_basis=basis,
                         claim=Claim(principal=Decimal(principal), interest=Decimal("0.00"),
                                     fees=Decimal("0.00")),
                         applied_on=applied_on or filed_on, filed_on=filed_on, **fields)


def new_app() -> EnforcementCases:
    return EnforcementCases.in_memory(chain_key=KEY)


def refusal(d: Driver, name: str, on: date, actor: Actor = OFFICER, *,
            error: type[EnforcementError] = RuleViolationError,
            **fields: Any) -> EnforcementError:
    """Send command ``name`` (its approval, if ``approved`` is given, asked and given first);
    assert that it is refused with ``error`` and that nothing was stored; the refusal."""
    approved = fields.pop("approved", None)
    if approved is not None:
        fields["approval_id"] = d.approve(name, approved, actor, **fields)
    before = d.app.recorder.max_notification_id()
    with pytest.raises(error) as refused:
        d.send(name, on, actor, **fields)
    assert d.app.recorder.max_notification_id() == before
    return refused.value


def refuses(d: Driver, code: str, source: str, name: str, on: date, actor: Actor = OFFICER, *,
            error: type[EnforcementError] = RuleViolationError, **fields: Any) -> str:
    """As ``refusal``, and assert the refusal's code and source; its message."""
    refused = refusal(d, name, on, actor, error=error, **fields)
    assert (refused.code, refused.source) == (code, source)
    return refused.message
