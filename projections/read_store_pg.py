"""Read models in PostgreSQL: the same tables, rows and tracking as the SQLite store.

The store *is* an eventsourcing ``PostgresTrackingRecorder``: its tracking table (one row per
read model), ``max_tracking_id``/``wait`` and the guard that a position only moves forwards come
from the library. What it adds is the read-model tables in their own schema and one transaction
per page in which the runner replaces the rows of the touched cases, appends the timeline and
records every read model's position — all or nothing, so each event is applied exactly once.

Pages take a transaction-level advisory lock on the schema: a second runner on the same store
waits for the first one's page, then finds the position moved and resynchronises. Pages commit
with ``synchronous_commit = off`` (like SQLite's ``synchronous=NORMAL`` in the SQLite store): a
crash of the server may lose the last pages, never split rows from their position, and the
runner redoes them.

The portable SQL of the read models (projections/schema.py) is translated here: ``?`` → ``%s``,
``TEXT`` columns with the C collation (ordering by code point, as SQLite does), ``INTEGER`` as
``BIGINT``. Rows are written with ``COPY``.
"""

from __future__ import annotations

import functools
import time
import zlib
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import Tracking
from eventsourcing.postgres import PostgresDatastore, PostgresTrackingRecorder
from psycopg import Connection, Cursor, sql
from psycopg.rows import DictRow, TupleRow, tuple_row

from domain.event_store_config import PostgresSettings
from projections.read_store import META, PageWriter
from projections.runner import ReadModelRunner, RebuildReport
from projections.schema import ReadModelProjection, Row, Table
from projections.settings import DEFAULT_SETTINGS, ProjectionSettings

_TYPES = {"TEXT": 'TEXT COLLATE "C"', "INTEGER": "BIGINT", "BIGINT": "BIGINT"}


@functools.lru_cache(maxsize=512)
def translate(statement: str) -> str:
    """A portable ``?`` statement as psycopg wants it (``%s``; a literal ``%`` doubled)."""
    return statement.replace("%", "%%").replace("?", "%s")


def create_statement(table: Table) -> sql.Composed:
    columns = sql.SQL(", ").join(sql.SQL("{} {}").format(sql.Identifier(name),
                                                         sql.SQL(_TYPES[kind.upper()]))
                                 for name, kind in table.columns)
    key = sql.SQL(", ").join(map(sql.Identifier, table.key))
    return sql.SQL("CREATE TABLE IF NOT EXISTS {} ({}, PRIMARY KEY ({}))").format(
        sql.Identifier(table.name), columns, key)


class _SchemaDatastore(PostgresDatastore):
    """Connections whose ``search_path`` is the read-model schema (queries name bare tables)."""

    def after_connect_func(self) -> Callable[[Connection[Any]], None]:
        configure = super().after_connect_func()
        search_path = sql.SQL("SET search_path TO {}").format(sql.Identifier(self.schema))

        def after_connect(conn: Connection[DictRow]) -> None:
            configure(conn)
            conn.execute(search_path)

        return after_connect


class _PostgresPage:
    def __init__(self, store: PostgresReadModelStore, tracking: Cursor[DictRow],
                 cursor: Cursor[TupleRow]) -> None:
        self._store, self._t, self._c = store, tracking, cursor

    def position(self, name: str) -> int:
        return self._store._max_tracking_id(name, self._t) or 0

    def load_facts(self, case_ids: Collection[str]) -> dict[str, str]:
        self._c.execute("SELECT case_id, facts FROM case_facts WHERE case_id = ANY(%s)",
                        (list(case_ids),))
        return {row[0]: row[1] for row in self._c.fetchall()}

    def replace_cases(self, tables: Sequence[Table], case_ids: Collection[str]) -> None:
        if not case_ids:
            return
        ids = list(case_ids)
        for table in tables:
            self._c.execute(sql.SQL("DELETE FROM {} WHERE case_id = ANY(%s)").format(
                sql.Identifier(table.name)), (ids,))

    def insert(self, table: Table, rows: Sequence[Row]) -> None:
        if not rows:
            return
        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier,
                                                               table.column_names)))
        with self._c.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)

    def track(self, name: str, notification_id: int) -> None:
        self._store._insert_tracking(self._t, Tracking(name, notification_id))


class PostgresReadModelStore(PostgresTrackingRecorder):
    """Read models in one PostgreSQL schema (default ``read_models``).

    ``bulk=True`` is for a rebuild into a fresh schema that is dropped unless the rebuild
    finishes: secondary indexes are built once at the end (``create_indexes``).
    """

    def __init__(self, settings: PostgresSettings, *, bulk: bool = False,
                 pool_size: int = 2) -> None:
        settings.create_schema()
        self.settings, self.schema, self.bulk = settings, settings.schema, bulk
        self._lock_key = zlib.crc32(f"read-models:{settings.schema}".encode())
        datastore = _SchemaDatastore(settings.dbname, settings.host, settings.port,
                                     settings.user, settings.password, schema=settings.schema,
                                     pool_size=pool_size, max_overflow=2, pre_ping=True)
        super().__init__(datastore)
        self.create_table()  # the library's tracking table

    def setup(self, tables: Sequence[Table]) -> None:
        with self._cursor(commit=True) as c:
            c.execute("SELECT pg_advisory_xact_lock(%s)", (self._lock_key,))
            for table in (META, *tables):
                c.execute(create_statement(table))
                for statement in [] if self.bulk else table.index_statements():
                    c.execute(statement)

    def create_indexes(self, tables: Sequence[Table]) -> None:
        with self._cursor(commit=True) as c:
            for table in tables:
                for statement in table.index_statements():
                    c.execute(statement)
                c.execute(sql.SQL("ANALYZE {}").format(sql.Identifier(table.name)))

    @contextmanager
    def page(self) -> Iterator[PageWriter]:
        """One transaction: everything in it commits together or not at all."""
        with self.datastore.get_connection() as conn, conn.transaction():
            cursor = conn.cursor(row_factory=tuple_row)
            cursor.execute("SET LOCAL synchronous_commit = off")
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", (self._lock_key,))
            yield _PostgresPage(self, conn.cursor(), cursor)

    def position(self, name: str) -> int:
        return self.max_tracking_id(name) or 0

    def meta(self) -> dict[str, tuple[int, str]]:
        return {name: (version, settings) for name, version, settings in
                self.query("SELECT name, version, settings FROM read_models")}

    def set_meta(self, name: str, version: int, settings: str) -> None:
        with self._cursor(commit=True) as c:
            c.execute("DELETE FROM read_models WHERE name = %s", (name,))
            c.execute("INSERT INTO read_models VALUES (%s, %s, %s)", (name, version, settings))

    def query(self, sql_text: str, params: Sequence[Any] = ()) -> list[Row]:
        with self._cursor(commit=False) as c:
            c.execute(translate(sql_text), params)
            return c.fetchall()

    def stream(self, sql_text: str, params: Sequence[Any] = (), batch: int = 2000
               ) -> Iterator[Row]:
        """Rows one by one from a consistent snapshot (a server-side cursor)."""
        with self.datastore.get_connection() as conn, \
                conn.transaction(force_rollback=True), \
                conn.cursor(name="read_model_stream", row_factory=tuple_row) as c:
            c.execute(translate(sql_text), params)
            while rows := c.fetchmany(batch):
                yield from rows

    def table_names(self) -> list[str]:
        return [str(row[0]) for row in self.query(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = ? "
            "ORDER BY table_name", (self.schema,))]

    def close(self) -> None:
        self.datastore.close()

    @contextmanager
    def _cursor(self, *, commit: bool) -> Iterator[Cursor[TupleRow]]:
        with self.datastore.get_connection() as conn, \
                conn.transaction(force_rollback=not commit):
            yield conn.cursor(row_factory=tuple_row)


def rebuild_postgres(app: Application[UUID], target: PostgresSettings, *,
                     projections: Sequence[ReadModelProjection] | None = None,
                     settings: ProjectionSettings = DEFAULT_SETTINGS, page_size: int = 1000,
                     progress: bool = True) -> RebuildReport:
    """Rebuild every read model from position 0 into a fresh schema that then replaces
    ``target.schema`` in one transaction: readers see the old read models or the new ones.
    Stop the incremental runner of the schema first (as with the SQLite store)."""
    fresh = target.with_schema(f"{target.schema}_rebuild")
    drop_schema(fresh)
    store = PostgresReadModelStore(fresh, bulk=True)
    started = time.perf_counter()
    try:
        runner = ReadModelRunner(app, store, projections=projections, settings=settings,
                                 page_size=page_size)
        events = runner.catch_up(progress=progress)
        store.create_indexes(runner.tables)
        position = runner.position
    except BaseException:
        store.close()
        drop_schema(fresh)
        raise
    store.close()
    seconds = time.perf_counter() - started
    replace_schema(fresh, target)
    return RebuildReport(events=events, position=position, seconds=seconds)


def drop_schema(settings: PostgresSettings, lock_timeout: int = 60) -> None:
    """Remove a schema and everything in it (a failed rebuild, a test's store); give up with
    an error after ``lock_timeout`` seconds of waiting for a transaction still using it."""
    import psycopg

    with psycopg.connect(**settings.connect_kwargs(), autocommit=True) as conn:
        conn.execute(sql.SQL("SET lock_timeout = {}").format(
            sql.Literal(f"{int(lock_timeout)}s")))
        conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(
            sql.Identifier(settings.schema)))


def replace_schema(fresh: PostgresSettings, target: PostgresSettings) -> None:
    """Atomically put the schema ``fresh`` in the place of ``target`` (one transaction)."""
    import psycopg

    with psycopg.connect(**fresh.connect_kwargs()) as conn, conn.transaction():
        conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(
            sql.Identifier(target.schema)))
        conn.execute(sql.SQL("ALTER SCHEMA {} RENAME TO {}").format(
            sql.Identifier(fresh.schema), sql.Identifier(target.schema)))
