"""Benchmark: the console's pages over a court of 20,625 imported cases.

    .venv/bin/python bench/bench_console.py [--cases 20625] [--min-events 1000000] [--dir DIR]
        [--quick] [--runs 5]

(``--quick``: 200 cases, 5,000 events, seconds — run by ``make test`` to show the benchmark
still works; its figures mean little.)

1. generates the legacy docket of bench/bench_projections.py (20,625 cases, at least 1,000,000
   events) and imports it into an SQLite store in a data directory made as the worker makes one
   (keys, encryption), then builds every read model;
2. serves the console on that store without Temporal (``enforce console --offline``: the app
   in this process, through its ASGI interface, no network) and logs in as an auditor;
3. for each page — the worklist (every open live case: the auditor's; the imported histories
   are not on it, so over this store it measures the deadline watch's and the list's queries
   finding none), the 终本 audit (its first page of 200), the quality metrics with their
   charts over the record's last 12 months, the campaign report over its last 4 weeks, a
   case page — takes the median of
   ``--runs`` answers after one warm-up, and the median of the bare read-model queries that
   fetch the same rows (the projections' functions on the read-model store, no facade, no
   rendering); prints both and page ÷ bare;
   The metrics and campaign pages over the whole record (every payee's share of 20,625
   cases added up at once) are printed too, not judged;
4. the target: every page answers within 300 ms. The last line is ``ratio=<x> target=1.0``
   with x = 300 ms ÷ the slowest page's median (1.0 or more: every page within 300 ms).

Everything lives in a temporary directory removed at the end. Not part of ``make test``.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_projections import _lines, generate  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from cli import accounts  # noqa: E402
from console.app import ConsoleConfig, create_app, trend_periods  # noqa: E402
from domain.calendar import COURT_ZONE  # noqa: E402
from domain.event_store_config import cases_from_env, first_start_keys  # noqa: E402
from domain.legacy_import import import_legacy  # noqa: E402
from projections.audit_view import audit_summary, termination_audit  # noqa: E402
from projections.campaign import campaign_report  # noqa: E402
from projections.caselist import case_rows, closed_counts, closures_by_mode  # noqa: E402
from projections.ledger import case_ledger  # noqa: E402
from projections.metrics import quality_metrics  # noqa: E402
from projections.read_store_config import ReadStoreConfig, open_read_store, rebuild_read_store  # noqa: E402
from projections.timeline import timeline  # noqa: E402
from projections.watch import deadline_watch  # noqa: E402

BOUND_MS = 300.0
PASSWORD = "bench password 0123"


def median_ms(work: Callable[[], object], runs: int) -> float:
    work()  # warm-up
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=None, help="default 20,625 (--quick: 200)")
    parser.add_argument("--min-events", type=int, default=None,
                        help="default 1,000,000 (--quick: 5,000)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--quick", action="store_true",
                        help="small sizes, seconds: shows the benchmark runs (make test)")
    parser.add_argument("--dir", type=Path, default=None,
                        help="parent of the temporary directory (default: the system's)")
    parser.add_argument("--keep", type=Path, default=None,
                        help="build the store in this directory and keep it; a later run "
                             "with the same --keep measures it again without rebuilding")
    args = parser.parse_args()
    args.cases = args.cases or (200 if args.quick else 20_625)
    args.min_events = args.min_events or (5_000 if args.quick else 1_000_000)
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
        run(args.keep, args.cases, args.min_events, args.runs)
        return
    work = Path(tempfile.mkdtemp(prefix="bench-console-", dir=args.dir))
    try:
        run(work, args.cases, args.min_events, args.runs)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(work: Path, cases: int, min_events: int, runs: int) -> None:
    data = work / "data"
    env = {"ENFORCEMENT_DATA_DIR": str(data)}
    built = work / "built"
    if not built.exists():
        data.mkdir()
        docket = work / "docket.jsonl"
        events = generate(docket, cases, min_events)
        first_start_keys(env)
        app = cases_from_env(env)
        summary = import_legacy(app, lambda: _lines(docket), datetime.now(COURT_ZONE))
        rebuild_read_store(app, ReadStoreConfig.from_env(env), page_size=1000, progress=False)
        app.close()
        docket.unlink()
        accounts.add(data, "audit-1", "auditor", None, "2026-01-01T00:00:00+00:00")
        accounts.set_password(data, "audit-1", PASSWORD)
        built.write_text(f"{cases} {events}\n")
        print(f"store: {cases:,} imported cases, {events:,} events ({summary.seconds:.1f} s "
              "to import), read models built")
    else:
        cases, events = map(int, built.read_text().split())
        print(f"store: {cases:,} imported cases, {events:,} events (kept in {work})")
    store = open_read_store(ReadStoreConfig.from_env(env))

    today = datetime.now(COURT_ZONE).date()
    row = store.query("SELECT MIN(filed_on), MAX(closed_on) FROM cases")[0]
    first, last = date.fromisoformat(row[0]), date.fromisoformat(row[1] or row[0])
    number = str(store.query("SELECT case_number FROM ledger ORDER BY position LIMIT 1")[0][0]
                 if store.query("SELECT COUNT(*) FROM ledger")[0][0]
                 else store.query("SELECT case_number FROM cases LIMIT 1")[0][0])
    year = (last - timedelta(days=364), last)  # the metrics page: the record's last 12 months
    weeks = (last - timedelta(days=27), last)  # a campaign report: its last 4 weeks
    _, spans = trend_periods(*year)
    bare: dict[str, Callable[[], object]] = {
        "worklist": lambda: (case_rows(store, statuses=("open", "suspended", "settlement",
                                                        "terminated"), live_only=True,
                                       limit=501),
                             deadline_watch(store, today, 7, live_only=True)),
        "audit": lambda: (termination_audit(store, limit=201), audit_summary(store)),
        "metrics": lambda: (quality_metrics(store, *year, by=["officer"]),
                            closures_by_mode(store, *year), closed_counts(store, spans)),
        "campaign": lambda: campaign_report(store, *weeks),
        "case": lambda: (case_ledger(store, number), timeline(store, case_number=number)),
    }
    with TestClient(create_app(ConsoleConfig(data_dir=data, offline=True)),
                    follow_redirects=False) as web:
        login = web.get("/login").text
        token = re.search(r'name="csrf" value="([^"]+)"', login)
        assert token is not None
        assert web.post("/login", data={"csrf": token.group(1), "account": "audit-1",
                                        "password": PASSWORD}).status_code == 303
        def period(span: tuple[date, date]) -> str:
            return f"start={span[0].isoformat()}&end={span[1].isoformat()}"
        pages = {"worklist": "/", "audit": "/audit", "metrics": f"/metrics?{period(year)}",
                 "campaign": f"/campaign?{period(weeks)}", "case": f"/case?number={number}"}

        def get(path: str) -> Callable[[], object]:
            def fetch() -> object:
                answer = web.get(path)
                assert answer.status_code == 200, (path, answer.status_code, answer.text[:500])
                return answer
            return fetch

        slowest = 0.0
        for name, path in pages.items():
            page_ms = median_ms(get(path), runs)
            bare_ms = median_ms(bare[name], runs)
            slowest = max(slowest, page_ms)
            print(f"{name:9} page {page_ms:8.1f} ms   bare read-model query {bare_ms:8.1f} ms"
                  f"   page/bare {page_ms / max(bare_ms, 0.001):6.1f}"
                  f"   {'within' if page_ms <= BOUND_MS else 'OVER'} {BOUND_MS:.0f} ms")
        whole = (first, last)  # not judged: every payee's share of the record, at once
        print(f"(whole record {first} – {last}, not judged: metrics page "
              f"{median_ms(get(f'/metrics?{period(whole)}'), 1):.0f} ms, campaign page "
              f"{median_ms(get(f'/campaign?{period(whole)}'), 1):.0f} ms)")
    store.close()
    print(f"ratio={BOUND_MS / slowest:.2f} target=1.0")


if __name__ == "__main__":
    main()
