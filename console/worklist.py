"""The officer's worklist: what is due overdue, today, this week, from the deadline watch (the
read models) and each live case's status (its workflow: the approvals and acts only a person
can give, its open legal dates), each with the act to take where there is one."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

from domain.errors import EnforcementError
from engine.facade import Engine
from projections.caselist import CaseRow
from workflows.status import CaseStatus

Bucket = Literal["overdue", "today", "week"]
BUCKETS: tuple[Bucket, ...] = ("overdue", "today", "week")
WEEK = 7
STATUS_READS = 8
"""Status queries in flight at once while the worklist is built."""
LIVE_CASES = 200
"""At most this many live open cases are asked for their status (the earliest filed first)."""
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
    prefill: dict[str, str] = field(default_factory=dict)
    also: str | None = None
    """Another act that answers it (refuse_approval beside give_approval)."""
    """Fields of the act's form filled in for it (the approval request a give_approval
    answers)."""


def bucket(due_on: date, today: date, overdue: bool = False) -> Bucket | None:
    if overdue or due_on < today:
        return "overdue"
    if due_on == today:
        return "today"
    return "week" if due_on <= today + timedelta(days=WEEK) else None


REQUEST = re.compile(r"^approval request (\S+) ")
"""How the status names the approval request a give_approval is due for (workflows/
case_doors.py ``approvals_pending``)."""


def _from_status(status: CaseStatus, today: date) -> list[Item]:
    found = []
    for due in status.approvals_due:
        when = due.by or due.since
        named = REQUEST.match(due.reason)
        found.append(Item(bucket(when, today, due.overdue) or "week", when,
                          status.case_number, "approval", due.reason, due.source, due.update,
                          {"approval_id": named.group(1)} if named else {},
                          "refuse_approval" if due.update == "give_approval" else None))
    for line in status.deadlines:
        place = bucket(line.due_on, today)
        if place is not None:
            found.append(Item(place, line.due_on, status.case_number, "deadline", line.name,
                              line.source, None))
    return found


OPEN = ("open", "suspended", "settlement", "terminated")
"""Statuses of the cases a worklist covers (a 终本 case is monitored: its re-inquiries)."""
SHOWN = 500
"""Cases listed on the worklist page at most (the count says how many there are)."""


@dataclass
class Worklist:
    items: dict[Bucket, list[Item]]
    cases: list[CaseRow]
    total: int
    problems: list[str]
    more: bool = False
    """More cases than are listed."""


async def worklist(engine: Engine, today: date,
                   officer: str | Sequence[str] | None = None) -> Worklist:
    """What is due for the open live cases of ``officer`` (None: every open live case), by
    bucket, each soonest first; the cases (at most ``SHOWN``), and what could not be read (a
    case whose status did not answer, with the reason). Imported legacy histories are left
    out: no workflow runs them and no act is taken on them (their deadlines are in ``enforce
    deadlines``, their 终本 in the audit; the case page shows each)."""
    cases = await engine.case_rows(officer=officer, statuses=OPEN, live_only=True,
                                   limit=None if officer else SHOWN + 1)
    mine = {c.case_number for c in cases}
    items: list[Item] = []
    for watched in await engine.deadlines(as_of=today, within_days=WEEK, live_only=True):
        place = bucket(watched.due_on, today)
        if place is not None and (officer is None or watched.case_number in mine):
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
    live = [c.case_number for c in cases if not c.imported][:LIVE_CASES]
    for found in await asyncio.gather(*(read(n) for n in live)):
        items.extend(found)
    grouped: dict[Bucket, list[Item]] = {b: [] for b in BUCKETS}
    for item in sorted(items, key=lambda i: (i.due_on, i.case_number)):
        grouped[item.bucket].append(item)
    return Worklist(grouped, cases[:SHOWN], len(cases), sorted(problems),
                    more=len(cases) > SHOWN)
