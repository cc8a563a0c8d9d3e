"""One writer per case at a time: the lock a command holds from loading its case to saving it.

A command takes its case's lock before it loads the case and keeps it through the save, so
concurrent writers (threads, processes, hosts) queue instead of racing for the next version:

* SQLite: the database's write lock (``BEGIN IMMEDIATE`` on the store's writer connection,
  domain/persistence.py), across every process on the file — the whole file, not one case;
* PostgreSQL: a transaction-level advisory lock keyed by the case (``pg_advisory_xact_lock``,
  domain/pgrecorder.py), in the very transaction that saves, released by its commit;
* in memory: nothing beyond the application's own per-case lock (one process).

Every wait is bounded by a deadline (``ENFORCEMENT_CASE_LOCK_WAIT`` seconds, domain/event_store_config.py);
past it the lock layer raises :class:`CaseBusy`, which the application reports as
``EngineBusyError`` (``engine.busy``) with nothing written.
"""

from __future__ import annotations

import contextlib
import math
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Protocol
from uuid import UUID

from eventsourcing.persistence import AggregateRecorder, StoredEvent

from domain.anchors import AnchorLog, Head

LOCK_WAIT_ENV = "ENFORCEMENT_CASE_LOCK_WAIT"
DEFAULT_LOCK_WAIT = 10.0
"""Seconds a command waits for its case (below the command activity's 30 s timeout)."""
MAX_LOCK_WAIT = 60.0
"""The largest wait allowed: business time within domain.case.CLOCK_TOLERANCE must cover it."""
WAITS_KEPT = 100_000


class CaseBusy(Exception):
    """The lock was not free before the deadline (internal; the application names the case)."""


class CaseTransaction(Protocol):
    """What a command does while it holds its case's lock."""

    def events_after(self, ref: UUID, version: int, limit: int | None = None
                     ) -> Sequence[StoredEvent]:
        """The case's stored events after ``version``, in order (read under the lock)."""

    def insert(self, stored: Sequence[StoredEvent]) -> Sequence[int] | None:
        """Append events; they are committed when the lock is released without an error.
        Their notification ids, where the store tells them."""

    def insert_rows(self, rows: Sequence[tuple[str, int, str, bytes]]) -> None:
        """Append ``(originator id hex, version, topic, state)`` rows in bulk (a legacy
        import's batch), committed with the transaction."""

    def anchor(self, heads: Sequence[Head]) -> None:
        """Record the saved cases' heads in the anchor log (domain/anchors.py), committed with
        the events."""


def stored_rows(rows: Sequence[tuple[str, int, str, bytes]]) -> list[StoredEvent]:
    """Rows as eventsourcing's stored events."""
    return [StoredEvent(originator_id=UUID(hex=ref), originator_version=version, topic=topic,
                        state=state) for ref, version, topic, state in rows]


CaseLocks = Callable[[Sequence[UUID], float], AbstractContextManager[CaseTransaction]]
"""``hold(refs, deadline)``: the lock of these cases until ``time.monotonic()`` passes
``deadline`` (else :class:`CaseBusy`), as a context giving the transaction."""


class LocalTransaction:
    """A store of one process (memory): reads and writes straight through its recorder."""

    def __init__(self, recorder: AggregateRecorder, anchors: AnchorLog | None = None) -> None:
        self.recorder = recorder
        self.anchors = anchors

    def events_after(self, ref: UUID, version: int, limit: int | None = None
                     ) -> Sequence[StoredEvent]:
        return self.recorder.select_events(ref, gt=version, limit=limit)

    def insert(self, stored: Sequence[StoredEvent]) -> Sequence[int] | None:
        if not stored:
            return None
        return self.recorder.insert_events(stored)

    def insert_rows(self, rows: Sequence[tuple[str, int, str, bytes]]) -> None:
        self.insert(stored_rows(rows))

    def anchor(self, heads: Sequence[Head]) -> None:
        if heads and self.anchors is not None:
            self.anchors.record(heads)


def local_locks(recorder: AggregateRecorder, anchors: AnchorLog | None = None) -> CaseLocks:
    """The locks of a store only this process opens: the application's own lock suffices."""

    @contextlib.contextmanager
    def hold(refs: Sequence[UUID], deadline: float) -> Iterator[CaseTransaction]:
        yield LocalTransaction(recorder, anchors)

    return hold


def remaining(deadline: float) -> float:
    """Seconds left before ``deadline`` (``time.monotonic`` clock), never negative."""
    return max(0.0, deadline - time.monotonic())


class LockWaits:
    """How long this process's commands waited for their cases (the most recent ones kept)."""

    def __init__(self) -> None:
        self._waits: deque[float] = deque(maxlen=WAITS_KEPT)
        self._lock = threading.Lock()
        self.count = 0
        self.busy = 0
        """Commands that gave up (``engine.busy``)."""

    def record(self, seconds: float) -> None:
        with self._lock:
            self._waits.append(seconds)
            self.count += 1

    def gave_up(self) -> None:
        with self._lock:
            self.busy += 1

    def seconds(self) -> list[float]:
        """The waits kept, in the order they happened."""
        with self._lock:
            return list(self._waits)

    def summary(self) -> str:
        """One line: how many commands took their case's lock, p50/p99/max wait, busy."""
        waits = self.seconds()
        if not waits:
            return f"0 commands locked their case; {self.busy} busy"
        ms = [w * 1000 for w in waits]
        return (f"{self.count} commands locked their case: wait p50 {percentile(ms, 50):.1f} ms, "
                f"p99 {percentile(ms, 99):.1f} ms, max {max(ms):.1f} ms; {self.busy} busy")


def percentile(values: Sequence[float], p: float) -> float:
    """The ``p``-th percentile (nearest rank) of ``values`` (not empty)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]
