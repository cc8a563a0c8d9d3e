"""Case timeline: every event of every case in log order, with business time, actor and role,
legal basis and amount; filterable by case, actor, date range and event kind. Parties' identity
numbers and numbers typed into free text are masked (projections/masking.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any, ClassVar

import orjson
from pydantic import BaseModel

from domain.events import AssetFound, CaseEvent, CaseFiled
from projections.facts import CaseFacts
from projections.masking import mask_parties, scrub_optional, scrub_text
from projections.read_store import ReadModelStore
from projections.schema import EventProjection, Rows, Table, columns, day_of, fen, yuan

ENVELOPE = frozenset({"originator_id", "originator_version", "recorded_at", "command_id",
                      "command_hash", "actor", "basis", "imported", "chain"})

TIMELINE = Table("timeline", columns(
    "position BIGINT, case_id TEXT, case_number TEXT, version INTEGER, kind TEXT, "
    "recorded_at TEXT, day TEXT, actor_id TEXT, role TEXT, basis TEXT, imported INTEGER, "
    "amount_fen BIGINT, details TEXT"), ("position",),
    indexes=(("case_number", "version"), ("actor_id", "day"), ("day",), ("kind", "day")),
    by_case=False)

AMOUNT_FIELDS = ("amount", "price", "value", "start_price", "outstanding", "forfeited",
                 "deducted", "allowance", "to_debt")
"""Field holding the money an event is about, first match wins (CaseFiled: its claim)."""


@cache
def _amount_field(event_type: type[CaseEvent]) -> str | None:
    return next((name for name in AMOUNT_FIELDS if name in event_type.model_fields), None)


def event_amount(event: CaseEvent, details: dict[str, Any]) -> Decimal | None:
    if isinstance(event, CaseFiled):
        return event.claim.total
    if isinstance(event, AssetFound):
        return event.asset.value
    name = _amount_field(type(event))
    value = details.get(name) if name else None
    return None if value is None else Decimal(value)


class TimelineProjection(EventProjection):
    """Writes the TimelineView: one row per stored event."""

    name: ClassVar[str] = "timeline"
    version: ClassVar[int] = 3  # 2: identity numbers masked; 3: spaced, full-width, actor ids
    tables: ClassVar[tuple[Table, ...]] = (TIMELINE,)

    def event_rows(self, position: int, event: CaseEvent, data: dict[str, Any],
                   facts: CaseFacts, day: date) -> Rows:
        kind = type(event).__name__
        details = mask_parties({k: v for k, v in data.items() if k not in ENVELOPE})
        return {"timeline": [(
            position, facts.case_id, facts.case_number, event.originator_version, kind,
            data["recorded_at"], day.isoformat(), scrub_text(event.actor.id),
            event.actor.role.value, scrub_optional(event.basis), int(event.imported),
            fen(event_amount(event, details)), scrub_text(orjson.dumps(details).decode()))]}


class TimelineEntry(BaseModel):
    position: int
    case_number: str
    version: int
    kind: str
    recorded_at: datetime
    day: date
    actor_id: str
    role: str
    basis: str | None
    imported: bool
    amount: Decimal | None
    details: dict[str, Any]


def timeline(store: ReadModelStore, *, case_number: str | None = None,
             actor_id: str | None = None, start: date | None = None, end: date | None = None,
             kinds: Sequence[str] = (), limit: int | None = None) -> list[TimelineEntry]:
    """Events in log order, filtered by case, actor, business date range (inclusive), kind."""
    where, params = ["1 = 1"], list[Any]()
    for column, value in (("case_number", case_number), ("actor_id", actor_id)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    if start is not None:
        where.append("day >= ?")
        params.append(start.isoformat())
    if end is not None:
        where.append("day <= ?")
        params.append(end.isoformat())
    if kinds:
        where.append(f"kind IN ({','.join('?' * len(kinds))})")
        params.extend(kinds)
    sql = ("SELECT position, case_number, version, kind, recorded_at, day, actor_id, role, "
           f"basis, imported, amount_fen, details FROM timeline WHERE {' AND '.join(where)} "
           "ORDER BY position" + (f" LIMIT {int(limit)}" if limit else ""))
    return [TimelineEntry(
        position=row[0], case_number=row[1], version=row[2], kind=row[3],
        recorded_at=datetime.fromisoformat(row[4]), day=day_of(row[5]), actor_id=row[6],
        role=row[7], basis=row[8], imported=bool(row[9]), amount=yuan(row[10]),
        details=orjson.loads(row[11])) for row in store.query(sql, params)]
