"""Taking turns at an SQLite file's write lock, across the processes of a host.

``BEGIN IMMEDIATE`` takes the write lock or fails at once (``SQLITE_BUSY``). SQLite's own busy
handler retries with longer and longer sleeps (up to 100 ms), and a process writing commands
back to back takes the lock again the instant it lets go, so a writer that has waited a while
rarely finds the file free: with 12 processes on one case the longest waits reached ~6 s.

Here a waiter retries every 0.2–3 ms (jittered) and, while it waits, holds a shared ``flock``
on a small file beside the database (``<db>-writers``). A writer that finds that file held
after its commit knows others are waiting and, before its next ``BEGIN IMMEDIATE``, pauses long
enough for one of them to get in. ``flock`` locks die with their process: a crashed waiter
leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import random
import sqlite3
import time
from pathlib import Path

from eventsourcing.persistence import OperationalError

from domain.caselock import CaseBusy, remaining

SQLITE_BUSY, SQLITE_LOCKED = 5, 6
POLL_FIRST, POLL_MAX = 0.0002, 0.002
"""Seconds between tries for the write lock: the first pause, the longest (± half, jitter)."""
COURTESY = 0.003
"""Seconds a writer that had the lock while others waited pauses before taking it again."""


def waiting_room(db_name: str) -> Path | None:
    """The file waiters flock, beside the database (None for a database that is no file)."""
    path = db_name.removeprefix("file:").split("?", 1)[0]
    if not path or path == ":memory:":
        return None
    return Path(path).with_name(Path(path).name + "-writers")


class WriteTurns:
    """One connection's way to the write lock (callers serialise their own threads)."""

    def __init__(self, db_name: str) -> None:
        room = waiting_room(db_name)
        self._room = os.open(room, os.O_RDWR | os.O_CREAT, 0o600) if room else None
        self._others_waited = False

    def begin(self, cursor: sqlite3.Cursor, deadline: float) -> None:
        """``BEGIN IMMEDIATE`` on ``cursor``; ``CaseBusy`` if the lock is not had by
        ``deadline`` (``time.monotonic``)."""
        if self._others_waited:
            self._others_waited = False
            time.sleep(min(COURTESY, remaining(deadline)))
        pause, waiting = POLL_FIRST, False
        try:
            while True:
                try:
                    cursor.execute("BEGIN IMMEDIATE")
                    return
                except sqlite3.OperationalError as exc:
                    if exc.sqlite_errorcode & 0xFF not in (SQLITE_BUSY, SQLITE_LOCKED):
                        raise OperationalError(exc) from exc
                if not waiting and self._room is not None:
                    fcntl.flock(self._room, fcntl.LOCK_SH)  # EX is only ever held for an instant
                    waiting = True
                left = remaining(deadline)
                if left <= 0:
                    raise CaseBusy
                time.sleep(min(left, random.uniform(0.5, 1.5) * pause))
                pause = min(pause * 2, POLL_MAX)
        finally:
            if waiting and self._room is not None:
                fcntl.flock(self._room, fcntl.LOCK_UN)

    def committed(self) -> None:
        """Note whether another process waited while this one wrote (after its commit)."""
        if self._room is None:
            return
        try:
            fcntl.flock(self._room, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._others_waited = True
            return
        fcntl.flock(self._room, fcntl.LOCK_UN)

    def close(self) -> None:
        if self._room is not None:
            with contextlib.suppress(OSError):
                os.close(self._room)
            self._room = None
