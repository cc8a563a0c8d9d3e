"""The anchor log: every save's case heads, kept apart from the event store (docs/operations.md,
"Anchors").

A hash chain proves that no event was *changed*; it cannot prove that none was *removed* from the
end of a case, that a case was not deleted whole, or that an older copy of the store was not put
back. The anchor log can: each save appends, in the very transaction that saves the events
(SQLite: the log's file attached to the writer's connection; PostgreSQL: tables in their own
schema written on the saving transaction's cursor), one entry per case it saved::

    seq, case id, version, chain value of the case's last event, global head

where ``global head`` = SHA-256(previous global head ‖ seq ‖ case id ‖ version ‖ chain), the first
previous being ``anchor-genesis``. The latest entry of a case is its anchored head; the last
entry's global head stands for the whole log (exported and signed by ``enforce audit anchors
export``, domain/anchor_export.py).

Where the log lives: beside an SQLite store ``events.sqlite`` in ``events.anchors.sqlite`` (or
``ENFORCEMENT_ANCHORS_DB``); on PostgreSQL in the schema ``<events schema>_anchors`` (or
``ENFORCEMENT_ANCHOR_SCHEMA``); in memory for an in-memory store. A new, empty store creates its
log; a store that holds events but has no log gets a :class:`MissingAnchorLog` that refuses
every save (``anchor.log_missing``) until ``enforce audit anchors adopt`` anchors its cases.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

from domain.errors import AnchorError
from domain.private import private_file

ANCHORS_DB_ENV = "ENFORCEMENT_ANCHORS_DB"
ANCHOR_SCHEMA_ENV = "ENFORCEMENT_ANCHOR_SCHEMA"
GLOBAL_GENESIS = "anchor-genesis"
SOURCE = "docs/operations.md, Anchors"
ATTACHED = "anchors"
"""The name the SQLite log's file is attached under on the event writer's connection."""
CHAIN_KEY_CHECK = "chain_key_check"


@dataclass(frozen=True)
class Head:
    """A case's head: its last version and the chain value of the event at that version."""

    case_id: UUID
    version: int
    chain: str


@dataclass(frozen=True)
class Entry:
    """One entry of the anchor log."""

    seq: int
    case_id: UUID
    version: int
    chain: str
    global_head: str


def heads_of(events: Iterable[Any]) -> list[Head]:
    """The head each case reaches with these (sealed) events, in the order cases appear."""
    last: dict[UUID, Any] = {}
    for event in events:
        seen = last.get(event.originator_id)
        if seen is None or event.originator_version > seen.originator_version:
            last[event.originator_id] = event
    return [Head(ref, e.originator_version, e.chain) for ref, e in last.items()]


def global_link(previous: str, seq: int, head: Head) -> str:
    """The global head after appending ``head`` as entry ``seq``."""
    text = f"{previous or GLOBAL_GENESIS}\n{seq}\n{head.case_id}\n{head.version}\n{head.chain}"
    return hashlib.sha256(text.encode()).hexdigest()


def chained(previous: tuple[int, str], heads: Sequence[Head]) -> list[Entry]:
    """The entries appending ``heads`` after the entry ``previous`` = (seq, global head)."""
    seq, head = previous
    entries = []
    for h in heads:
        seq += 1
        head = global_link(head, seq, h)
        entries.append(Entry(seq, h.case_id, h.version, h.chain, head))
    return entries


class AnchorLog(ABC):
    """Where the heads are anchored; ``record`` runs inside the saving transaction."""

    exists = True
    where = ""

    @abstractmethod
    def record(self, heads: Sequence[Head], cursor: Any = None) -> None:
        """Append the heads (on ``cursor``: the saving transaction's, if the backend has one)."""

    @abstractmethod
    def entries(self) -> list[Entry]:
        """Every entry, in order."""

    @abstractmethod
    def meta(self, name: str) -> str | None:
        """A setting kept with the log (e.g. the chain key's check value)."""

    @abstractmethod
    def set_meta_once(self, name: str, value: str) -> str:
        """Keep ``value`` under ``name`` unless one is kept already; the kept value."""


class MemoryAnchorLog(AnchorLog):
    """The log of an in-memory store (nothing outlives the process)."""

    where = "memory"

    def __init__(self) -> None:
        self._entries: list[Entry] = []
        self._meta: dict[str, str] = {}
        self._lock = threading.Lock()

    def record(self, heads: Sequence[Head], cursor: Any = None) -> None:
        with self._lock:
            last = (self._entries[-1].seq, self._entries[-1].global_head) if self._entries \
                else (0, "")
            self._entries.extend(chained(last, heads))

    def entries(self) -> list[Entry]:
        with self._lock:
            return list(self._entries)

    def meta(self, name: str) -> str | None:
        return self._meta.get(name)

    def set_meta_once(self, name: str, value: str) -> str:
        with self._lock:
            return self._meta.setdefault(name, value)


class MissingAnchorLog(AnchorLog):
    """A store that holds events whose anchor log is not there: every save is refused."""

    exists = False

    def __init__(self, where: str) -> None:
        self.where = where

    def _error(self) -> AnchorError:
        return AnchorError("anchor.log_missing", f"the store holds events but its anchor log "
                           f"({self.where}) is missing: restore it from the backup, or anchor "
                           "the cases as they are now with `enforce audit anchors adopt`; "
                           "nothing was written", SOURCE)

    def record(self, heads: Sequence[Head], cursor: Any = None) -> None:
        raise self._error()

    def entries(self) -> list[Entry]:
        raise self._error()

    def meta(self, name: str) -> str | None:
        return None

    def set_meta_once(self, name: str, value: str) -> str:
        raise self._error()


_SQLITE_TABLES = (
    "CREATE TABLE IF NOT EXISTS {p}anchor_entries (seq INTEGER PRIMARY KEY, case_id TEXT NOT "
    "NULL, version INTEGER NOT NULL, chain TEXT NOT NULL, global_head TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS {p}anchor_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
)


class SQLiteAnchorLog(AnchorLog):
    """The log in its own SQLite file. Writes go through the event writer's connection (the
    file attached as ``anchors``), under the store's write lock, in the saving transaction."""

    def __init__(self, path: Path, writer: Any) -> None:
        self.path = path
        self.where = str(path)
        self._writer = writer  # domain.persistence.SQLiteEventWriter
        writer.attach(private_file(path), ATTACHED)  # 0600 before SQLite opens it
        with writer.transaction() as cursor:
            for statement in _SQLITE_TABLES:
                cursor.execute(statement.format(p=f"{ATTACHED}."))

    def record(self, heads: Sequence[Head], cursor: Any = None) -> None:
        if not heads:
            return
        row = cursor.execute(f"SELECT seq, global_head FROM {ATTACHED}.anchor_entries "
                             "ORDER BY seq DESC LIMIT 1").fetchone()
        entries = chained((row[0], row[1]) if row else (0, ""), heads)
        cursor.executemany(f"INSERT INTO {ATTACHED}.anchor_entries VALUES (?,?,?,?,?)",
                           [(e.seq, e.case_id.hex, e.version, e.chain, e.global_head)
                            for e in entries])

    def _read(self) -> sqlite3.Connection:
        return sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=30)

    def entries(self) -> list[Entry]:
        conn = self._read()
        try:
            rows = conn.execute("SELECT seq, case_id, version, chain, global_head FROM "
                                "anchor_entries ORDER BY seq").fetchall()
        finally:
            conn.close()
        return [Entry(s, UUID(hex=c), v, ch, g) for s, c, v, ch, g in rows]

    def meta(self, name: str) -> str | None:
        conn = self._read()
        try:
            row = conn.execute("SELECT value FROM anchor_meta WHERE name = ?", (name,)).fetchone()
        finally:
            conn.close()
        return None if row is None else str(row[0])

    def set_meta_once(self, name: str, value: str) -> str:
        with self._writer.transaction() as cursor:
            cursor.execute(f"INSERT OR IGNORE INTO {ATTACHED}.anchor_meta VALUES (?, ?)",
                           (name, value))
            row = cursor.execute(f"SELECT value FROM {ATTACHED}.anchor_meta WHERE name = ?",
                                 (name,)).fetchone()
        return str(row[0])


class PostgresAnchorLog(AnchorLog):
    """The log in its own PostgreSQL schema, written on the saving transaction's cursor."""

    def __init__(self, datastore: Any, schema: str) -> None:
        from psycopg import sql

        self._datastore = datastore  # eventsourcing.postgres.PostgresDatastore
        self.schema = schema
        self.where = f"PostgreSQL schema {schema}"
        self._entries = sql.Identifier(schema, "anchor_entries")
        self._meta = sql.Identifier(schema, "anchor_meta")

    @staticmethod
    def present(datastore: Any, schema: str) -> bool:
        """Whether the log's tables exist in ``schema``."""
        with datastore.get_connection() as conn, conn.cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s) AS t", (f'"{schema}".anchor_entries',))
            row = cursor.fetchone()
        return row is not None and row["t"] is not None

    def create(self) -> None:
        """The schema and tables, if they are not there."""
        from psycopg import sql

        with self._datastore.get_connection() as conn, conn.transaction(), \
                conn.cursor() as cursor:
            cursor.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(
                sql.Identifier(self.schema)))
            cursor.execute(sql.SQL(
                "CREATE TABLE IF NOT EXISTS {} (seq BIGINT PRIMARY KEY, case_id UUID NOT NULL, "
                "version INTEGER NOT NULL, chain TEXT NOT NULL, global_head TEXT NOT NULL)"
            ).format(self._entries))
            cursor.execute(sql.SQL("CREATE TABLE IF NOT EXISTS {} (name TEXT PRIMARY KEY, "
                                   "value TEXT NOT NULL)").format(self._meta))

    def record(self, heads: Sequence[Head], cursor: Any = None) -> None:
        from psycopg import sql

        if not heads:
            return
        if cursor is None:
            with self._datastore.get_connection() as conn, conn.transaction(), \
                    conn.cursor() as own:
                self.record(heads, own)
            return
        # one appender at a time: the global head runs through every entry in order
        cursor.execute(sql.SQL("LOCK TABLE {} IN EXCLUSIVE MODE").format(self._entries))
        cursor.execute(sql.SQL("SELECT seq, global_head FROM {} ORDER BY seq DESC LIMIT 1")
                       .format(self._entries))
        row = cursor.fetchone()
        entries = chained((row["seq"], row["global_head"]) if row else (0, ""), heads)
        cursor.executemany(sql.SQL("INSERT INTO {} VALUES (%s, %s, %s, %s, %s)").format(
            self._entries), [(e.seq, e.case_id, e.version, e.chain, e.global_head)
                             for e in entries])

    def entries(self) -> list[Entry]:
        from psycopg import sql

        with self._datastore.get_connection() as conn, conn.cursor() as cursor:
            cursor.execute(sql.SQL("SELECT seq, case_id, version, chain, global_head FROM {} "
                                   "ORDER BY seq").format(self._entries))
            rows = cursor.fetchall()
        return [Entry(r["seq"], r["case_id"], r["version"], r["chain"], r["global_head"])
                for r in rows]

    def meta(self, name: str) -> str | None:
        from psycopg import sql

        with self._datastore.get_connection() as conn, conn.cursor() as cursor:
            cursor.execute(sql.SQL("SELECT value FROM {} WHERE name = %s").format(self._meta),
                           (name,))
            row = cursor.fetchone()
        return None if row is None else str(row["value"])

    def set_meta_once(self, name: str, value: str) -> str:
        from psycopg import sql

        with self._datastore.get_connection() as conn, conn.transaction(), \
                conn.cursor() as cursor:
            cursor.execute(sql.SQL("INSERT INTO {} VALUES (%s, %s) ON CONFLICT (name) DO "
                                   "NOTHING").format(self._meta), (name, value))
            cursor.execute(sql.SQL("SELECT value FROM {} WHERE name = %s").format(self._meta),
                           (name,))
            row = cursor.fetchone()
        return str(row["value"])


def anchors_path(db_path: Path, env_value: str | None = None) -> Path:
    """The anchor log file of an SQLite store: ``events.sqlite`` → ``events.anchors.sqlite``."""
    if env_value:
        return Path(env_value)
    return db_path.with_name(f"{db_path.stem}.anchors.sqlite")


def anchor_schema(events_schema: str, env_value: str | None = None) -> str:
    """The anchor log's PostgreSQL schema: ``<events schema>_anchors`` by default."""
    return env_value or f"{events_schema}_anchors"
