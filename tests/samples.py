"""Sample cases for demonstrations: literal commands with stable ids (re-running is a no-op)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from domain import commands as c
from domain.calendar import COURT_ZONE
from domain.models import (
    ApprovalMeasure,
    ApprovalMode,
    AssetFinding,
    Basis,
    BasisKind,
    CaseCategory,
    Claim,
    ControlMeasure,
)
from domain.rules import AssetKind, Channel
from domain.values import Actor, Party, PartyKind, ResidentId, Role

OFFICER = Actor(id="officer-demo", role=Role.OFFICER)
CLERK = Actor(id="clerk-demo", role=Role.CLERK)
JUDGE = Actor(id="judge-demo", role=Role.JUDGE)
PRESIDENT = Actor(id="president-demo", role=Role.PRESIDENT)
APPLICANT = Party(name="张三", kind=PartyKind.PERSON,
                  document=ResidentId(number="11010519491231002X"))
DEBTOR = Party(name="李四", kind=PartyKind.PERSON,
               document=ResidentId(number="620402198001010013"))


def _at(day: date) -> datetime:
    return datetime.combine(day, time(17, 0), tzinfo=COURT_ZONE)


class _Script:
    def __init__(self, number: str) -> None:
        self.number, self.n, self.commands = number, 0, list[c.Command]()

    def add(self, name: str, on: date, actor: Actor = OFFICER, key: str | None = None,
            **fields: Any) -> None:
        """Command ``name``; its id is the next serial, or ``key`` (added later: the serials
        of the commands after it stay what they were)."""
        if key is None:
            self.n += 1
        self.commands.append(c.COMMANDS[name](
            case_number=self.number, command_id=f"demo:{self.number}:{key or self.n}",
            actor=actor, recorded_at=_at(on), **fields))

    def file(self, filed_on: date, principal: str, category: CaseCategory) -> None:
        basis = Basis(kind=BasisKind.JUDGMENT, document_number="(2025)甘0402民初88号",
                      issued_by="白银区人民法院", effective_on=date(2025, 11, 1),
                      performance_deadline=date(2025, 12, 1))
        self.add("FileCase", filed_on, CLERK, category=category, applicants=(APPLICANT,),
                 respondents=(DEBTOR,), enforcement_basis=basis,
                 claim=Claim(principal=Decimal(principal)), applied_on=filed_on,
                 filed_on=filed_on)

    def notice(self, on: date) -> None:
        self.add("IssueNotice", on, CLERK, issued_on=on, report_due_on=date.fromordinal(
            on.toordinal() + 10))


def _paid_in_full() -> Iterator[c.Command]:
    s = _Script("(2026)甘0402执1号")
    s.file(date(2026, 1, 5), "38000.00", CaseCategory.WAGES)
    s.notice(date(2026, 1, 6))
    s.add("RecordFundsReceived", date(2026, 1, 20), CLERK, amount=Decimal("38000.00"),
          received_on=date(2026, 1, 20), basis="debtor paid after the notice")
    s.add("PayOut", date(2026, 1, 28), amount=Decimal("38000.00"), paid_on=date(2026, 1, 28))
    s.add("ConcludeCase", date(2026, 1, 29), JUDGE, closed_on=date(2026, 1, 29))
    return iter(s.commands)


def _deposit_frozen() -> Iterator[c.Command]:
    s = _Script("(2026)甘0402执2号")
    s.file(date(2026, 2, 2), "120000.00", CaseCategory.LOAN)
    s.notice(date(2026, 2, 3))
    s.add("RecordNetworkInquiry", date(2026, 2, 4), channel=Channel.DEPOSITS,
          queried_on=date(2026, 2, 4), findings=(AssetFinding(
              asset_id="acct-1", kind=AssetKind.DEPOSIT, description="工商银行 账户 ****1234",
              value=Decimal("150000.00")),))
    s.add("ControlAsset", date(2026, 2, 4), asset_id="acct-1", measure=ControlMeasure.FREEZE,
          amount=Decimal("120000.00"), effective_on=date(2026, 2, 4),
          expires_on=date(2027, 2, 4), basis="民诉法 art.253: freeze a specific amount")
    s.add("TransferDeposit", date(2026, 2, 20), asset_id="acct-1",
          amount=Decimal("120000.00"), transferred_on=date(2026, 2, 20))
    s.add("PayOut", date(2026, 3, 2), amount=Decimal("120000.00"), paid_on=date(2026, 3, 2))
    s.add("ConcludeCase", date(2026, 3, 3), JUDGE, closed_on=date(2026, 3, 3))
    return iter(s.commands)


def _nothing_found() -> Iterator[c.Command]:
    s = _Script("(2026)甘0402执3号")
    s.file(date(2026, 1, 8), "560000.00", CaseCategory.CONTRACT)
    s.notice(date(2026, 1, 9))
    for day, channel in enumerate(Channel, start=10):
        s.add("RecordNetworkInquiry", date(2026, 1, day), queried_on=date(2026, 1, day),
              channel=channel)
    s.add("RecordPropertyReport", date(2026, 1, 19), CLERK, status="filed",
          reported_on=date(2026, 1, 19))
    s.add("RequestApproval", date(2026, 2, 1), key="approval-request", approval_id="R1",
          measure=ApprovalMeasure.RESTRICTION, requested_on=date(2026, 2, 1))
    s.add("GiveApproval", date(2026, 2, 1), PRESIDENT, key="approval-given", approval_id="R1",
          given_on=date(2026, 2, 1))
    s.add("RestrictConsumption", date(2026, 2, 1), issued_on=date(2026, 2, 1),
          approval_id="R1")
    s.add("RecordApplicantHearing", date(2026, 4, 10), heard_on=date(2026, 4, 10),
          record="约谈笔录 2026-04-10")
    s.add("TerminateCurrentProcedure", date(2026, 4, 15), JUDGE, ruled_on=date(2026, 4, 15),
          ruling_number="(2026)甘0402执3号之一", approval_mode=ApprovalMode.APPLICANT_SIGNED)
    return iter(s.commands)


def sample_commands() -> dict[str, list[c.Command]]:
    """Three sample cases: paid after notice, deposit frozen and transferred, and 终本."""
    return {"(2026)甘0402执1号": list(_paid_in_full()),
            "(2026)甘0402执2号": list(_deposit_frozen()),
            "(2026)甘0402执3号": list(_nothing_found())}


INTEREST = "(2026)甘0402执4号"
"""A loan of ¥99,000 whose delay interest takes its claim over ¥100,000 (no longer simple)."""


def _interest_over_simple() -> Iterator[c.Command]:
    s = _Script(INTEREST)
    s.file(date(2026, 2, 10), "99000.00", CaseCategory.LOAN)
    s.notice(date(2026, 2, 11))
    s.add("AssessDelayInterest", date(2026, 3, 1), to_date=date(2026, 3, 1))
    return iter(s.commands)


def sample_store(data: Path) -> dict[str, list[c.Command]]:
    """An SQLite store in ``data`` whose keys are made as ``enforce keys init`` makes them,
    holding the three sample cases and :data:`INTEREST` (filed in that order); its commands."""
    from domain.event_store_config import cases_from_env
    from domain.keys import init_keys

    env = {"ENFORCEMENT_DATA_DIR": str(data)}
    data.mkdir(parents=True, exist_ok=True)
    init_keys(data / "events.sqlite", env)
    written = {**sample_commands(), INTEREST: list(_interest_over_simple())}
    app = cases_from_env(env)
    try:
        for commands in written.values():
            for cmd in commands:
                app.execute(cmd)
    finally:
        app.close()
    return written
