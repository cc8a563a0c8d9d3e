"""Deadline watch: what falls due within N days of a date, or is already overdue.

- controls (freeze/seizure/seal) expiring — renew before the expiry (查封规定 art.27);
- open cases near or past their closure deadline (期限规定 art.1, net of 审限规定 art.9 periods);
- case funds not paid out within 30 days of arrival (执行款物规定);
- applicant's leads not verified in 7 (urgent: 3) days (财产调查规定 art.2);
- re-inquiries due every 6 months for 5 years after a 终本 (终本规定 art.9);
- 失信 entries due for deletion (失信规定 arts.2, 10).

The DeadlineWatchView holds what the other read models do not: leads, excluded periods and the
post-终本 monitoring; the watch reads them together with the cases, assets, payouts and
sanctions rows, all as of the date it is asked about (the rows never depend on the wall clock).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import ClassVar

from pydantic import BaseModel

from domain import rules as r
from domain.calendar import add_months, add_years
from projections.facts import CaseFacts
from projections.metrics_view import IMPORTED, ORIGIN
from projections.periods import closure_deadline, excluded_days
from projections.read_store import ReadModelStore
from projections.schema import CaseProjection, Rows, Table, columns, iso
from projections.settings import DEFAULT_SETTINGS, ProjectionSettings

LEADS = Table("leads", columns(
    "case_id TEXT, lead_id TEXT, case_number TEXT, court TEXT, submitted_on TEXT, due_on TEXT, "
    "urgent INTEGER, verified_on TEXT, late INTEGER"), ("case_id", "lead_id"))
PERIODS = Table("case_periods", columns(
    "case_id TEXT, seq INTEGER, kind TEXT, asset_id TEXT, start_on TEXT, end_on TEXT"),
    ("case_id", "seq"))
MONITORING = Table("monitoring", columns(
    "case_id TEXT, case_number TEXT, court TEXT, officer TEXT, terminated_on TEXT, "
    "last_inquiry_on TEXT, next_due_on TEXT, ends_on TEXT, resumed_as TEXT"), ("case_id",))


def next_reinquiry(f: CaseFacts) -> tuple[date | None, date | None, date | None]:
    """(last inquiry, next due, end of monitoring) after a 终本 (终本规定 art.9)."""
    t = f.termination
    if t is None:
        return None, None, None
    ends = add_years(t.ruled_on, r.MONITORING_YEARS)
    last = max((d for d in f.post_inquiries if d >= t.ruled_on), default=None)
    following = add_months(last or t.ruled_on, r.MONITORING_INTERVAL_MONTHS)
    return last, (following if following <= ends and f.resumed_as is None else None), ends


class DeadlineWatchProjection(CaseProjection):
    name: ClassVar[str] = "deadline_watch"
    tables: ClassVar[tuple[Table, ...]] = (LEADS, PERIODS, MONITORING)

    def case_rows(self, facts: CaseFacts, settings: ProjectionSettings) -> Rows:
        f = facts
        last, following, ends = next_reinquiry(f)
        return {
            "leads": [(f.case_id, lead.lead_id, f.case_number, f.court, iso(lead.submitted_on),
                       iso(lead.due_on), int(lead.urgent), iso(lead.verified_on),
                       int(lead.late)) for lead in f.leads.values()],
            "case_periods": [(f.case_id, seq, p.kind, p.key, iso(p.start), iso(p.end))
                             for seq, p in enumerate(f.periods, start=1)],
            "monitoring": [(f.case_id, f.case_number, f.court, f.officer,
                            iso(f.termination.ruled_on), iso(last), iso(following), iso(ends),
                            f.resumed_as)] if f.termination else [],
        }


class WatchItem(BaseModel):
    """Something due on ``due_on`` (``days_left`` < 0: overdue)."""

    watch: str  # control_expiry | closure_deadline | payout | lead | reinquiry | dishonest_deletion
    case_number: str
    court: str
    subject: str
    due_on: date
    days_left: int
    source: str
    imported: bool = False
    """Of an imported legacy case: no workflow watches it (docs/legacy-format.md)."""
    beyond_calendar: bool = False
    """A day counted over the holiday calendar (民诉法 art.85) in a year it does not cover: the
    date ignores that year's holidays and may move (docs/rules.md §1.14)."""


CALENDAR_COUNTED = frozenset({"closure_deadline", "payout", "lead", "dishonest_deletion"})
"""Watches whose dates are counted over the holiday calendar (the others are calendar days)."""


def deadline_watch(store: ReadModelStore, as_of: date, within_days: int = 30,
                   settings: ProjectionSettings = DEFAULT_SETTINGS) -> list[WatchItem]:
    """Everything due by ``as_of + within_days`` (overdue items included), soonest first."""
    horizon = (as_of + timedelta(days=within_days)).isoformat()
    items: list[WatchItem] = []

    def add(watch: str, source: str, columns: str, table: str, where: str,
            subject: Callable[[tuple[object, ...]], str]) -> None:
        for row in store.query(f"SELECT {columns}, {IMPORTED} FROM {table} t {ORIGIN} "
                               f"WHERE {where}", (horizon,)):
            due = date.fromisoformat(str(row[2]))
            items.append(WatchItem(watch=watch, case_number=str(row[0]), court=str(row[1]),
                                   subject=subject(row), due_on=due,
                                   days_left=(due - as_of).days, source=source,
                                   imported=bool(row[-1]),
                                   beyond_calendar=watch in CALENDAR_COUNTED
                                   and not settings.calendar.covers(due)))

    add("control_expiry", r.SRC_CONTROL_LAPSE,
        "t.case_number, t.court, t.expires_on, t.asset_id, t.measure", "assets",
        "t.control = 'active' AND t.expires_on <= ?", lambda row: f"{row[4]} of {row[3]}")
    add("payout", r.SRC_PAYOUT,
        "t.case_number, t.court, t.due_on, t.unpaid_fen, t.received_on", "payouts",
        "t.unpaid_fen > 0 AND t.due_on <= ?",
        lambda row: f"{int(str(row[3])) / 100:.2f} received on {row[4]} not paid out")
    add("lead", r.SRC_LEAD_VERIFICATION, "t.case_number, t.court, t.due_on, t.lead_id",
        "leads", "t.verified_on IS NULL AND t.due_on <= ?",
        lambda row: f"lead {row[3]} not verified")
    add("reinquiry", r.SRC_POST_TERMINATION,
        "t.case_number, t.court, t.next_due_on, t.terminated_on", "monitoring",
        "t.next_due_on <= ?", lambda row: f"network re-inquiry after 终本 of {row[3]}")
    add("dishonest_deletion", r.SRC_DISHONEST_DELETION,
        "t.case_number, t.court, t.deletion_due_on, t.subject", "sanctions",
        "t.kind = 'dishonest' AND t.ended_on IS NULL AND t.deletion_due_on <= ?",
        lambda row: f"失信 entry of {row[3]}")
    items.extend(_closure_deadlines(store, as_of, horizon, settings))
    return sorted(items, key=lambda i: (i.due_on, i.watch, i.case_number))


def _closure_deadlines(store: ReadModelStore, as_of: date, horizon: str,
                       settings: ProjectionSettings) -> list[WatchItem]:
    spans: dict[str, list[tuple[str, date, date | None]]] = {}
    for case_id, kind, start, end in store.query(
            "SELECT p.case_id, p.kind, p.start_on, p.end_on FROM case_periods p JOIN cases c "
            "ON c.case_id = p.case_id WHERE c.closed_on IS NULL"):
        spans.setdefault(case_id, []).append(
            (kind, date.fromisoformat(start), date.fromisoformat(end) if end else None))
    out = []
    for case_id, number, court, filed_on, months, imported in store.query(
            "SELECT case_id, case_number, court, filed_on, limit_months, imported FROM cases "
            "WHERE closed_on IS NULL AND filed_on IS NOT NULL"):
        excluded = excluded_days(spans.get(case_id, []), settings.excluded_periods, as_of)
        due = closure_deadline(date.fromisoformat(filed_on), months, excluded, settings.calendar)
        if due.isoformat() <= horizon:
            out.append(WatchItem(watch="closure_deadline", case_number=number, court=court,
                                 subject=f"close within {months} months of filing "
                                 f"({excluded} excluded days)", due_on=due,
                                 days_left=(due - as_of).days, source=r.SRC_CLOSURE_LIMIT,
                                 imported=bool(imported),
                                 beyond_calendar=not settings.calendar.covers(due)))
    return out
