"""Twelve writers on one case: how long each waits for the case's lock, and what queueing costs.

One writer per case at a time (domain/caselock.py). For each store (SQLite file; PostgreSQL
with ``--store postgres`` or ``both``: the server of ``POSTGRES_DSN`` / ``POSTGRES_*``, else a
throwaway one from scripts/postgres.sh), in the same run:

* baseline: one OS process records ``writers × commands`` payments on a case alone;
* contended: ``writers`` OS processes (default 12), started together, record ``commands``
  payments each on one other case, every writer's clock a little behind the one before;
* threads: ``writers`` threads of four applications in this process do the same on a third case.

Each writer is this script run with ``--child``; it reports how long each of its commands
waited for the case's lock. Printed per store: commands/s of each run and the lock waits (p50,
p99, max) of the contended runs, every case checked (versions without a gap, every payment
once, business time never backwards, the hash chain verified).

Baseline and contended runs alternate ``--rounds`` times (default 3) and their medians are
compared, so that disk noise hits both alike.

Usage: ``python bench/bench_contention.py [--writers N] [--commands K] [--rounds R] [--store
sqlite|postgres|both] [--dir DIR] [--quick]``. The last line is ``ratio=<contended ÷ baseline
commands/s, the lowest of the stores> target=0.25``. One writer at a time cannot beat one
writer alone; what the contended run loses is the hand-over of the lock and, above all, each
process bringing its cached case up to date with the other writers' events under the lock
(~30 µs an event: with 12 processes, ~11 events a command), with 12 processes on this
machine's 2 cores.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_commands import APPLICANT, BASIS, CLERK, DEBTOR, KEY, OFFICER

from domain import commands as c
from domain.application import EnforcementCases
from domain.calendar import COURT_ZONE
from domain.caselock import percentile
from domain.errors import EngineBusyError
from domain.event_store_config import cases_from_env
from domain.models import FundsSource

TARGET = 0.25
STAMP = datetime(2026, 2, 2, 12, 0, tzinfo=COURT_ZONE)
SKEW_MS = 97
"""Writer n's clock runs n × SKEW_MS milliseconds behind the first one's."""
AMOUNT = Decimal("1.00")
PREFIXES = ("ENFORCEMENT_", "ENFORCE_", "TEMPORAL_", "POSTGRES_")
WAIT = 600.0


def payment(number: str, name: str, i: int, behind_ms: int) -> c.RecordFundsReceived:
    at = STAMP - timedelta(milliseconds=behind_ms) + timedelta(milliseconds=i)
    return c.RecordFundsReceived(case_number=number, command_id=f"{name}:{i}",
                                 actor=OFFICER, recorded_at=at, amount=AMOUNT,
                                 received_on=at.date(), source=FundsSource.DEBTOR_PAYMENT)


def child(number: str, name: str, count: int, behind_ms: int, go: Path) -> int:
    """One writer: ready, wait for ``go``, record ``count`` payments, report as JSON."""
    app = cases_from_env()
    try:
        app.get_case(number)
        print("ready", flush=True)
        while not go.exists():
            time.sleep(0.002)
        busy = 0
        for i in range(count):
            try:
                app.execute(payment(number, name, i, behind_ms))
            except EngineBusyError:  # counted; the check of the case then fails the run
                busy += 1
        print(json.dumps({"busy": busy, "waits": app.lock_waits.seconds(),
                          "ended": time.time()}), flush=True)
    finally:
        app.close()
    return 0


@dataclass
class Store:
    """Where the writers of one store write, and how a process opens it."""

    kind: str
    env: dict[str, str]

    def open(self) -> EnforcementCases:
        return cases_from_env(self.env)


@dataclass
class Run:
    """One measured run: commands/s and every command's wait for the lock (seconds)."""

    label: str
    commands: int
    seconds: float
    waits: list[float]
    busy: int

    @property
    def per_second(self) -> float:
        return self.commands / self.seconds

    def show(self, kind: str) -> None:
        ms = [w * 1000 for w in self.waits]
        print(f"{kind} {self.label}: {self.commands} commands in {self.seconds:.2f} s = "
              f"{self.per_second:,.0f}/s; lock wait p50 {percentile(ms, 50):.1f} ms, "
              f"p99 {percentile(ms, 99):.1f} ms, max {max(ms):.1f} ms; busy {self.busy}")


def file_case(app: EnforcementCases, number: str) -> None:
    filed = date(2026, 1, 10)
    app.execute(c.FileCase.model_validate({
        "case_number": number, "command_id": f"{number}:file", "actor": CLERK,
        "recorded_at": datetime(2026, 1, 10, 9, tzinfo=COURT_ZONE).isoformat(),
        "category": "loan", "applicants": [APPLICANT], "respondents": [DEBTOR],
        "enforcement_basis": BASIS,
        "claim": {"principal": "90000000.00", "interest": "0.00", "fees": "0.00"},
        "applied_on": str(filed), "filed_on": str(filed)}))


def processes(store: Store, number: str, writers: int, each: int, work: Path,
              label: str) -> Run:
    """``writers`` processes of this script, started together, ``each`` payments apiece."""
    go = work / f"go-{number[-5:-1]}"
    started = [subprocess.Popen(
        [sys.executable, __file__, "--child", number, f"w{n}", str(each), str(n * SKEW_MS),
         str(go)], env=store.env, stdout=subprocess.PIPE, text=True)
        for n in range(writers)]
    try:
        for process in started:
            assert process.stdout is not None
            line = process.stdout.readline().strip()
            if line != "ready":
                raise SystemExit(f"a writer did not start: {line!r}")
        begun = time.time()
        go.touch()
        reports = []
        for process in started:
            out, _ = process.communicate(timeout=WAIT)
            if process.returncode != 0:
                raise SystemExit(f"a writer failed (exit {process.returncode})")
            reports.append(json.loads(out.splitlines()[-1]))
    finally:
        for process in started:
            if process.poll() is None:
                process.kill()
                process.wait()
    return Run(label, writers * each, max(r["ended"] for r in reports) - begun,
               [w for r in reports for w in r["waits"]], sum(r["busy"] for r in reports))


def threads(store: Store, number: str, writers: int, each: int) -> Run:
    """``writers`` threads of four applications in this process, ``each`` payments apiece."""
    apps = [store.open() for _ in range(4)]
    for app in apps:
        app.get_case(number)
    start = threading.Barrier(writers + 1)
    failures: list[BaseException] = []

    def write(n: int) -> None:
        try:
            start.wait()
            for i in range(each):
                apps[n % 4].execute(payment(number, f"t{n}", i, n * SKEW_MS))
        except BaseException as exc:  # reported below
            failures.append(exc)

    workers = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for worker in workers:
        worker.start()
    start.wait()
    begun = time.perf_counter()
    for worker in workers:
        worker.join()
    seconds = time.perf_counter() - begun
    busy = sum(app.lock_waits.busy for app in apps)
    waits = [w for app in apps for w in app.lock_waits.seconds()]
    for app in apps:
        app.close()
    if failures:
        raise SystemExit(f"a writer thread failed: {failures[0]!r}")
    return Run(f"{writers} threads", writers * each, seconds, waits, busy)


def check(app: EnforcementCases, number: str, commands: int) -> None:
    """Versions 1..n, every payment once, business time never backwards, chain verified."""
    events = app.case_events(number)
    versions = [e.originator_version for e in events]
    times = [e.recorded_at for e in events]
    ids = [e.command_id for e in events[1:]]
    if versions != list(range(1, commands + 2)) or len(set(ids)) != commands \
            or times != sorted(times) or not app.verify(number).ok:
        raise SystemExit(f"{number}: the record is not what {commands} commands should leave")


def measure(store: Store, writers: int, each: int, rounds: int, work: Path) -> float:
    """Baseline and contended runs alternating ``rounds`` times (the median of each counts),
    then the threads; every case checked. The contended ÷ baseline ratio."""
    app = store.open()
    numbers = iter(f"(2026)甘0402执{900 + n}号" for n in range(2 * rounds + 1))
    runs: list[tuple[str, Run]] = []

    def case() -> str:
        number = next(numbers)
        file_case(app, number)
        return number

    for _ in range(rounds):
        runs.append((number := case(), processes(store, number, 1, writers * each, work,
                                                 "baseline: 1 process")))
        runs.append((number := case(), processes(store, number, writers, each, work,
                                                 f"{writers} processes")))
    runs.append((number := case(), threads(store, number, writers, each)))
    for number, _ in runs:
        check(app, number, writers * each)
    app.close()
    for _, run in runs:
        run.show(store.kind)
    baseline = statistics.median(r.per_second for _, r in runs if r.label.startswith("base"))
    contended = statistics.median(r.per_second for _, r in runs
                                  if r.label.endswith("processes"))
    ratio = contended / baseline
    print(f"{store.kind}: contended {contended:,.0f}/s ÷ baseline {baseline:,.0f}/s "
          f"(medians of {rounds}) = {ratio:.2f}")
    return ratio


def clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(PREFIXES)}


@contextmanager
def sqlite_store(parent: Path) -> Iterator[tuple[Store, Path]]:
    parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=parent) as tmp:
        env = {**clean_env(), "ENFORCEMENT_EVENT_STORE": "sqlite", "ENFORCEMENT_CHAIN_KEY":
               KEY.hex(), "ENFORCEMENT_EVENTS_DB": str(Path(tmp) / "events.sqlite")}
        yield Store("sqlite", env), Path(tmp)


@contextmanager
def postgres_store(parent: Path) -> Iterator[tuple[Store, Path]]:
    from pgserver import bench_schema, postgres_server

    parent.mkdir(parents=True, exist_ok=True)
    with postgres_server() as server, bench_schema(server, "contention") as settings, \
            tempfile.TemporaryDirectory(dir=parent) as tmp:
        env = {**clean_env(), **settings.library_env(), "ENFORCEMENT_EVENT_STORE": "postgres",
               "ENFORCEMENT_CHAIN_KEY": KEY.hex(), "POSTGRES_POOL_SIZE": "1",
               "POSTGRES_MAX_OVERFLOW": "2",
               "ENFORCEMENT_CIPHER_KEY": base64.b64encode(os.urandom(32)).decode()}
        yield Store("postgres", env), Path(tmp)


def main(argv: list[str]) -> int:
    if argv[:1] == ["--child"]:
        number, name, count, behind, go = argv[1:]
        return child(number, name, int(count), int(behind), Path(go))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--writers", type=int, default=12)
    parser.add_argument("--commands", type=int, default=40, help="payments per writer")
    parser.add_argument("--store", choices=("sqlite", "postgres", "both"), default="sqlite")
    parser.add_argument("--dir", type=Path, default=Path(__file__).resolve().parent.parent
                        / "data" / "bench", help="parent of the temporary store directories")
    parser.add_argument("--rounds", type=int, default=3,
                        help="baseline and contended runs, alternating (medians compared)")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: 5 payments per writer, one round")
    args = parser.parse_args(argv)
    each, rounds = (5, 1) if args.quick else (args.commands, args.rounds)
    kinds = ("sqlite", "postgres") if args.store == "both" else (args.store,)
    ratios = []
    for kind in kinds:
        opened = sqlite_store(args.dir) if kind == "sqlite" else postgres_store(args.dir)
        with opened as (store, work):
            ratios.append(measure(store, args.writers, each, rounds, work))
    print(f"ratio={min(ratios):.2f} target={TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
