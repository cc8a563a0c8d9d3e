"""Closure deadline net of excluded periods (期限规定 art.1; 审限规定 art.9), from facts or rows.

The limit is 6 months from filing (3 for non-litigation cases), plus approved extensions; every
day inside an excluded period (suspension incl. settlement, audit, valuation, auction round —
which kinds is a setting) moves the deadline one day later; a last day on a public holiday moves
to the next working day (民诉法 art.85). A period counts its first day and not its last (the
day it ends is a working day again), as ``domain.deadlines`` does.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from domain import rules as r
from domain.calendar import HolidayCalendar, add_months


def limit_months(non_litigation: bool, extensions_months: int) -> int:
    base = r.CLOSURE_LIMIT_MONTHS_NON_LITIGATION if non_litigation else r.CLOSURE_LIMIT_MONTHS
    return base + extensions_months


def excluded_days(spans: Iterable[tuple[str, date, date | None]], kinds: frozenset[str],
                  until: date) -> int:
    """Distinct days inside excluded periods of the given kinds, open ones running to ``until``."""
    days: set[date] = set()
    for kind, start, end in spans:
        if kind not in kinds:
            continue
        stop = min(end or until, until)
        days.update(start + timedelta(n) for n in range((stop - start).days))
    return len(days)


def closure_deadline(filed_on: date, months: int, excluded: int,
                     calendar: HolidayCalendar) -> date:
    """Last day to close the case."""
    return calendar.roll_forward(add_months(filed_on, months) + timedelta(days=excluded))
