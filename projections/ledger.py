"""Case money read models (docs/projections.md "Case money"): the ledger of each case as a
timeline with its running balance, the payouts due and overdue per payee, the courts' suspense
lists of unidentified receipts, and 案款发放及时率 per payee.

- ``ledger``: one row per receipt (``direct``: confirmed paid to the applicant; ``settlement``:
  performed under a settlement), payout and waiver of a case, in log order, with the balance
  the court holds for the case after it (its ledger entries still unpaid, docs/rules.md §1.7)
  and the balance still owed to the applicants.
- ``payee_payouts`` (written by ``QualityMetricsProjection``, read here): one row per payee
  of each receipt, with its due day (30 days after arrival, 执行款物规定) and what is unpaid.
  Whether a payout is overdue depends on the day asked (``as_of``), so it is decided at query
  time: the rows themselves depend on the events only (a rebuild gives the same rows).
- ``suspense``: the events of the courts' suspense accounts (``domain/suspense.py``), appended
  as they come (never rewritten); a receipt is unclaimed while no claim or return follows it.
- ``plan_events``: the events of the 参与分配 plans (``domain/distribution.py``, docs/rules.md
  §12), appended; ``distribution_plans`` folds each plan's state from them at query time.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

import orjson
from pydantic import BaseModel

from domain import events as ev
from domain.events import CaseEvent
from domain.models import NO_PAYOUT_SOURCES
from projections.facts import ZERO, CaseFacts
from projections.masking import scrub_optional, scrub_text
from projections.metrics import percent
from projections.read_store import ReadModelStore
from projections.schema import (
    EventProjection,
    Rows,
    StreamProjection,
    Table,
    columns,
    day_of,
    fen,
    iso,
    yuan,
)
from projections.timeline import ENVELOPE

LEDGER = Table("ledger", columns(
    "position BIGINT, case_id TEXT, case_number TEXT, court TEXT, day TEXT, entry TEXT, "
    "payee_kind TEXT, payee TEXT, payer TEXT, source TEXT, amount_fen BIGINT, held_fen BIGINT, "
    "owed_fen BIGINT, late INTEGER, receipt_id TEXT, details TEXT"), ("position",),
    indexes=(("case_number", "position"),), by_case=False)
SUSPENSE = Table("suspense", columns(
    "position BIGINT, account_id TEXT, court TEXT, receipt_id TEXT, entry TEXT, day TEXT, "
    "amount_fen BIGINT, payer TEXT, reference TEXT, case_number TEXT, reason TEXT"),
    ("position",), indexes=(("court", "receipt_id"),), by_case=False)
SUSPENSE_ENTRIES = {"UnidentifiedReceiptRecorded": ("recorded", "received_on"),
                    "UnidentifiedReceiptClaimed": ("claimed", "claimed_on"),
                    "UnidentifiedReceiptReturned": ("returned", "returned_on")}
"""The suspense account's events (``domain/suspense.py``): the entry each makes, its day."""


def owed(f: CaseFacts) -> Decimal:
    """What the case still owes the applicants after receipts, in-lieu transfers and waivers."""
    return max(ZERO, f.applied - f.received - f.in_lieu - f.waived)


class LedgerProjection(EventProjection):
    """Writes the LedgerView: the case's money entries with the running balance."""

    name: ClassVar[str] = "ledger"
    tables: ClassVar[tuple[Table, ...]] = (LEDGER,)

    def event_rows(self, position: int, event: CaseEvent, data: dict[str, Any],
                   facts: CaseFacts, day: date) -> Rows:
        if isinstance(event, ev.FundsReceived):
            direct = event.source in NO_PAYOUT_SOURCES
            parts = "; ".join(f"{a.payee_kind.value}{' ' + a.payee if a.payee else ''} "
                              f"{a.amount}" for a in event.allocations)
            return self._row(position, facts, event.received_on,
                             "direct" if direct else "receipt", None, None, event.payer,
                             event.source.value, event.amount, None,
                             getattr(event, "receipt_id", None), parts)
        if isinstance(event, ev.FundsPaidOut):
            return self._row(position, facts, event.paid_on, "payout", event.payee_kind.value,
                             event.payee, None, None, event.amount, event.late, None, "")
        if isinstance(event, ev.SettlementPaymentRecorded):  # paid to the applicant directly
            return self._row(position, facts, event.paid_on, "settlement", None, None, None,
                             None, event.amount, None, None, "")
        if isinstance(event, ev.DebtWaived):
            return self._row(position, facts, event.waived_on, "waiver", None, None, None, None,
                             event.amount, None, None, event.reason)
        return {}

    @staticmethod
    def _row(position: int, f: CaseFacts, day: date, entry: str, payee_kind: str | None,
             payee: str | None, payer: str | None, source: str | None, amount: Decimal,
             late: bool | None, receipt_id: str | None, details: str) -> Rows:
        return {"ledger": [(position, f.case_id, f.case_number, f.court, iso(day), entry,
                            payee_kind, scrub_optional(payee), scrub_optional(payer), source,
                            fen(amount), fen(f.held), fen(owed(f)),
                            None if late is None else int(late), receipt_id,
                            scrub_text(details))]}


class SuspenseProjection(StreamProjection):
    """Writes the SuspenseView: every event of the courts' suspense accounts."""

    name: ClassVar[str] = "suspense"
    tables: ClassVar[tuple[Table, ...]] = (SUSPENSE,)

    def stream_rows(self, position: int, topic: str, event: Any, data: dict[str, Any],
                    day: date) -> Rows:
        found = SUSPENSE_ENTRIES.get(topic.rpartition(":")[2])
        if found is None:
            return {}
        entry, day_field = found
        amount = data.get("amount")
        return {"suspense": [(
            position, str(data["originator_id"]), data.get("court"), data.get("receipt_id"),
            entry, data.get(day_field), fen(Decimal(amount)) if amount is not None else None,
            scrub_optional(data.get("payer")), scrub_optional(data.get("reference")),
            data.get("case_number"), scrub_optional(data.get("reason")))]}


# --- queries --------------------------------------------------------------------------------

class LedgerEntry(BaseModel):
    position: int
    day: date
    entry: str  # receipt | direct | settlement | payout | waiver
    payee_kind: str | None
    payee: str | None
    payer: str | None
    source: str | None
    amount: Decimal
    held: Decimal  # the court holds for the case after this entry (the running balance)
    owed: Decimal  # still owed to the applicants after it
    late: bool | None
    receipt_id: str | None
    details: str


def case_ledger(store: ReadModelStore, case_number: str) -> list[LedgerEntry]:
    """The case's ledger in log order (empty: no money entry, or no such case)."""
    names = ("position", "day", "entry", "payee_kind", "payee", "payer", "source", "amount_fen",
             "held_fen", "owed_fen", "late", "receipt_id", "details")
    out = []
    for values in store.query(f"SELECT {', '.join(names)} FROM ledger WHERE case_number = ? "
                              "ORDER BY position", (case_number,)):
        row = dict(zip(names, values, strict=True))
        out.append(LedgerEntry(
            position=row["position"], day=day_of(row["day"]), entry=row["entry"],
            payee_kind=row["payee_kind"], payee=row["payee"], payer=row["payer"],
            source=row["source"], amount=yuan(row["amount_fen"]), held=yuan(row["held_fen"]),
            owed=yuan(row["owed_fen"]), late=None if row["late"] is None else bool(row["late"]),
            receipt_id=row["receipt_id"], details=row["details"]))
    return out


class PayoutDue(BaseModel):
    case_number: str
    court: str
    payee_kind: str
    payee: str | None
    received_on: date
    due_on: date
    amount: Decimal
    unpaid: Decimal
    overdue: bool  # the due day lies before ``as_of``
    days_overdue: int


def payouts_due(store: ReadModelStore, as_of: date, *, court: str | None = None,
                overdue_only: bool = False) -> list[PayoutDue]:
    """Ledger entries still unpaid on ``as_of``, per payee, the earliest due first; overdue:
    the due day (30 days after arrival) passed (day 30 is on time, day 31 late)."""
    sql = ("SELECT case_number, court, payee_kind, payee, received_on, due_on, amount_fen, "
           "unpaid_fen FROM payee_payouts WHERE unpaid_fen > 0")
    params: list[Any] = []
    if court is not None:
        sql, params = sql + " AND court = ?", [court]
    if overdue_only:
        sql, params = sql + " AND due_on < ?", [*params, as_of.isoformat()]
    out = []
    for number, court_, kind, payee, received, due, amount, unpaid in store.query(
            sql + " ORDER BY due_on, case_number, seq, n", params):
        due_on = date.fromisoformat(due)
        out.append(PayoutDue(case_number=number, court=court_, payee_kind=kind, payee=payee,
                             received_on=date.fromisoformat(received), due_on=due_on,
                             amount=yuan(amount), unpaid=yuan(unpaid), overdue=due_on < as_of,
                             days_overdue=max(0, (as_of - due_on).days)))
    return out


class PayeeTimeliness(BaseModel):
    """案款发放及时率 of one kind of payee over a period (docs/projections.md)."""

    payee_kind: str
    due: int
    on_time: int

    @property
    def rate(self) -> Decimal | None:
        return percent(self.on_time, self.due)


def payout_timeliness_by_payee(store: ReadModelStore, start: date, end: date, *,
                               court: str | None = None) -> list[PayeeTimeliness]:
    """Per kind of payee: the ledger entries due within ``[start, end]`` and those paid out in
    full by their due day (imported histories left out: counted apart in the metrics)."""
    sql = ("SELECT p.payee_kind, COUNT(*), SUM(CASE WHEN p.paid_on IS NOT NULL AND "
           "p.paid_on <= p.due_on THEN 1 ELSE 0 END) FROM payee_payouts p JOIN cases c ON "
           "c.case_id = p.case_id WHERE c.imported = 0 AND p.due_on >= ? AND p.due_on <= ?")
    params: list[Any] = [start.isoformat(), end.isoformat()]
    if court is not None:
        sql, params = sql + " AND p.court = ?", [*params, court]
    return [PayeeTimeliness(payee_kind=kind, due=due, on_time=on_time or 0)
            for kind, due, on_time in store.query(sql + " GROUP BY p.payee_kind "
                                                  "ORDER BY p.payee_kind", params)]


class SuspenseItem(BaseModel):
    court: str
    receipt_id: str
    received_on: date
    amount: Decimal
    payer: str | None
    reference: str | None
    age_days: int  # days since the money arrived, on ``as_of``


def suspense_list(store: ReadModelStore, as_of: date, *, court: str | None = None,
                  ) -> list[SuspenseItem]:
    """The unclaimed receipts of the suspense accounts (neither claimed nor returned), the
    oldest first, with their age on ``as_of``."""
    sql = ("SELECT r.court, r.receipt_id, r.day, r.amount_fen, r.payer, r.reference "
           "FROM suspense r WHERE r.entry = 'recorded' AND NOT EXISTS (SELECT 1 FROM suspense x "
           "WHERE x.account_id = r.account_id AND x.receipt_id = r.receipt_id AND "
           "x.entry <> 'recorded')")
    params: Sequence[Any] = ()
    if court is not None:
        sql, params = sql + " AND r.court = ?", (court,)
    out = []
    for court_, receipt, day, amount, payer, reference in store.query(
            sql + " ORDER BY r.day, r.position", params):
        received = date.fromisoformat(day)
        out.append(SuspenseItem(court=court_, receipt_id=receipt, received_on=received,
                                amount=yuan(amount), payer=payer, reference=reference,
                                age_days=(as_of - received).days))
    return out


# --- distribution plans (参与分配, docs/rules.md §12) -------------------------------------------

PLAN_EVENTS = Table("plan_events", columns(
    "position BIGINT, plan_id TEXT, kind TEXT, day TEXT, details TEXT"), ("position",),
    indexes=(("plan_id", "position"),), by_case=False)
PLAN_TOPICS = "domain.distribution:"
PLAN_DAYS = ("drawn_on", "joined_on", "recorded_on", "served_on", "received_on", "filed_on",
             "finalized_on", "judged_on")
"""The business day of a plan's event: its first field of these."""


class DistributionPlansProjection(StreamProjection):
    """Writes the DistributionPlansView: every event of the 参与分配 plans (domain/distribution.py),
    appended; a plan's state is folded from them at query time (``distribution_plans``)."""

    name: ClassVar[str] = "distribution_plans"
    tables: ClassVar[tuple[Table, ...]] = (PLAN_EVENTS,)

    def stream_rows(self, position: int, topic: str, event: Any, data: dict[str, Any],
                    day: date) -> Rows:
        if not topic.startswith(PLAN_TOPICS):
            return {}
        details = {k: v for k, v in data.items() if k not in ENVELOPE}
        on = next((details[name] for name in PLAN_DAYS if name in details), iso(day))
        return {"plan_events": [(position, str(data["originator_id"]), topic.rpartition(":")[2],
                                 on, scrub_text(orjson.dumps(details).decode()))]}


class PlanView(BaseModel):
    """A distribution plan as its events leave it."""

    plan_number: str
    court: str
    debtor: str
    first_seized_case: str
    drawn_on: date
    state: str  # drawn | served | finalized
    cases: list[str]
    claims: Decimal  # Σ the joined cases' claims
    distributable: Decimal | None
    served_on: date | None
    objection_due_on: date | None  # the 15 days after service (民诉法解释 art.510)
    objections_open: list[str]  # objections not yet settled by a judgment or the finalization
    suits_pending: list[str]
    finalized_on: date | None
    paid: Decimal  # the shares payable at the finalization and released by judgments
    held_back: Decimal  # disputed shares kept until their suit's judgment


def _shares(items: list[dict[str, Any]]) -> Decimal:
    return sum((Decimal(x["amount"]) for x in items), ZERO)


def distribution_plans(store: ReadModelStore, *, court: str | None = None) -> list[PlanView]:
    """Every 参与分配 plan with its state, in the order they were drawn."""
    plans: dict[str, dict[str, Any]] = {}
    for plan, kind, _day, text in store.query(
            "SELECT plan_id, kind, day, details FROM plan_events ORDER BY position"):
        d = orjson.loads(text)
        if kind == "PlanDrawn":
            plans[plan] = {"plan_number": d["plan_number"], "court": d["court"],
                           "debtor": d["debtor"], "first_seized_case": d["first_seized_case"],
                           "drawn_on": d["drawn_on"], "state": "drawn", "cases": [],
                           "claims": ZERO, "distributable": None, "served_on": None,
                           "objection_due_on": None, "objections": {}, "suits": set(),
                           "finalized_on": None, "paid": ZERO, "held_back": ZERO}
            continue
        p = plans.get(plan)
        if p is None:  # an irregular history: events of a plan never drawn
            continue
        if kind == "PlanCaseJoined":
            p["cases"].append(d["case_number"])
            p["claims"] += Decimal(d["claim"])
        elif kind == "DistributableRecorded":
            p["distributable"] = (p["distributable"] or ZERO) + Decimal(d["amount"])
        elif kind == "PlanServed":
            p["state"], p["served_on"] = "served", d["served_on"]
            p["objection_due_on"] = d["objection_due_on"]
        elif kind == "PlanObjected":
            p["objections"][d["objection_id"]] = "open"
        elif kind == "PlanSuitFiled":
            p["suits"].add(d["objection_id"])
        elif kind == "PlanFinalized":
            p["state"], p["finalized_on"] = "finalized", d["finalized_on"]
            p["paid"] += _shares(d["payable"])
            p["held_back"] += _shares(d["held_back"])
            for objection in p["objections"]:
                if objection not in p["suits"]:
                    p["objections"][objection] = "settled"
        elif kind == "PlanSuitJudged":
            p["objections"][d["objection_id"]] = "settled"
            p["suits"].discard(d["objection_id"])
            released = _shares(d["releases"])
            p["held_back"] -= released
            p["paid"] += released
    out = []
    for p in plans.values():
        if court is not None and p["court"] != court:
            continue
        open_ = sorted(k for k, v in p.pop("objections").items() if v == "open")
        out.append(PlanView(objections_open=open_, suits_pending=sorted(p.pop("suits")), **p))
    return out
