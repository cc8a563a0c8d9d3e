"""Benchmark: the legacy import against a raw batched insert of the very rows it wrote.

    .venv/bin/python bench/bench_import.py [--cases 20625] [--min-events 1000000] [--dir DIR]
        [--batch-cases 500] [--quick]

1. generates the legacy docket of bench/bench_projections.py (JSON Lines, docs/legacy-format.md:
   20,625 cases, at least 1,000,000 events);
2. imports it into a fresh SQLite event store with ``import_legacy`` (events/s): every line
   checked, every event built, sealed into its case's hash chain, encrypted, staged, then
   written batch by batch under the cases' locks with the anchor log (domain/legacy_import.py);
3. the baseline, in the same run and directory: the rows the import stored (``SELECT`` of the
   events table, not timed) inserted into a fresh table of the same shape with the same
   ``journal_mode`` and ``synchronous``, ``executemany`` in transactions of the import's batch
   size (rows/s);
4. checks the imported store: every case's chain and the anchor log verified.

The last line is ``ratio=<import events/s ÷ raw rows/s> target=0.25``. ``--quick``: 200 cases,
5,000 events, seconds (run by ``make test``; its ratio means little).
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_projections import _lines, generate  # noqa: E402

from domain.application import EnforcementCases  # noqa: E402
from domain.calendar import COURT_ZONE  # noqa: E402
from domain.legacy_import import import_legacy  # noqa: E402

TARGET = 0.25
KEY = b"bench-chain-key-0123456789abcdef"


def raw_insert(db: Path, raw: Path, batch_rows: int) -> tuple[int, float]:
    """The store's rows inserted into ``raw`` in batches; (rows, seconds of the inserts)."""
    source = sqlite3.connect(db)
    journal = source.execute("PRAGMA journal_mode").fetchone()[0]
    target = sqlite3.connect(raw, isolation_level=None)
    target.execute(f"PRAGMA journal_mode={journal}")
    target.execute("PRAGMA synchronous=FULL")  # as the store's writer (SQLite's default)
    target.execute("CREATE TABLE stored_events (originator_id TEXT, originator_version "
                   "INTEGER, topic TEXT, state BLOB, PRIMARY KEY (originator_id, "
                   "originator_version))")
    cursor = source.execute("SELECT originator_id, originator_version, topic, state FROM "
                            "stored_events ORDER BY rowid")
    rows, seconds = 0, 0.0
    while batch := cursor.fetchmany(batch_rows):
        started = time.perf_counter()
        target.execute("BEGIN IMMEDIATE")
        target.executemany("INSERT INTO stored_events VALUES (?,?,?,?)", batch)
        target.execute("COMMIT")
        seconds += time.perf_counter() - started
        rows += len(batch)
    sync = target.execute("PRAGMA synchronous").fetchone()[0]
    print(f"raw table: journal_mode={journal} synchronous={sync}")
    source.close()
    target.close()
    return rows, seconds


def run(work: Path, cases: int, min_events: int, batch_cases: int) -> float:
    docket = work / "docket.jsonl"
    started = time.perf_counter()
    events = generate(docket, cases, min_events)
    print(f"docket: {cases:,} cases, {events:,} events generated in "
          f"{time.perf_counter() - started:.1f} s ({docket.stat().st_size / 2**20:,.0f} MiB)")
    db = work / "events.sqlite"
    app = EnforcementCases.sqlite(db, chain_key=KEY)
    assert app.writer is not None
    journal, sync = app.writer.pragmas()
    print(f"store writer: journal_mode={journal} synchronous={sync}")
    summary = import_legacy(app, lambda: _lines(docket), datetime.now(COURT_ZONE),
                            batch_cases=batch_cases)
    rate = summary.events_written / summary.seconds
    print(f"legacy import: {summary.events_written:,} events of {summary.cases:,} cases in "
          f"{summary.seconds:.1f} s = {rate:,.0f} events/s ({summary.batches} transactions)")
    batch_rows = max(1, summary.events_written // max(1, summary.batches))
    rows, seconds = raw_insert(db, work / "raw.sqlite", batch_rows)
    raw_rate = rows / seconds
    print(f"raw batched insert of the same rows: {rows:,} rows in {seconds:.1f} s = "
          f"{raw_rate:,.0f} rows/s ({batch_rows:,} rows a transaction)")
    started = time.perf_counter()
    report = app.verify_anchored()
    broken = [v for v in report.cases if not v.ok]
    print(f"verified {len(report.cases) - len(broken):,}/{len(report.cases):,} cases against "
          f"their chains and the anchor log in {time.perf_counter() - started:.1f} s")
    app.close()
    if broken or report.findings:
        raise SystemExit(f"the imported store does not verify: {broken[:1]} {report.findings}")
    ratio = rate / raw_rate
    print(f"ratio={ratio:.2f} target={TARGET}")
    return ratio


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=None)
    parser.add_argument("--min-events", type=int, default=None)
    parser.add_argument("--batch-cases", type=int, default=500)
    parser.add_argument("--quick", action="store_true",
                        help="small sizes, seconds: shows the benchmark runs (make test)")
    parser.add_argument("--dir", type=Path, default=None,
                        help="parent of the temporary directory (default: the system's)")
    args = parser.parse_args()
    args.cases = args.cases or (200 if args.quick else 20_625)
    args.min_events = args.min_events or (5_000 if args.quick else 1_000_000)
    work = Path(tempfile.mkdtemp(prefix="bench-import-", dir=args.dir))
    try:
        run(work, args.cases, args.min_events, args.batch_cases)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
