"""The one registry of fact handlers: ``@handles(EventClass)`` adds a handler (the modules of
this package each hold a group), and the helpers handlers share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from domain import events as ev
from domain import rules as r
from domain.models import NO_PAYOUT_SOURCES
from projections.facts import CaseFacts
from projections.settings import ProjectionSettings


@dataclass(frozen=True)
class Step:
    """What a handler may consult besides the facts and the event."""

    settings: ProjectionSettings
    day: date  # business date of the event (Asia/Shanghai)


E = TypeVar("E", bound=ev.CaseEvent)
Handler = Callable[[CaseFacts, Any, Step], None]
HANDLERS: dict[type[ev.CaseEvent], Handler] = {}


def handles(event_type: type[E]) -> Callable[[Callable[[CaseFacts, E, Step], None]],
                                            Callable[[CaseFacts, E, Step], None]]:
    def register(func: Callable[[CaseFacts, E, Step], None]) -> Callable[[CaseFacts, E, Step],
                                                                        None]:
        HANDLERS[event_type] = func
        return func
    return register


def end_periods(f: CaseFacts, kind: str | None, on: date, key: str | None = None) -> None:
    """Close open periods (of one kind / one asset, or all) on ``on``."""
    for period in f.periods:
        if period.end is None and (kind is None or period.kind == kind) \
                and (key is None or period.key == key):
            period.end = max(on, period.start)


def payout_due(settings: ProjectionSettings, received_on: date) -> date:
    """Case funds are paid out within 30 days of arrival (执行款物规定, about art.10)."""
    return settings.calendar.period_end(received_on, r.PAYOUT_DAYS)


def no_payout(source: str) -> bool:
    return source in {s.value for s in NO_PAYOUT_SOURCES}
