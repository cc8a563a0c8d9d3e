"""Group commit: the commands of a process's threads share one transaction and one commit.

A store's writer (domain/persistence.py for SQLite, domain/pgrecorder.py for PostgreSQL) owns
one connection. Commands take turns on it; the first opens a transaction, a command that finds
the transaction of the one before it still open joins it under a ``SAVEPOINT``. The command that
finishes while no other waits for the connection (or that brings the transaction to
``GROUP_MAX`` commands) anchors the heads of all of them (domain/anchors.py) and commits, once.
Each command returns only after the commit that holds it (durable before answered). A command
that fails rolls back to its savepoint alone; a failed commit fails every command of its
transaction. docs/operations.md, "Group commit".
"""

from __future__ import annotations

import contextlib
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterator

from domain.anchors import Head
from domain.caselock import CaseBusy, remaining

GROUP_MAX = 64
"""The most commands one shared transaction takes (it holds the store's write locks)."""
GROUP_PATIENCE = 0.005
"""Seconds a command that joined a shared transaction waits before it checks that someone
will still commit it (:meth:`GroupCommit._await`)."""


class Batch:
    """A shared transaction: its commands, the heads they saved, whether it is done and how it
    failed, and what the store noted about it (e.g. a table lock it holds)."""

    __slots__ = ("done", "error", "heads", "marks", "members")

    def __init__(self) -> None:
        self.members = 0
        self.heads: list[Head] = []
        self.marks: set[str] = set()
        self.done = threading.Event()
        self.error: BaseException | None = None


class Member:
    """One command's part of a shared transaction."""

    __slots__ = ("batch", "heads", "joined", "marked")

    def __init__(self, batch: Batch, joined: bool) -> None:
        self.batch = batch
        self.joined = joined
        """Whether it joined others (under a savepoint) rather than opened the transaction."""
        self.heads: list[Head] = []
        self.marked: set[str] = set()

    def mark(self, name: str) -> None:
        """Note something this command did for the whole transaction (undone with it)."""
        if name not in self.batch.marks:
            self.batch.marks.add(name)
            self.marked.add(name)


class GroupCommit(ABC):
    """The turn-taking and the shared transaction on one connection; the store says how to
    begin, commit and roll back."""

    release_savepoints = True
    """Whether a command's savepoint is released when it succeeds (else it stays, nested, until
    the commit: one round trip less a command on a server)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        """The connection: one command (or reader) at a time."""
        self._state = threading.Condition(threading.Lock())
        self._waiting = 0
        """Commands waiting for the connection (they join the open transaction)."""
        self._batch: Batch | None = None
        """The shared transaction open on the connection, if any."""
        self.commits = 0
        """Shared transactions committed (``grouped`` ÷ ``commits``: commands per commit)."""
        self.grouped = 0
        """Commands (and other writes) committed in them."""

    # --- what the store does (called with the connection held) --------------------------------
    @abstractmethod
    def _begin(self, deadline: float) -> None:
        """Open a transaction holding the store's write lock (``CaseBusy`` past ``deadline``)."""

    @abstractmethod
    def _statement(self, sql: str) -> None:
        """Run a statement without parameters (``SAVEPOINT`` …) on the connection."""

    @abstractmethod
    def _finish(self, heads: list[Head]) -> None:
        """Anchor ``heads`` in the open transaction and commit it."""

    @abstractmethod
    def _rollback(self) -> None:
        """Roll back the open transaction, if any."""

    def _committed(self) -> None:  # noqa: B027 (most stores need nothing)
        """After a commit (the connection still held)."""

    def _translated(self, exc: BaseException) -> BaseException:
        """A driver's error as eventsourcing's."""
        return exc

    # --- the shared transaction -------------------------------------------------------------------
    @contextlib.contextmanager
    def member(self, deadline: float) -> Iterator[Member]:
        """A command's part of the shared transaction: the connection held while the block
        runs; committed (with the others) before this returns, rolled back alone if the block
        raises. ``CaseBusy`` if the connection or the store's write lock is not had by
        ``deadline``."""
        with self._state:
            self._waiting += 1
            self._state.notify_all()
        try:
            got = self._lock.acquire(timeout=remaining(deadline))
        finally:
            with self._state:
                self._waiting -= 1
                self._state.notify_all()
        if not got:
            raise CaseBusy
        failure: BaseException | None = None
        member: Member | None = None
        try:
            batch = self._batch
            if batch is None:
                self._begin(deadline)
                batch = self._batch = Batch()
            member = Member(batch, joined=batch.members > 0)
            if member.joined:
                self._statement("SAVEPOINT command")
            try:
                yield member
                if member.joined and self.release_savepoints:
                    self._statement("RELEASE command")
            except BaseException as exc:
                failure = exc
                self._undo(member)
            else:
                member.batch.members += 1
                member.batch.heads.extend(member.heads)
            batch = member.batch
            if self._batch is batch and batch.members and (
                    batch.members >= GROUP_MAX or not self._waiting):
                self._commit(batch)
        finally:
            self._lock.release()
        if failure is not None:
            translated = self._translated(failure)
            if translated is failure:
                raise failure
            raise translated from failure
        assert member is not None
        self._await(member.batch)

    def _undo(self, member: Member) -> None:
        """Roll back a failed command: to its savepoint, or the whole transaction if it
        opened it (or its savepoint cannot be rolled back: then every command of the
        transaction fails with that error)."""
        batch = member.batch
        if member.joined:
            try:
                self._statement("ROLLBACK TO command")
                self._statement("RELEASE command")
                batch.marks -= member.marked
                return
            except Exception as exc:
                batch.error = exc
        with contextlib.suppress(Exception):
            self._rollback()
        self._batch = None
        batch.done.set()

    def _commit(self, batch: Batch) -> None:
        """Anchor and commit the shared transaction (the connection held); answer its
        commands."""
        try:
            self._finish(batch.heads)
        except BaseException as exc:
            batch.error = exc
            with contextlib.suppress(Exception):
                self._rollback()
        else:
            self.commits += 1
            self.grouped += batch.members
            self._committed()
        finally:
            self._batch = None
            batch.done.set()

    def _await(self, batch: Batch) -> None:
        """Wait for the commit of the transaction a command joined; raise its error. Should
        the command meant to commit it give up waiting for the connection, a waiting member
        commits it once no command waits for the connection any more."""
        while not batch.done.wait(GROUP_PATIENCE):
            if self._lock.acquire(blocking=False):
                try:
                    if self._batch is batch and not self._waiting:
                        self._commit(batch)
                finally:
                    self._lock.release()
        if batch.error is not None:
            translated = self._translated(batch.error)
            if translated is batch.error:
                raise translated
            raise translated from batch.error

    @contextlib.contextmanager
    def connection(self) -> Iterator[None]:
        """The connection held, with nothing uncommitted on it (an open shared transaction is
        committed first): to read what is committed, or to change the connection."""
        with self._lock:
            if self._batch is not None:
                self._commit(self._batch)
            yield

    def close(self) -> None:  # noqa: B027 (the store closes what it opened)
        """Close the connection (what is open on it committed)."""

    def wait_for_waiting(self, count: int, timeout: float) -> bool:
        """Block until ``count`` commands wait for the connection (tests line commands up
        behind a transaction with it); whether they did within ``timeout`` seconds."""
        with self._state:
            return self._state.wait_for(lambda: self._waiting >= count, timeout)
