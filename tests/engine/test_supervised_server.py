"""The embedded Temporal dev server is supervised by ``python worker.py``: a worker killed with
SIGKILL leaves no server behind (and a restart runs exactly one, stopping any server an older
worker left on the data file), a server killed under a live worker is restarted and the cases
go on (or the worker exits non-zero with one clear line when it may not restart it), and a
second worker on the same data directory is refused."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from engine.processes import alive, servers_on
from engine.runtime import binary, free_port
from tests.worker_process import ROOT, WorkerProcess, clean_env, ports

SAMPLE = ROOT / "examples" / "sample-docket.json"
CASE = "(2026)甘0402执2号"  # a loan case of the sample docket, filed without its world

HOST = '''
import asyncio, pathlib, sys
from decimal import Decimal
from workflows.acts import RecordPayment
from engine.facade import Engine
from engine.processes import leave
from workflows.docket import Docket


async def main(what: str, number: str) -> None:
    async with await Engine.connect(host="test-host") as engine:
        clerk = engine.host.vouch("clerk-7", "clerk")
        if what == "file":
            docket = Docket.model_validate_json(pathlib.Path(sys.argv[3]).read_text("utf-8"))
            filed = await engine.file_case(docket.case(number), simulated=False,
                                           principal=clerk)
            print("filed", filed.status.phase)
        else:
            paid = await engine.act(number, RecordPayment(
                actor={"id": "clerk-7", "role": "clerk"}, amount=Decimal("100.00")),
                principal=clerk)
            print("paid", ",".join(paid.events), (await engine.status(number)).outstanding)


asyncio.run(main(sys.argv[1], sys.argv[2]))
leave()  # docs/design.md, Known pitfalls
'''


def host(worker: WorkerProcess, what: str, *args: str) -> str:
    """A host application's call through the Engine facade, in a fresh process (it finds the
    worker through ``<data>/server.json``)."""
    script = worker.data.parent / "host_app.py"
    script.write_text(HOST, "utf-8")
    done = subprocess.run([sys.executable, str(script), what, CASE, *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=180,
                          env=clean_env(ENFORCEMENT_DATA_DIR=str(worker.data)))
    assert done.returncode == 0, done.stderr + worker.text
    return done.stdout


def parent_of(pid: int) -> int:
    stat = Path(f"/proc/{pid}/stat").read_text()
    return int(stat.rsplit(")", 1)[1].split()[1])


def serving(port: int, server: subprocess.Popen[bytes]) -> None:
    """Wait until ``server`` accepts connections on ``port`` (at most 60 s)."""
    for _ in range(600):
        assert server.poll() is None, "the server exited"
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError(f"nothing listens on {port}")


def db(worker: WorkerProcess) -> Path:
    return (worker.data / "temporal.sqlite").absolute()


@pytest.fixture
def started(tmp_path: Path) -> Iterator[WorkerProcess]:
    """A worker on its embedded server; stopped after the test whatever happened (a worker
    left running would keep its server's data file open past the session)."""
    worker = WorkerProcess(tmp_path / "data")
    worker.start()
    yield worker
    if worker.process is not None and worker.process.poll() is None:
        worker.stop(signal.SIGTERM)


def test_a_killed_worker_leaves_no_server_and_a_restart_runs_exactly_one(
        started: WorkerProcess) -> None:
    assert host(started, "file", str(SAMPLE)).startswith("filed")
    first_server = started.server.server_pid
    assert first_server is not None and servers_on(db(started)) == [first_server]
    assert started.process is not None
    started.process.kill()  # kill -9: no clean-up of its own
    started.wait()

    again = WorkerProcess(started.data)
    again.start()
    try:
        server = again.server.server_pid
        assert again.process is not None and server is not None and server != first_server
        assert servers_on(db(again)) == [server]  # exactly one server on the data file
        assert parent_of(server) == again.process.pid  # the new worker's own child
        assert not alive(first_server)  # the old one died with its worker, or was stopped
        assert "paid" in host(again, "act")  # the case filed before goes on
    finally:
        assert again.stop() == 0, again.text
    assert servers_on(db(again)) == []


def test_a_server_left_by_an_older_worker_is_stopped_not_attached_to(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    log, port = tmp_path / "orphan.log", free_port()
    with log.open("wb") as out:
        orphan = subprocess.Popen(  # what a worker without supervision left behind
            [str(binary("temporal")), "server", "start-dev", "--ip", "127.0.0.1", "--headless",
             "--port", str(port), "--db-filename", str(data / "temporal.sqlite")],
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        serving(port, orphan)  # (just after the fork its /proc entry may not show it yet)
        assert servers_on(data / "temporal.sqlite") == [orphan.pid], log.read_text()
        worker = WorkerProcess(data)
        worker.start()
        try:
            assert (f"stopped a Temporal dev server (pid {orphan.pid}) left running on "
                    f"{(data / 'temporal.sqlite').absolute()} by an earlier worker"
                    ) in worker.text
            assert orphan.poll() is not None
            assert servers_on(data / "temporal.sqlite") == [worker.server.server_pid]
            assert host(worker, "file", str(SAMPLE)).startswith("filed")
        finally:
            assert worker.stop() == 0, worker.text
    finally:
        if orphan.poll() is None:
            orphan.kill()
        orphan.wait()


def test_a_server_killed_under_the_worker_is_restarted_and_cases_go_on(
        started: WorkerProcess) -> None:
    assert host(started, "file", str(SAMPLE)).startswith("filed")
    killed = started.server.server_pid
    assert killed is not None
    try:
        os.kill(killed, signal.SIGKILL)
        started.wait_for("temporal dev server restarted")
        assert "temporal dev server exited (killed by SIGKILL); restarting it (1 of 3)" \
            in started.text
        server = started.server.server_pid  # server.json names the new process
        assert server is not None and server != killed
        assert servers_on(db(started)) == [server]
        paid = host(started, "act")
        assert paid.startswith("paid FundsReceived"), paid
    finally:
        assert started.stop() == 0, started.text


def test_a_worker_that_may_not_restart_its_server_exits_non_zero(tmp_path: Path) -> None:
    worker = WorkerProcess(tmp_path / "data", ["--server-restarts", "0"])
    worker.start()
    killed = worker.server.server_pid
    assert killed is not None
    os.kill(killed, signal.SIGKILL)
    assert worker.wait() == 4, worker.text
    assert ("temporal dev server exited (killed by SIGKILL) with no restart left (0 of 0 "
            "used): the worker stops, exit code 4") in worker.text
    assert servers_on(db(worker)) == []
    assert not (worker.data / "server.json").exists()


def test_a_second_worker_on_the_same_data_dir_is_refused(started: WorkerProcess) -> None:
    try:
        before = started.server
        assert started.process is not None
        second = subprocess.run(
            [sys.executable, str(ROOT / "worker.py"), "--data-dir", str(started.data),
             *ports("--port", "--ui-port", "--codec-port")],
            env=clean_env(), cwd=started.data.parent, capture_output=True, text=True,
            timeout=120)
        assert second.returncode == 3, second.stdout + second.stderr
        assert second.stdout == ""
        assert second.stderr == (
            f"worker: {db(started)} is in use by another worker (pid {started.process.pid}): "
            "stop it first, or give this worker another --data-dir\n")
        assert started.server == before  # the first worker's record and server untouched
        assert servers_on(db(started)) == [before.server_pid]
        assert host(started, "file", str(SAMPLE)).startswith("filed")
    finally:
        assert started.stop() == 0, started.text


async def test_a_port_taken_before_the_server_binds_it_is_replaced(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The port a server is given as free can be taken by another process before the server
    binds it: the server is started again on fresh ports, not failed."""
    from engine import runtime

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        handed: list[int] = []

        def first_the_busy_one(preferred: int = 0, avoid: object = ()) -> int:
            port = busy if not handed else free_port(preferred, avoid)  # type: ignore[arg-type]
            handed.append(port)
            return port

        monkeypatch.setattr(runtime, "free_port", first_the_busy_one)
        server = runtime.DevServer(tmp_path / "server")
        try:
            await server.start(persist=False, ui=False)
            assert server.port != busy
            assert server.process is not None and server.process.poll() is None
            assert handed[0] == busy and len(handed) >= 3
        finally:
            server.stop()
