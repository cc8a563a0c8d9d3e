"""eventsourcing's PostgreSQL application recorder, with one method changed: ``insert_events``.

The library sends a save in psycopg's pipeline mode. With psycopg 3.3 that hangs for good on a
large save (from about 16,000 events, ~8 MB, in one transaction — a legacy import batch): the
client stops sending mid-statement and the server waits in ``ClientRead`` forever. Here the very
same statements (the table lock that keeps notification ids in commit order, ``NOTIFY``, the
``unnest`` insert returning the ids) run in one ordinary transaction instead. Measured here,
that is also faster for the engine's one-event saves (~960 vs ~700 saves/s on one connection).
Tables, reads, tracking, subscriptions and errors stay the library's own.

``advisory_locks``: one writer per case (domain/caselock.py). A command takes a
transaction-level advisory lock keyed by its case before the case is loaded, and saves in that
same transaction; the commit releases the lock. The commands of a process's threads share
transactions (:class:`PostgresGroupWriter`, group commit: docs/operations.md).
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator, Sequence
from typing import Any
from uuid import UUID

import psycopg
from eventsourcing.persistence import (
    ApplicationRecorder,
    IntegrityError,
    InterfaceError,
    OperationalError,
    PersistenceError,
    StoredEvent,
)
from eventsourcing.postgres import PostgresAggregateRecorder, PostgresApplicationRecorder
from eventsourcing.utils import retry
from psycopg import sql
from psycopg.rows import DictRow

from domain.anchors import AnchorLog, Head, MissingAnchorLog
from domain.caselock import CaseBusy, CaseLocks, local_locks, remaining, stored_rows
from domain.groupcommit import GroupCommit, Member


class PostgresEventRecorder(PostgresApplicationRecorder):
    """``PostgresApplicationRecorder`` saving without pipeline mode (see the module docstring)."""

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any
                      ) -> Sequence[int] | None:
        if self.datastore.enable_db_functions:
            ids: Sequence[int] | None = super().insert_events(stored_events, **kwargs)
            return ids
        with self.datastore.get_connection() as conn, conn.transaction(), \
                conn.cursor() as curs:
            self._insert_events(curs, stored_events, **kwargs)
            if not stored_events:
                return None  # as the library answers an empty save
            self._insert_stored_events(curs, stored_events, **kwargs)  # lock, notify, insert
            return self._fetch_ids_after_insert_events(curs, stored_events, **kwargs)


class AdvisoryTransaction:
    """What a command does in its transaction while it holds its cases' advisory locks: the
    shared transaction (``member``) or one of its own (``member`` None)."""

    def __init__(self, writer: PostgresGroupWriter, cursor: psycopg.Cursor[DictRow],
                 member: Member | None) -> None:
        self._writer = writer
        self._cursor = cursor
        self._member = member

    def events_after(self, ref: UUID, version: int, limit: int | None = None
                     ) -> list[StoredEvent]:
        recorder, cursor = self._writer.recorder, self._cursor
        statement = recorder.select_events_statement + sql.SQL(
            " AND originator_version > %s ORDER BY originator_version ASC LIMIT %s")
        cursor.execute(statement, (ref, version, limit), prepare=True)
        return [StoredEvent(originator_id=row["originator_id"],
                            originator_version=row["originator_version"], topic=row["topic"],
                            state=bytes(row["state"])) for row in cursor.fetchall()]

    def insert(self, stored: Sequence[StoredEvent]) -> Sequence[int] | None:
        """The library's statements in this transaction: its table lock and ``NOTIFY`` (once
        a transaction, in one round trip), then the insert; the notification ids."""
        if not stored:
            return None
        writer, member = self._writer, self._member
        recorder, cursor = writer.recorder, self._cursor
        if member is None or TABLE_LOCKED not in member.batch.marks:
            cursor.execute(writer.lock_and_notify())
            if member is not None:
                member.mark(TABLE_LOCKED)
        PostgresAggregateRecorder._insert_stored_events(recorder, cursor, stored)
        ids: Sequence[int] | None = recorder._fetch_ids_after_insert_events(cursor, stored)
        return ids

    def insert_rows(self, rows: Sequence[tuple[str, int, str, bytes]]) -> None:
        """Rows in bulk: one insert statement (the library's ``unnest``)."""
        self.insert(stored_rows(rows))

    def anchor(self, heads: Sequence[Head]) -> None:
        """Record the saved cases' heads in the anchor log's schema, in this transaction (in a
        shared one with the other commands' at its commit; a missing log refuses the save at
        once)."""
        anchors = self._writer.anchors
        if heads and anchors is not None:
            if self._member is None or isinstance(anchors, MissingAnchorLog):
                anchors.record(heads, self._cursor)
            else:
                self._member.heads.extend(heads)


TABLE_LOCKED = "events table locked"


class _Taken(Exception):
    """A case's lock is held by another transaction (internal: wait, then join again)."""


class PostgresGroupWriter(GroupCommit):
    """The append path of a PostgreSQL store in this process: one connection of the pool,
    commands of many threads sharing its transactions (group commit, domain/groupcommit.py).

    A command joins the open transaction and takes its cases' advisory locks there without
    waiting (``pg_try_advisory_xact_lock``). If another transaction holds one, the command's
    part is rolled back (the others of the transaction go on) and the command runs in a
    transaction of its own on a connection of the pool, queued for its locks behind their
    holder as before group commit (at most until its deadline, ``lock_timeout``): a command
    waiting for a case never holds up the process's other commands, and the shared
    transaction never waits for a lock, so processes cannot deadlock. The commit releases the
    locks."""

    release_savepoints = False  # at most GROUP_MAX - 1 nested: within the server's cache of 64

    def __init__(self, recorder: PostgresApplicationRecorder,
                 anchors: AnchorLog | None = None) -> None:
        super().__init__()
        self.recorder = recorder
        self.anchors = anchors
        self._stack = contextlib.ExitStack()
        self._conn: psycopg.Connection[DictRow] | None = None
        self._cursor: psycopg.Cursor[DictRow] | None = None
        self._lock_and_notify: str | None = None

    @property
    def cursor(self) -> psycopg.Cursor[DictRow]:
        assert self._cursor is not None
        return self._cursor

    def _connect(self) -> psycopg.Cursor[DictRow]:
        """The writer's connection (taken from the pool; a broken one is given back)."""
        conn = self._conn
        if conn is None or conn.closed or conn.broken:
            self._stack.close()
            self._stack = contextlib.ExitStack()
            conn = self._conn = self._stack.enter_context(
                self.recorder.datastore.get_connection())
            self._cursor = conn.cursor()
        assert self._cursor is not None
        return self._cursor

    def lock_and_notify(self) -> str:
        """The library's table lock statements and its ``NOTIFY``, as one query."""
        if self._lock_and_notify is None:
            assert self._conn is not None
            statements = [*self.recorder.lock_table_statements,
                          sql.SQL("NOTIFY {0}").format(sql.Identifier(
                              self.recorder.channel_name))]
            self._lock_and_notify = sql.SQL("; ").join(statements).as_string(self._conn)
        return self._lock_and_notify

    @contextlib.contextmanager
    def locked(self, refs: Sequence[UUID], deadline: float) -> Iterator[AdvisoryTransaction]:
        """These cases' advisory locks while the block runs, in the shared transaction if they
        are free, else in a transaction of its own once they are: what the block writes is
        committed before this returns, rolled back (alone) if it raises. ``CaseBusy`` if the
        locks are not had by ``deadline``."""
        keys = sorted({lock_key(self.recorder, ref) for ref in refs})  # one order: no deadlock
        try:
            with self.member(deadline) as member:
                if keys and not self._try_locks(keys):
                    raise _Taken  # its part rolled back: the others go on
                yield AdvisoryTransaction(self, self.cursor, member)
            return
        except _Taken:
            pass
        with self.recorder.datastore.get_connection() as conn, conn.transaction(), \
                conn.cursor() as cursor:
            for key in keys:  # queued behind the holder, as the server orders waiters
                wait = max(1, int(remaining(deadline) * 1000))  # 0 would mean "no limit"
                cursor.execute(sql.SQL("SET LOCAL lock_timeout = {}").format(
                    sql.Literal(f"{wait}ms")))
                try:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", (key,))
                except psycopg.errors.LockNotAvailable:
                    raise CaseBusy from None
            yield AdvisoryTransaction(self, cursor, None)

    def _try_locks(self, keys: list[int]) -> bool:
        """Take the cases' locks in the shared transaction if they are free (what was taken
        of them is given back with the command's part if not all were)."""
        cursor = self.cursor
        cursor.execute("SELECT bool_and(pg_try_advisory_xact_lock(k)) AS ok "
                       "FROM unnest(%s::bigint[]) AS k", (keys,), prepare=True)
        row = cursor.fetchone()
        return bool(row is not None and row["ok"])

    def _begin(self, deadline: float) -> None:
        self._connect().execute("BEGIN")

    def _statement(self, text: str) -> None:
        self.cursor.execute(text)

    def _finish(self, heads: list[Head]) -> None:
        if heads and self.anchors is not None:
            self.anchors.record(heads, self.cursor)
        self.cursor.execute("COMMIT")

    def _rollback(self) -> None:
        conn = self._conn
        if conn is not None and not conn.closed and \
                conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            self.cursor.execute("ROLLBACK")

    def _translated(self, exc: BaseException) -> BaseException:
        return pg_translated(exc)

    def close(self) -> None:
        """Give the connection back to the pool (committing what is open)."""
        with self.connection():
            self._stack.close()
            self._conn = self._cursor = None


def pg_translated(exc: BaseException) -> BaseException:
    """A psycopg error as eventsourcing's (as the library's ``get_connection`` does)."""
    if not isinstance(exc, psycopg.Error):
        return exc
    for kind, ours in ((psycopg.IntegrityError, IntegrityError),
                       (psycopg.OperationalError, OperationalError),
                       (psycopg.InterfaceError, InterfaceError)):
        if isinstance(exc, kind):
            return ours(str(exc))
    return PersistenceError(str(exc))


def lock_key(recorder: PostgresApplicationRecorder, ref: UUID) -> int:
    """The advisory lock key (a signed 64-bit number) of a case in this recorder's table."""
    name = f"{recorder.datastore.schema}.{recorder.events_table_name}:{ref}".encode()
    return int.from_bytes(hashlib.blake2b(name, digest_size=8).digest(), "big", signed=True)


def advisory_locks(recorder: ApplicationRecorder, anchors: AnchorLog | None = None
                   ) -> tuple[CaseLocks, PostgresGroupWriter | None]:
    """The case locks of a PostgreSQL store (any other recorder: this process's own), each
    transaction anchoring what it saves in ``anchors``; and the group writer behind them (to
    be closed with the store)."""
    if not isinstance(recorder, PostgresApplicationRecorder):
        return local_locks(recorder, anchors), None
    writer = PostgresGroupWriter(recorder, anchors)
    return writer.locked, writer
