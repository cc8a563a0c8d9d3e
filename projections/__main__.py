"""Run the read models beside the engine (the full CLI comes with the front-doors issue).

    python -m projections run     --events data/events.db --views data/views.db [--once]
    python -m projections rebuild --events data/events.db --views data/views.db

Without ``--events``/``--views`` the stores come from the environment (README "Stores":
``ENFORCEMENT_EVENT_STORE``, ``ENFORCEMENT_READ_STORE``, ``POSTGRES_DSN`` …), PostgreSQL included.

``run`` catches up and then follows the event log until interrupted (Ctrl-C); ``rebuild``
builds every read model from position 0 into a fresh file that then replaces ``--views``
(stop ``run`` first: one writer per read-model file).
"""

from __future__ import annotations

import argparse
import os
import signal
import threading
from types import FrameType

from domain.application import EnforcementCases
from domain.event_store_config import cases_from_env
from domain.private import private_umask
from projections.read_store_config import ReadStoreConfig, open_read_store, rebuild_read_store
from projections.runner import ReadModelRunner


def _events(path: str | None) -> EnforcementCases:
    # The runner reads events and never verifies nor writes the hash chain: a throwaway key,
    # not checked against the store's (docs/operations.md, Keys).
    if path is None:
        return cases_from_env(chain_key=os.urandom(32), check_chain_key=False)
    return EnforcementCases.sqlite(path, chain_key=os.urandom(32), check_chain_key=False)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m projections", description=__doc__)
    parser.add_argument("command", choices=("run", "rebuild"))
    parser.add_argument("--events", help="the engine's SQLite event store (default: from "
                        "the environment)")
    parser.add_argument("--views", help="the read-model SQLite file (default: from the "
                        "environment)")
    parser.add_argument("--page-size", type=int, default=1000)
    parser.add_argument("--once", action="store_true", help="run: catch up and exit")
    args = parser.parse_args(argv)
    private_umask()  # read models and their files 0600 (docs/operations.md)
    app = _events(args.events)
    views = ReadStoreConfig.sqlite(args.views) if args.views else ReadStoreConfig.from_env()
    if args.command == "rebuild":
        report = rebuild_read_store(app, views, page_size=args.page_size, progress=True)
        print(f"rebuilt {report.events:,} events in {report.seconds:.1f} s "
              f"({report.events_per_second:,.0f} events/s), position {report.position}")
        return
    runner = ReadModelRunner(app, open_read_store(views), page_size=args.page_size)
    applied = runner.catch_up(progress=True)
    print(f"caught up: {applied:,} events applied, position {runner.position}")
    if args.once:
        return
    stop = threading.Event()

    def interrupt(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)
    runner.run_forever(stop)


if __name__ == "__main__":
    main()
