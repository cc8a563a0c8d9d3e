"""Which event store the engine writes to, chosen by environment variables (README "Stores").

``ENFORCEMENT_EVENT_STORE``
    ``sqlite`` (the embedded default): one file, ``ENFORCEMENT_EVENTS_DB`` or
    ``<ENFORCEMENT_DATA_DIR>/events.sqlite`` (data dir default ``data``), written through the
    dedicated SQLite writer; ``postgres``: eventsourcing's own PostgreSQL recorder
    (``eventsourcing.postgres``, saving without pipeline mode: domain/pgrecorder.py);
    ``memory``: nothing kept (tests, demos).
``POSTGRES_DSN``
    a libpq URL or ``key=value`` string (``postgresql://user:password@host:port/dbname``); or,
    as eventsourcing reads them, ``POSTGRES_HOST``, ``POSTGRES_PORT``, ``POSTGRES_USER``,
    ``POSTGRES_PASSWORD``, ``POSTGRES_DBNAME``. ``POSTGRES_SCHEMA`` (default ``public``) holds
    the event tables. eventsourcing's other ``POSTGRES_*`` settings (pool size, timeouts) apply.

``ENFORCEMENT_CASE_LOCK_WAIT``
    seconds a command waits for its case's lock (one writer per case, domain/caselock.py)
    before it is refused ``engine.busy`` with nothing written; default 10, at most 60.

On PostgreSQL the hash-chain key must come from ``ENFORCEMENT_CHAIN_KEY`` (hex) or
``ENFORCEMENT_CHAIN_KEY_FILE``: every worker on every host needs the same key, so none is made up.
"""

from __future__ import annotations

import contextlib
import os
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast

from domain.application import EnforcementCases
from domain.caselock import DEFAULT_LOCK_WAIT, LOCK_WAIT_ENV, MAX_LOCK_WAIT
from domain.keys import CHAIN_KEY_ENV, CHAIN_KEY_FILE_ENV, init_keys, load_chain_key

EVENT_STORE_ENV = "ENFORCEMENT_EVENT_STORE"
DATA_DIR_ENV = "ENFORCEMENT_DATA_DIR"
EVENTS_DB_ENV = "ENFORCEMENT_EVENTS_DB"
POSTGRES_DSN_ENV = "POSTGRES_DSN"
RECORDER_TOPIC = "domain.pgrecorder:PostgresEventRecorder"  # the library's, saving unpipelined
StoreKind = Literal["sqlite", "postgres", "memory"]
_LIBRARY_KEYS = {"host": "POSTGRES_HOST", "port": "POSTGRES_PORT", "user": "POSTGRES_USER",
                 "password": "POSTGRES_PASSWORD", "dbname": "POSTGRES_DBNAME"}


class StoreConfigurationError(ValueError):
    """A store setting is missing or invalid; the message names the variable."""


@dataclass(frozen=True)
class PostgresSettings:
    """Where a PostgreSQL database is and who connects to it."""

    host: str
    port: int
    user: str
    password: str
    dbname: str
    schema: str = "public"

    @classmethod
    def from_env(cls, env: Mapping[str, str], *, dsn_key: str = POSTGRES_DSN_ENV,
                 schema_key: str = "POSTGRES_SCHEMA", default_schema: str = "public"
                 ) -> PostgresSettings:
        """From ``POSTGRES_DSN`` if set, else eventsourcing's ``POSTGRES_*`` variables."""
        if env.get(dsn_key):
            from psycopg.conninfo import conninfo_to_dict

            try:
                parts = {k: str(v) for k, v in conninfo_to_dict(env[dsn_key]).items()
                         if v is not None}
            except Exception as exc:
                raise StoreConfigurationError(f"{dsn_key} is not a valid connection string: "
                                              f"{exc}") from None
        else:
            parts = {k: env[v] for k, v in _LIBRARY_KEYS.items() if env.get(v) is not None}
        missing = [name for name in ("host", "user", "password", "dbname") if name not in parts]
        if missing:
            raise StoreConfigurationError(
                f"PostgreSQL settings incomplete: no {', '.join(missing)} (set {dsn_key}, or "
                + ", ".join(_LIBRARY_KEYS[name] for name in missing) + ")")
        try:
            port = int(parts.get("port") or 5432)
        except ValueError:
            raise StoreConfigurationError(f"PostgreSQL port {parts['port']!r} is not a number"
                                          ) from None
        return cls(host=parts["host"], port=port, user=parts["user"],
                   password=parts["password"], dbname=parts["dbname"],
                   schema=env.get(schema_key) or default_schema)

    def library_env(self) -> dict[str, str]:
        """The settings as eventsourcing's ``POSTGRES_*`` environment."""
        return {"POSTGRES_HOST": self.host, "POSTGRES_PORT": str(self.port),
                "POSTGRES_USER": self.user, "POSTGRES_PASSWORD": self.password,
                "POSTGRES_DBNAME": self.dbname, "POSTGRES_SCHEMA": self.schema}

    def connect_kwargs(self) -> dict[str, Any]:
        """Keyword arguments of ``psycopg.connect``."""
        return {"host": self.host, "port": self.port, "user": self.user,
                "password": self.password, "dbname": self.dbname}

    def with_schema(self, schema: str) -> PostgresSettings:
        return PostgresSettings(self.host, self.port, self.user, self.password, self.dbname,
                                schema)

    @contextlib.contextmanager
    def setup_lock(self) -> Iterator[None]:
        """Hold a session advisory lock of this schema: processes starting at once set the
        library's tables up one after the other (its ``CREATE OR REPLACE FUNCTION`` and
        ``CREATE … IF NOT EXISTS`` statements fail with "tuple concurrently updated" when they
        race, even on tables that exist; tests/postgres/test_several_workers.py met it)."""
        import psycopg

        key = zlib.crc32(f"enforcement-setup:{self.schema}".encode())
        with psycopg.connect(**self.connect_kwargs(), autocommit=True) as conn:
            conn.execute("SELECT pg_advisory_lock(%s)", (key,))
            try:
                yield
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s)", (key,))

    def create_schema(self) -> None:
        """Create the schema if it is not there (eventsourcing creates tables, not schemas)."""
        if self.schema == "public":
            return
        import psycopg
        from psycopg import sql

        with psycopg.connect(**self.connect_kwargs(), autocommit=True) as conn:
            if conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s",
                            (self.schema,)).fetchone() is None:
                # a concurrent process may create it in the meantime
                with contextlib.suppress(psycopg.errors.UniqueViolation):
                    conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(
                        sql.Identifier(self.schema)))


def event_store_kind(env: Mapping[str, str]) -> StoreKind:
    kind = (env.get(EVENT_STORE_ENV) or "sqlite").strip().lower()
    if kind not in ("sqlite", "postgres", "memory"):
        raise StoreConfigurationError(f"{EVENT_STORE_ENV}={kind!r}: choose sqlite, postgres "
                                      "or memory")
    return cast(StoreKind, kind)


def lock_wait(env: Mapping[str, str]) -> float:
    """Seconds a command waits for its case's lock (``ENFORCEMENT_CASE_LOCK_WAIT``)."""
    text = (env.get(LOCK_WAIT_ENV) or "").strip()
    if not text:
        return DEFAULT_LOCK_WAIT
    try:
        seconds = float(text)
    except ValueError:
        seconds = float("nan")
    if not 0 < seconds <= MAX_LOCK_WAIT:  # also refuses nan
        raise StoreConfigurationError(f"{LOCK_WAIT_ENV}={text!r}: give the seconds a command "
                                      f"may wait for its case, more than 0 and at most "
                                      f"{MAX_LOCK_WAIT:g}")
    return seconds


def data_dir(env: Mapping[str, str]) -> Path:
    return Path(env.get(DATA_DIR_ENV) or "data")


def sqlite_events_path(env: Mapping[str, str]) -> Path:
    return Path(env.get(EVENTS_DB_ENV) or data_dir(env) / "events.sqlite")


IDLE_IN_TRANSACTION_ENV = "POSTGRES_IDLE_IN_TRANSACTION_SESSION_TIMEOUT"
IDLE_IN_TRANSACTION_DEFAULT = "60"
"""Seconds PostgreSQL lets a transaction of ours sit idle before it ends the session, unless
``POSTGRES_IDLE_IN_TRANSACTION_SESSION_TIMEOUT`` says otherwise. eventsourcing's default, 5 s,
ends a command's transaction (it holds the case's lock while the aggregate decides) when the
process is starved of CPU for that long; the next statement then fails with "server closed the
connection unexpectedly" (a soak run on a machine at load 10 met it). A hung client still
releases its locks after this bound."""


def postgres_cases(settings: PostgresSettings, env: Mapping[str, str] | None = None,
                   **kwargs: Any) -> EnforcementCases:
    """The application on eventsourcing's PostgreSQL recorder (tables made if missing).

    ``env``: more application settings (e.g. the cipher key), over ``os.environ``."""
    settings.create_schema()
    given = {**os.environ, **(env or {})}
    idle = {} if given.get(IDLE_IN_TRANSACTION_ENV) else {
        IDLE_IN_TRANSACTION_ENV: IDLE_IN_TRANSACTION_DEFAULT}
    with settings.setup_lock():
        return EnforcementCases({"APPLICATION_RECORDER_TOPIC": RECORDER_TOPIC, **idle,
                                 **(env or {}),
                                 "PERSISTENCE_MODULE": "eventsourcing.postgres",
                                 **settings.library_env()}, **kwargs)


def cases_from_env(env: Mapping[str, str] | None = None, **kwargs: Any) -> EnforcementCases:
    """The application on the event store the environment chooses (``os.environ`` by default).

    ``kwargs`` go to ``EnforcementCases`` (``rules``, ``calendar``, ``chain_key``,
    ``lock_wait``: else ``ENFORCEMENT_CASE_LOCK_WAIT``)."""
    env = os.environ if env is None else env
    kind = event_store_kind(env)
    kwargs.setdefault("lock_wait", lock_wait(env))
    if kwargs.get("chain_key") is None and (kind == "postgres" or env.get(CHAIN_KEY_ENV)):
        kwargs["chain_key"] = shared_chain_key(env)  # else as EnforcementCases does it
    if kind == "memory":
        return EnforcementCases.in_memory(**kwargs)
    if kind == "sqlite":
        path = sqlite_events_path(env)
        if kwargs.get("chain_key") is None:
            kwargs["chain_key"] = load_chain_key(path, env)  # chain.key_missing: none made up
        return EnforcementCases.sqlite(path, **kwargs)
    extra = None if env is os.environ else dict(env)  # os.environ is read by the app anyway
    return postgres_cases(PostgresSettings.from_env(env), extra, **kwargs)


def shared_chain_key(env: Mapping[str, str]) -> bytes:
    """The hash-chain key of a shared store: from the environment or an existing key file."""
    if env.get(CHAIN_KEY_ENV):
        return bytes.fromhex(env[CHAIN_KEY_ENV])
    if not env.get(CHAIN_KEY_FILE_ENV):
        raise StoreConfigurationError(
            f"{EVENT_STORE_ENV}=postgres needs the hash-chain key shared by every worker: set "
            f"{CHAIN_KEY_ENV} (hex) or {CHAIN_KEY_FILE_ENV}")
    key_file = Path(env[CHAIN_KEY_FILE_ENV])
    if not key_file.is_file():
        raise StoreConfigurationError(f"{CHAIN_KEY_FILE_ENV}={key_file}: no such file (a shared "
                                      "store never makes up its key)")
    return bytes.fromhex(key_file.read_text().strip())


def first_start_keys(env: Mapping[str, str] | None = None) -> list[Path]:
    """The first start of the engine on an empty data directory: create the keys of its new
    SQLite store (domain/keys.py); nothing once the store exists, nor for other stores (their
    keys are given). The files created."""
    env = os.environ if env is None else env
    if event_store_kind(env) != "sqlite":
        return []
    path = sqlite_events_path(env)
    if path.exists():
        return []
    return init_keys(path, env)


def cases_without_cipher(env: Mapping[str, str] | None = None) -> EnforcementCases:
    """The configured event store opened without its cipher key: its events cannot be read,
    only their versions checked against the anchor log
    (``EnforcementCases.verify_anchored(chains=False)``; docs/operations.md, Anchors)."""
    env = os.environ if env is None else env
    kind = event_store_kind(env)
    off = {"ENFORCEMENT_CIPHER": "off"}
    if kind == "sqlite":
        path = sqlite_events_path(env)
        return EnforcementCases({"PERSISTENCE_MODULE": "eventsourcing.sqlite",
                                 "SQLITE_DBNAME": str(path), "SQLITE_LOCK_TIMEOUT": "30", **off},
                                chain_key=load_chain_key(path, env), check_cipher=False)
    if kind == "postgres":
        return postgres_cases(PostgresSettings.from_env(env), {**env, **off},
                              chain_key=shared_chain_key(env), check_cipher=False)
    return EnforcementCases.in_memory()
