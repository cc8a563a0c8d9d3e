"""The campaign report (专项活动报告) for a date range: what the court did and recovered in
it, for the weekly report of a campaign (docs/projections.md "Campaign report").

- **handled**: cases open at some time in the range (filed by its end, not closed before its
  start) — new ones and those carried over;
- **closed** and the closures by mode: closed within the range;
- **settlements** (执行和解) reached, **detentions** (拘留) and **fines** (罚款) ordered, with the
  fines' total: the events of those kinds recorded on a business day within the range
  (``SettlementReached``, ``DetentionOrdered``, ``FineImposed`` in the timeline);
- **applied**, **recovered** and **执行到位率**: as the quality metrics count them (recovered
  = what reached the applicants, over the cases closed in the range; docs/projections.md).

Imported legacy histories count like live cases (they are apart in the metrics' groups only).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel

from projections.caselist import closures_by_mode
from projections.metrics import percent, quality_metrics
from projections.read_store import ReadModelStore
from projections.schema import yuan

COUNTED = {"SettlementReached": "settlements", "DetentionOrdered": "detentions",
           "FineImposed": "fines"}


class CampaignReport(BaseModel):
    """The figures of one date range."""

    start: date
    end: date
    handled: int
    new: int
    closed: int
    closures: dict[str, int]
    settlements: int
    detentions: int
    fines: int
    fined: Decimal
    applied: Decimal
    recovered: Decimal
    recovery_rate: Decimal | None
    """执行到位率, in percent (one decimal)."""


def campaign_report(store: ReadModelStore, start: date, end: date) -> CampaignReport:
    """The campaign report over [start, end] (business days, both included)."""
    if end < start:
        raise ValueError(f"invalid period: it ends on {end}, before it starts on {start}")
    groups = quality_metrics(store, start, end)
    first, last = start.isoformat(), end.isoformat()
    counts = {name: 0 for name in COUNTED.values()}
    fined = Decimal("0.00")
    for kind, n, amount in store.query(
            "SELECT kind, COUNT(*), SUM(amount_fen) FROM timeline WHERE day >= ? AND day <= ? "
            f"AND kind IN ({', '.join('?' * len(COUNTED))}) GROUP BY kind",
            (first, last, *COUNTED)):
        counts[COUNTED[str(kind)]] = int(n)
        if kind == "FineImposed":
            fined = yuan(amount) or fined
    closures = closures_by_mode(store, start, end)
    applied = sum((m.applied for m in groups), Decimal("0.00"))
    recovered = sum((m.recovered for m in groups), Decimal("0.00"))
    return CampaignReport(
        start=start, end=end, handled=sum(m.new + m.carried_over for m in groups),
        new=sum(m.new for m in groups), closed=sum(m.closed for m in groups),
        closures=closures, fined=fined, applied=applied, recovered=recovered,
        recovery_rate=percent(recovered, applied), **counts)
