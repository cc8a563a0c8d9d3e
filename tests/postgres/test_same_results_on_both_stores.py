"""The same docket on both stores gives the same answers: the same commands into an SQLite and a
PostgreSQL event store, each projected into its own kind of read-model store, yield identical
tables, the same 终本 audit, quality metrics, registers, deadline watch and timeline, and
byte-identical exports for auditors."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from domain.application import EnforcementCases
from projections.audit_view import audit_summary, termination_audit
from projections.auditor import export_all
from projections.metrics import quality_metrics
from projections.read_store import ReadModelStore, table_contents
from projections.registers import asset_register, sanctions_register
from projections.runner import ReadModelRunner
from projections.timeline import timeline
from projections.watch import deadline_watch
from tests.postgres.conftest import Backend
from tests.projections.dockets import live_docket
from tests.projections.legacy import JUDGE, NOW, LegacyCase

COURTS = ("甘0402", "京0105", "沪0101")  # code-point order ≠ pinyin order (a zh collation)
PLANS = ("paid", "compliant", "non_compliant", "pending", "misreported", "open")


def legacy_docket(cases: int, seed: int) -> list[dict[str, Any]]:
    """Imported histories of every audit class (a small cousin of bench_projections')."""
    rng, lines = random.Random(seed), []
    for n in range(1, cases + 1):
        filed = date(2017, 1, 4) + timedelta(days=rng.randrange(300))
        principal = rng.randrange(20, 900) * 1000
        c = LegacyCase(f"({filed.year}){COURTS[n % 3]}执{n}号", filed, principal,
                       actor={"id": f"officer-{rng.randrange(1, 6)}", "role": "officer"})
        plan = PLANS[n % len(PLANS)]
        c.notice().report().inquire()
        c.funds(principal // 4, paid_after=rng.choice((5, 40)))
        if plan == "paid":
            c.funds(principal - principal // 4).conclude()
        elif plan != "open":
            if plan == "misreported":
                c.found(f"acct-{n}", "deposit", principal // 2)
            if plan != "non_compliant":
                c.restrict()
            ruled = c.next(40 if plan == "non_compliant" else 110)
            c.hear(ruled - timedelta(days=2)).terminate(ruled, principal - principal // 4)
            if plan != "pending":
                c.serve()
                on = c.next(182)
                c.add("PostTerminationInquiryMade", on, JUDGE, queried_on=on, found=False)
        lines.extend(c.lines)
    return lines


def build(app: EnforcementCases) -> None:
    for step in live_docket(app, 16, seed=41):
        step()
    app.import_legacy(legacy_docket(30, seed=43), NOW, batch_cases=7)


def answers(store: ReadModelStore, exports: Path) -> dict[str, Any]:
    """Everything the read models answer, as comparable values."""
    as_of = date(2026, 6, 1)
    return {
        "audit": termination_audit(store),
        "summary": audit_summary(store),
        "metrics": [quality_metrics(store, date(2017, 1, 1), date(2026, 12, 31), by=by)
                    for by in ((), ("court",), ("officer",))],
        "assets": asset_register(store, under_control_only=False),
        "sanctions": sanctions_register(store, as_of),
        "watch": deadline_watch(store, as_of, within_days=90),
        "timeline": timeline(store),
        "filtered": timeline(store, kinds=("FundsReceived", "CaseConcluded"),
                             start=date(2017, 3, 1), end=date(2026, 3, 31), limit=40),
        "exports": {p.name: (n, p.read_bytes()) for p, n in export_all(store, exports).items()},
    }


def test_the_same_docket_answers_the_same_on_sqlite_and_postgresql(
        tmp_path: Path, postgres: Any) -> None:
    stores = {kind: Backend(kind, tmp_path / kind, postgres if kind == "postgres" else None)
              for kind in ("sqlite", "postgres")}
    try:
        results, tables = {}, {}
        for kind, backend in stores.items():
            (tmp_path / kind).mkdir()
            app = backend.cases()
            build(app)
            views = backend.read_store()
            ReadModelRunner(app, views, page_size=37).catch_up()
            results[kind] = answers(views, tmp_path / kind / "exports")
            tables[kind] = {t: table_contents(views, t) for t in views.table_names()
                            if t not in ("tracking", "notification_tracking")}
        sqlite, postgresql = results["sqlite"], results["postgres"]
        assert len(sqlite["audit"]) >= 20 and len(sqlite["timeline"]) > 300
        assert {c.value for c, n in sqlite["summary"].items() if n} >= {
            "compliant", "non_compliant", "pending", "misreported"}
        assert sqlite["watch"] and sqlite["sanctions"] and sqlite["assets"]
        assert tables["sqlite"] == tables["postgres"]
        for name in sqlite:
            assert sqlite[name] == postgresql[name], f"{name} differs between the stores"
    finally:
        for backend in stores.values():
            backend.close()
