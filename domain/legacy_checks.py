"""What a legacy line must say beyond its types (docs/legacy-format.md § Time and § Actors).

An imported act is a fact, not re-checked against today's rules, but it must be a fact that
could have happened before the import: nothing recorded or dated after the import's business
"now", and recorded by someone an auditor can name — a valid id that is not a placeholder
(``nobody``, ``unknown`` …), under a human role (``system`` is this engine's own workflow).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from domain.calendar import legal_date
from domain.legacy import LegacyImportError, LegacyLine
from domain.values import Role

ACTOR_ID = re.compile(r"^[A-Za-z0-9_.:\-]{1,64}$")
"""An actor or approver id: the engine's id form (``domain.models.ShortId``)."""
PLACEHOLDER_IDS = frozenset({
    "nobody", "no-one", "noone", "none", "null", "nil", "unknown", "anonymous", "anon",
    "n/a", "na", "tbd", "-", "?", "x", "system", "workflow", "engine", "legacy", "import",
    "importer", "admin", "root", "test", "user"})
"""Ids that name no one: refused, compared case-insensitively."""
ACT_DATES = frozenset({
    "advanced_on", "announced_on", "applied_on", "approved_on", "banned_on", "closed_at",
    "closed_on", "collected_on", "decided_on", "defaulted_on", "deleted_on", "determined_on",
    "filed_on", "found_on", "given_on", "heard_on", "imposed_on", "investigated_on",
    "issued_on", "lifted_on", "listed_on", "occurred_on", "ordered_on", "paid_on",
    "performed_on", "queried_on", "reached_on", "received_on", "recorded_on", "referred_on",
    "released_on", "renewed_on", "reported_on", "requested_on", "resumed_on", "ruled_on",
    "searched_on", "served_on", "sold_on", "submitted_on", "suspended_on", "transferred_on",
    "verified_on"})
"""Fields of ``data`` that date an act that has happened (not a due day, an expiry or a term,
which may lie ahead): none may fall after the import's business day."""
TIME_RULE = "docs/legacy-format.md § Time"
ACTOR_RULE = "docs/legacy-format.md § Actors"


class FutureActError(LegacyImportError):
    """A line recorded or dated after the import's business "now" (``legacy.future_act``)."""

    def __init__(self, line: int, field: str, message: str) -> None:
        super().__init__(line, field, message, code="legacy.future_act", source=TIME_RULE)


class LegacyActorError(LegacyImportError):
    """A line whose actor or approver names no one an auditor could ask
    (``legacy.invalid_actor``)."""

    def __init__(self, line: int, field: str, message: str) -> None:
        super().__init__(line, field, message, code="legacy.invalid_actor", source=ACTOR_RULE)


def check_time(number: int, line: LegacyLine, now: datetime) -> None:
    """Refuse a line recorded after ``now`` (the import's business time)."""
    if line.recorded_at > now:
        raise FutureActError(number, "recorded_at", f"{line.recorded_at.isoformat()} is after "
                             f"the import's business time {now.isoformat()}")


def check_data(number: int, line: LegacyLine, now: datetime) -> None:
    """Refuse, anywhere in ``data``, an act date (``ACT_DATES``) after the import's business
    day and an ``approver_id`` that names no one (one walk; run after the event class has
    validated the line)."""
    today = legal_date(now)
    for field, value in _fields(line.data):
        name = field.rsplit(".", 1)[-1]
        if name in ACT_DATES and (day := _day(value)) and day > today:
            raise FutureActError(number, f"data.{field}", f"{value} is after the import's "
                                 f"business day {today}")
        if name == "approver_id":
            _check_id(number, f"data.{field}", value)


def _day(value: Any) -> date | None:
    """The day a date field's value stands for (text or already decoded), if it is one."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return None  # not a date: the event class names it
    if isinstance(value, datetime):
        return legal_date(value) if value.tzinfo else value.date()
    return value if isinstance(value, date) else None


def check_actor(number: int, line: LegacyLine) -> None:
    """Refuse an actor that names no one, and the role system."""
    if line.actor.role is Role.SYSTEM:
        raise LegacyActorError(number, "actor.role", "system is this engine's own workflow; "
                               "an imported act names the person who recorded it")
    _check_id(number, "actor.id", line.actor.id)


def _check_id(number: int, field: str, value: Any) -> None:
    if not isinstance(value, str) or not ACTOR_ID.match(value):
        raise LegacyActorError(number, field, f"{value!r} is not an id (1-64 of A-Z a-z 0-9 "
                               "_ . : -)")
    if value.casefold() in PLACEHOLDER_IDS:
        raise LegacyActorError(number, field, f"{value!r} names no one: give the id of the "
                               "person who recorded the act")


def _fields(value: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Every (dotted path, value) of nested dicts and lists (lists by index)."""
    if isinstance(value, dict):
        for key, item in value.items():
            path = f"{prefix}{key}"
            yield path, item
            yield from _fields(item, path + ".")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _fields(item, f"{prefix}{index}.")
