"""Storage of cases: our pydantic mapper (eventsourcing 9.5.6 ships none), the snapshot, and the
append path of the application (a dedicated SQLite writer and a lean ``save``).

Events are stored as ``model_dump(mode="json")`` encoded with orjson (Decimal and dates as
strings, round-tripping exactly) and rebuilt with ``model_validate`` of the event class.
"""

from __future__ import annotations

import contextlib
import hmac
import itertools
import logging
import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, cast
from uuid import UUID

import orjson
from eventsourcing.application import (
    AggregateNotFoundError,
    Application,
    LRUCache,
    ProcessingEvent,
    Repository,
)
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

from domain.anchors import (
    ANCHOR_SCHEMA_ENV,
    ANCHORS_DB_ENV,
    AnchorLog,
    Head,
    MemoryAnchorLog,
    MissingAnchorLog,
    PostgresAnchorLog,
    SQLiteAnchorLog,
    anchor_schema,
    anchors_path,
    heads_of,
)
from domain.case import EnforcementCase
from domain.caselock import DEFAULT_LOCK_WAIT, CaseBusy, CaseLocks, local_locks
from domain.encryption import decode_error, with_cipher
from domain.groupcommit import GroupCommit, Member
from domain.sqliteturns import WriteTurns
from domain.state import CaseState
from domain.tamper import HashChain
from domain.values import READ_AS_RECORDED

SNAPSHOT_INTERVAL = 100
SNAPSHOT_TOPIC = "snapshot"
"""What a snapshot's seal is computed under, in place of an event's topic."""
log = logging.getLogger(__name__)
Row = tuple[str, int, str, bytes]


class CaseSnapshot(BaseModel):
    """A snapshot of a case's state at a version (shortens replay of long histories).

    ``chain``: the chain value of the event it stands for; ``seal``: a link of the hash chain
    (keyed) over that value and the snapshot's state. A snapshot is used only if its seal holds
    and the event at its version carries its chain value; else the case is rebuilt from its
    events (docs/operations.md, Anchors)."""

    model_config = ConfigDict(frozen=True)

    originator_id: UUID
    originator_version: int
    state: dict[str, Any]
    chain: str = ""
    seal: str = ""

    @classmethod
    def take(cls, aggregate: Any, chain: HashChain) -> CaseSnapshot:
        state: CaseState = aggregate.state
        snapshot = cls(originator_id=state.id, originator_version=state.version,
                       state=state.model_dump(mode="json"), chain=state.chain_head)
        return snapshot.model_copy(update={"seal": snapshot.sealed_with(chain)})

    def sealed_with(self, chain: HashChain) -> str:
        """The seal this snapshot's content has under ``chain``'s key."""
        return chain.link_body(self.chain, SNAPSHOT_TOPIC, {
            "originator_id": str(self.originator_id),
            "originator_version": self.originator_version, "state": self.state})

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


class SQLiteEventWriter(GroupCommit):
    """The append path of the SQLite store: one dedicated connection, commands of many threads
    sharing its transactions (group commit, domain/groupcommit.py).

    Writes exactly what eventsourcing's ``SQLiteApplicationRecorder`` writes (same table, same
    rows, notification ids from the rowid) without its connection pool and per-call bookkeeping,
    a measurable share of a command's cost (bench/bench_commands.py). Durability is the same:
    the file's WAL journal and SQLite's default ``synchronous=FULL``; a save returns only after
    the commit that holds it. Reads, snapshots and tracking still go through eventsourcing's
    recorder.

    A command holds the database's write lock from before it loads its case until its commit
    (:meth:`locked`, domain/caselock.py): the processes of a host sharing the file write one
    transaction at a time. A duplicate (case, version) — a writer that bypassed the lock —
    raises eventsourcing's ``IntegrityError``.
    """

    def __init__(self, db_name: str, *, lock_timeout: float = 5.0,
                 table: str = "stored_events") -> None:
        super().__init__()
        self.db_name = db_name
        self._conn = sqlite3.connect(db_name, uri=True, isolation_level=None,
                                     check_same_thread=False, timeout=lock_timeout,
                                     cached_statements=16)
        if self._conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            self._conn.execute("PRAGMA journal_mode=WAL")  # as eventsourcing's connections do
        self._conn.execute("PRAGMA busy_timeout = 0")  # WriteTurns waits for the write lock
        self._turns = WriteTurns(db_name)
        self._cursor = self._conn.cursor()
        self._lock_timeout = lock_timeout
        self._table = table
        self.anchors: AnchorLog | None = None
        """The anchor log written in each save's transaction (domain/anchors.py)."""
        self.anchors_attached = False
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

    def attach(self, path: Path, name: str) -> None:
        """Attach another SQLite file (the anchor log) to the writer's connection: what the
        writer saves there commits with the events (WAL journal on both files)."""
        with self.connection():
            self._conn.execute("ATTACH DATABASE ? AS " + name, (str(path),))
            if self._conn.execute(f"PRAGMA {name}.journal_mode").fetchone()[0].lower() != "wal":
                self._conn.execute(f"PRAGMA {name}.journal_mode=WAL")
            self._conn.execute(f"PRAGMA {name}.synchronous=NORMAL")
        self.anchors_attached = True

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Cursor]:
        """The writer's cursor in a transaction holding the write lock (at most the store's
        lock timeout to get it), committed when the block ends."""
        try:
            with self.locked((), time.monotonic() + self._lock_timeout):
                yield self._cursor
        except CaseBusy:
            raise OperationalError("database is locked") from None

    def pragmas(self) -> tuple[str, int]:
        """The connection's journal mode and ``synchronous`` level (2 = FULL)."""
        with self.connection():
            journal = self._conn.execute("PRAGMA journal_mode").fetchone()[0]
            sync = self._conn.execute("PRAGMA synchronous").fetchone()[0]
        return str(journal), int(sync)

    @contextlib.contextmanager
    def locked(self, refs: Sequence[UUID], deadline: float) -> Iterator[SQLiteTransaction]:
        """The database's write lock (``BEGIN IMMEDIATE``) while the block runs, in the
        writer's shared transaction: what the block writes is committed before this returns,
        and rolled back (to the block's savepoint) if it raises. ``CaseBusy`` if the lock
        (this process's connection, then the file's) is not free by ``deadline``. ``refs``:
        the cases the command writes (SQLite locks the whole file for them)."""
        with self.member(deadline) as member:
            yield SQLiteTransaction(self, member)

    def _begin(self, deadline: float) -> None:
        self._turns.begin(self._cursor, deadline)

    def _statement(self, sql: str) -> None:
        self._cursor.execute(sql)

    def _finish(self, heads: list[Head]) -> None:
        if heads and self.anchors is not None:
            self.anchors.record(heads, self._cursor)
        self._cursor.execute("COMMIT")

    def _rollback(self) -> None:
        if self._conn.in_transaction:
            self._conn.rollback()

    def _committed(self) -> None:
        self._turns.committed()

    def _translated(self, exc: BaseException) -> BaseException:
        return _translated(exc)

    def insert(self, stored: Sequence[StoredEvent], heads: Sequence[Head] = ()) -> list[int]:
        """Append stored events in one committed transaction (anchoring ``heads`` in it);
        their notification ids."""
        return self.insert_rows([_row(s) for s in stored], heads)

    def insert_rows(self, rows: Sequence[Row], heads: Sequence[Head] = ()) -> list[int]:
        """Append ``(originator id hex, version, topic, state)`` rows in one transaction
        (waiting at most the store's lock timeout for the write lock), anchoring ``heads``."""
        try:
            with self.locked((), time.monotonic() + self._lock_timeout) as tx:
                ids = tx.append(rows)
                tx.anchor(heads)
                return ids
        except CaseBusy:
            raise OperationalError("database is locked") from None

    def existing(self, refs: Sequence[UUID]) -> set[UUID]:
        """Which of these originator ids have at least one stored event (committed)."""
        found: set[UUID] = set()
        with self.connection():
            for i in range(0, len(refs), 500):
                chunk = refs[i:i + 500]
                marks = ",".join("?" * len(chunk))
                rows = self._conn.execute(f"SELECT DISTINCT originator_id FROM {self._table} "
                                          f"WHERE originator_id IN ({marks})",
                                          [ref.hex for ref in chunk]).fetchall()
                found.update(UUID(hex=row[0]) for row in rows)
        return found

    def close(self) -> None:
        with self.connection():
            self._conn.close()
            self._turns.close()


class SQLiteTransaction:
    """What a command does on the writer's connection while it holds the write lock."""

    def __init__(self, writer: SQLiteEventWriter, member: Member) -> None:
        self._writer = writer
        self._member = member

    def events_after(self, ref: UUID, version: int, limit: int | None = None
                     ) -> list[StoredEvent]:
        rows = self._writer._cursor.execute(self._writer._after,
                                            (ref.hex, version, -1 if limit is None else limit))
        return [StoredEvent(originator_id=ref, originator_version=v, topic=t, state=s)
                for v, t, s in rows.fetchall()]

    def insert(self, stored: Sequence[StoredEvent]) -> None:
        self.append([_row(s) for s in stored])

    def anchor(self, heads: Sequence[Head]) -> None:
        """Record the saved cases' heads in the anchor log, in this transaction (with the
        other commands' at its commit; a missing log refuses the save at once)."""
        anchors = self._writer.anchors
        if heads and anchors is not None:
            if isinstance(anchors, MissingAnchorLog):
                anchors.record(heads, self._writer._cursor)
            self._member.heads.extend(heads)

    def insert_rows(self, rows: Sequence[Row]) -> None:
        """Insert rows in bulk (``executemany``), committed with the transaction."""
        self._writer._cursor.executemany(self._writer._insert, rows)

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


class CheckedRepository(Repository[UUID]):
    """eventsourcing's repository, reconstructing a case from its latest snapshot only if the
    snapshot passes ``holds`` (else from the case's events alone)."""

    def __init__(self, holds: Callable[[Any], bool], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._holds = holds

    def _reconstruct_aggregate(self, aggregate_id: UUID, version: int | None,
                               projector_func: Any) -> Any:
        snapshots: list[Any] = []
        if self.snapshot_store is not None:
            snapshots = [s for s in self.snapshot_store.get(
                originator_id=aggregate_id, desc=True, limit=1, lte=version) if self._holds(s)]
        gt = snapshots[0].originator_version if snapshots else None
        events = self.event_store.get(originator_id=aggregate_id, gt=gt, lte=version)
        aggregate = projector_func(None, itertools.chain(snapshots, events))
        if aggregate is None:
            raise AggregateNotFoundError(f"Aggregate {aggregate_id!r} version {version!r} not "
                                         "found.")
        return aggregate


class CaseStore(Application[UUID]):
    """The storage side of the application: atomic saves of cases, through the SQLite writer.

    ``save`` takes the same steps as ``Application.save`` (record, cache, snapshot, notify) without
    its generic collection, whose runtime protocol checks cost more than the rest of the path.
    """

    chain: HashChain
    """The hash chain (its key): set by the application before anything is saved."""

    def __init__(self, env: dict[str, str] | None = None, *, check_cipher: bool = True) -> None:
        """``check_cipher=False``: open a store whose events this process cannot decrypt (to
        check its heads against the anchor log without the cipher key, nothing else)."""
        self.snapshots_rejected = 0
        """Snapshots found not to match their event (or edited) and passed over."""
        super().__init__(env)
        self.writer = SQLiteEventWriter.for_recorder(self.recorder)
        self.pg_writer: GroupCommit | None = None
        """The PostgreSQL store's group writer (domain/pgrecorder.py), if it is one."""
        if check_cipher:
            self.check_cipher_key()
        self.anchors = self._anchor_log()
        self.case_locks = self._case_locks()

    def holds_events(self) -> bool:
        """Whether the store holds any event."""
        return bool(self.recorder.select_notifications(start=None, limit=1))

    def _anchor_log(self, create: bool = False) -> AnchorLog:
        """The anchor log of this store (domain/anchors.py): opened, created for a new store
        (or with ``create``), else missing (a store with events and no log: saves refused)."""
        if self.writer is not None:
            db = Path(self.writer.db_name.removeprefix("file:").split("?", 1)[0])
            path = anchors_path(db, self.env.get(ANCHORS_DB_ENV))
            if not path.exists() and not create and self.holds_events():
                self.writer.anchors = MissingAnchorLog(str(path))  # every save refused
                return self.writer.anchors
            log: AnchorLog = SQLiteAnchorLog(path, self.writer)
            self.writer.anchors = log
            return log
        if self.env.get("PERSISTENCE_MODULE") == "eventsourcing.postgres":
            datastore = cast(Any, self.recorder).datastore
            schema = anchor_schema(datastore.schema or "public", self.env.get(ANCHOR_SCHEMA_ENV))
            if not PostgresAnchorLog.present(datastore, schema) and not create and \
                    self.holds_events():
                return MissingAnchorLog(f"PostgreSQL schema {schema}")
            pg = PostgresAnchorLog(datastore, schema)
            pg.create()
            return pg
        return MemoryAnchorLog()

    def _case_locks(self) -> CaseLocks:
        """How a command takes its case's lock on this store (domain/caselock.py)."""
        if self.writer is not None:
            return self.writer.locked
        if self.env.get("PERSISTENCE_MODULE") == "eventsourcing.postgres":
            from domain.pgrecorder import advisory_locks

            if self.pg_writer is not None:
                self.pg_writer.close()
            locks, self.pg_writer = advisory_locks(self.recorder, self.anchors)
            return locks
        return local_locks(self.recorder, self.anchors)

    def construct_repository(self) -> Repository[UUID]:
        """The library's repository, using a snapshot only if :meth:`snapshot_holds`."""
        plain = super().construct_repository()
        return CheckedRepository(self.snapshot_holds, event_store=plain.event_store,
                                 snapshot_store=plain.snapshot_store,
                                 cache_maxsize=plain.cache.maxsize if isinstance(
                                     plain.cache, LRUCache) else None,
                                 fastforward=plain.fastforward,
                                 fastforward_skipping=plain.fastforward_skipping,
                                 deepcopy_from_cache=plain.deepcopy_from_cache)

    def snapshot_holds(self, snapshot: Any) -> bool:
        """Whether a stored snapshot may stand for its case's events: its seal holds under the
        chain key and the event at its version carries its chain value. A snapshot that does
        not is logged, counted and passed over (the case is rebuilt from its events)."""
        problem = self._snapshot_problem(snapshot)
        if problem is None:
            return True
        self.snapshots_rejected += 1
        log.warning("snapshot of %s at version %s rejected (%s): the case is rebuilt from its "
                    "events", snapshot.originator_id, snapshot.originator_version, problem)
        return False

    def _snapshot_problem(self, snapshot: Any) -> str | None:
        if not isinstance(snapshot, CaseSnapshot):
            return f"not a case snapshot: {type(snapshot).__name__}"
        if not snapshot.seal or not snapshot.chain:
            return "no chain value or seal (taken before snapshots were sealed)"
        if not hmac.compare_digest(snapshot.seal, snapshot.sealed_with(self.chain)):
            return "its seal does not hold: the snapshot was edited"
        missing = sorted(set(CaseState.model_fields) - set(snapshot.state))
        if missing:  # its defaults would stand for facts the events hold (e.g. recoveries)
            return "taken before the case state held " + ", ".join(missing)
        version = snapshot.originator_version
        rows = self.recorder.select_events(snapshot.originator_id, gt=version - 1, lte=version)
        if not rows:
            return f"no event at version {version}"
        mapper = self.mapper
        assert isinstance(mapper, PydanticMapper)
        try:
            chain = mapper.decode(rows[0]).get("chain")
        except Exception as exc:  # an event that does not decode: no snapshot over it
            return f"the event at version {version} does not decode: {exc}"
        if chain != snapshot.chain:
            return f"its chain value is not the event's at version {version}"
        return None

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
        if processing_event.tracking is not None or processing_event.saved_kwargs:
            return super()._record(processing_event)
        events = processing_event.events
        stored = [self.mapper.to_stored_event(e) for e in events]
        if self.writer is not None:
            ids: Sequence[int] = self.writer.insert(stored, heads_of(events))
        else:
            ids = self._insert_anchored(stored, events)
        cache = self.repository.cache
        if cache is not None:
            for ref, aggregate in processing_event.aggregates.items():
                cache.put(ref, aggregate)
        return [Recording(e, Notification(id=n, originator_id=s.originator_id,
                                          originator_version=s.originator_version,
                                          topic=s.topic, state=s.state))
                for e, s, n in zip(events, stored, ids, strict=True)]

    def _insert_anchored(self, stored: Sequence[StoredEvent], events: Sequence[Any]
                         ) -> Sequence[int]:
        """Insert events under their cases' locks and anchor their heads in the same
        transaction (PostgreSQL, memory); their notification ids."""
        refs = sorted({cast(UUID, s.originator_id) for s in stored})
        wait = float(getattr(self, "lock_wait", DEFAULT_LOCK_WAIT))
        try:
            with self.case_locks(refs, time.monotonic() + wait) as tx:
                ids = tx.insert(stored)
                tx.anchor(heads_of(events))
        except CaseBusy:
            raise OperationalError("the cases stayed locked by other writers") from None
        return ids or [0] * len(stored)

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
            self.snapshots.put([CaseSnapshot.take(aggregates[ref], self.chain) for ref in due])

    def put_snapshots(self, snapshots: Sequence[CaseSnapshot]) -> None:
        """Store snapshots taken elsewhere (a legacy import's, domain/legacy_import.py)."""
        if self.snapshots is not None and snapshots:
            self.snapshots.put(list(snapshots))

    def uncache(self, refs: Sequence[UUID]) -> None:
        """Drop these cases from the aggregate cache (written behind it, e.g. in bulk)."""
        cache = self.repository.cache
        if cache is not None:
            for ref in refs:
                with contextlib.suppress(KeyError):
                    cache.get(ref, evict=True)

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
        if self.pg_writer is not None:
            self.pg_writer.close()
        super().close()
