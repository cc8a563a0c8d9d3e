"""The result of the ``get_status`` query: where a case stands and what people owe."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from workflows.messages import Message


class Deadline(Message):
    """An open legal or procedural date. ``beyond_calendar``: counted over the holiday calendar
    (民诉法 art.85) in a year it does not cover, so that year's holidays are ignored and the date
    may move (docs/rules.md §1.14)."""

    name: str
    due_on: date
    source: str
    beyond_calendar: bool = False


class Due(Message):
    """Something only a person can do: the update to send, why, and by when."""

    update: str
    reason: str
    since: date
    by: date | None = None
    source: str = ""
    overdue: bool = False  # ``by`` has passed (an objection's examination: docs/rules.md §7)


class Problem(Message):
    """A refusal met by the workflow's own step or by a signal (no caller to tell)."""

    on: date
    step: str
    code: str
    message: str
    source: str


class Planned(Message):
    when: datetime
    task: str
    key: str
    beyond_calendar: bool = False  # a deadline reminder for a date the calendar does not cover


class CaseStatus(Message):
    """Result of the ``get_status`` query."""

    case_number: str
    stage: Literal["filing", "procedure", "closing", "monitoring", "ended"]
    phase: str
    outstanding: Decimal | None
    undisbursed: Decimal | None
    closure_deadline: date | None
    deadlines: tuple[Deadline, ...]
    approvals_due: tuple[Due, ...]
    agenda: tuple[Planned, ...]
    problems: tuple[Problem, ...]
    monitoring_round: int | None = None
    resumed_as: str | None = None
    postponed_until: date | None = None  # 暂缓执行 in force until this day (docs/rules.md §8)
    bound_persons: tuple[str, ...] = ()  # guarantors a ruling enforces against (§8)
    application_period_passed: bool = False
    """Applied after the 2-year application period: accepted, the debtor may object
    (民诉法解释 art.481; docs/rules.md §1.13)."""
    limitation_objection: str | None = None  # pending | upheld | rejected
