"""The officer's worklist: what is due overdue, today, this week, from the deadline watch (the
read models) and each live case's status (its workflow: the approvals and acts only a person
can give, its open legal dates), each with the act to take where there is one."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from domain.errors import EnforcementError
from engine.facade import CaseSummary, Engine
from workflows.status import CaseStatus

Bucket = Literal["overdue", "today", "week"]
BUCKETS: tuple[Bucket, ...] = ("overdue", "today", "week")
WEEK = 7
STATUS_READS = 8
"""Status queries in flight at once while the worklist is built."""
LIVE_CASES = 500
"""At most this many live open cases are asked for their status (the oldest deadline first)."""
WATCH_ACTS = {"payout": "pay_out", "lead": "verify_lead", "objection": "rule_on_objection",
              "closure_deadline": "request_extension", "postponement_end": "end_postponement"}
"""The act that answers an item of the deadline watch (the others the workflow takes itself)."""


@dataclass
class Item:
    """One thing due."""

    bucket: Bucket
    due_on: date
    case_number: str
    what: str  # a watch (payout …), "approval" for a person's act the status asks for
    subject: str
    source: str
    act: str | None


def bucket(due_on: date, today: date, overdue: bool = False) -> Bucket | None:
    if overdue or due_on < today:
        return "overdue"
    if due_on == today:
        return "today"
    return "week" if due_on <= today + timedelta(days=WEEK) else None


def _from_status(status: CaseStatus, today: date) -> list[Item]:
    found = []
    for due in status.approvals_due:
        when = due.by or due.since
        found.append(Item(bucket(when, today, due.overdue) or "week", when,
                          status.case_number, "approval", due.reason, due.source, due.update))
    for line in status.deadlines:
        place = bucket(line.due_on, today)
        if place is not None:
            found.append(Item(place, line.due_on, status.case_number, "deadline", line.name,
                              line.source, None))
    return found


async def worklist(engine: Engine, today: date) -> tuple[dict[Bucket, list[Item]],
                                                         list[CaseSummary], list[str]]:
    """Items by bucket (each soonest first), the open cases, and what could not be read (a
    case whose status did not answer, named with the reason)."""
    cases = await engine.list_cases(order="deadline", as_of=today)
    open_cases = [c for c in cases if c.closed_on is None]
    items: list[Item] = []
    for watched in await engine.deadlines(as_of=today, within_days=WEEK):
        place = bucket(watched.due_on, today)
        if place is not None:
            items.append(Item(place, watched.due_on, watched.case_number, watched.watch,
                              watched.subject, watched.source,
                              None if watched.imported else WATCH_ACTS.get(watched.watch)))
    gate = asyncio.Semaphore(STATUS_READS)
    problems: list[str] = []

    async def read(number: str) -> list[Item]:
        async with gate:
            try:
                return _from_status(await engine.status(number), today)
            except EnforcementError as err:
                problems.append(f"{number}: {err.code}: {err.message}")
                return []
    live = [c.case_number for c in open_cases if not c.imported][:LIVE_CASES]
    for found in await asyncio.gather(*(read(n) for n in live)):
        items.extend(found)
    grouped: dict[Bucket, list[Item]] = {b: [] for b in BUCKETS}
    for item in sorted(items, key=lambda i: (i.due_on, i.case_number)):
        grouped[item.bucket].append(item)
    return grouped, open_cases, sorted(problems)
