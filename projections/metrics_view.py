"""The QualityMetricsView: one row per case and one per receipt of case funds.

The quality metrics (``projections.metrics``) are computed from these rows at query time for
any period and grouping; what needs the event history (closure deadline net of excluded periods,
amounts recovered, the 终本 audit class) is settled here when the case changes.
"""

from __future__ import annotations

from typing import ClassVar

from projections.audit import audit_findings, classify
from projections.facts import CaseFacts
from projections.masking import scrub_optional
from projections.periods import closure_deadline, excluded_days, limit_months
from projections.schema import CaseProjection, Rows, Table, columns, fen, iso
from projections.settings import ProjectionSettings

CASES = Table("cases", columns(
    "case_id TEXT, case_number TEXT, kind TEXT, court TEXT, officer TEXT, category TEXT, "
    "imported INTEGER, status TEXT, filed_on TEXT, closed_on TEXT, closure_mode TEXT, "
    "by_settlement INTEGER, ending_ground TEXT, applied_fen BIGINT, recovered_fen BIGINT, "
    "non_litigation INTEGER, limit_months INTEGER, excluded_days INTEGER, deadline_on TEXT, "
    "within_limit INTEGER, days_to_close INTEGER, audit_class TEXT, resumed_from TEXT, "
    "resumed_as TEXT, events INTEGER"), ("case_id",),
    indexes=(("kind", "court", "filed_on"), ("closed_on",), ("officer",), ("case_number",)))
PAYOUTS = Table("payouts", columns(
    "case_id TEXT, seq INTEGER, case_number TEXT, kind TEXT, court TEXT, officer TEXT, "
    "received_on TEXT, amount_fen BIGINT, source TEXT, due_on TEXT, paid_on TEXT, "
    "unpaid_fen BIGINT"), ("case_id", "seq"), indexes=(("due_on",),))
PAYEE_PAYOUTS = Table("payee_payouts", columns(
    "case_id TEXT, n INTEGER, seq INTEGER, case_number TEXT, kind TEXT, court TEXT, "
    "officer TEXT, payee_kind TEXT, payee TEXT, received_on TEXT, due_on TEXT, "
    "amount_fen BIGINT, unpaid_fen BIGINT, paid_on TEXT"), ("case_id", "n"),
    indexes=(("due_on",), ("court", "unpaid_fen")))
"""One row per payee of each receipt (the ledger's allocations, docs/rules.md §1.7): behind
案款发放及时率 per payee and the payouts due (``projections/ledger.py``)."""
ORIGIN = "LEFT JOIN cases c ON c.case_id = t.case_id"
"""Joins a per-case table aliased ``t`` to its case's row (docs/legacy-format.md: imported)."""
IMPORTED = "COALESCE(c.imported, 0)"
"""With ``ORIGIN``: 1 for a row of an imported legacy case."""


def status(f: CaseFacts) -> str:
    """open | suspended | settlement | terminated (终本) | closed."""
    if f.closure_mode == "terminated":
        return "terminated"
    if f.closure_mode is not None:
        return "closed"
    if f.settlement == "reached":
        return "settlement"
    if any(p.kind == "suspension" and p.end is None for p in f.periods):
        return "suspended"
    return "open"


class QualityMetricsProjection(CaseProjection):
    """Per-case figures behind 执结率, 执行到位率, 法定期限内结案率, 案款发放及时率 …"""

    name: ClassVar[str] = "quality_metrics"
    version: ClassVar[int] = 2  # 2: recovered = reached the applicants; payouts per payee
    tables: ClassVar[tuple[Table, ...]] = (CASES, PAYOUTS, PAYEE_PAYOUTS)

    def case_rows(self, facts: CaseFacts, settings: ProjectionSettings) -> Rows:
        return {"cases": [self._case(facts, settings)],
                "payouts": [(facts.case_id, p.seq, facts.case_number, facts.kind, facts.court,
                             facts.officer, iso(p.received_on), fen(p.amount), p.source,
                             iso(p.due_on), iso(p.paid_on), fen(p.unpaid))
                            for p in facts.receipts],
                "payee_payouts": [(facts.case_id, n, p.seq, facts.case_number, facts.kind,
                                   facts.court, facts.officer, p.payee_kind, scrub_optional(p.payee),
                                   iso(p.received_on), iso(p.due_on), fen(p.amount),
                                   fen(p.unpaid), iso(p.paid_on))
                                  for n, p in enumerate(facts.payee_entries)]}

    @staticmethod
    def _case(f: CaseFacts, settings: ProjectionSettings) -> tuple[object, ...]:
        months = limit_months(f.non_litigation, f.extensions_months)
        excluded = deadline = within = days = None
        if f.closed_on is not None and f.filed_on is not None:
            excluded = excluded_days(((p.kind, p.start, p.end) for p in f.periods),
                                     settings.excluded_periods, f.closed_on)
            due = closure_deadline(f.filed_on, months, excluded, settings.calendar)
            deadline, within = iso(due), int(f.closed_on <= due)
            days = (f.closed_on - f.filed_on).days
        audit = classify(audit_findings(f, settings)).value if f.termination else None
        return (f.case_id, f.case_number, f.kind, f.court, f.officer, f.category,
                int(f.imported), status(f), iso(f.filed_on), iso(f.closed_on), f.closure_mode,
                int(f.by_settlement), f.ending_ground, fen(f.applied), fen(f.reached),
                int(f.non_litigation), months, excluded, deadline, within, days, audit,
                f.resumed_from, f.resumed_as, f.events)
