"""Deadline watch: what falls due within N days of a date, or is already overdue.

- controls (freeze/seizure/seal) expiring — renew before the expiry (查封规定 art.27);
- open cases near or past their closure deadline (期限规定 art.1, net of 审限规定 art.9 periods);
- case funds not paid out within 30 days of arrival (执行款物规定);
- applicant's leads not verified in 7 (urgent: 3) days (财产调查规定 art.2);
- re-inquiries due every 6 months for 5 years after a 终本 (终本规定 art.9);
- 失信 entries due for deletion (失信规定 arts.2, 10);
- postponements (暂缓执行) whose term runs out: enforcement resumes the next day (民诉法解释
  art.467; docs/rules.md §8);
- objections and outsiders' claims: examinations due in 15 days, the outsider's or the
  applicant's 15 days to sue, a claimed asset's release (民诉法 arts.236, 238; docs/rules.md §7).

The DeadlineWatchView holds what the other read models do not: leads, excluded periods, the
post-终本 monitoring, the objections and the postponements (version 2: the postponements' table;
a store built by version 1 is asked to rebuild); the watch reads them together with the cases,
assets, payouts and sanctions rows, all as of the date it is asked about (the rows never depend
on the wall clock).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import ClassVar

from pydantic import BaseModel

from domain import rules as r
from domain.calendar import HolidayCalendar, add_months, add_years
from projections.facts import CaseFacts, ObjectionFact
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
POSTPONEMENTS = Table("postponements", columns(
    "case_id TEXT, seq INTEGER, case_number TEXT, court TEXT, decided_on TEXT, until_on TEXT, "
    "resumes_on TEXT, ended_on TEXT, cause TEXT"), ("case_id", "seq"))
OBJECTIONS = Table("objections", columns(
    "case_id TEXT, objection_id TEXT, case_number TEXT, court TEXT, officer TEXT, kind TEXT, "
    "case_kind TEXT, act TEXT, asset_id TEXT, received_on TEXT, due_on TEXT, ruled_on TEXT, "
    "late INTEGER, outcome TEXT, served_on TEXT, review_until TEXT, review_applied_on TEXT, "
    "suit_until TEXT, suit_filed_on TEXT, suit_judgment TEXT, release_due_on TEXT, "
    "revoked_on TEXT"), ("case_id", "objection_id"), indexes=(("due_on",), ("ruled_on",)))
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
    version: ClassVar[int] = 2  # 2: postponements (and objections)
    tables: ClassVar[tuple[Table, ...]] = (LEADS, PERIODS, MONITORING, OBJECTIONS,
                                           POSTPONEMENTS)

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
            "postponements": [(f.case_id, seq, f.case_number, f.court, iso(p.decided_on),
                               iso(p.until), iso(p.until + timedelta(days=1)),
                               iso(p.ended_on or f.closed_on), p.cause)
                              for seq, p in enumerate(f.postponements, start=1)],
            "objections": [objection_row(f, o, settings.calendar)
                           for o in f.objections.values()],
        }


def objection_row(f: CaseFacts, o: ObjectionFact, calendar: HolidayCalendar
                  ) -> tuple[object, ...]:
    """One objection or claim with its open dates (docs/rules.md §7): the last day for 复议
    (10 days from service) or to sue (15 days), and when a claimed asset's release is due (7
    days after the applicant's 15 days, 民诉法解释 art.314; at once on a judgment excluding
    enforcement)."""
    review_until = suit_until = release = None
    if o.served_on is not None and o.kind == "act" and o.review_applied_on is None:
        review_until = calendar.period_end(o.served_on, r.REVIEW_APPLICATION_DAYS)
    if o.served_on is not None and o.kind == "claim" and o.suit_filed_on is None:
        suit_until = calendar.period_end(o.served_on, r.OBJECTION_SUIT_DAYS)
    asset = f.assets.get(o.asset_id) if o.asset_id else None
    if o.kind == "claim" and asset is not None and asset.under_control and o.revoked_on is None:
        if o.suit_judgment == "enforcement_excluded":
            release = o.suit_decided_on
        elif o.outcome == "upheld" and suit_until is not None:
            release = calendar.period_end(suit_until, r.CLAIM_RELEASE_DAYS)
    return (f.case_id, o.objection_id, f.case_number, f.court, f.officer, o.kind, f.kind, o.act,
            o.asset_id, iso(o.received_on), iso(o.due_on), iso(o.ruled_on), int(o.late),
            o.outcome, iso(o.served_on), iso(review_until), iso(o.review_applied_on),
            iso(suit_until), iso(o.suit_filed_on), o.suit_judgment, iso(release),
            iso(o.revoked_on))


class WatchItem(BaseModel):
    """Something due on ``due_on`` (``days_left`` < 0: overdue)."""

    watch: str  # control_expiry | closure_deadline | payout | lead | reinquiry |
    # dishonest_deletion | postponement_end | objection | objection_suit_window | claim_release
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


CALENDAR_COUNTED = frozenset({"closure_deadline", "payout", "lead", "dishonest_deletion",
                              "objection", "objection_suit_window", "claim_release"})
"""Watches whose dates are counted over the holiday calendar (the others are calendar days); a
claimed asset's release due from a judgment's own day is not counted."""


def deadline_watch(store: ReadModelStore, as_of: date, within_days: int = 30,
                   settings: ProjectionSettings = DEFAULT_SETTINGS, *,
                   live_only: bool = False) -> list[WatchItem]:
    """Everything due by ``as_of + within_days`` (overdue items included), soonest first;
    ``live_only``: not of imported legacy histories (no workflow, no act takes them)."""
    live = f" AND {IMPORTED} = 0" if live_only else ""
    horizon = (as_of + timedelta(days=within_days)).isoformat()
    items: list[WatchItem] = []

    def add(watch: str, source: str, columns: str, table: str, where: str,
            subject: Callable[[tuple[object, ...]], str],
            counted: Callable[[tuple[object, ...]], bool] = lambda row: True) -> None:
        for row in store.query(f"SELECT {columns}, {IMPORTED} FROM {table} t {ORIGIN} "
                               f"WHERE {where}{live}", (horizon,)):
            due = date.fromisoformat(str(row[2]))
            items.append(WatchItem(watch=watch, case_number=str(row[0]), court=str(row[1]),
                                   subject=subject(row), due_on=due,
                                   days_left=(due - as_of).days, source=source,
                                   imported=bool(row[-1]),
                                   beyond_calendar=watch in CALENDAR_COUNTED
                                   and counted(row) and not settings.calendar.covers(due)))

    add("control_expiry", r.SRC_CONTROL_LAPSE,
        "t.case_number, t.court, t.expires_on, t.asset_id, t.measure", "assets",
        "t.control = 'active' AND t.expires_on <= ?", lambda row: f"{row[4]} of {row[3]}")
    add("payout", r.SRC_PAYOUT,
        "t.case_number, t.court, t.due_on, t.unpaid_fen, t.received_on", "payouts",
        "t.unpaid_fen > 0 AND t.due_on || '' <= ?",  # a scan: the index on due_on would
        # visit every payout ever due (nearly all paid) one random read at a time
        # (bench_console); an expression (not SQLite's unary +) so that PostgreSQL takes it too
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
    add("postponement_end", r.SRC_POSTPONEMENT_PERIOD,
        "t.case_number, t.court, t.resumes_on, t.decided_on, t.until_on", "postponements",
        "t.ended_on IS NULL AND t.resumes_on <= ?",
        lambda row: f"postponement decided on {row[3]} runs until {row[4]}: enforcement "
                    "resumes")
    add("objection", r.SRC_OBJECTION + "; " + r.SRC_CLAIM,
        "t.case_number, t.court, t.due_on, t.objection_id, t.kind, t.act, t.asset_id",
        "objections", "t.ruled_on IS NULL AND t.due_on <= ?",
        _unanswered)
    add("claim_release", r.SRC_CLAIM_RELEASE,
        "t.case_number, t.court, t.release_due_on, t.objection_id, t.asset_id, t.suit_judgment",
        "objections", "t.release_due_on IS NOT NULL AND t.release_due_on <= ?",
        lambda row: f"release {row[4]} (outsider's claim {row[3]})",
        lambda row: row[5] != "enforcement_excluded")  # else the judgment's own day
    items.extend(_suit_windows(store, as_of, horizon, settings, live))
    items.extend(_closure_deadlines(store, as_of, horizon, settings, live_only))
    return sorted(items, key=lambda i: (i.due_on, i.watch, i.case_number))


def _unanswered(row: tuple[object, ...]) -> str:
    what = f"outsider's claim {row[3]} to {row[6]}" if row[4] == "claim" \
        else f"objection {row[3]} to the {row[5]}" + (f" of {row[6]}" if row[6] else "")
    return f"{what} not ruled on"


def _suit_windows(store: ReadModelStore, as_of: date, horizon: str,
                  settings: ProjectionSettings, live: str = "") -> list[WatchItem]:
    """The open 15-day periods to sue about a claimed asset (民诉法 art.238): after the last
    day the disposal proceeds (claim rejected) or the asset is released (claim upheld)."""
    out = []
    for number, court, until, oid, asset_id, outcome, imported in store.query(
            f"SELECT t.case_number, t.court, t.suit_until, t.objection_id, t.asset_id, "
            f"t.outcome, {IMPORTED} FROM objections t {ORIGIN} WHERE t.suit_until IS NOT NULL "
            "AND t.suit_judgment IS NULL AND t.suit_until >= ? AND t.suit_until <= ?" + live,
            (as_of.isoformat(), horizon)):
        due = date.fromisoformat(until)
        then = "its disposal proceeds" if outcome == "rejected" else "it is released"
        out.append(WatchItem(
            watch="objection_suit_window", case_number=number, court=court,
            subject=f"last day to sue about {asset_id} (claim {oid}); then {then}", due_on=due,
            days_left=(due - as_of).days, source=r.SRC_CLAIM, imported=bool(imported),
            beyond_calendar=not settings.calendar.covers(due)))
    return out


def _closure_deadlines(store: ReadModelStore, as_of: date, horizon: str,
                       settings: ProjectionSettings, live_only: bool = False
                       ) -> list[WatchItem]:
    live = " AND c.imported = 0" if live_only else ""
    spans: dict[str, list[tuple[str, date, date | None]]] = {}
    for case_id, kind, start, end in store.query(
            "SELECT p.case_id, p.kind, p.start_on, p.end_on FROM case_periods p JOIN cases c "
            "ON c.case_id = p.case_id WHERE c.closed_on IS NULL" + live):
        spans.setdefault(case_id, []).append(
            (kind, date.fromisoformat(start), date.fromisoformat(end) if end else None))
    out = []
    for case_id, number, court, filed_on, months, imported in store.query(
            "SELECT case_id, case_number, court, filed_on, limit_months, imported "
            "FROM cases c WHERE closed_on IS NULL AND filed_on IS NOT NULL" + live):
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
