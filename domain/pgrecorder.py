"""eventsourcing's PostgreSQL application recorder, with one method changed: ``insert_events``.

The library sends a save in psycopg's pipeline mode. With psycopg 3.3 that hangs for good on a
large save (from about 16,000 events, ~8 MB, in one transaction — a legacy import batch): the
client stops sending mid-statement and the server waits in ``ClientRead`` forever. Here the very
same statements (the table lock that keeps notification ids in commit order, ``NOTIFY``, the
``unnest`` insert returning the ids) run in one ordinary transaction instead. Measured here,
that is also faster for the engine's one-event saves (~960 vs ~700 saves/s on one connection).
Tables, reads, tracking, subscriptions and errors stay the library's own.

``advisory_locks``: one writer per case (domain/caselock.py). A command's transaction takes a
transaction-level advisory lock keyed by its case before the case is loaded, and saves in that
same transaction; the commit releases the lock.
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
    InterfaceError,
    OperationalError,
    StoredEvent,
)
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.utils import retry
from psycopg import sql
from psycopg.rows import DictRow

from domain.anchors import AnchorLog, Head
from domain.caselock import CaseBusy, CaseLocks, local_locks, remaining


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
    """What a command does in its transaction while it holds its cases' advisory locks."""

    def __init__(self, recorder: PostgresApplicationRecorder,
                 cursor: psycopg.Cursor[DictRow], anchors: AnchorLog | None = None) -> None:
        self._recorder = recorder
        self._cursor = cursor
        self._anchors = anchors

    def events_after(self, ref: UUID, version: int, limit: int | None = None
                     ) -> list[StoredEvent]:
        statement = self._recorder.select_events_statement + sql.SQL(
            " AND originator_version > %s ORDER BY originator_version ASC LIMIT %s")
        self._cursor.execute(statement, (ref, version, limit), prepare=True)
        return [StoredEvent(originator_id=row["originator_id"],
                            originator_version=row["originator_version"], topic=row["topic"],
                            state=bytes(row["state"])) for row in self._cursor.fetchall()]

    def insert(self, stored: Sequence[StoredEvent]) -> Sequence[int] | None:
        """The library's statements (table lock, ``NOTIFY``, insert), in this transaction;
        the notification ids."""
        if not stored:
            return None
        recorder, cursor = self._recorder, self._cursor
        recorder._insert_events(cursor, stored)
        recorder._insert_stored_events(cursor, stored)
        ids: Sequence[int] | None = recorder._fetch_ids_after_insert_events(cursor, stored)
        return ids

    def anchor(self, heads: Sequence[Head]) -> None:
        """Record the saved cases' heads in the anchor log's schema, in this transaction."""
        if heads and self._anchors is not None:
            self._anchors.record(heads, self._cursor)


def lock_key(recorder: PostgresApplicationRecorder, ref: UUID) -> int:
    """The advisory lock key (a signed 64-bit number) of a case in this recorder's table."""
    name = f"{recorder.datastore.schema}.{recorder.events_table_name}:{ref}".encode()
    return int.from_bytes(hashlib.blake2b(name, digest_size=8).digest(), "big", signed=True)


def advisory_locks(recorder: ApplicationRecorder, anchors: AnchorLog | None = None
                   ) -> CaseLocks:
    """The case locks of a PostgreSQL store (any other recorder: this process's own); each
    transaction anchors what it saves in ``anchors``."""
    if not isinstance(recorder, PostgresApplicationRecorder):
        return local_locks(recorder, anchors)
    pg: PostgresApplicationRecorder = recorder

    @contextlib.contextmanager
    def hold(refs: Sequence[UUID], deadline: float) -> Iterator[AdvisoryTransaction]:
        with pg.datastore.get_connection() as conn, conn.transaction(), \
                conn.cursor() as cursor:
            for key in sorted({lock_key(pg, ref) for ref in refs}):  # one order: no deadlock
                wait = max(1, int(remaining(deadline) * 1000))  # 0 would mean "no limit"
                cursor.execute(sql.SQL("SET LOCAL lock_timeout = {}").format(
                    sql.Literal(f"{wait}ms")))
                try:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", (key,))
                except psycopg.errors.LockNotAvailable:
                    raise CaseBusy from None
            yield AdvisoryTransaction(pg, cursor, anchors)

    return hold
