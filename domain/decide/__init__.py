"""Decisions: one pure function per command, checking the rules and naming the events."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from domain.calendar import HolidayCalendar
from domain.commands import Command
from domain.events import CaseEvent
from domain.rules import RuleSet
from domain.state import CaseState

Pending = tuple[type[CaseEvent], dict[str, Any]]
"""An event to record: its class and its own fields (the envelope is added by the case)."""


@dataclass(frozen=True)
class Context:
    """What a decision may consult besides the state: configurable rules and the calendar."""

    rules: RuleSet
    calendar: HolidayCalendar
    today: date  # business date of the command (Asia/Shanghai)
    receipt: HeldReceipt | None = None  # ClaimReceipt: the suspense receipt claimed


@dataclass(frozen=True)
class HeldReceipt:
    """An unidentified receipt still held on the court's suspense account (domain/suspense.py),
    as a ClaimReceipt's decision sees it."""

    receipt_id: str
    amount: Decimal
    received_on: date
    payer: str


C = TypeVar("C", bound=Command)
Decide = Callable[[CaseState, Any, Context], list[Pending]]
DECIDE: dict[type[Command], Decide] = {}


def decides(command_type: type[C]) -> Callable[[Callable[[CaseState, C, Context], list[Pending]]],
                                              Callable[[CaseState, C, Context], list[Pending]]]:
    """Register the decision function of a command type."""
    def register(func: Callable[[CaseState, C, Context], list[Pending]]
                 ) -> Callable[[CaseState, C, Context], list[Pending]]:
        DECIDE[command_type] = func
        return func
    return register


def load_all() -> None:
    """Import every decision module so that ``DECIDE`` is complete."""
    from domain.decide import (  # noqa: F401
        approvals,
        closure,
        control,
        disposal,
        filing,
        funds,
        inquiry,
        limitation,
        objections,
        referral,
        sanctions,
        security,
    )
