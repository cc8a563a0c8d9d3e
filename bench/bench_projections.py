"""Benchmark: read models over a legacy docket at the scale one city court audited by hand.

    .venv/bin/python bench/bench_projections.py [--cases 20625] [--min-events 1000000] [--dir DIR]
        [--quick]

(``--quick``: 200 cases, 5,000 events, seconds — run by ``make test`` to show the benchmark
still works; its ratio means little.)

1. generates a legacy docket (JSON Lines, docs/legacy-format.md) of 20,625 cases and at least
   1,000,000 events — paid cases, 终本 cases compliant or not, misreported, unserved, open;
2. imports it through the legacy import into an SQLite event store (events/s);
3. measures raw "select and decode all events" (pages of 1,000 notifications, each decoded to
   its domain event exactly as the runner does) — the baseline (events/s);
4. rebuilds every read model from position 0 into a fresh store (events/s) and takes the
   seconds until the 终本 audit of the docket is classified and summarised;
5. prints ratio = rebuild events/s ÷ raw events/s; target 0.3. The last line is
   ``ratio=<x> target=0.3``.

Everything lives in a temporary directory that is removed at the end (1-2 GB on the way).
Not part of ``make test``: it is a measurement, not a test.

``--store postgres`` does the same on PostgreSQL: the event store on eventsourcing's recorder, the
read models in a schema of the same server (``POSTGRES_DSN`` / ``POSTGRES_*``, else a throwaway
server from scripts/postgres.sh), the baseline selecting and decoding from PostgreSQL.
"""

from __future__ import annotations

import argparse
import base64
import os
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from domain.application import EnforcementCases  # noqa: E402
from domain.calendar import COURT_ZONE  # noqa: E402
from domain.event_store_config import PostgresSettings, postgres_cases  # noqa: E402
from domain.legacy_import import import_legacy  # noqa: E402
from projections.audit import AuditClass  # noqa: E402
from projections.audit_view import audit_summary, termination_audit  # noqa: E402
from projections.read_store_config import ReadStoreConfig, open_read_store, rebuild_read_store  # noqa: E402
from tests.projections.legacy import JUDGE, REQUIRED, LegacyCase  # noqa: E402

TARGET = 0.3
COURTS = ("甘0402", "甘0403", "甘0421", "甘0422", "甘0423")
CHANNELS = (*REQUIRED, "equity", "online_payment", "insurance")
PLANS = (("paid", 0.32), ("compliant", 0.18), ("non_compliant", 0.14), ("pending", 0.08),
         ("misreported", 0.08), ("open", 0.20))
"""Shares of the docket's histories, roughly the campaign's split: 11,831 actually closed or
compliant 终本 against 8,794 non-compliant, pending, misreported or not closed (docs/rules.md §2)."""


def _officer(rng: random.Random) -> dict[str, str]:
    return {"id": f"officer-{rng.randrange(1, 41)}", "role": "officer"}


def _installments(c: LegacyCase, rng: random.Random, total: int, count: int) -> int:
    """``count`` payments received and paid out; the amount recovered."""
    each = max(1, total // (count * 2))
    for _ in range(count):
        c.funds(each, paid_after=rng.choice((5, 10, 20, 40)))
    return each * count


def _case(n: int, rng: random.Random) -> LegacyCase:
    court = COURTS[n % len(COURTS)]
    filed = date(2016, 1, 4) + timedelta(days=rng.randrange(700))
    principal = rng.randrange(20, 2000) * 1000
    plan = rng.choices([p for p, _ in PLANS], [w for _, w in PLANS])[0]
    c = LegacyCase(f"({filed.year}){court}执{n}号", filed, principal, actor=_officer(rng))
    c.notice()
    c.add("NoticeServed", c.next(3), served_on=c.next(3))
    c.report(rng.choice(("filed", "filed", "filed", "late")))
    if c.lines[-1]["data"]["status"] == "late":
        on = c.next()
        c.add("FineImposed", on, amount="5000.00", imposed_on=on, subject="李四", approval={
            "approver_id": "president-1", "role": "president", "approved_on": on.isoformat()})
    c.inquire(*CHANNELS)
    if plan == "paid":
        recovered = _installments(c, rng, principal, rng.randrange(10, 30))
        c.funds(principal - recovered, paid_after=10)
        return c.conclude()
    recovered = _installments(c, rng, principal, rng.randrange(6, 24))
    if plan == "open":
        return c
    if plan == "misreported":
        c.found(f"acct-{n}", "deposit", rng.randrange(10, 200) * 1000)
    if plan != "non_compliant" or rng.random() < 0.5:
        c.restrict()
    ruled = c.next(rng.randrange(60, 200) if plan == "non_compliant" else 100)
    if plan != "pending" or rng.random() < 0.5:
        c.hear(ruled - timedelta(days=2))
    c.terminate(ruled, principal - recovered)
    if plan != "pending":
        c.serve()
    for _ in range(rng.randrange(2, 10)):  # re-inquiries every 6 months (终本规定 art.9)
        on = c.next(182)
        c.add("PostTerminationInquiryMade", on, JUDGE, queried_on=on, found=False)
    return c


def generate(path: Path, cases: int, min_events: int, seed: int = 2018) -> int:
    """Write the docket; the number of events (lines)."""
    rng, events = random.Random(seed), 0
    with path.open("wb") as out:
        for n in range(1, cases + 1):
            lines = _case(n, rng).lines
            events += len(lines)
            out.write(b"\n".join(orjson.dumps(line) for line in lines) + b"\n")
    if events < min_events:
        raise SystemExit(f"generated only {events} events; raise the per-case activity")
    return events


def _lines(path: Path) -> Iterator[bytes]:
    with path.open("rb") as source:
        yield from source


def raw_select_and_decode(app: EnforcementCases) -> tuple[int, float]:
    """Every event selected page by page and decoded to its domain event."""
    started, count, position = time.perf_counter(), 0, 0
    mapper, recorder = app.mapper, app.recorder
    while page := recorder.select_notifications(start=position, limit=1000,
                                                inclusive_of_start=False):
        for notification in page:
            mapper.to_domain_event(notification)
        count += len(page)
        position = page[-1].id
    return count, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=None, help="default 20,625 (--quick: 200)")
    parser.add_argument("--min-events", type=int, default=None,
                        help="default 1,000,000 (--quick: 5,000)")
    parser.add_argument("--store", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--quick", action="store_true",
                        help="small sizes, seconds: shows the benchmark runs (make test)")
    parser.add_argument("--dir", type=Path, default=None,
                        help="parent of the temporary directory (default: the system's)")
    args = parser.parse_args()
    args.cases = args.cases or (200 if args.quick else 20_625)
    args.min_events = args.min_events or (5_000 if args.quick else 1_000_000)
    work = Path(tempfile.mkdtemp(prefix="bench-projections-", dir=args.dir))
    try:
        if args.store == "postgres":
            from pgserver import bench_schema, postgres_server

            with postgres_server() as server, bench_schema(server, "events") as events, \
                    bench_schema(server, "views") as views:
                run(work, args.cases, args.min_events, events, views)
        else:
            run(work, args.cases, args.min_events)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(work: Path, cases: int, min_events: int, events_on: PostgresSettings | None = None,
        views_on: PostgresSettings | None = None) -> None:
    docket = work / "docket.jsonl"
    started = time.perf_counter()
    events = generate(docket, cases, min_events)
    print(f"docket: {cases:,} cases, {events:,} events generated in "
          f"{time.perf_counter() - started:.1f} s ({docket.stat().st_size / 2**20:,.0f} MiB)")

    key = b"bench-chain-key-0123456789abcdef"
    if events_on is None:
        app = EnforcementCases.sqlite(work / "events.db", chain_key=key)
    else:  # encrypted, as the SQLite store is
        cipher = base64.b64encode(os.urandom(32)).decode()
        app = postgres_cases(events_on, {"ENFORCEMENT_CIPHER_KEY": cipher}, chain_key=key)
        print(f"PostgreSQL stores: events in schema {events_on.schema}, read models in "
              f"{views_on.schema if views_on else '?'} at {events_on.host}:{events_on.port}")
    summary = import_legacy(app, lambda: _lines(docket), datetime.now(COURT_ZONE))
    print(f"legacy import: {summary.events_written:,} events in {summary.seconds:.1f} s = "
          f"{summary.events_written / summary.seconds:,.0f} events/s")

    raw_count, raw_seconds = raw_select_and_decode(app)
    raw_rate = raw_count / raw_seconds
    print(f"raw select + decode: {raw_count:,} events in {raw_seconds:.1f} s = "
          f"{raw_rate:,.0f} events/s")

    views = ReadStoreConfig.on_postgres(views_on) if views_on else ReadStoreConfig.sqlite(
        work / "views.db")
    started = time.perf_counter()
    report = rebuild_read_store(app, views, page_size=1000, progress=sys.stdout.isatty())
    store = open_read_store(views)
    counts = audit_summary(store)
    audited = termination_audit(store)
    to_audit = time.perf_counter() - started
    rate = report.events / report.seconds
    print(f"rebuild of all read models: {report.events:,} events in {report.seconds:.1f} s = "
          f"{rate:,.0f} events/s")
    print(f"classified 终本 audit of the docket: {len(audited):,} 终本 in {to_audit:.1f} s "
          "from position 0 — " + ", ".join(f"{c.label} {n:,}" for c, n in counts.items()))
    closed_ok = store.query("SELECT COUNT(*) FROM cases WHERE closure_mode = 'concluded'")[0][0] \
        + counts[AuditClass.COMPLIANT]
    print(f"actually closed or compliant 终本: {closed_ok:,}; non-compliant, pending, "
          f"misreported or not closed: {cases - closed_ok:,}")
    store.close()
    app.close()
    print(f"ratio={rate / raw_rate:.2f} target={TARGET}")


if __name__ == "__main__":
    main()
