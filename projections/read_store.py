"""Where read models live: a small interface and its SQLite implementation.

The SQLite store *is* an eventsourcing ``SQLiteTrackingRecorder``: its tracking table, the
``max_tracking_id``/``wait`` API and the guard that a position never goes backwards come from the
library. What it adds is one write transaction per page (``BEGIN IMMEDIATE``) in which the runner
replaces the rows of the cases a page touched, appends the timeline and records the tracking
positions — all or nothing. Read models get their own SQLite file (one writer per file).
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any, Protocol

from eventsourcing.persistence import Tracking
from eventsourcing.sqlite import SQLiteCursor, SQLiteDatastore, SQLiteTrackingRecorder

from domain.private import private_file
from projections.schema import Row, Table

CHUNK = 400  # bound on parameters per IN (...) list

META = Table("read_models", (("name", "TEXT"), ("version", "INTEGER"), ("settings", "TEXT")),
             ("name",), by_case=False)


class ReadModelMismatchError(Exception):
    """The store was built by other projection code or settings: rebuild it."""


class PageWriter(Protocol):
    """What the runner may do inside one page's transaction."""

    def position(self, name: str) -> int: ...
    def load_facts(self, case_ids: Collection[str]) -> dict[str, str]: ...
    def replace_cases(self, tables: Sequence[Table], case_ids: Collection[str]) -> None: ...
    def insert(self, table: Table, rows: Sequence[Row]) -> None: ...
    def track(self, name: str, notification_id: int) -> None: ...


class ReadModelStore(Protocol):
    """The interface the runner and the queries need (SQLite now, PostgreSQL later)."""

    def setup(self, tables: Sequence[Table]) -> None: ...
    def create_indexes(self, tables: Sequence[Table]) -> None: ...
    def page(self) -> AbstractContextManager[PageWriter]: ...
    def position(self, name: str) -> int: ...
    def wait(self, application_name: str, notification_id: int | None,
             timeout: float = 1.0) -> None: ...
    def meta(self) -> dict[str, tuple[int, str]]: ...
    def set_meta(self, name: str, version: int, settings: str) -> None: ...
    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]: ...
    def stream(self, sql: str, params: Sequence[Any] = ()) -> Iterator[Row]: ...
    def table_names(self) -> list[str]: ...
    def close(self) -> None: ...


class _SQLitePage:
    def __init__(self, store: SQLiteReadModelStore, cursor: SQLiteCursor) -> None:
        self._store, self._c = store, cursor

    def position(self, name: str) -> int:
        return self._store._max_tracking_id(name, self._c) or 0

    def load_facts(self, case_ids: Collection[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        ids = list(case_ids)
        for i in range(0, len(ids), CHUNK):
            chunk = ids[i:i + CHUNK]
            self._c.execute(f"SELECT case_id, facts FROM case_facts WHERE case_id IN "
                            f"({','.join('?' * len(chunk))})", chunk)
            found.update((row[0], row[1]) for row in self._c.fetchall())
        return found

    def replace_cases(self, tables: Sequence[Table], case_ids: Collection[str]) -> None:
        ids = list(case_ids)
        for table in tables:
            for i in range(0, len(ids), CHUNK):
                chunk = ids[i:i + CHUNK]
                self._c.execute(f"DELETE FROM {table.name} WHERE case_id IN "
                                f"({','.join('?' * len(chunk))})", chunk)

    def insert(self, table: Table, rows: Sequence[Row]) -> None:
        if rows:
            marks = ",".join("?" * len(table.columns))
            self._c.executemany(f"INSERT INTO {table.name} VALUES ({marks})", rows)

    def track(self, name: str, notification_id: int) -> None:
        self._store._insert_tracking(self._c, Tracking(name, notification_id))


class SQLiteReadModelStore(SQLiteTrackingRecorder):
    """Read models in their own SQLite file (WAL; one writer, many readers).

    ``bulk=True`` is for a rebuild into a fresh file that is thrown away if the rebuild does
    not finish: secondary indexes are built once at the end (``create_indexes``) and pages are
    committed without waiting for the disk; ``close`` then checkpoints and syncs the file.
    """

    def __init__(self, path: Path | str, *, bulk: bool = False) -> None:
        self.path = private_file(Path(path))  # 0600 before SQLite opens it (its WAL then too)
        self.bulk = bulk
        super().__init__(SQLiteDatastore(str(self.path), lock_timeout=30))
        self.create_table()  # the library's tracking table

    def setup(self, tables: Sequence[Table]) -> None:
        with self.datastore.transaction(commit=True) as c:
            for table in (META, *tables):
                c.execute(table.create_statement())
                for statement in [] if self.bulk else table.index_statements():
                    c.execute(statement)

    def create_indexes(self, tables: Sequence[Table]) -> None:
        with self.datastore.transaction(commit=True) as c:
            for table in tables:
                for statement in table.index_statements():
                    c.execute(statement)

    @contextmanager
    def page(self) -> Iterator[PageWriter]:
        """One write transaction: everything in it commits together or not at all."""
        with self.datastore.get_connection(commit=True) as conn:
            cursor = conn.cursor()
            # WAL + NORMAL survives any crash of this process consistently; after a power
            # loss the last pages may be redone, rows and tracking always agree. A bulk
            # rebuild's file is discarded unless it completes, so it need not wait for the disk.
            cursor.execute("PRAGMA synchronous=" + ("OFF" if self.bulk else "NORMAL"))
            cursor.execute("BEGIN IMMEDIATE")
            try:
                yield _SQLitePage(self, cursor)
            except BaseException:
                conn.rollback()
                raise
            else:
                conn.commit()
            finally:
                cursor.sqlite_cursor.close()

    def position(self, name: str) -> int:
        return self.max_tracking_id(name) or 0

    def meta(self) -> dict[str, tuple[int, str]]:
        return {name: (version, settings) for name, version, settings in
                self.query("SELECT name, version, settings FROM read_models")}

    def set_meta(self, name: str, version: int, settings: str) -> None:
        with self.datastore.transaction(commit=True) as c:
            c.execute("DELETE FROM read_models WHERE name = ?", (name,))
            c.execute("INSERT INTO read_models VALUES (?, ?, ?)", (name, version, settings))

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(sql, params)
            return [tuple(row) for row in c.fetchall()]

    def stream(self, sql: str, params: Sequence[Any] = (), batch: int = 2000) -> Iterator[Row]:
        """Rows one by one from a consistent snapshot (for exports of large tables)."""
        with self.datastore.transaction(commit=False) as c:
            c.execute(sql, params)
            while rows := c.sqlite_cursor.fetchmany(batch):
                yield from (tuple(row) for row in rows)

    def table_names(self) -> list[str]:
        return [row[0] for row in self.query(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]

    def close(self) -> None:
        if self.bulk:
            with self.datastore.get_connection(commit=True) as conn:
                conn.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.datastore.close()
        if self.bulk:
            with self.path.open("rb+") as db:
                os.fsync(db.fileno())


def table_contents(store: ReadModelStore, table: str) -> list[Row]:
    """Every row of a table, sorted (used to compare two stores row for row)."""
    rows = store.query(f"SELECT * FROM {table}")
    return sorted(rows, key=lambda row: tuple((v is None, "" if v is None else v) for v in row))
