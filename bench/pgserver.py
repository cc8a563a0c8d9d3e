"""PostgreSQL for the benchmarks (``--store postgres``): the server in the environment
(``POSTGRES_DSN`` or eventsourcing's ``POSTGRES_*``), else a throwaway one started with
scripts/postgres.sh for the run and stopped after it. Each run works in a schema of its own,
dropped at the end."""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
from psycopg.rows import tuple_row

from domain.event_store_config import PostgresSettings
from projections.read_store_pg import drop_schema

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "postgres.sh"


@contextmanager
def postgres_server() -> Iterator[PostgresSettings]:
    """The configured server, or a throwaway one (stopped on exit)."""
    if os.environ.get("POSTGRES_DSN") or os.environ.get("POSTGRES_HOST"):
        yield PostgresSettings.from_env(os.environ)
        return
    started = subprocess.run([str(SCRIPT), "start"], capture_output=True, text=True, check=False)
    if started.returncode != 0:
        raise SystemExit(f"could not start PostgreSQL: {started.stderr.strip()}")
    env = dict(line.split("=", 1) for line in started.stdout.splitlines() if "=" in line)
    print(f"throwaway PostgreSQL server on 127.0.0.1:{env['POSTGRES_PORT']} "
          f"({env['ENFORCEMENT_PG_DIR']})")
    watcher = subprocess.Popen(  # stops the server should this process die without cleaning up
        [str(SCRIPT), "watch", env["ENFORCEMENT_PG_DIR"], str(os.getpid())],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True)
    try:
        yield PostgresSettings.from_env(env)
    finally:
        subprocess.run([str(SCRIPT), "stop", env["ENFORCEMENT_PG_DIR"]], check=True)
        watcher.wait(timeout=30)


@contextmanager
def bench_schema(server: PostgresSettings, name: str) -> Iterator[PostgresSettings]:
    """A fresh schema for one run (dropped afterwards)."""
    settings = server.with_schema(f"bench_{name}_{uuid.uuid4().hex[:8]}")
    drop_schema(settings)
    try:
        yield settings
    finally:
        drop_schema(settings)


def durability(conn: psycopg.Connection[Any]) -> str:
    """The server settings that decide when a commit is on disk."""
    shown, cursor = [], conn.cursor(row_factory=tuple_row)
    for setting in ("fsync", "synchronous_commit", "wal_sync_method", "full_page_writes"):
        row = cursor.execute(f"SHOW {setting}").fetchone()
        shown.append(f"{setting}={row[0] if row else '?'}")
    return " ".join(shown)


def server_version(conn: psycopg.Connection[Any]) -> str:
    row = conn.cursor(row_factory=tuple_row).execute("SHOW server_version").fetchone()
    return str(row[0]) if row else "?"
