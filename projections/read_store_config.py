"""Which read-model store the projections use, chosen by environment variables (README "Stores").

``ENFORCEMENT_READ_STORE``
    ``sqlite``: a file of its own, ``ENFORCEMENT_VIEWS_DB`` or
    ``<ENFORCEMENT_DATA_DIR>/views.sqlite``; ``postgres``: a schema of a PostgreSQL database,
    ``ENFORCEMENT_READ_SCHEMA`` (default ``read_models``) in the database of
    ``ENFORCEMENT_READ_DSN`` if set, else of the event store's settings (``POSTGRES_DSN`` or
    ``POSTGRES_*``). Default: ``postgres`` when ``ENFORCEMENT_EVENT_STORE=postgres``, else
    ``sqlite``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast
from uuid import UUID

from eventsourcing.application import Application

from domain.event_store_config import (
    PostgresSettings,
    StoreConfigurationError,
    data_dir,
    event_store_kind,
)
from projections.read_store import ReadModelStore, SQLiteReadModelStore
from projections.runner import RebuildReport, rebuild

READ_STORE_ENV = "ENFORCEMENT_READ_STORE"
VIEWS_DB_ENV = "ENFORCEMENT_VIEWS_DB"
READ_SCHEMA_ENV = "ENFORCEMENT_READ_SCHEMA"
READ_DSN_ENV = "ENFORCEMENT_READ_DSN"
ReadStoreKind = Literal["sqlite", "postgres"]


@dataclass(frozen=True)
class ReadStoreConfig:
    """A read-model store: an SQLite file or a PostgreSQL schema."""

    kind: ReadStoreKind
    path: Path | None = None
    postgres: PostgresSettings | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ReadStoreConfig:
        env = os.environ if env is None else env
        default = "postgres" if event_store_kind(env) == "postgres" else "sqlite"
        kind = (env.get(READ_STORE_ENV) or default).strip().lower()
        if kind == "sqlite":
            return cls("sqlite", path=Path(env.get(VIEWS_DB_ENV)
                                           or data_dir(env) / "views.sqlite"))
        if kind != "postgres":
            raise StoreConfigurationError(f"{READ_STORE_ENV}={kind!r}: choose sqlite or "
                                          "postgres")
        settings = PostgresSettings.from_env(
            env, dsn_key=READ_DSN_ENV if env.get(READ_DSN_ENV) else "POSTGRES_DSN",
            schema_key=READ_SCHEMA_ENV, default_schema="read_models")
        return cls("postgres", postgres=settings)

    @classmethod
    def sqlite(cls, path: Path | str) -> ReadStoreConfig:
        return cls("sqlite", path=Path(path))

    @classmethod
    def on_postgres(cls, settings: PostgresSettings) -> ReadStoreConfig:
        return cls("postgres", postgres=settings)

    def describe(self) -> str:
        if self.postgres is not None:
            s = self.postgres
            return f"PostgreSQL {s.user}@{s.host}:{s.port}/{s.dbname} schema {s.schema}"
        return f"SQLite {self.path}"


def open_read_store(config: ReadStoreConfig | None = None) -> ReadModelStore:
    """Open (or create) the configured read-model store (``os.environ`` by default)."""
    config = config or ReadStoreConfig.from_env()
    if config.postgres is not None:
        from projections.read_store_pg import PostgresReadModelStore

        return PostgresReadModelStore(config.postgres)
    assert config.path is not None
    return SQLiteReadModelStore(config.path)


def rebuild_read_store(app: Application[UUID], config: ReadStoreConfig | None = None,
                       **kwargs: Any) -> RebuildReport:
    """Rebuild every read model of the configured store from position 0 (``runner.rebuild``
    for a file; a fresh schema swapped in for PostgreSQL). ``kwargs`` as ``rebuild``'s."""
    config = config or ReadStoreConfig.from_env()
    if config.postgres is not None:
        from projections.read_store_pg import rebuild_postgres

        return rebuild_postgres(app, config.postgres, **kwargs)
    return rebuild(app, cast(Path, config.path), **kwargs)
