"""The replay gate's proof, run by test_replay_gate.py in a pytest run of its own (the name does
not start with ``test_``, so the suite does not collect it).

Each test records a case with the current workflow code on one kind of server, then injects a
nondeterministic change - the case workflow sleeps on one more timer before it files - and
leaves it in place while the server goes away: the time-skipping server of the ``rig`` fixture
(checked at its shutdown), a dev server of this process (checked at ``stop()``), and a dev
server of another process (its ``temporal.sqlite`` is served again at the end of the session).
Every test passes; the run must fail with the gate's report of three histories.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from typing import Any

from temporalio import workflow

from domain.application import EnforcementCases
from engine.runtime import DevServer, connect, create_worker
from tests.principals import TEST_RING, HarnessEngine
from tests.support import KEY
from tests.workflows.conftest import Rig
from tests.workflows.dockets import case
from workflows import notice
from workflows.adapters.simulated import SimulatedWorld, simulated_adapters
from workflows.docket import Docket, World

INJECTED = False
"""Whether the case workflow runs with the injected change (flipped after recording)."""
FILE = notice.file


async def file_after_a_timer(*args: Any) -> None:
    """``notice.file``, after one more timer when the change is injected."""
    if INJECTED:
        await workflow.sleep(timedelta(seconds=1))
    await FILE(*args)


notice.file = file_after_a_timer  # type: ignore[assignment]


def recorded() -> None:
    """From now on (and in every replay of this run) the change is in."""
    global INJECTED
    INJECTED = True


async def test_recorded_on_the_time_skipping_server(rig: Rig) -> None:
    global INJECTED
    INJECTED = False
    await rig.file(case("(2026)甘0402执981号", World()))
    await rig.env.sleep(timedelta(days=1))
    assert (await rig.engine.status("(2026)甘0402执981号")).stage == "procedure"
    recorded()


async def filed_on_dev_server(data: Path, number: str) -> DevServer:
    """A case filed through the Engine on a dev server persisted in ``data``, payloads
    encrypted with ``data/payload.key`` as worker.py does."""
    server = DevServer(data)
    await server.start(persist=True, ui=False)
    client = await connect(server.address, payload_key_file=data / "payload.key")
    filing = case(number, World())
    app = EnforcementCases.in_memory(chain_key=KEY)
    worker = create_worker(client, app, simulated_adapters(SimulatedWorld(Docket(
        cases=(filing,)))), identity=TEST_RING, task_queue=f"inject-{number}")
    async with worker.worker:
        filed = await HarnessEngine(client, f"inject-{number}", cases=app).file_case(filing)
        assert filed.status.stage != "filing"
    worker.commands.close()
    return server


async def test_recorded_on_a_dev_server_of_this_process(tmp_path: Path) -> None:
    global INJECTED
    INJECTED = False
    server = await filed_on_dev_server(tmp_path / "data", "(2026)甘0402执982号")
    recorded()
    server.stop()


async def test_recorded_on_a_dev_server_of_another_process(tmp_path: Path) -> None:
    """Stopped without ``DevServer.stop`` (as worker.py's embedded server stops with its
    process): only the end-of-session sweep of its database sees it."""
    global INJECTED
    INJECTED = False
    server = await filed_on_dev_server(tmp_path / "data", "(2026)甘0402执983号")
    recorded()
    assert server.process is not None
    server.process.terminate()
    await asyncio.to_thread(server.process.wait, 30)
    if server._lock is not None:  # its data-file lock goes with the process that held it
        server._lock.release()
