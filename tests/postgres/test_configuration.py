"""Stores chosen by environment variables (README "Stores"): the SQLite default, PostgreSQL for
events and read models, and clear errors for incomplete settings."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from eventsourcing.popo import POPOApplicationRecorder
from eventsourcing.postgres import PostgresApplicationRecorder

from domain.event_store_config import (
    PostgresSettings,
    StoreConfigurationError,
    cases_from_env,
)
from projections.__main__ import main as projections_cli
from projections.read_store import SQLiteReadModelStore
from projections.read_store_config import ReadStoreConfig, open_read_store
from projections.read_store_pg import PostgresReadModelStore, drop_schema
from tests.postgres.conftest import CIPHER_KEY
from tests.support import CLERK, KEY, NUMBER, Driver

CHAIN_HEX = KEY.hex()


@pytest.fixture
def pg_env(postgres: PostgresSettings) -> Iterator[dict[str, str]]:
    """The environment of a PostgreSQL deployment (schemas of this test, dropped after it)."""
    tag = uuid.uuid4().hex[:8]
    s = postgres
    env = {"ENFORCEMENT_EVENT_STORE": "postgres", "ENFORCEMENT_CHAIN_KEY": CHAIN_HEX,
           "ENFORCEMENT_CIPHER_KEY": CIPHER_KEY, "POSTGRES_SCHEMA": f"cfg_{tag}_events",
           "ENFORCEMENT_READ_SCHEMA": f"cfg_{tag}_views", "POSTGRES_POOL_SIZE": "2",
           "POSTGRES_DSN": f"postgresql://{s.user}:{s.password}@{s.host}:{s.port}/{s.dbname}"}
    yield env
    for schema in (env["POSTGRES_SCHEMA"], env["ENFORCEMENT_READ_SCHEMA"]):
        drop_schema(postgres.with_schema(schema))


def test_sqlite_is_the_default_under_the_data_directory(tmp_path: Path) -> None:
    env = {"ENFORCEMENT_DATA_DIR": str(tmp_path), "ENFORCEMENT_CHAIN_KEY": CHAIN_HEX}
    app = cases_from_env(env)
    try:
        assert app.writer is not None  # the dedicated SQLite writer, not the generic path
        Driver(app).file(date(2026, 1, 10))
    finally:
        app.close()
    assert (tmp_path / "events.sqlite").exists()
    config = ReadStoreConfig.from_env(env)
    assert (config.kind, config.path) == ("sqlite", tmp_path / "views.sqlite")
    store = open_read_store(config)
    assert isinstance(store, SQLiteReadModelStore)
    store.close()


def test_memory_store_keeps_nothing() -> None:
    app = cases_from_env({"ENFORCEMENT_EVENT_STORE": "memory"}, chain_key=KEY)
    assert isinstance(app.recorder, POPOApplicationRecorder)


def test_postgres_event_and_read_stores_from_the_environment(pg_env: dict[str, str]) -> None:
    app = cases_from_env(pg_env)
    try:
        assert isinstance(app.recorder, PostgresApplicationRecorder) and app.writer is None
        Driver(app).file(date(2026, 1, 10))
    finally:
        app.close()
    split = {k: v for k, v in pg_env.items() if k != "POSTGRES_DSN"}
    dsn = PostgresSettings.from_env(pg_env)
    split.update({"POSTGRES_HOST": dsn.host, "POSTGRES_PORT": str(dsn.port),
                  "POSTGRES_USER": dsn.user, "POSTGRES_PASSWORD": dsn.password,
                  "POSTGRES_DBNAME": dsn.dbname})  # eventsourcing's variables instead of a DSN
    again = cases_from_env(split)
    try:
        assert again.get_case(NUMBER).version == 1 and again.verify(NUMBER).ok
    finally:
        again.close()
    config = ReadStoreConfig.from_env(pg_env)  # postgres by default with a postgres event store
    assert config.kind == "postgres" and config.postgres is not None
    assert config.postgres.schema == pg_env["ENFORCEMENT_READ_SCHEMA"]
    store = open_read_store(config)
    assert isinstance(store, PostgresReadModelStore)
    store.close()


def test_the_projection_command_line_runs_on_the_configured_stores(
        pg_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in pg_env.items():
        monkeypatch.setenv(key, value)
    app = cases_from_env()
    try:
        d = Driver(app)
        d.file(date(2026, 1, 10))
        d.send("IssueNotice", date(2026, 1, 12), CLERK, issued_on=date(2026, 1, 12),
               report_due_on=date(2026, 1, 22))
    finally:
        app.close()
    projections_cli(["run", "--once"])
    projections_cli(["rebuild"])
    store = open_read_store()
    try:
        assert store.query("SELECT case_number, version, kind FROM timeline ORDER BY position"
                           ) == [(NUMBER, 1, "CaseFiled"), (NUMBER, 2, "NoticeIssued")]
    finally:
        store.close()


@pytest.mark.parametrize(("env", "message"), [
    ({"ENFORCEMENT_EVENT_STORE": "oracle"}, "choose sqlite, postgres or memory"),
    ({"ENFORCEMENT_EVENT_STORE": "postgres", "ENFORCEMENT_CHAIN_KEY": CHAIN_HEX,
      "POSTGRES_HOST": "127.0.0.1", "POSTGRES_USER": "u"}, "no password, dbname"),
    ({"ENFORCEMENT_EVENT_STORE": "postgres", "POSTGRES_DSN": "postgresql://u:p@h/db"},
     "ENFORCEMENT_CHAIN_KEY"),
    ({"ENFORCEMENT_EVENT_STORE": "postgres", "ENFORCEMENT_CHAIN_KEY_FILE": "/nonexistent/key",
      "POSTGRES_DSN": "postgresql://u:p@h/db"}, "no such file"),
    ({"ENFORCEMENT_EVENT_STORE": "postgres", "ENFORCEMENT_CHAIN_KEY": CHAIN_HEX,
      "POSTGRES_DSN": "postgresql://u:p@h:notaport/db"}, "port"),
    ({"ENFORCEMENT_EVENT_STORE": "memory", "ENFORCEMENT_CASE_LOCK_WAIT": "soon"},
     "ENFORCEMENT_CASE_LOCK_WAIT='soon'"),
    ({"ENFORCEMENT_EVENT_STORE": "memory", "ENFORCEMENT_CASE_LOCK_WAIT": "0"},
     "more than 0 and at most 60"),
    ({"ENFORCEMENT_EVENT_STORE": "memory", "ENFORCEMENT_CASE_LOCK_WAIT": "600"},
     "more than 0 and at most 60"),
])
def test_incomplete_settings_are_refused_by_name(env: dict[str, str], message: str) -> None:
    with pytest.raises(StoreConfigurationError, match=message):
        cases_from_env(env)


def test_the_case_lock_wait_comes_from_the_environment() -> None:
    assert cases_from_env({"ENFORCEMENT_EVENT_STORE": "memory"}).lock_wait == 10.0
    configured = cases_from_env({"ENFORCEMENT_EVENT_STORE": "memory",
                                 "ENFORCEMENT_CASE_LOCK_WAIT": "2.5"})
    assert configured.lock_wait == 2.5


def test_an_unknown_read_store_is_refused() -> None:
    with pytest.raises(StoreConfigurationError, match="choose sqlite or postgres"):
        ReadStoreConfig.from_env({"ENFORCEMENT_READ_STORE": "mongodb"})


@pytest.mark.parametrize(("given", "expected"), [(None, "1min"), ("7", "7s")])
def test_a_transaction_may_sit_idle_a_minute_unless_configured(
        pg_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, given: str | None,
        expected: str) -> None:
    """A command's transaction survives a process starved of CPU for seconds (eventsourcing's
    own default, 5 s, ended it); an operator's setting wins."""
    monkeypatch.delenv("POSTGRES_IDLE_IN_TRANSACTION_SESSION_TIMEOUT", raising=False)
    env = pg_env if given is None else {
        **pg_env, "POSTGRES_IDLE_IN_TRANSACTION_SESSION_TIMEOUT": given}
    app = cases_from_env(env)
    assert isinstance(app.recorder, PostgresApplicationRecorder)
    with app.recorder.datastore.get_connection() as conn, conn.cursor() as cursor:
        cursor.execute("SHOW idle_in_transaction_session_timeout")
        row = cursor.fetchone()
    assert row is not None and list(row.values()) == [expected]
    app.close()
