"""pytest plugin: the replay gate (docs/workflows.md, "Replay gate").

Every Temporal server the suite starts has every workflow history it holds replayed with the
current workflow code before it goes away (tests/replay_gate.py does the work):

* time-skipping servers (``WorkflowEnvironment.start_time_skipping``, which
  ``engine.runtime.start_time_skipping`` and every test use): at the environment's shutdown,
  with the environment client's own data converter;
* dev servers started in this process (``engine.runtime.DevServer``): at ``stop()``;
* dev servers of other processes (``python worker.py``'s embedded server, which persists to
  ``<data>/temporal.sqlite``): at the end of the session, every ``temporal.sqlite`` under the
  session's temporary directory is served again by a fresh dev server and its runs replayed.

Payloads are decoded with every payload key the session used (each ``EncryptionCodec`` made in
this process, and ``payload.key`` beside each swept database). A history that does not replay
is reported at the end of the session as an error named ``replay-gate`` (workflow id, run id,
server and the SDK's error) and the run exits non-zero; a line says how many histories were
replayed and how long it took.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Generator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from engine.codec import EncryptionCodec
from engine.runtime import DevServer
from tests.replay_gate import GateResult, KeyRing, ReplayFailure, ServerKind, check

DB = "temporal.sqlite"
SWEEP_CONCURRENCY = 3
"""Databases served again at once at the end of the session (each server takes ~2 s to start)."""


class Gate:
    """The session's replay gate: results per server, the keys seen, the databases checked."""

    def __init__(self) -> None:
        self.results: list[GateResult] = []
        self.ring = KeyRing()
        self.checked: set[Path] = set()
        self.nodeid = "(session start)"
        self.lock = threading.Lock()

    def label(self, kind: ServerKind) -> str:
        return f"{kind} server of {self.nodeid}"

    def add(self, result: GateResult) -> None:
        with self.lock:
            self.results.append(result)

    async def check_client(self, client: Client, kind: ServerKind, label: str,
                           converter: Any = None) -> None:
        self.add(await check(client, kind, label, converter or self.ring.converter()))

    def check_address(self, address: str, label: str) -> None:
        """Check a dev server from synchronous code (``DevServer.stop``), in a thread of its
        own so that a caller's running event loop is never re-entered."""

        async def run() -> None:
            try:
                client = await Client.connect(address)
            except Exception as err:
                self.add(GateResult(label, failures=[_failure(
                    label, f"could not reach {address}: {type(err).__name__}: {err}")]))
                return
            await self.check_client(client, "dev", label)

        with ThreadPoolExecutor(1, thread_name_prefix="replay-gate") as pool:
            pool.submit(asyncio.run, run()).result()

    # --- the end of the session: databases of servers this process did not run --------------
    def sweep(self, basetemp: Path) -> None:
        """Serve every unchecked ``temporal.sqlite`` under ``basetemp`` again and check it."""
        found = []
        for db in sorted(basetemp.rglob(DB)):
            if db.resolve() in self.checked:
                continue
            self.checked.add(db.resolve())
            label = f"dev server of {db.relative_to(basetemp)} (served again)"
            held = holders(db)
            if held:
                self.add(GateResult(label, failures=[_failure(
                    label, f"{db} is still open in process {', '.join(held)} after the "
                    "session: a server outlived the worker that started it")]))
                continue
            self.ring.add_file(db.parent / "payload.key")
            found.append((db, label))
        if found:
            asyncio.run(self._serve_again(found))

    async def _serve_again(self, found: list[tuple[Path, str]]) -> None:
        bound = asyncio.Semaphore(SWEEP_CONCURRENCY)

        async def one(db: Path, label: str) -> None:
            async with bound:
                server = DevServer(db.parent)
                try:
                    await server.start(persist=True, ui=False)
                    await self.check_client(await Client.connect(server.address), "dev", label)
                except Exception as err:
                    self.add(GateResult(label, failures=[_failure(
                        label, f"could not serve {db} again: {type(err).__name__}: {err}")]))
                finally:
                    if server.process is not None:  # a read-only look: nothing to keep
                        server.process.kill()
                        server.process.wait()

        await asyncio.gather(*(one(db, label) for db, label in found))

    # --- reporting -----------------------------------------------------------------------------
    def failures(self) -> list[str]:
        return [str(f) for r in self.results for f in r.failures]

    def summary(self) -> str:
        histories = sum(r.histories for r in self.results)
        events = sum(r.events for r in self.results)
        fetch = sum(r.fetch_seconds for r in self.results)
        replay = sum(r.replay_seconds for r in self.results)
        skipped: Counter[str] = Counter()
        for result in self.results:
            skipped.update(result.skipped)
        line = (f"replay gate: {histories} histories ({events} events) from {len(self.results)} "
                f"Temporal servers replayed in {replay:.1f} s (fetched in {fetch:.1f} s), "
                f"{len(self.failures())} failures")
        if skipped:
            line += "; not engine workflows, not replayed: " + ", ".join(
                f"{name} ×{n}" for name, n in sorted(skipped.items()))
        return line


def _failure(server: str, error: str) -> ReplayFailure:
    return ReplayFailure(server, "*", "*", error)


def holders(path: Path) -> list[str]:
    """Processes (pid and command) that hold ``path`` open (Linux /proc)."""
    target = str(path.resolve())
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            if any(os.readlink(fd) == target for fd in (proc / "fd").iterdir()):
                command = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()[:80]
                found.append(f"{proc.name} ({command.strip()})")
        except OSError:
            continue
    return found


GATE = pytest.StashKey[Gate]()
PATCHES = pytest.StashKey[pytest.MonkeyPatch]()


def install(gate: Gate, patch: pytest.MonkeyPatch) -> None:
    """Hook the gate into server start-up and shutdown, and note every payload key."""
    start_time_skipping = WorkflowEnvironment.start_time_skipping.__func__  # type: ignore[attr-defined]

    async def gated_start_time_skipping(cls: type[WorkflowEnvironment], *args: Any,
                                        **kwargs: Any) -> WorkflowEnvironment:
        env: WorkflowEnvironment = await start_time_skipping(cls, *args, **kwargs)
        shutdown: Callable[[], Awaitable[None]] = env.shutdown
        label = gate.label("time-skipping")

        async def gated_shutdown() -> None:
            try:
                await gate.check_client(env.client, "time-skipping", label,
                                        env.client.data_converter)
            finally:
                await shutdown()

        env.shutdown = gated_shutdown  # type: ignore[method-assign]
        return env

    patch.setattr(WorkflowEnvironment, "start_time_skipping",
                  classmethod(gated_start_time_skipping))

    stop = DevServer.stop

    def gated_stop(server: DevServer) -> None:
        if server.process is not None and server.process.poll() is None:
            db = server.data_dir / DB
            if "--db-filename" in server.process.args:  # type: ignore[operator]
                gate.checked.add(db.resolve())
            try:
                gate.check_address(server.address, gate.label("dev"))
            finally:
                stop(server)
        else:
            stop(server)

    patch.setattr(DevServer, "stop", gated_stop)

    codec_init = EncryptionCodec.__init__

    def noting_init(codec: EncryptionCodec, key: bytes, old_keys: Any = ()) -> None:
        codec_init(codec, key, old_keys)
        gate.ring.add(key, *old_keys)

    patch.setattr(EncryptionCodec, "__init__", noting_init)


def pytest_configure(config: pytest.Config) -> None:
    gate = config.stash[GATE] = Gate()
    patch = config.stash[PATCHES] = pytest.MonkeyPatch()
    install(gate, patch)


def pytest_unconfigure(config: pytest.Config) -> None:
    if PATCHES in config.stash:
        config.stash[PATCHES].undo()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Generator[None, object, object]:
    item.config.stash[GATE].nodeid = item.nodeid
    return (yield)


def pytest_sessionfinish(session: pytest.Session) -> None:
    config = session.config
    gate = config.stash[GATE]
    factory = getattr(config, "_tmp_path_factory", None)
    basetemp = getattr(factory, "_basetemp", None)
    started = time.perf_counter()
    gate.nodeid = "(session end)"
    if basetemp is not None:
        gate.sweep(Path(basetemp))
    swept = time.perf_counter() - started
    failures = gate.failures()
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None and gate.results:
        reporter.write_line("")
        if config.option.verbose > 0:
            for result in gate.results:
                reporter.write_line(f"replay gate: {result.server}: {result.histories} histories "
                                    f"({result.events} events), replayed in "
                                    f"{result.replay_seconds:.2f} s")
        reporter.write_line(f"{gate.summary()}; end-of-session sweep {swept:.1f} s")
    if failures:
        text = "\n".join(["histories that the current workflow code cannot replay:", *failures])
        where = ("tests/replay_gate_plugin.py", None, "replay-gate")
        report = pytest.TestReport("replay-gate", where, {}, "failed", text, "teardown")
        config.hook.pytest_runtest_logreport(report=report)
        if session.exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED):
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
