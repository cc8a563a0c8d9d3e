"""The closure deadline of a case (期限规定 art.1) net of excluded periods (审限规定 art.9)."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

from domain import rules as r
from domain.calendar import HolidayCalendar, add_months
from domain.state import CaseState


def limit_months(state: CaseState) -> int:
    """6 months for cases with property, 3 for non-litigation cases, plus extensions."""
    base = (r.CLOSURE_LIMIT_MONTHS_NON_LITIGATION if state.basis.non_litigation
            else r.CLOSURE_LIMIT_MONTHS)
    return base + state.extensions_months


def excluded_days(state: CaseState, as_of: date) -> int:
    """Days not counted (审限规定 art.9): suspensions (incl. settlement), valuation (from the
    request of a reference price to its fixing), audit and auction periods (announcement to the end of
    the round). Overlapping periods count once; an open period runs to ``as_of``."""
    spans: list[tuple[date, date]] = [(p.start, p.end or as_of)
                                      for p in (*state.suspensions, *state.valuations)]
    if state.audit_requested_on is not None:  # 审计 period
        spans.append((state.audit_requested_on, state.audit_decided_on or as_of))
    for asset in state.assets.values():
        spans.extend((rnd.announced_on, rnd.ended_on or as_of) for rnd in asset.rounds)
    days: set[date] = set()
    for start, end in spans:
        days.update(start + timedelta(n) for n in range((end - start).days))
    return len(days)


def closure_deadline(state: CaseState, as_of: date,
                     calendar: HolidayCalendar | None = None, *, extra_months: int = 0) -> date:
    """Last day to close the case, counting what is excluded up to ``as_of``; a last day on a
    public holiday moves to the next working day (民诉法 art.85). ``extra_months``: as if that
    much more extension were granted (the deadline a requested extension would give)."""
    last = add_months(state.filed_on, limit_months(state) + extra_months) + timedelta(
        days=excluded_days(state, as_of))
    return (calendar or _default_calendar()).roll_forward(last)


@cache
def _default_calendar() -> HolidayCalendar:
    return HolidayCalendar.load()
