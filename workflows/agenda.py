"""The case workflow's agenda: what it will do and when (deterministic, plain Python).

Each phase module states the tasks it wants from the case's current view (``sync``); the
workflow runs the earliest due task, one at a time, so that two tasks due at the same instant
always run in the same order (by time, then by the order they were first planned). A task that
ran is not planned again for the same moment until the case has changed: a step the aggregate
refused (or that found nothing to do) waits for news instead of repeating itself.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict


class Task(BaseModel):
    model_config = ConfigDict(frozen=True)

    when: datetime
    seq: int
    kind: str
    key: str = ""
    suspendable: bool = True  # deferred while enforcement is suspended (settlement, objection)


Wanted = dict[str, tuple[datetime, bool]]
"""Tasks of one kind that a phase wants: key -> (when, suspendable)."""


class Agenda:
    """Planned tasks keyed by (kind, key)."""

    def __init__(self) -> None:
        self._tasks: dict[tuple[str, str], Task] = {}
        self._ran: dict[tuple[str, str], tuple[datetime, int]] = {}
        self._seq = 0
        self.version = 0  # the case version the current plan is based on

    def ran(self, task: Task, version: int) -> None:
        """``task`` was run when the case stood at ``version``."""
        self._ran[(task.kind, task.key)] = (task.when, version)

    def plan(self, when: datetime, kind: str, key: str = "", suspendable: bool = True) -> None:
        """Plan a task, or move an already planned one to ``when``."""
        old = self._tasks.get((kind, key))
        if old is not None and old.when == when and old.suspendable == suspendable:
            return
        seq = old.seq if old is not None else self._next_seq()
        self._tasks[(kind, key)] = Task(when=when, seq=seq, kind=kind, key=key,
                                        suspendable=suspendable)

    def sync(self, kind: str, wanted: Wanted) -> None:
        """Make the tasks of ``kind`` exactly ``wanted`` (keys in the order given)."""
        for k in [k for k in self._tasks if k[0] == kind and k[1] not in wanted]:
            del self._tasks[k]
        for key, (when, suspendable) in wanted.items():
            if self._ran.get((kind, key)) == (when, self.version):
                self._tasks.pop((kind, key), None)  # ran already; nothing changed since
                continue
            self.plan(when, kind, key, suspendable)

    def drop(self, kind: str, key: str = "") -> None:
        self._tasks.pop((kind, key), None)

    def has(self, kind: str, key: str = "") -> bool:
        return (kind, key) in self._tasks

    def next(self, suspended: bool) -> Task | None:
        """The earliest task that may run (suspendable ones wait while suspended)."""
        eligible = [t for t in self._tasks.values() if not (suspended and t.suspendable)]
        return min(eligible, key=lambda t: (t.when, t.seq), default=None)

    def tasks(self) -> list[Task]:
        return sorted(self._tasks.values(), key=lambda t: (t.when, t.seq))

    def clear(self) -> None:
        self._tasks.clear()

    def _next_seq(self) -> int:
        self._seq += 1
        return self._seq
