"""Storage of cases: our pydantic mapper (eventsourcing 9.5.6 ships none), the snapshot, and the
append path of the application (a dedicated SQLite writer and a lean ``save``).

Events are stored as ``model_dump(mode="json")`` encoded with orjson (Decimal and dates as
strings, round-tripping exactly) and rebuilt with ``model_validate`` of the event class.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, cast
from uuid import UUID

import orjson
from eventsourcing.application import Application, ProcessingEvent
from eventsourcing.persistence import (
    IntegrityError,
    Mapper,
    Notification,
    OperationalError,
    PersistenceError,
    Recording,
    StoredEvent,
)
from eventsourcing.sqlite import SQLiteApplicationRecorder
from eventsourcing.utils import Environment, EnvType, get_topic, resolve_topic
from pydantic import BaseModel, ConfigDict

from domain.case import EnforcementCase
from domain.caselock import CaseBusy, CaseLocks, local_locks, remaining
from domain.encryption import decode_error, with_cipher
from domain.sqliteturns import WriteTurns
from domain.state import CaseState
from domain.values import READ_AS_RECORDED

SNAPSHOT_INTERVAL = 100
Row = tuple[str, int, str, bytes]


class CaseSnapshot(BaseModel):
    """A snapshot of a case's state at a version (shortens replay of long histories)."""

    model_config = ConfigDict(frozen=True)

    originator_id: UUID
    originator_version: int
    state: dict[str, Any]

    @classmethod
    def take(cls, aggregate: Any) -> CaseSnapshot:
        state: CaseState = aggregate.state
        return cls(originator_id=state.id, originator_version=state.version,
                   state=state.model_dump(mode="json"))

    def mutate(self, aggregate: Any) -> Any:
        return EnforcementCase(CaseState.model_validate(self.state))


_IDENTITY = ("originator_id", "originator_version")


class PydanticMapper(Mapper[UUID]):
    """Maps pydantic events to stored events and back (optionally compressed and encrypted)."""

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        return StoredEvent(originator_id=domain_event.originator_id,
                           originator_version=domain_event.originator_version,
                           topic=get_topic(type(domain_event)), state=self.encode(domain_event))

    def encode(self, domain_event: Any) -> bytes:
        """The stored state of an event: its JSON without identity, compressed, encrypted."""
        event = cast(BaseModel, domain_event)
        private = event.__pydantic_private__
        data = private.get("_json") if private else None  # cached when the event was sealed
        if data is None:
            data = event.model_dump(mode="json")
        state = orjson.dumps({k: v for k, v in data.items() if k not in _IDENTITY})
        if self.compressor:
            state = self.compressor.compress(state)
        if self.cipher:
            state = self.cipher.encrypt(state)
        return state

    def decode(self, stored: StoredEvent) -> dict[str, Any]:
        """The event's plaintext JSON form, with its identity from the row."""
        state = stored.state
        try:
            if self.cipher:
                state = self.cipher.decrypt(state)
            if self.compressor:
                state = self.compressor.decompress(state)
            data: dict[str, Any] = orjson.loads(state)
        except Exception as exc:
            raise decode_error(stored, self.cipher, exc) from exc
        data["originator_id"] = str(stored.originator_id)
        data["originator_version"] = stored.originator_version
        return data

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        cls = cast(type[BaseModel], resolve_topic(stored_event.topic))
        data = self.decode(stored_event)
        return cls.model_validate(data, context=READ_AS_RECORDED)


class SQLiteEventWriter:
    """The append path of the SQLite store: one dedicated connection, one transaction per save.

    Writes exactly what eventsourcing's ``SQLiteApplicationRecorder`` writes (same table, same
    rows, notification ids from the rowid) without its connection pool and per-call bookkeeping,
    a measurable share of a command's cost (bench/bench_commands.py). Durability is the same:
    the file's WAL journal and SQLite's default ``synchronous=FULL``; a save returns only after
    its commit. Reads, snapshots and tracking still go through eventsourcing's recorder.

    A command holds the database's write lock from before it loads its case until its commit
    (:meth:`locked`, domain/caselock.py): the processes of a host sharing the file write one at
    a time. A duplicate (case, version) — a writer that bypassed the lock — raises
    eventsourcing's ``IntegrityError``.
    """

    def __init__(self, db_name: str, *, lock_timeout: float = 5.0,
                 table: str = "stored_events") -> None:
        self._conn = sqlite3.connect(db_name, uri=True, isolation_level=None,
                                     check_same_thread=False, timeout=lock_timeout,
                                     cached_statements=16)
        if self._conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            self._conn.execute("PRAGMA journal_mode=WAL")  # as eventsourcing's connections do
        self._conn.execute("PRAGMA busy_timeout = 0")  # WriteTurns waits for the write lock
        self._turns = WriteTurns(db_name)
        self._cursor = self._conn.cursor()
        self._lock = threading.RLock()
        self._lock_timeout = lock_timeout
        self._table = table
        self._insert = f"INSERT INTO {table} VALUES (?,?,?,?)"
        self._after = (f"SELECT originator_version, topic, state FROM {table} "
                       "WHERE originator_id = ? AND originator_version > ? "
                       "ORDER BY originator_version LIMIT ?")

    @classmethod
    def for_recorder(cls, recorder: object) -> SQLiteEventWriter | None:
        """A writer for the file behind an eventsourcing SQLite application recorder, if any."""
        if not isinstance(recorder, SQLiteApplicationRecorder):
            return None
        pool = recorder.datastore.pool
        if pool.is_sqlite_memory_mode:
            return None  # one shared in-memory database: keep the library's interlocking
        return cls(pool.db_name, lock_timeout=float(pool.lock_timeout or 5),
                   table=recorder.events_table_name)

    def pragmas(self) -> tuple[str, int]:
        """The connection's journal mode and ``synchronous`` level (2 = FULL)."""
        with self._lock:
            journal = self._conn.execute("PRAGMA journal_mode").fetchone()[0]
            sync = self._conn.execute("PRAGMA synchronous").fetchone()[0]
        return str(journal), int(sync)

    @contextlib.contextmanager
    def locked(self, refs: Sequence[UUID], deadline: float) -> Iterator[SQLiteTransaction]:
        """The database's write lock (``BEGIN IMMEDIATE``) until the block ends: committed if
        it ends normally, rolled back if it raises. ``CaseBusy`` if the lock (this process's
        connection, then the file's) is not free by ``deadline``. ``refs``: the cases the
        command writes (SQLite locks the whole file for them)."""
        if not self._lock.acquire(timeout=remaining(deadline)):
            raise CaseBusy
        try:
            self._turns.begin(self._cursor, deadline)
            try:
                yield SQLiteTransaction(self)
                self._cursor.execute("COMMIT")
                self._turns.committed()
            except BaseException as exc:
                if self._conn.in_transaction:
                    self._conn.rollback()
                translated = _translated(exc)
                if translated is exc:
                    raise
                raise translated from exc
        finally:
            self._lock.release()

    def insert(self, stored: Sequence[StoredEvent]) -> list[int]:
        """Append stored events in one committed transaction; their notification ids."""
        return self.insert_rows([_row(s) for s in stored])

    def insert_rows(self, rows: Sequence[Row]) -> list[int]:
        """Append ``(originator id hex, version, topic, state)`` rows in one transaction
        (waiting at most the store's lock timeout for the write lock)."""
        try:
            with self.locked((), time.monotonic() + self._lock_timeout) as tx:
                return tx.append(rows)
        except CaseBusy:
            raise OperationalError("database is locked") from None

    def existing(self, refs: Sequence[UUID]) -> set[UUID]:
        """Which of these originator ids have at least one stored event."""
        found: set[UUID] = set()
        with self._lock:
            for i in range(0, len(refs), 500):
                chunk = refs[i:i + 500]
                marks = ",".join("?" * len(chunk))
                rows = self._conn.execute(f"SELECT DISTINCT originator_id FROM {self._table} "
                                          f"WHERE originator_id IN ({marks})",
                                          [ref.hex for ref in chunk]).fetchall()
                found.update(UUID(hex=row[0]) for row in rows)
        return found

    def close(self) -> None:
        with self._lock:
            self._conn.close()
            self._turns.close()


class SQLiteTransaction:
    """What a command does on the writer's connection while it holds the write lock."""

    def __init__(self, writer: SQLiteEventWriter) -> None:
        self._writer = writer

    def events_after(self, ref: UUID, version: int, limit: int | None = None
                     ) -> list[StoredEvent]:
        rows = self._writer._cursor.execute(self._writer._after,
                                            (ref.hex, version, -1 if limit is None else limit))
        return [StoredEvent(originator_id=ref, originator_version=v, topic=t, state=s)
                for v, t, s in rows.fetchall()]

    def insert(self, stored: Sequence[StoredEvent]) -> None:
        self.append([_row(s) for s in stored])

    def append(self, rows: Sequence[Row]) -> list[int]:
        """Insert rows (committed with the transaction); their notification ids."""
        cursor, ids = self._writer._cursor, []
        for row in rows:
            cursor.execute(self._writer._insert, row)
            ids.append(cast(int, cursor.lastrowid))
        return ids


def _row(s: StoredEvent) -> Row:
    ref = s.originator_id
    return (ref.hex if isinstance(ref, UUID) else str(ref), s.originator_version, s.topic,
            s.state)


def _translated(exc: BaseException) -> BaseException:
    """An sqlite3 error as eventsourcing's (``IntegrityError`` for a duplicate version)."""
    if isinstance(exc, sqlite3.IntegrityError):
        return IntegrityError(exc)
    if isinstance(exc, sqlite3.OperationalError):
        return OperationalError(exc)
    if isinstance(exc, sqlite3.Error):
        return PersistenceError(exc)
    return exc


class CaseStore(Application[UUID]):
    """The storage side of the application: atomic saves of cases, through the SQLite writer.

    ``save`` takes the same steps as ``Application.save`` (record, cache, snapshot, notify) without
    its generic collection, whose runtime protocol checks cost more than the rest of the path.
    """

    def __init__(self, env: dict[str, str] | None = None) -> None:
        super().__init__(env)
        self.writer = SQLiteEventWriter.for_recorder(self.recorder)
        self.case_locks = self._case_locks()
        self.check_cipher_key()

    def _case_locks(self) -> CaseLocks:
        """How a command takes its case's lock on this store (domain/caselock.py)."""
        if self.writer is not None:
            return self.writer.locked
        if self.env.get("PERSISTENCE_MODULE") == "eventsourcing.postgres":
            from domain.pgrecorder import advisory_locks

            return advisory_locks(self.recorder)
        return local_locks(self.recorder)

    def construct_env(self, name: str, env: EnvType | None = None) -> Environment:
        """The environment, with eventsourcing's cipher set from ours (domain/encryption.py)."""
        return with_cipher(super().construct_env(name, env))

    def check_cipher_key(self) -> None:
        """Decode the first stored event: a wrong or missing key fails here, at open, with a
        typed ``CipherKeyError`` (``cipher.wrong_key`` …) rather than at some later read."""
        first = self.recorder.select_notifications(start=None, limit=1)
        if first and isinstance(self.mapper, PydanticMapper):
            self.mapper.decode(first[0])

    def save(self, *objs: Any, **kwargs: Any) -> list[Recording[UUID]]:
        """Record the pending events of the given cases in one transaction."""
        if kwargs or not all(type(obj) is EnforcementCase for obj in objs):
            return super().save(*objs, **kwargs)
        processing: ProcessingEvent[UUID] = ProcessingEvent()
        for case in objs:
            processing.events.extend(case.collect_events())
            processing.aggregates[case.id] = case
        recordings = self._record(processing)
        self._take_snapshots(processing)
        self._notify(recordings)
        return recordings

    def _record(self, processing_event: ProcessingEvent[UUID]) -> list[Recording[UUID]]:
        if self.writer is None or processing_event.tracking is not None or \
                processing_event.saved_kwargs:
            return super()._record(processing_event)
        events = processing_event.events
        stored = [self.mapper.to_stored_event(e) for e in events]
        ids = self.writer.insert(stored)
        cache = self.repository.cache
        if cache is not None:
            for ref, aggregate in processing_event.aggregates.items():
                cache.put(ref, aggregate)
        return [Recording(e, Notification(id=n, originator_id=s.originator_id,
                                          originator_version=s.originator_version,
                                          topic=s.topic, state=s.state))
                for e, s, n in zip(events, stored, ids, strict=True)]

    def cached(self, cases: Sequence[EnforcementCase], events: Sequence[Any]) -> None:
        """Keep saved cases in the aggregate cache and snapshot those that passed a multiple
        of SNAPSHOT_INTERVAL (after the commit, outside the write lock)."""
        cache = self.repository.cache
        if cache is not None:
            for case in cases:
                cache.put(case.id, case)
        self._snapshot(events, {case.id: case for case in cases})

    def _take_snapshots(self, processing_event: ProcessingEvent[UUID]) -> None:
        self._snapshot(processing_event.events, processing_event.aggregates)

    def _snapshot(self, events: Sequence[Any], aggregates: Mapping[UUID, Any]) -> None:
        """Snapshot a case from memory whenever it passes a multiple of SNAPSHOT_INTERVAL."""
        if self.snapshots is None:
            return
        due = {e.originator_id for e in events
               if e.originator_version % SNAPSHOT_INTERVAL == 0 and e.originator_id in aggregates}
        if due:
            self.snapshots.put([CaseSnapshot.take(aggregates[ref]) for ref in due])

    def existing(self, refs: Sequence[UUID]) -> set[UUID]:
        """Which of these cases have events (cache first, then one query per 500 ids)."""
        found, unknown = set(), []
        cache = self.repository.cache
        for ref in refs:
            try:
                if cache is None:
                    raise KeyError(ref)
                cache.get(ref)
                found.add(ref)
            except KeyError:
                unknown.append(ref)
        if self.writer is not None:
            return found | self.writer.existing(unknown)
        return found | {ref for ref in unknown if self.recorder.select_events(ref, limit=1)}

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        super().close()
