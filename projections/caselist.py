"""The case list from the read models (the quality metrics' ``cases`` table): one row per
case with its officer, court and status, filtered and capped in SQL, so that a worklist over
a court of 20,625 cases answers without loading an aggregate (docs/projections.md "Case
list"). The officer of a case is the first officer, judge or president who acted on it
(``CaseFacts.officer``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from projections.read_store import ReadModelStore
from projections.schema import day_of, yuan

STATUSES = ("open", "suspended", "settlement", "terminated", "closed")


class CaseRow(BaseModel):
    case_number: str
    kind: str
    court: str
    officer: str
    category: str
    imported: bool
    status: str  # open | suspended | settlement | terminated (终本) | closed
    filed_on: date | None
    closed_on: date | None
    closure_mode: str | None
    applied: Decimal
    recovered: Decimal


COLUMNS = ("case_number", "kind", "court", "officer", "category", "imported", "status",
           "filed_on", "closed_on", "closure_mode", "applied_fen", "recovered_fen")


def case_rows(store: ReadModelStore, *, officer: str | Sequence[str] | None = None,
              court: str | None = None, statuses: Sequence[str] = (), live_only: bool = False,
              limit: int | None = None) -> list[CaseRow]:
    """Cases by officer (one, or any of several: a team), court and status (``open`` …
    ``closed``), the earliest filed first."""
    where, params = ["1 = 1"], list[Any]()
    if officer is not None and not isinstance(officer, str):
        where.append(f"officer IN ({', '.join('?' * len(officer))})" if officer else "0 = 1")
        params.extend(officer)
        officer = None
    for column, value in (("officer", officer), ("court", court)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    if statuses:
        where.append(f"status IN ({', '.join('?' * len(statuses))})")
        params.extend(statuses)
    if live_only:
        where.append("imported = 0")
    sql = (f"SELECT {', '.join(COLUMNS)} FROM cases WHERE {' AND '.join(where)} "
           "ORDER BY filed_on, case_number" + (f" LIMIT {int(limit)}" if limit else ""))
    return [CaseRow(case_number=r[0], kind=r[1], court=r[2], officer=r[3] or "",
                    category=r[4], imported=bool(r[5]), status=r[6],
                    filed_on=day_of(r[7]) if r[7] else None,
                    closed_on=day_of(r[8]) if r[8] else None, closure_mode=r[9],
                    applied=yuan(r[10]) or Decimal("0.00"),
                    recovered=yuan(r[11]) or Decimal("0.00"))
            for r in store.query(sql, params)]


def closed_counts(store: ReadModelStore, spans: Sequence[tuple[date, date]]) -> list[int]:
    """Cases closed (any mode) within each span, both days included."""
    return [int(store.query("SELECT COUNT(*) FROM cases WHERE closed_on >= ? AND "
                            "closed_on <= ?", (start.isoformat(), end.isoformat()))[0][0])
            for start, end in spans]


def closures_by_mode(store: ReadModelStore, start: date, end: date) -> dict[str, int]:
    """Cases closed within [start, end] per closure mode."""
    return {str(mode): int(n) for mode, n in store.query(
        "SELECT closure_mode, COUNT(*) FROM cases WHERE closed_on >= ? AND closed_on <= ? "
        "AND closure_mode IS NOT NULL GROUP BY closure_mode ORDER BY closure_mode",
        (start.isoformat(), end.isoformat()))}
