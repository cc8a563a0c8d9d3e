"""The replay gate (docs/workflows.md, "Replay gate"): histories recorded on purpose in the shapes
that broke replay before replay with the current code, and a nondeterministic change to the
workflow code turns a test run red, naming the workflow and the error.

The shapes, recorded on the real dev server with both cores busy (two CPU hogs run throughout):
concurrent filings through ``Engine.file_case`` whose filing local activity outlasts a workflow
task while ``get_status`` is asked (the split that made TMPRL1100, workflows/versions.py), and a
burst of updates all accepted while the first one's command is still in flight.
"""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import (
    Client,
    Interceptor,
    OutboundInterceptor,
    QueryWorkflowInput,
    WorkflowHistory,
)

from domain.application import EnforcementCases
from domain.commands import Command
from engine.codec import with_encryption
from engine.converter import DATA_CONVERTER
from engine.facade import UPDATE_SLOTS, Engine
from engine.runtime import DevServer, create_worker
from tests.principals import TEST_RING, HarnessEngine
from tests.replay_gate import Run, fetch, replay
from tests.support import CLERK, KEY
from tests.workflows.dockets import case, deposit
from workflows.activities import PauseHook
from workflows.acts import RecordPayment
from workflows.adapters.simulated import SimulatedWorld, simulated_adapters
from workflows.docket import Docket, DocketCase, PropertyReport, World
from workflows.messages import case_workflow_id, world_workflow_id

ROOT = Path(__file__).resolve().parents[2]
FILINGS = 6
UPDATES = UPDATE_SLOTS
"""Updates in flight on one case at once: as many as one facade sends (the dev server refuses
more than 10 per workflow, docs/operations.md "Concurrent acts")."""
WAIT = 90.0
"""Seconds any one wait may take before the test fails saying what it waited for."""
HOLD_BOUND = 25.0
"""A held command goes on by itself after this long (under the command timeout, 30 s)."""
HOG = "import time\nend = time.monotonic() + 600\nwhile time.monotonic() < end:\n    pass\n"
"""A CPU hog, bounded (10 min) in case its test dies without stopping it."""


@contextmanager
def both_cores_busy() -> Iterator[list[subprocess.Popen[bytes]]]:
    """Two CPU hogs for the duration of the block (this machine has two cores)."""
    hogs = [subprocess.Popen([sys.executable, "-c", HOG]) for _ in range(2)]
    try:
        yield hogs
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()


@dataclass(frozen=True)
class Hold(PauseHook):
    """Holds commands in the command thread after their commit, so that their local activity
    stays in flight, until :meth:`release`; ``limits``: how many commands (by id) of each type
    to hold (None: all). A held command's retry is held too."""

    limits: dict[str, int | None] = field(default_factory=dict)
    held: dict[str, list[str]] = field(default_factory=dict)
    gates: dict[str, threading.Event] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def after_commit(self, cmd: Command, duplicate: bool, info: object) -> None:
        kind = type(cmd).__name__
        if kind not in self.limits:
            return
        with self.lock:
            seen = self.held.setdefault(kind, [])
            if cmd.command_id not in seen:
                limit = self.limits[kind]
                if limit is not None and len(seen) >= limit:
                    return
                seen.append(cmd.command_id)
            gate = self.gates.setdefault(kind, threading.Event())
        gate.wait(HOLD_BOUND)

    def release(self, kind: str) -> None:
        with self.lock:
            self.gates.setdefault(kind, threading.Event()).set()

    async def until_held(self, kind: str, count: int) -> None:
        deadline = asyncio.get_running_loop().time() + WAIT
        while len(self.held.get(kind, ())) < count:
            assert asyncio.get_running_loop().time() < deadline, \
                f"{count} {kind} commands never reached the hold: {self.held}"
            await asyncio.sleep(0.05)


class Stages(Interceptor):
    """Every ``get_status`` answer the client received, by workflow id."""

    def __init__(self) -> None:
        self.seen: dict[str, list[str]] = {}

    def intercept_client(self, next: OutboundInterceptor) -> OutboundInterceptor:
        return _Stages(next, self)


class _Stages(OutboundInterceptor):
    def __init__(self, next: OutboundInterceptor, stages: Stages) -> None:
        super().__init__(next)
        self.stages = stages

    async def query_workflow(self, input: QueryWorkflowInput) -> object:
        answer = await super().query_workflow(input)
        if input.query == "get_status":
            self.stages.seen.setdefault(input.id, []).append(answer.stage)
        return answer


async def until(what: str, done: Callable[[], bool]) -> None:
    """Wait until ``done()`` holds (polled; fails after WAIT)."""
    deadline = asyncio.get_running_loop().time() + WAIT
    while not done():
        assert asyncio.get_running_loop().time() < deadline, f"never {what}"
        await asyncio.sleep(0.05)


def kinds(history: WorkflowHistory) -> list[str]:
    return [str(e.WhichOneof("attributes")).removesuffix("_event_attributes")
            for e in history.events]


def first(history: WorkflowHistory, kind: str) -> int:
    return kinds(history).index(kind)


def is_local_activity(event: HistoryEvent) -> bool:
    return event.marker_recorded_event_attributes.marker_name == "core_local_activity"


def is_command_marker(event: HistoryEvent) -> bool:
    """The marker of a command's local activity (not of ``verify_principal``, the filing's
    check of its principal, which comes first)."""
    if not is_local_activity(event):
        return False
    data = event.marker_recorded_event_attributes.details.get("data")
    return data is not None and any(b'"execute_command"' in p.data for p in data.payloads)


async def history_until(engine: Engine, number: str, what: str,
                        done: Callable[[WorkflowHistory], bool]) -> WorkflowHistory:
    """The case's history once ``done(history)`` holds (polled; fails after WAIT)."""
    deadline = asyncio.get_running_loop().time() + WAIT
    while True:
        history = await engine.handle(number).fetch_history()
        if done(history):
            return history
        assert asyncio.get_running_loop().time() < deadline, f"{number}: never {what}"
        await asyncio.sleep(0.1)


def filings() -> list[DocketCase]:
    return [case(f"(2026)甘0402执{960 + i}号", World(
        report=PropertyReport(day=5), assets=(deposit(f"acct-{i}", "50000.00"),)),
        principal="900000.00") for i in range(FILINGS)]


async def test_histories_recorded_in_the_risky_shapes_with_both_cores_busy_replay(
        tmp_path: Path) -> None:
    cases = filings()
    numbers = [c.case_number for c in cases]
    key = tmp_path / "payload.key"
    hold = Hold("*", tmp_path, limits={"FileCase": None, "RecordFundsReceived": 1})
    server = DevServer(tmp_path / "temporal")
    await server.start(persist=False, ui=False)
    try:
        with both_cores_busy() as hogs:
            stages = Stages()
            client = await Client.connect(server.address, interceptors=[stages],
                                          data_converter=with_encryption(
                                              DATA_CONVERTER, key_file=key, create=True))
            app = EnforcementCases.in_memory(chain_key=KEY)
            queue = f"gate-{uuid.uuid4().hex[:8]}"
            worker = create_worker(client, app, simulated_adapters(SimulatedWorld(Docket(
                cases=tuple(cases)))), identity=TEST_RING, task_queue=queue, pause=hold, slots=FILINGS + 2)
            engine = HarnessEngine(client, queue, cases=app)
            async with worker.worker:
                # 1. Concurrent filings, each polling get_status (Engine.file_case) while its
                # filing's local activity is held past a workflow task (the task heartbeats),
                # until every case has answered "filing".
                filing = [asyncio.create_task(engine.file_case(c)) for c in cases]
                await hold.until_held("FileCase", FILINGS)
                for number in numbers:
                    await history_until(engine, number, "heartbeated its first workflow task",
                                        lambda h: kinds(h).count("workflow_task_completed") >= 2)
                ids = [case_workflow_id(n) for n in numbers]
                await until("answered get_status during every filing", lambda: all(
                    "filing" in stages.seen.get(i, ()) for i in ids))
                hold.release("FileCase")
                assert [f.case_number for f in await asyncio.gather(*filing)] == numbers

                # 2. A burst of updates on one case: all accepted while the first one's command
                # is held in flight, then applied one at a time.
                payments = [asyncio.create_task(engine.act(numbers[0], RecordPayment(
                    actor=CLERK, amount=Decimal("10.00"), request_id=f"gate-pay-{i:02d}")))
                    for i in range(UPDATES)]
                await hold.until_held("RecordFundsReceived", 1)
                await history_until(
                    engine, numbers[0], f"accepted {UPDATES} updates",
                    lambda h: kinds(h).count("workflow_execution_update_accepted") == UPDATES)
                hold.release("RecordFundsReceived")
                results = await asyncio.gather(*payments)
                assert [r.duplicate for r in results] == [False] * UPDATES
            worker.commands.close()
            assert [hog.poll() for hog in hogs] == [None, None]  # busy throughout

        runs = [Run(wid(n), "") for n in numbers for wid in (case_workflow_id, world_workflow_id)]
        histories = await fetch(client, runs)
        result = await replay(histories, with_encryption(DATA_CONVERTER, key_file=key),
                              "dev server under load")
    finally:
        server.stop()

    assert [str(f) for f in result.failures] == []
    assert result.histories == 2 * FILINGS  # every case and its world
    by_id = {h.workflow_id: h for h in histories}
    for number in numbers:  # the filing's marker fell tasks after its run's first task
        filed = by_id[case_workflow_id(number)]
        marker = next(i for i, e in enumerate(filed.events) if is_command_marker(e))
        assert kinds(filed)[:marker].count("workflow_task_completed") >= 2, number
    paid = by_id[case_workflow_id(numbers[0])]
    assert kinds(paid).count("workflow_execution_update_accepted") == UPDATES
    assert max(i for i, k in enumerate(kinds(paid)) if k == "workflow_execution_update_accepted"
               ) < first(paid, "workflow_execution_update_completed")  # all mid-task


INJECTION = ROOT / "tests" / "workflows" / "gate_injection.py"


def test_an_injected_nondeterministic_change_fails_the_run(tmp_path: Path) -> None:
    """tests/workflows/gate_injection.py records cases on each kind of server, then changes the
    case workflow (one more timer before the filing) before the server goes away: its pytest
    run must fail with the gate's report, every test itself passing."""
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts=",
         f"--basetemp={tmp_path / 'run'}", str(INJECTION)],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    out = done.stdout
    assert done.returncode == 1, out + done.stderr
    assert re.search(r"\b3 passed, 1 error\b", out), out
    assert "ERROR at teardown of replay-gate" in out, out
    for server in (r"time-skipping server of tests/workflows/gate_injection\.py::"
                   r"test_recorded_on_the_time_skipping_server",
                   r"dev server of tests/workflows/gate_injection\.py::"
                   r"test_recorded_on_a_dev_server_of_this_process",
                   r"dev server of .*temporal\.sqlite \(served again\)"):
        assert re.search(r"case:\(2026\)甘0402执\d+号 \(run [0-9a-f-]+, " + server
                         + r"\): NondeterminismError: .*TMPRL1100", out), (server, out)
    assert re.search(r"replay gate: \d+ histories .* 3 failures", out), out
