"""The store contract: the same tests against SQLite and a real PostgreSQL server.

The session fixture ``postgres`` starts a throwaway server with ``scripts/postgres.sh start``
(installing Debian's postgresql first when it is absent and we are root) and stops it at the
end of the session; ``POSTGRES_TEST_DSN`` points the tests at a server already running instead.
When PostgreSQL cannot be installed or started the PostgreSQL half of the contract is skipped
with a loud banner — except under CI (``CI=true``), where that is a failure.

``backend`` runs a test once per store (``sqlite``, ``postgres``): each test gets fresh stores
(a temporary directory, or schemas of their own dropped afterwards).
"""

from __future__ import annotations

import base64
import itertools
import os
import sqlite3
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import pytest

from domain.application import EnforcementCases
from domain.event_store_config import PostgresSettings, postgres_cases
from projections.read_store import ReadModelStore, SQLiteReadModelStore
from projections.read_store_config import ReadStoreConfig, rebuild_read_store
from projections.read_store_pg import PostgresReadModelStore, drop_schema
from projections.runner import RebuildReport
from tests.support import KEY

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "postgres.sh"
CIPHER_KEY = base64.b64encode(b"contract-cipher-key-0123456789ab").decode()
BACKENDS = ("sqlite", "postgres")
_unavailable: list[str] = []
_schemas = itertools.count(1)


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def _refuse(reason: str) -> NoReturn:
    message = (f"PostgreSQL UNAVAILABLE — the PostgreSQL half of the store contract did NOT run: "
               f"{reason}")
    _unavailable.append(message)
    if _in_ci():
        pytest.fail(message + " (CI=true: PostgreSQL is required)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresSettings]:
    """A real PostgreSQL server for the whole session (stopped at its end)."""
    if os.environ.get("POSTGRES_TEST_DSN"):
        yield PostgresSettings.from_env({"POSTGRES_DSN": os.environ["POSTGRES_TEST_DSN"]})
        return
    try:
        started = subprocess.run([str(SCRIPT), "start"], capture_output=True, text=True,
                                 timeout=900, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        _refuse(f"{SCRIPT.name} start: {exc}")
    if started.returncode != 0:
        tail = " | ".join(started.stderr.strip().splitlines()[-5:])
        _refuse(f"{SCRIPT.name} start exited {started.returncode}: {tail}")
    env = dict(line.split("=", 1) for line in started.stdout.splitlines() if "=" in line)
    watcher = watch_server(env["ENFORCEMENT_PG_DIR"])
    try:
        yield PostgresSettings.from_env(env)
    finally:
        subprocess.run([str(SCRIPT), "stop", env["ENFORCEMENT_PG_DIR"]], check=True,
                       timeout=120)
        watcher.wait(timeout=30)  # it ends by itself once the directory is gone


def watch_server(directory: str) -> subprocess.Popen[bytes]:
    """A guard in its own session that stops the server if this process dies without its
    teardown (killed by a timeout, say)."""
    return subprocess.Popen([str(SCRIPT), "watch", directory, str(os.getpid())],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    for message in dict.fromkeys(_unavailable):
        title = "POSTGRESQL TESTS FAILED (CI)" if _in_ci() else "POSTGRESQL TESTS SKIPPED"
        terminalreporter.write_sep("!", title, red=True, bold=True)
        terminalreporter.write_line(message, red=True, bold=True)
        terminalreporter.write_line("install PostgreSQL (Debian: apt-get install postgresql) "
                                    "or set POSTGRES_TEST_DSN", red=True, bold=True)


@dataclass
class Backend:
    """Fresh stores of one kind for one test; everything opened is closed at teardown."""

    kind: str
    tmp: Path
    server: PostgresSettings | None = None
    opened: list[Any] = field(default_factory=list)
    schemas: list[PostgresSettings] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.events = self._place("events")
        self.views = self._place("views")

    def _place(self, name: str) -> PostgresSettings | None:
        if self.server is None:
            return None
        settings = self.server.with_schema(f"t{next(_schemas)}_{uuid.uuid4().hex[:8]}_{name}")
        self.schemas.append(settings)
        if name == "events":  # the anchor log's schema beside it (domain/anchors.py)
            self.schemas.append(settings.with_schema(f"{settings.schema}_anchors"))
        return settings

    def cases(self, *, encrypted: bool = True, **kwargs: Any) -> EnforcementCases:
        """An application on this test's event store (a second call: another process's);
        ``encrypted=False``: events stored in plaintext."""
        kwargs.setdefault("chain_key", KEY)
        if self.events is None:
            path = self.tmp / "events.sqlite"
            if encrypted:
                app = EnforcementCases.sqlite(path, **kwargs)
            else:
                app = EnforcementCases({"PERSISTENCE_MODULE": "eventsourcing.sqlite",
                                        "SQLITE_DBNAME": str(path), "SQLITE_LOCK_TIMEOUT": "30",
                                        "ENFORCEMENT_CIPHER": "off"}, **kwargs)
        else:
            cipher = {"ENFORCEMENT_CIPHER_KEY": CIPHER_KEY} if encrypted else \
                {"ENFORCEMENT_CIPHER": "off"}
            app = postgres_cases(self.events, {**cipher, "POSTGRES_POOL_SIZE": "2",
                                               "POSTGRES_MAX_OVERFLOW": "6"}, **kwargs)
        self.opened.append(app)
        return app

    def read_config(self, name: str = "views") -> ReadStoreConfig:
        if self.server is None:
            return ReadStoreConfig.sqlite(self.tmp / f"{name}.sqlite")
        settings = self.views if name == "views" else self._place(name)
        assert settings is not None
        return ReadStoreConfig.on_postgres(settings)

    def read_store(self, config: ReadStoreConfig | None = None) -> ReadModelStore:
        config = config or self.read_config()
        store: ReadModelStore
        if config.postgres is not None:
            store = PostgresReadModelStore(config.postgres)
        else:
            assert config.path is not None
            store = SQLiteReadModelStore(config.path)
        self.opened.append(store)
        return store

    def rebuild(self, app: EnforcementCases, **kwargs: Any
                ) -> tuple[RebuildReport, ReadModelStore]:
        """Rebuild into a store of its own; the report and the store."""
        config = self.read_config("rebuilt")
        kwargs.setdefault("progress", False)
        report = rebuild_read_store(app, config, **kwargs)
        return report, self.read_store(config)

    def delete_event(self, app: EnforcementCases, ref: uuid.UUID, version: int) -> None:
        """Remove one stored event behind the application's back (tampering)."""
        table: str = app.recorder.events_table_name  # type: ignore[attr-defined]
        if self.events is None:
            with sqlite3.connect(self.tmp / "events.sqlite") as conn:
                conn.execute(f"DELETE FROM {table} WHERE originator_id = ? AND "
                             "originator_version = ?", (ref.hex, version))
            return
        import psycopg
        from psycopg import sql

        with psycopg.connect(**self.events.connect_kwargs()) as conn:
            conn.execute(sql.SQL("DELETE FROM {}.{} WHERE originator_id = %s AND "
                                 "originator_version = %s").format(
                sql.Identifier(self.events.schema), sql.Identifier(table)), (ref, version))

    def tamper(self, statement: str, *params: Any) -> None:
        """Run SQL on the event store behind every application's back: ``{events}`` stands for
        the events table; a case id parameter is given as a UUID."""
        if self.events is None:
            with sqlite3.connect(self.tmp / "events.sqlite") as conn:
                conn.execute(statement.replace("%s", "?").format(
                    events="stored_events", snapshots="stored_snapshots"),
                    [p.hex if isinstance(p, uuid.UUID) else p for p in params])
            conn.close()
            return
        import psycopg

        schema = f'"{self.events.schema}"'  # eventsourcing's table names
        with psycopg.connect(**self.events.connect_kwargs()) as pg:
            pg.execute(statement.format(events=f"{schema}.enforcementcases_events",
                                        snapshots=f"{schema}.enforcementcases_snapshots"
                                        ).encode(), params)

    def snapshot_state(self) -> bytes:
        """The stored state of the event store's one snapshot."""
        if self.events is None:
            with sqlite3.connect(self.tmp / "events.sqlite") as conn:
                (state,) = conn.execute("SELECT state FROM stored_snapshots").fetchone()
            conn.close()
            return bytes(state)
        import psycopg

        with psycopg.connect(**self.events.connect_kwargs()) as pg:
            row = pg.execute(f'SELECT state FROM "{self.events.schema}".'
                             "enforcementcases_snapshots".encode()).fetchone()
        assert row is not None
        return bytes(row[0])

    def anchors_tamper(self, statement: str) -> None:
        """Run SQL on the anchor log (``{entries}``: its entries table) behind its back."""
        if self.events is None:
            with sqlite3.connect(self.tmp / "events.anchors.sqlite") as conn:
                conn.execute(statement.format(entries="anchor_entries"))
            conn.close()
            return
        import psycopg

        table = f'"{self.events.schema}_anchors".anchor_entries'
        with psycopg.connect(**self.events.connect_kwargs()) as pg:
            pg.execute(statement.format(entries=table).encode())

    def copy_events(self) -> None:
        """Keep a copy of the event store as it is now (see :meth:`restore_events`)."""
        if self.events is None:
            with sqlite3.connect(self.tmp / "events.sqlite") as live, \
                    sqlite3.connect(self.tmp / "old-copy.sqlite") as copy:
                live.backup(copy)
            live.close()
            copy.close()
            return
        self.tamper("CREATE TABLE {events}_old AS SELECT * FROM {events}")

    def restore_events(self) -> None:
        """Put the copy kept by :meth:`copy_events` back over the event store."""
        if self.events is None:
            with sqlite3.connect(self.tmp / "old-copy.sqlite") as copy, \
                    sqlite3.connect(self.tmp / "events.sqlite") as live:
                copy.backup(live)
            live.close()
            copy.close()
            return
        self.tamper("DELETE FROM {events}")
        self.tamper("INSERT INTO {events} SELECT * FROM {events}_old")

    def close(self) -> None:
        for thing in reversed(self.opened):
            thing.close()
        for settings in self.schemas:
            drop_schema(settings)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    server = request.getfixturevalue("postgres") if request.param == "postgres" else None
    stores = Backend(request.param, tmp_path, server)
    try:
        yield stores
    finally:
        stores.close()

