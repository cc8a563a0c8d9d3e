"""Quality metrics 执行质效指标 (docs/rules.md §3) per court, officer and period.

Computed at query time from the QualityMetricsView rows (``cases``, ``payouts``) for a period
``[start, end]`` (inclusive). First enforcement (执), resumed (执恢) and preservation (执保) cases
are always counted apart: ``kind`` is part of every group. So are imported legacy histories
(docs/legacy-format.md § Marked imported everywhere): ``imported`` is part of every group, so
that money recovered in a history recorded elsewhere is never counted as the live work's.
Counting bases:

- **new** (新收): filed within the period;
- **carried over** (旧存): filed before the period and not closed before it;
- **closed** (已结): closed within the period by one of ``MetricDefinitions.closed_modes``;
  a 终本 counts as closed on its ruling, also if it is later resumed under a 执恢 number
  (the 执恢 case is a new case of its own kind).

Definitions (C = confirmed in docs/rules.md, M = working definition, configurable):

- 执结率 (closure_rate, M) = closed ÷ (carried over + new).
- 执行完毕率 (completion_rate, M) = closed as 执行完毕 ÷ closed; a performed settlement counts
  only if ``completion_includes_settlement``.
- 实际执结率 (actual_closure_rate, C) = closed as 执行完毕, incl. a performed settlement ÷ closed.
- 执行到位率 (recovery_rate, C) = Σ recovered ÷ Σ applied over the closed cases; recovered = what
  actually REACHED the applicants: money paid out to them from the case's ledger (not what the
  court received and still holds, nor the enforcement fee or a refund to the debtor), payments
  the applicant confirms receiving directly, settlement payments, and property transferred to
  them in lieu at its transfer price; applied = principal + interest + fees claimed at filing (a
  执恢 case claims the balance left by its 终本). A waived part (DebtWaived) is not recovered.
- 终本率 (termination_rate, M) = closed as 终本 ÷ closed.
- 终本合格率 (termination_compliance_rate, M) = 合规 终本 ÷ audited 终本 closed in the period.
- 法定期限内结案率 (on_time_closure_rate, M) = closed by the deadline ÷ closed; the deadline is
  6 months from filing (3 for non-litigation), plus extensions, net of excluded periods
  (suspension, audit, valuation, auction; ``ProjectionSettings.excluded_periods``).
- 结收比 (closed_to_new_ratio, M) = closed ÷ new.
- 平均执行天数 (mean_days, M) = mean calendar days from filing to closure over closed cases.
- 案款发放及时率 (payout_timeliness, M) = payees' shares of receipts (the ledger's allocations:
  each applicant, the enforcement fee, a refund to the debtor) paid out in full by their due day
  (30 days after arrival, 执行款物规定) ÷ those whose due day falls within the period; per kind
  of payee: ``projections.ledger.payout_timeliness_by_payee``.
- 异议审查及时率 (objection_timeliness, M) = objections and outsiders' claims ruled on within
  their 15 days (民诉法 arts.236, 238) ÷ those ruled on within the period (docs/rules.md §7.3).

Rates are percentages rounded half-up to 0.1; ``None`` where the denominator is zero.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict

from domain.calendar import add_months
from domain.models import ClosureMode
from projections.read_store import ReadModelStore

GROUPS = ("court", "officer")
TENTH = Decimal("0.1")


class MetricDefinitions(BaseModel):
    """The configurable (M) parts of the definitions above."""

    model_config = ConfigDict(frozen=True)

    closed_modes: frozenset[str] = frozenset(m.value for m in ClosureMode)
    """Closure modes that count as closed (default: all six of 执行工作规定 art.64)."""
    completion_includes_settlement: bool = False
    """Whether 执行完毕率 counts a performed settlement as 执行完毕 (实际执结率 always does)."""


DEFAULT_DEFINITIONS = MetricDefinitions()


def percent(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(TENTH, rounding=ROUND_HALF_UP)


class Metrics(BaseModel):
    """The metrics of one group (kind + optional court/officer) over one period."""

    kind: str
    imported: bool = False
    """Whether the group is of imported legacy cases (always counted apart from live ones)."""
    court: str | None = None
    officer: str | None = None
    start: date
    end: date
    new: int = 0
    carried_over: int = 0
    closed: int = 0
    completed: int = 0  # 执行完毕 as counted by 执行完毕率
    actually_closed: int = 0  # 执行完毕 incl. performed settlement
    terminated: int = 0
    audited: int = 0
    compliant: int = 0
    on_time: int = 0
    applied: Decimal = Decimal("0.00")
    recovered: Decimal = Decimal("0.00")
    days: int = 0
    payouts_due: int = 0
    payouts_on_time: int = 0
    objections_answered: int = 0
    objections_on_time: int = 0

    @property
    def closure_rate(self) -> Decimal | None:
        return percent(self.closed, self.carried_over + self.new)

    @property
    def completion_rate(self) -> Decimal | None:
        return percent(self.completed, self.closed)

    @property
    def actual_closure_rate(self) -> Decimal | None:
        return percent(self.actually_closed, self.closed)

    @property
    def recovery_rate(self) -> Decimal | None:
        return percent(self.recovered, self.applied)

    @property
    def termination_rate(self) -> Decimal | None:
        return percent(self.terminated, self.closed)

    @property
    def termination_compliance_rate(self) -> Decimal | None:
        return percent(self.compliant, self.audited)

    @property
    def on_time_closure_rate(self) -> Decimal | None:
        return percent(self.on_time, self.closed)

    @property
    def closed_to_new_ratio(self) -> Decimal | None:
        return percent(self.closed, self.new)

    @property
    def mean_days(self) -> Decimal | None:
        if not self.closed:
            return None
        return (Decimal(self.days) / self.closed).quantize(TENTH, rounding=ROUND_HALF_UP)

    @property
    def payout_timeliness(self) -> Decimal | None:
        return percent(self.payouts_on_time, self.payouts_due)

    @property
    def objection_timeliness(self) -> Decimal | None:
        return percent(self.objections_on_time, self.objections_answered)

    def rates(self) -> dict[str, Decimal | None]:
        """Every metric by its Chinese name."""
        return {"执结率": self.closure_rate, "执行完毕率": self.completion_rate,
                "实际执结率": self.actual_closure_rate, "执行到位率": self.recovery_rate,
                "终本率": self.termination_rate, "终本合格率": self.termination_compliance_rate,
                "法定期限内结案率": self.on_time_closure_rate, "结收比": self.closed_to_new_ratio,
                "平均执行天数": self.mean_days, "案款发放及时率": self.payout_timeliness,
                "异议审查及时率": self.objection_timeliness}


CASE_COLUMNS = ("kind, imported, court, officer, filed_on, closed_on, closure_mode, by_settlement, "
                "applied_fen, recovered_fen, within_limit, days_to_close, audit_class")


def quality_metrics(store: ReadModelStore, start: date, end: date, *,
                    by: Sequence[str] = (),
                    definitions: MetricDefinitions = DEFAULT_DEFINITIONS) -> list[Metrics]:
    """Metrics over ``[start, end]`` per kind, origin (imported or live) and the groups named
    in ``by`` (court, officer)."""
    unknown = set(by) - set(GROUPS)
    if unknown:
        raise ValueError(f"cannot group by {sorted(unknown)}; choose from {GROUPS}")
    groups: dict[tuple[str, ...], Metrics] = {}

    def group(row: dict[str, Any]) -> Metrics:
        key = (row["kind"], bool(row["imported"]), *(row[g] for g in by))
        if key not in groups:
            groups[key] = Metrics(kind=row["kind"], imported=bool(row["imported"]), start=start,
                                  end=end, **{g: row[g] for g in by})
        return groups[key]

    first, last = start.isoformat(), end.isoformat()
    for values in store.query(f"SELECT {CASE_COLUMNS} FROM cases WHERE filed_on <= ? AND "
                              "(closed_on IS NULL OR closed_on >= ?)", (last, first)):
        row = dict(zip(CASE_COLUMNS.split(", "), values, strict=True))
        _count_case(group(row), row, first, last, definitions)
    # payouts and objections added up in SQL, per case first and then by group, so that
    # each case's row is looked up once (a court's record holds hundreds of thousands of
    # payees' shares: bench/bench_console.py)
    inner = "".join(f", {g}" for g in by)
    outer = "".join(f", t.{g}" for g in by)
    for table, kind, day, on_time in (
            ("payee_payouts", "kind", "due_on",
             "paid_on IS NOT NULL AND paid_on <= due_on"),
            ("objections", "case_kind", "ruled_on",
             "due_on IS NOT NULL AND ruled_on <= due_on")):
        for found_kind, imported, *rest in store.query(
                f"SELECT t.kind, c.imported{outer}, SUM(t.n), SUM(t.ok) FROM (SELECT case_id, "
                f"{kind} AS kind{inner}, COUNT(*) AS n, SUM(CASE WHEN {on_time} THEN 1 ELSE 0 "
                f"END) AS ok FROM {table} WHERE {day} >= ? AND {day} <= ? GROUP BY case_id, "
                f"{kind}{inner}) t JOIN cases c ON c.case_id = t.case_id "
                f"GROUP BY t.kind, c.imported{outer}", (first, last)):
            m = group({"kind": found_kind, "imported": imported,
                       **dict(zip(by, rest, strict=False))})
            if table == "payee_payouts":
                m.payouts_due += int(rest[-2])
                m.payouts_on_time += int(rest[-1])
            else:
                m.objections_answered += int(rest[-2])
                m.objections_on_time += int(rest[-1])
    return [groups[k] for k in sorted(groups)]


def _count_case(m: Metrics, row: dict[str, Any], first: str, last: str,
                definitions: MetricDefinitions) -> None:
    if row["filed_on"] >= first:
        m.new += 1
    else:
        m.carried_over += 1
    mode = row["closure_mode"]
    if row["closed_on"] is None or row["closed_on"] > last or mode not in definitions.closed_modes:
        return
    m.closed += 1
    concluded = mode == ClosureMode.CONCLUDED.value
    m.actually_closed += int(concluded)
    m.completed += int(concluded and (definitions.completion_includes_settlement
                                      or not row["by_settlement"]))
    m.terminated += int(mode == ClosureMode.TERMINATED.value)
    m.audited += int(row["audit_class"] is not None)
    m.compliant += int(row["audit_class"] == "compliant")
    m.on_time += int(row["within_limit"] == 1)
    m.applied += Decimal(row["applied_fen"]) / 100
    m.recovered += Decimal(row["recovered_fen"]) / 100
    m.days += row["days_to_close"] or 0


def periods(first: date, last: date, months: int = 12) -> Iterator[tuple[date, date]]:
    """Consecutive periods of ``months`` months from ``first`` until one covers ``last``
    (1 = monthly, 3 = quarterly, 12 = yearly)."""
    n = 0
    while (start := add_months(first, months * n)) <= last:
        yield start, add_months(first, months * (n + 1)) - timedelta(days=1)
        n += 1
