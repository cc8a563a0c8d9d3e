"""Several workers and projection runners at once against one PostgreSQL and one Temporal server
(issue 6, item 2; the dev server stands in for a cluster).

Three ``python worker.py`` processes serve one task queue with the PostgreSQL event store and the
same chain, cipher and payload keys. One case is driven from every side at once: concurrent
``record_payment`` updates through the Engine (the case workflow runs its commands one at a time,
on whichever worker picks up each activity) and, since the workflow serialises its own commands,
three more OS processes writing payments straight through ``EnforcementCases``
(tests/postgres/direct_writer.py), each with a clock a little behind the others', queueing with
the workers and each other for the case's lock (one writer per case at a time).
Two ``python -m projections run`` processes follow the log into one PostgreSQL read store the
whole time.

Afterwards: the case's versions run 1..n without a gap, every command's events are stored once
and together, the payments add up, the hash chain verifies, no writer was turned away busy, and
the read store the two runners shared equals a fresh rebuild row for row.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import re
import signal
import subprocess
import sys
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from domain.application import EnforcementCases
from domain.calendar import COURT_ZONE
from domain.caselock import percentile
from domain.event_store_config import PostgresSettings, postgres_cases
from domain.events import FundsReceived
from engine.facade import Engine
from engine.runtime import DevServer, connect
from projections.read_store_config import ReadStoreConfig, rebuild_read_store
from projections.read_store_pg import PostgresReadModelStore, drop_schema
from projections.runner import ReadModelRunner
from tests.principals import TEST_RING, HarnessEngine
from tests.projections.compare import assert_same_read_models
from tests.support import KEY, OFFICER
from tests.workflows.dockets import case
from workflows.acts import RecordPayment
from workflows.docket import Docket, PropertyReport, World
from workflows.messages import case_workflow_id

ROOT = Path(__file__).resolve().parents[2]
NUMBER = "(2026)甘0402执951号"
WORKERS = 3
RUNNERS = 2
UPDATES = 24
"""Concurrent record_payment updates through the Engine."""
WRITERS = 3
DIRECT = 15
"""Payments each direct writer records."""
UPDATE_AMOUNT = Decimal("100.00")
DIRECT_AMOUNT = Decimal("7.00")
CIPHER_KEY = base64.b64encode(b"several-workers-cipher-key-01234").decode()
PAYLOAD_KEY = base64.b64encode(b"several-workers-payload-key-0123").decode()
PREFIXES = ("ENFORCEMENT_", "ENFORCE_", "TEMPORAL_", "POSTGRES_")
WAIT = 90.0
"""Seconds any one wait may take before the test fails saying what it waited for."""


@dataclass
class Processes:
    """Every subprocess the test starts; all stopped at teardown, whatever happened."""

    directory: Path
    started: list[tuple[str, subprocess.Popen[bytes]]] = field(default_factory=list)

    def start(self, name: str, args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        with self.log(name).open("wb") as log:
            process = subprocess.Popen(args, env=env, cwd=ROOT, stdout=log,
                                       stderr=subprocess.STDOUT)
        self.started.append((name, process))
        return process

    def log(self, name: str) -> Path:
        return self.directory / f"{name}.log"

    def output(self, name: str) -> str:
        return self.log(name).read_text("utf-8", errors="replace")

    async def wait_for_line(self, name: str, process: subprocess.Popen[bytes],
                            prefix: str) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + WAIT
        while not any(line.startswith(prefix) for line in self.output(name).splitlines()):
            assert process.poll() is None, f"{name} exited {process.returncode}:\n" \
                                           f"{self.output(name)}"
            assert loop.time() < deadline, f"{name} never said {prefix!r}:\n{self.output(name)}"
            await asyncio.sleep(0.05)

    def stop(self, name: str, process: subprocess.Popen[bytes]) -> int:
        """SIGTERM and wait (SIGKILL if it will not stop); the exit code."""
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                return process.wait(60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
                raise AssertionError(f"{name} did not stop on SIGTERM:\n{self.output(name)}"
                                     ) from None
        return process.returncode

    def stop_all(self) -> None:
        for _, process in reversed(self.started):
            if process.poll() is None:
                process.kill()
                process.wait()


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[Processes]:
    running = Processes(tmp_path)
    try:
        yield running
    finally:
        running.stop_all()


@pytest.fixture
def schemas(postgres: PostgresSettings) -> Iterator[dict[str, PostgresSettings]]:
    """Schemas of this test's own on the session's server: events, read models, the rebuild."""
    tag = uuid.uuid4().hex[:8]
    made = {name: postgres.with_schema(f"workers_{tag}_{name}")
            for name in ("events", "views", "rebuilt")}
    try:
        yield made
    finally:
        for settings in made.values():
            drop_schema(settings)


def engine_env(events: PostgresSettings, views: PostgresSettings, **extra: str) -> dict[str, str]:
    """What every worker, writer and runner is given: the shared stores and the shared keys."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(PREFIXES)}
    return {**inherited, **events.library_env(),
            "ENFORCEMENT_EVENT_STORE": "postgres",
            "ENFORCEMENT_CHAIN_KEY": KEY.hex(),
            "ENFORCEMENT_CIPHER_KEY": CIPHER_KEY,
            "ENFORCEMENT_PAYLOAD_KEY": PAYLOAD_KEY,
            "ENFORCEMENT_READ_STORE": "postgres",
            "ENFORCEMENT_READ_SCHEMA": views.schema,
            "POSTGRES_POOL_SIZE": "2", "POSTGRES_MAX_OVERFLOW": "6", **extra}


def stopped_summary(output: str) -> tuple[str, int]:
    """What a worker reported as it stopped: its lock waits, and how many commands were
    refused ``engine.busy`` (``worker stopped (… wait p50 … ms …; N busy)``)."""
    found = re.search(r"^worker stopped \((.*); (\d+) busy\)$", output, re.MULTILINE)
    assert found is not None, output
    return found.group(1), int(found.group(2))


async def quiet(engine: Engine, number: str, app: EnforcementCases) -> None:
    """Wait until the case's workflow has nothing running (no activity, no workflow task) twice
    in a row with the event store's head unmoved in between, so that it stays where it is."""
    handle = engine.handle(number)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WAIT
    seen: int | None = -1
    while True:
        raw = (await handle.describe()).raw_description
        if not raw.pending_activities and not raw.HasField("pending_workflow_task"):
            head = app.recorder.max_notification_id()
            if head == seen:
                return
            seen = head
        else:
            seen = -1
        assert loop.time() < deadline, f"{number}: the workflow never went quiet"
        await asyncio.sleep(0.2)


async def caught_up(watcher: ReadModelRunner, head: int, processes: Processes,
                    runners: list[tuple[str, subprocess.Popen[bytes]]]) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WAIT
    while watcher.position < head:
        for name, process in runners:
            assert process.poll() is None, f"{name} exited:\n{processes.output(name)}"
        assert loop.time() < deadline, "the projection runners never reached the head"
        await asyncio.sleep(0.1)


async def test_several_workers_and_runners_on_one_case(
        schemas: dict[str, PostgresSettings], processes: Processes, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    events, views = schemas["events"], schemas["views"]
    env = engine_env(events, views)
    filing = case(NUMBER, World(report=PropertyReport(day=5)), principal="9000000.00")
    docket = tmp_path / "docket.json"
    docket.write_text(Docket(cases=(filing,)).model_dump_json(), "utf-8")
    queue = f"several-workers-{uuid.uuid4().hex[:8]}"

    # The test's own view of the stores, opened first: they create the event tables and the
    # read-model tables before the processes race for them.
    app = postgres_cases(events, {"ENFORCEMENT_CIPHER_KEY": CIPHER_KEY,
                                  "POSTGRES_POOL_SIZE": "2"}, chain_key=KEY)
    views_store = PostgresReadModelStore(views)
    watcher = ReadModelRunner(app, views_store)  # sets the read models up; reads positions
    rebuilt_store: PostgresReadModelStore | None = None
    server = DevServer(tmp_path / "temporal")
    await server.start(persist=False, ui=False)
    ring = tmp_path / "identity.key"  # one key ring for every worker, as for the payloads
    ring.write_text(TEST_RING.text(), "utf-8")
    ring.chmod(0o600)
    try:
        workers = []
        for n in range(WORKERS):
            name = f"worker-{n}"
            process = processes.start(name, [
                sys.executable, str(ROOT / "worker.py"), "--data-dir", str(tmp_path / name),
                "--docket", str(docket), "--task-queue", queue],
                engine_env(events, views, TEMPORAL_ADDRESS=server.address,
                           ENFORCEMENT_IDENTITY_KEY_FILE=str(ring)))
            workers.append((name, process))
        runners = [(f"runner-{n}", processes.start(f"runner-{n}", [
            sys.executable, "-m", "projections", "run", "--page-size", "7"], env))
            for n in range(RUNNERS)]
        for name, process in workers:
            await processes.wait_for_line(name, process, "worker ready")

        monkeypatch.setenv("ENFORCEMENT_PAYLOAD_KEY", PAYLOAD_KEY)
        client = await connect(server.address)
        engine = HarnessEngine(client, queue, cases=app)
        await engine.file_case(filing)

        # Phase 1: concurrent updates. The workflow runs its commands one at a time, but on
        # whichever worker takes each activity: a worker whose cached case is stale brings it
        # up to date under the case's lock.
        today = datetime.now(COURT_ZONE).date()
        results = await asyncio.gather(*(
            engine.act(NUMBER, RecordPayment(actor=OFFICER, request_id=f"pay-{i}",
                                             amount=UPDATE_AMOUNT, paid_on=today))
            for i in range(UPDATES)))
        await quiet(engine, NUMBER, app)

        # Phase 2: processes writing to the case at once through EnforcementCases, each clock
        # a little behind the one before: the case records them on its own clock (docs/
        # domain.md, "Business time and periods").
        last = app.case_events(NUMBER)[-1].recorded_at
        stamp = max(datetime.now(COURT_ZONE), last).isoformat()
        go = tmp_path / "go"
        writers = [(f"writer-{n}", processes.start(f"writer-{n}", [
            sys.executable, "-m", "tests.postgres.direct_writer", NUMBER, f"direct-{n}",
            str(DIRECT), str(DIRECT_AMOUNT), stamp, str(go), str(n * 97)], env))
            for n in range(WRITERS)]
        for name, process in writers:
            await processes.wait_for_line(name, process, "ready")
        go.touch()
        reports = []
        for name, process in writers:
            assert await asyncio.to_thread(process.wait, WAIT) == 0, processes.output(name)
            reports.append(json.loads(processes.output(name).splitlines()[-1]))
        await quiet(engine, NUMBER, app)

        # --- the case: nothing lost, nothing twice, nothing interleaved ---------------------
        stored = app.case_events(NUMBER)
        versions = [e.originator_version for e in stored]
        assert versions == list(range(1, len(stored) + 1))
        positions: dict[str, list[int]] = defaultdict(list)
        for index, event in enumerate(stored):
            positions[event.command_id].append(index)
        for command_id, where in positions.items():
            assert where == list(range(where[0], where[0] + len(where))), \
                f"the events of {command_id} are interleaved with another command's: {where}"
        funds = [e for e in stored if isinstance(e, FundsReceived)]
        prefix = case_workflow_id(NUMBER) + "/"
        updated = sorted(e.command_id.removeprefix(prefix) for e in funds
                         if "request:pay-" in e.command_id)
        direct = sorted(e.command_id for e in funds if e.command_id.startswith("direct-"))
        assert updated == sorted(f"request:pay-{i}" for i in range(UPDATES)), updated
        assert direct == sorted(f"direct-{n}:{i}" for n in range(WRITERS)
                                for i in range(DIRECT))
        assert len(funds) == UPDATES + WRITERS * DIRECT  # and nothing else received money
        # Every update answers its own command and the events it wrote, and none is a duplicate:
        # when a workflow task's completion is refused (several workers; "Workflow task not
        # found" in their logs) the next worker replays the task and runs the local activity
        # again, which the command id makes a no-op that answers the first execution's events.
        assert [r.command_ids for r in results] == [
            (f"{prefix}request:pay-{i}",) for i in range(UPDATES)]
        repeated = sum(r.duplicate for r in results)
        assert repeated == 0
        assert all(r.events == ("FundsReceived",) for r in results)
        expected = UPDATES * UPDATE_AMOUNT + WRITERS * DIRECT * DIRECT_AMOUNT
        assert sum((e.amount for e in funds), Decimal(0)) == expected
        assert app.state_at(NUMBER, date.max).received == expected  # replayed, not cached
        assert sum(r["commands"] for r in reports) == WRITERS * DIRECT
        assert [r["busy"] for r in reports] == [0] * WRITERS
        times = [e.recorded_at for e in stored]
        assert times == sorted(times)
        verification = app.verify(NUMBER)
        assert verification.ok and verification.events == len(stored), verification

        # --- the read store two runners shared equals a fresh rebuild ------------------------
        head = app.recorder.max_notification_id()
        assert head is not None
        await caught_up(watcher, head, processes, runners)
        for name, process in runners:
            assert processes.stop(name, process) == 0, processes.output(name)
        for name, process in workers:
            assert processes.stop(name, process) == 0, processes.output(name)
        by_worker = [stopped_summary(processes.output(name)) for name, _ in workers]
        waits = [w * 1000 for r in reports for w in r["waits"]]
        print(f"\nworkers: {by_worker}; direct writers' lock wait p50 "
              f"{percentile(waits, 50):.1f} ms, p99 {percentile(waits, 99):.1f} ms; case events: "
              f"{len(stored)}; updates answered as repeats (local activity run again): {repeated}")
        assert [busy for _, busy in by_worker] == [0] * WORKERS
        assert app.recorder.max_notification_id() == head  # nothing written since
        rebuild_read_store(app, ReadStoreConfig.on_postgres(schemas["rebuilt"]),
                           progress=False)
        rebuilt_store = PostgresReadModelStore(schemas["rebuilt"])
        assert_same_read_models(views_store, rebuilt_store)
    finally:
        server.stop()
        if rebuilt_store is not None:
            rebuilt_store.close()
        views_store.close()
        app.close()
