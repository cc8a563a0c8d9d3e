"""How the console writes money, dates and identity numbers."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from domain.calendar import COURT_ZONE
from domain.values import Role
from projections.masking import mask_number, normalise_number

FULL_ID_ROLES = frozenset({Role.CLERK, Role.OFFICER, Role.JUDGE, Role.PRESIDENT})
"""Roles that see parties' identity numbers in full (they act on the case: a 失信 listing or a
restriction names them); auditors see them masked like the read models
(docs/operations.md "The console")."""


def money(value: Decimal | int | str | None) -> str:
    """``¥1,234,567.80``; empty for None; a negative amount keeps its sign before the ¥."""
    if value is None:
        return ""
    amount = Decimal(value).quantize(Decimal("0.01"))
    sign = "-" if amount < 0 else ""
    return f"{sign}¥{abs(amount):,.2f}"


def day(value: date | datetime | str | None) -> str:
    """A date as ``2026-12-06``; a moment in Asia/Shanghai as ``2026-12-06 14:05``."""
    if value is None:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value or " " in value \
            else date.fromisoformat(value)
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=COURT_ZONE)
        return moment.astimezone(COURT_ZONE).strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def id_number(number: str, role: Role) -> str:
    """A party's identity number as ``role`` may see it."""
    return number if role in FULL_ID_ROLES else mask_number(normalise_number(number))


def percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{value}%"
