"""Commands/s through ``EnforcementCases.execute`` on the SQLite file store vs raw SQLite commits.

A realistic docket of ``--cases`` cases (default 1,000) advances step by step, all cases
interleaved: deposits frozen and transferred, real estate auctioned (a failed round, a re-auction,
a sale), settlements performed, and 终本 after exhausted inquiry. Each command is validated from
plain data (as an activity receives it) and acknowledged only after its commit. In the same run
and directory, raw SQLite single-row commits of rows the size of the average stored event, on a
table of the same shape and with the same journal mode and ``synchronous`` setting, give the
baseline. The two are measured in alternating slices so that disk noise hits both alike.

With ``--store postgres`` the application runs on eventsourcing's PostgreSQL recorder (the
server of ``POSTGRES_DSN`` / ``POSTGRES_*``, else a throwaway one from scripts/postgres.sh) and
the baseline is raw single-row psycopg commits into a table of the same shape on the same server,
whose durability settings (``fsync``, ``synchronous_commit``) both connections print.

Usage: ``python bench/bench_commands.py [--cases N] [--dir DIR] [--slices K]
[--store sqlite|postgres] [--quick]`` (``--quick``: 30 cases in 2 slices, run by ``make test``
to show the benchmark still works; its ratio means little).
Then the same again on as many other cases with ``--callers`` threads (default 16) sending
at once, each thread its own cases' commands in order (as the worker's activity pool serves many
workflows): their commands share the store's transactions (group commit, docs/operations.md).
The baseline stays raw *sequential* single-row commits, measured in slices alternating with
the concurrent run. The one-caller figure is printed first (``ratio`` 0.5 targeted); the last
line is ``ratio=<concurrent commands/s ÷ raw commits/s> target=2.0`` (with ``--callers 1``:
``ratio=<one caller> target=0.5``).
"""

from __future__ import annotations

import argparse
import base64
import os
import sqlite3
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from domain.application import EnforcementCases
from domain.calendar import COURT_ZONE
from domain.commands import COMMANDS

TARGET = 0.5
"""One caller: commands/s ÷ raw sequential durable single-row commits/s."""
TARGET_CONCURRENT = 2.0
"""``--callers`` (16) threads on distinct cases: commands/s ÷ the same raw baseline."""
KEY = b"bench-chain-key-0123456789abcdef"
Step = tuple[str, dict[str, Any]]
SYNC_NAMES = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}

OFFICER = {"id": "officer-7", "role": "officer"}
CLERK = {"id": "clerk-3", "role": "clerk"}
JUDGE = {"id": "judge-2", "role": "judge"}
PRESIDENT = {"id": "president-1", "role": "president"}
APPLICANT = {"name": "张三", "kind": "person",
             "document": {"type": "resident_id", "number": "11010519491231002X"}}
DEBTOR = {"name": "李四", "kind": "person",
          "document": {"type": "resident_id", "number": "620402198001010013"}}
BASIS = {"kind": "judgment", "document_number": "(2025)甘0402民初88号",
         "issued_by": "甘肃省白银市白银区人民法院", "effective_on": "2025-11-01",
         "performance_deadline": "2025-12-01"}


class Plan:
    """The commands of one case, as plain data with ascending business times."""

    def __init__(self, n: int) -> None:
        self.number = f"(2026)甘0402执{n}号"
        self.filed = date(2026, 1, 5) + timedelta(days=n % 40)
        self.steps: list[Step] = []

    def day(self, offset: int) -> date:
        return self.filed + timedelta(days=offset)

    def add(self, name: str, offset: int, actor: dict[str, str], **fields: Any) -> None:
        on = self.day(offset)
        self.steps.append((name, {
            "case_number": self.number, "command_id": f"bench:{self.number}:{len(self.steps)}",
            "actor": actor, "recorded_at": datetime.combine(on, clock(17), COURT_ZONE)
            .isoformat(), **fields}))

    def opening(self, principal: str) -> None:
        self.add("FileCase", 0, CLERK, category="loan", applicants=[APPLICANT],
                 respondents=[DEBTOR], enforcement_basis=BASIS,
                 claim={"principal": principal, "interest": "0.00", "fees": "0.00"},
                 applied_on=str(self.filed), filed_on=str(self.filed))
        self.add("IssueNotice", 1, CLERK, issued_on=str(self.day(1)),
                 report_due_on=str(self.day(11)))
        self.add("RecordNoticeService", 3, CLERK, served_on=str(self.day(3)))

    def inquire(self, offset: int, *channels: str, finding: dict[str, Any] | None = None) -> None:
        for i, channel in enumerate(channels):
            found = [finding] if finding and i == 0 else []
            self.add("RecordNetworkInquiry", offset, OFFICER, channel=channel,
                     queried_on=str(self.day(offset)), findings=found)

    def at(self, offset: int, hour: int = 10) -> str:
        return datetime.combine(self.day(offset), clock(hour), COURT_ZONE).isoformat()


def deposit_case(p: Plan) -> None:
    p.opening("120000.00")
    p.inquire(4, "deposits", "vehicles", "real_estate", "securities", finding={
        "asset_id": "acct-1", "kind": "deposit", "description": "工商银行 账户 ****1234",
        "value": "150000.00"})
    p.add("ControlAsset", 4, OFFICER, asset_id="acct-1", measure="freeze", amount="120000.00",
          effective_on=str(p.day(4)), expires_on=str(p.day(300)))
    p.add("TransferDeposit", 20, OFFICER, asset_id="acct-1", amount="120000.00",
          transferred_on=str(p.day(20)))
    p.add("PayOut", 25, OFFICER, amount="120000.00", paid_on=str(p.day(25)))
    p.add("ConcludeCase", 26, JUDGE, closed_on=str(p.day(26)))


def auction_case(p: Plan) -> None:
    p.opening("1000000.00")
    p.add("RecordPropertyReport", 8, CLERK, status="filed", reported_on=str(p.day(8)))
    p.inquire(9, "real_estate", "deposits", "vehicles", "securities", finding={
        "asset_id": "house-1", "kind": "real_estate", "description": "白银区 某小区 3-2-501",
        "value": "1200000.00"})
    p.add("ControlAsset", 10, OFFICER, asset_id="house-1", measure="seal", amount="1000000.00",
          effective_on=str(p.day(10)), expires_on=str(p.day(1000)))
    p.add("SetReferencePrice", 30, OFFICER, asset_id="house-1", method="appraisal",
          amount="1000000.00", requested_on=str(p.day(12)), determined_on=str(p.day(30)))
    p.add("AnnounceAuction", 31, OFFICER, asset_id="house-1", start_price="700000.00",
          deposit="70000.00", announced_on=str(p.day(31)), opens_at=p.at(62),
          closes_at=p.at(63))
    p.add("CloseAuction", 63, OFFICER, asset_id="house-1", closed_at=p.at(63, 11))
    p.add("AnnounceAuction", 65, OFFICER, asset_id="house-1", start_price="560000.00",
          deposit="56000.00", announced_on=str(p.day(65)), opens_at=p.at(81),
          closes_at=p.at(82))
    p.add("RecordBid", 81, OFFICER, asset_id="house-1", bidder="bidder-1", amount="560000.00",
          bid_at=p.at(81, 11))
    p.add("RecordBid", 82, OFFICER, asset_id="house-1", bidder="bidder-2", amount="600000.00",
          bid_at=p.at(82, 9))
    p.add("CloseAuction", 82, OFFICER, asset_id="house-1", closed_at=p.at(82, 11))
    p.add("RecordFundsReceived", 90, CLERK, amount="600000.00", received_on=str(p.day(90)),
          source="auction_proceeds")
    p.add("PayOut", 95, OFFICER, amount="600000.00", paid_on=str(p.day(95)))
    p.add("RecordFundsReceived", 100, CLERK, amount="400000.00", received_on=str(p.day(100)))
    p.add("PayOut", 102, OFFICER, amount="400000.00", paid_on=str(p.day(102)))
    p.add("ConcludeCase", 103, JUDGE, closed_on=str(p.day(103)))


def settlement_case(p: Plan) -> None:
    p.opening("50000.00")
    p.add("SubmitLead", 4, CLERK, lead_id="L1", description="申请人提供车辆线索",
          submitted_on=str(p.day(4)))
    p.inquire(5, "deposits", "vehicles")
    p.add("VerifyLead", 8, OFFICER, lead_id="L1", verified_on=str(p.day(8)))
    p.add("ReachSettlement", 20, OFFICER, reached_on=str(p.day(20)), amount="45000.00",
          due_on=str(p.day(50)), terms="分两期履行")
    p.add("RecordSettlementPayment", 30, CLERK, amount="20000.00", paid_on=str(p.day(30)))
    p.add("RecordSettlementPayment", 45, CLERK, amount="25000.00", paid_on=str(p.day(45)))
    p.add("RecordSettlementPerformed", 46, OFFICER, performed_on=str(p.day(46)))
    p.add("ConcludeCase", 47, JUDGE, closed_on=str(p.day(47)))


def termination_case(p: Plan) -> None:
    p.opening("560000.00")
    p.add("RecordPropertyReport", 8, CLERK, status="filed", reported_on=str(p.day(8)))
    p.inquire(9, "deposits", "vehicles", "real_estate", "securities", "equity")
    p.add("RequestApproval", 15, OFFICER, approval_id="R1", measure="restriction",
          requested_on=str(p.day(15)))
    p.add("GiveApproval", 15, PRESIDENT, approval_id="R1", given_on=str(p.day(15)))
    p.add("RestrictConsumption", 15, OFFICER, issued_on=str(p.day(15)), approval_id="R1")
    p.add("RecordApplicantHearing", 95, OFFICER, heard_on=str(p.day(95)), record="约谈笔录")
    p.add("TerminateCurrentProcedure", 96, JUDGE, ruled_on=str(p.day(96)),
          ruling_number=f"{p.number}之一", approval_mode="applicant_signed")
    p.add("RecordTerminationService", 98, CLERK, served_on=str(p.day(98)))


KINDS = (deposit_case, deposit_case, auction_case, settlement_case, termination_case)


def docket(cases: int, first: int = 1) -> list[Step]:
    """Every command of the docket (cases ``first`` …), the cases interleaved step by step."""
    plans = []
    for n in range(first, first + cases):
        plan = Plan(n)
        KINDS[n % len(KINDS)](plan)
        plans.append(plan.steps)
    longest = max(len(steps) for steps in plans)
    return [steps[i] for i in range(longest) for steps in plans if i < len(steps)]


def pragmas(conn: sqlite3.Connection | Any) -> tuple[str, int]:
    journal = conn.execute("PRAGMA journal_mode").fetchone()[0]
    sync = conn.execute("PRAGMA synchronous").fetchone()[0]
    return str(journal), int(sync)


def pool_pragmas(app: EnforcementCases) -> tuple[str, int]:
    """PRAGMAs of eventsourcing's pooled connections (reads, snapshots)."""
    with app.recorder.datastore.transaction(commit=False) as cursor:  # type: ignore[attr-defined]
        cursor.execute("PRAGMA journal_mode")
        journal = cursor.fetchone()[0]
        cursor.execute("PRAGMA synchronous")
        return str(journal), int(cursor.fetchone()[0])


class RawStore:
    """Single-row commits on a table shaped like ``stored_events``, same PRAGMAs as the app."""

    def __init__(self, path: Path, journal: str, sync: int) -> None:
        self.conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.conn.execute(f"PRAGMA journal_mode={journal}")
        self.conn.execute(f"PRAGMA synchronous={sync}")
        self.conn.execute("CREATE TABLE stored_events (originator_id TEXT, "
                          "originator_version INTEGER, topic TEXT, state BLOB, "
                          "PRIMARY KEY (originator_id, originator_version))")
        self.ids = [uuid.uuid4().hex for _ in range(1000)]
        self.versions = [0] * len(self.ids)
        self.n = 0

    def commit_rows(self, count: int, topic: str, size: int) -> float:
        """Commit ``count`` rows, one per transaction; the seconds it took."""
        cursor = self.conn.cursor()
        started = time.perf_counter()
        for _ in range(count):
            slot = self.n % len(self.ids)
            self.n += 1
            self.versions[slot] += 1
            cursor.execute("BEGIN IMMEDIATE")
            cursor.execute("INSERT INTO stored_events VALUES (?,?,?,?)",
                           (self.ids[slot], self.versions[slot], topic, os.urandom(size)))
            cursor.execute("COMMIT")
        return time.perf_counter() - started


def average_row(db: Path) -> tuple[int, int, int]:
    """Count of stored events, average topic length and average state length."""
    with sqlite3.connect(db) as conn:
        count, topic, state = conn.execute(
            "SELECT count(*), avg(length(topic)), avg(length(state)) FROM stored_events"
        ).fetchone()
    return int(count), round(topic), round(state)


def slices(items: list[Step], k: int) -> Iterator[list[Step]]:
    size = -(-len(items) // k)
    for i in range(0, len(items), size):
        yield items[i:i + size]


class SQLiteBench:
    """The embedded default: the app on an SQLite file, raw commits into another file."""

    def __init__(self, directory: Path) -> None:
        self.db = directory / "events.sqlite"
        self.app = EnforcementCases.sqlite(self.db, chain_key=KEY)
        assert self.app.writer is not None
        journal, sync = self.app.writer.pragmas()
        self.raw = RawStore(directory / "raw.sqlite", journal, sync)
        print(f"directory: {directory}")
        print(f"app event writer connection: journal_mode={journal} synchronous={sync} "
              f"({SYNC_NAMES[sync]})")
        p_journal, p_sync = pool_pragmas(self.app)
        print(f"app pooled connection: journal_mode={p_journal} synchronous={p_sync} "
              f"({SYNC_NAMES[p_sync]})")
        r_journal, r_sync = pragmas(self.raw.conn)
        print(f"raw connection: journal_mode={r_journal} synchronous={r_sync} "
              f"({SYNC_NAMES[r_sync]})")

    def average_row(self) -> tuple[int, int, int]:
        return average_row(self.db)

    def close(self) -> None:
        self.raw.conn.close()


class PostgresRaw:
    """Single-row commits with psycopg on a table shaped like eventsourcing's stored events."""

    def __init__(self, settings: Any) -> None:
        import psycopg
        from psycopg import sql

        self.conn = psycopg.connect(**settings.connect_kwargs())
        self.table = sql.SQL("{}.raw_events").format(sql.Identifier(settings.schema))
        self.conn.execute(sql.SQL("CREATE TABLE {} (originator_id uuid NOT NULL, "
                                  "originator_version bigint NOT NULL, topic text, state bytea, "
                                  "notification_id bigserial, "
                                  "PRIMARY KEY (originator_id, originator_version))"
                                  ).format(self.table))
        self.conn.commit()
        self.insert = sql.SQL("INSERT INTO {} (originator_id, originator_version, topic, state) "
                              "VALUES (%s, %s, %s, %s)").format(self.table)
        self.ids = [uuid.uuid4() for _ in range(1000)]
        self.versions = [0] * len(self.ids)
        self.n = 0

    def commit_rows(self, count: int, topic: str, size: int) -> float:
        """Commit ``count`` rows, one per transaction; the seconds it took."""
        cursor = self.conn.cursor()
        started = time.perf_counter()
        for _ in range(count):
            slot = self.n % len(self.ids)
            self.n += 1
            self.versions[slot] += 1
            cursor.execute(self.insert, (self.ids[slot], self.versions[slot], topic,
                                         os.urandom(size)), prepare=True)
            self.conn.commit()
        return time.perf_counter() - started


class PostgresBench:
    """The scale-out store: the app on eventsourcing's PostgreSQL recorder, raw psycopg commits
    into the same server and schema."""

    def __init__(self, settings: Any) -> None:
        from pgserver import durability, server_version

        from domain.event_store_config import postgres_cases

        cipher = base64.b64encode(os.urandom(32)).decode()  # encrypted, as the SQLite store is
        self.app = postgres_cases(settings, {"ENFORCEMENT_CIPHER_KEY": cipher}, chain_key=KEY)
        self.raw = PostgresRaw(settings)
        self.settings = settings
        print(f"PostgreSQL {server_version(self.raw.conn)} at {settings.host}:{settings.port}, "
              f"schema {settings.schema}")
        with self.app.recorder.datastore.get_connection() as conn:  # type: ignore[attr-defined]
            print(f"app pooled connection: {durability(conn)}")
        print(f"raw connection: {durability(self.raw.conn)}")
        self.raw.conn.commit()

    def average_row(self) -> tuple[int, int, int]:
        from psycopg import sql

        table = sql.SQL("{}.{}").format(sql.Identifier(self.settings.schema), sql.Identifier(
            self.app.recorder.events_table_name))  # type: ignore[attr-defined]
        row = self.raw.conn.execute(sql.SQL("SELECT count(*), avg(length(topic)), "
                                            "avg(length(state)) FROM {}").format(table)).fetchone()
        self.raw.conn.commit()
        assert row is not None
        return int(row[0]), round(row[1]), round(row[2])

    def close(self) -> None:
        self.raw.conn.close()


def sequential(app: EnforcementCases, part: list[Step]) -> float:
    """One caller sends the commands one after the other; the seconds it took."""
    execute, commands = app.execute, COMMANDS
    started = time.perf_counter()
    for name, data in part:
        execute(commands[name].model_validate(data))
    return time.perf_counter() - started


def concurrent(app: EnforcementCases, part: list[Step], callers: int) -> float:
    """``callers`` threads send the commands at once, each its own cases' commands in their
    order (an activity pool serving many workflows); the seconds until all are answered."""
    lanes: list[list[Step]] = [[] for _ in range(callers)]
    for step in part:
        lanes[hash(step[1]["case_number"]) % callers].append(step)
    errors: list[BaseException] = []
    start = threading.Barrier(callers + 1)

    def lane(steps: list[Step]) -> None:
        start.wait()
        try:
            for name, data in steps:
                app.execute(COMMANDS[name].model_validate(data))
        except BaseException as exc:  # reported after the run
            errors.append(exc)

    threads = [threading.Thread(target=lane, args=(steps,)) for steps in lanes]
    for thread in threads:
        thread.start()
    start.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    if errors:
        raise errors[0]
    return seconds


def measure(bench: SQLiteBench | PostgresBench, steps: list[Step], k: int, callers: int
            ) -> tuple[float, float, int]:
    """Commands/s of the app (one caller, or ``callers`` at once) and raw sequential commits/s,
    in alternating slices; and the raw rows committed."""
    app_seconds = raw_seconds = 0.0
    raw_rows = 0
    for part in slices(steps, k):
        app_seconds += sequential(bench.app, part) if callers == 1 else \
            concurrent(bench.app, part, callers)
        _, topic, size = bench.average_row()
        raw_seconds += bench.raw.commit_rows(len(part), "x" * topic, size)
        raw_rows += len(part)
    return len(steps) / app_seconds, raw_rows / raw_seconds, raw_rows


def run(cases: int, bench: SQLiteBench | PostgresBench, k: int, callers: int) -> float:
    app = bench.app
    single = docket(cases)
    many = docket(cases, first=cases + 1) if callers > 1 else []
    per_single, raw_single, rows_single = measure(bench, single, k, 1)
    if many:
        per_many, raw_many, rows_many = measure(bench, many, k, callers)
    events, topic, size = bench.average_row()
    checks = app.verify_all()  # not timed: every case's chain, and where the cases ended
    numbers = {data["case_number"] for _, data in single + many}
    phases = Counter(app.get_case(number).phase.value for number in numbers)
    app.close()
    print(f"verified {sum(v.ok for v in checks)}/{len(checks)} hash chains; phases: "
          + ", ".join(f"{k} {n}" for k, n in sorted(phases.items())))
    bench.close()
    print(f"cases={cases} (+{cases} for the concurrent run) commands={len(single)}"
          f"{f' + {len(many)}' if many else ''} events={events} "
          f"average stored event: topic {topic} B, state {size} B")
    ratio = per_single / raw_single
    print(f"one caller: app commands/s={per_single:,.0f}; raw single-row commits/s="
          f"{raw_single:,.0f} ({rows_single} rows); ratio {ratio:.2f} (target {TARGET})")
    if not many:
        print(f"ratio={ratio:.2f} target={TARGET}")
        return ratio
    ratio_many = per_many / raw_many
    print(f"{callers} callers on distinct cases: app commands/s={per_many:,.0f}; raw "
          f"single-row commits/s={raw_many:,.0f} ({rows_many} rows); ratio {ratio_many:.2f} "
          f"(target {TARGET_CONCURRENT})")
    print(f"ratio={ratio_many:.2f} target={TARGET_CONCURRENT}")
    return ratio_many


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=None, help="default 1000 (--quick: 30)")
    parser.add_argument("--slices", type=int, default=None, help="default 10 (--quick: 2)")
    parser.add_argument("--quick", action="store_true",
                        help="small sizes, seconds: shows the benchmark runs (make test)")
    parser.add_argument("--dir", type=Path, default=Path(__file__).resolve().parent.parent
                        / "data" / "bench", help="parent of the temporary store directory")
    parser.add_argument("--store", choices=("sqlite", "postgres"), default="sqlite",
                        help="postgres: POSTGRES_DSN / POSTGRES_* or a throwaway server")
    parser.add_argument("--callers", type=int, default=16,
                        help="threads of the concurrent run (1: only the one-caller run)")
    args = parser.parse_args(argv)
    args.cases = args.cases or (30 if args.quick else 1000)
    args.slices = args.slices or (2 if args.quick else 10)
    if args.store == "postgres":
        from pgserver import bench_schema, postgres_server

        with postgres_server() as server, bench_schema(server, "commands") as settings:
            run(args.cases, PostgresBench(settings), args.slices, args.callers)
        return 0
    args.dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        run(args.cases, SQLiteBench(Path(tmp)), args.slices, args.callers)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
