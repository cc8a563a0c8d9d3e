"""Objections and outsiders' claims in the procedure (docs/rules.md §7): a durable timer at the
end of each 15-day examination (overdue shows in the status), a timer at the end of a hold on
an asset's disposal (the outsider's 15 days to sue: then the disposal is planned again), the
release of a claimed asset when it falls due, and what operators see (deadlines, dues).

Every task here is planned only from objections the case's view holds, which only the new acts
record: histories recorded before them plan nothing new and replay unchanged."""

from __future__ import annotations

from datetime import date, timedelta

from temporalio import workflow

from workflows.agenda import Task, Wanted
from workflows.context import CaseContext

with workflow.unsafe.imports_passed_through():
    from domain import commands as c
    from domain import rules as r
    from workflows.messages import AssetView, CaseView, ObjectionView
    from workflows.status import Deadline, Due

SRC = {"act": r.SRC_OBJECTION, "claim": r.SRC_CLAIM}
NAME = {"act": "objection", "claim": "outsider's claim"}


def held_from(a: AssetView, day: date) -> date | None:
    """The first day from ``day`` on which the asset's disposal is not held, or None while a
    hold lasts until a further act (a ruling, a service, a judgment). Without holds: ``day``."""
    if not a.holds:
        return day
    if any(h.until is None for h in a.holds):
        return None
    end = max(h.until for h in a.holds if h.until is not None)
    return max(day, end + timedelta(days=1))


def held_on(a: AssetView, day: date) -> bool:
    return held_from(a, day) != day


def _due_key(o: ObjectionView) -> str:
    return f"objection:{o.objection_id}"


def plan(ctx: CaseContext) -> None:
    view, memo = ctx.case, ctx.memo
    overdue: Wanted = {}
    release: Wanted = {}
    hold_end: Wanted = {}
    for o in view.objections if not ctx.closed else ():
        if o.outcome is None:
            if _due_key(o) not in memo.dues:
                overdue[o.objection_id] = (ctx.at(o.due_on + timedelta(days=1)), False)
        else:
            memo.dues.pop(_due_key(o), None)
        if o.release_on is not None:
            release[o.objection_id] = (ctx.at(o.release_on), False)
    today = ctx.today()
    for a in view.assets if not ctx.closed else ():
        ends = [h.until for h in a.holds if h.until is not None and h.until >= today]
        if ends and a.control in ("active", "queued"):
            hold_end[a.asset_id] = (ctx.at(max(ends) + timedelta(days=1)), False)
    ctx.agenda.sync("objection_overdue", overdue)
    ctx.agenda.sync("claim_release", release)
    ctx.agenda.sync("hold_end", hold_end)


async def overdue(ctx: CaseContext, task: Task) -> None:
    """The 15 days of an examination have passed without a ruling: the judge owes it."""
    o = ctx.case.objection(task.key)
    if o is None or o.outcome is not None:
        return
    ctx.memo.dues[_due_key(o)] = Due(
        update="rule_on_objection", since=o.received_on, by=o.due_on, source=SRC[o.kind],
        overdue=True, reason=f"OVERDUE: the {NAME[o.kind]} {o.objection_id} received on "
        f"{o.received_on} was to be examined by {o.due_on}: rule on it (rule_on_objection)")


async def hold_ended(ctx: CaseContext, task: Task) -> None:
    """A hold on an asset's disposal ended (no suit within the outsider's 15 days): nothing to
    record; the agenda plans the asset's disposal again."""


async def release(ctx: CaseContext, task: Task) -> None:
    """Release a claimed asset whose release is due (民诉法解释 art.314; docs/rules.md §7.2)."""
    o = ctx.case.objection(task.key)
    if o is None or o.release_on is None or o.asset_id is None:
        return
    why = ("a judgment excluded enforcement" if o.suit_judgment == "enforcement_excluded"
           else "the claim was upheld and the applicant did not sue within 15 days")
    await ctx.attempt(c.ReleaseControl(
        **ctx.envelope(f"claim_release:{o.objection_id}", basis=r.SRC_CLAIM_RELEASE),
        asset_id=o.asset_id, released_on=ctx.today(), objection_id=o.objection_id,
        reason=f"outsider's claim {o.objection_id}: {why}"))


def dues(ctx: CaseContext) -> list[Due]:
    """What people owe on objections (overdue examinations come from the timer, in the memo)."""
    view = ctx.view
    out: list[Due] = []
    for o in view.objections if view else ():
        if o.outcome is None and _due_key(o) not in ctx.memo.dues:
            out.append(Due(update="rule_on_objection", since=o.received_on, by=o.due_on,
                           source=SRC[o.kind], reason=f"the {NAME[o.kind]} {o.objection_id} "
                           f"of {o.objector} is examined within 15 days: rule on it by "
                           f"{o.due_on} (rule_on_objection)"))
        elif o.outcome is not None and o.served_on is None:
            out.append(Due(update="record_objection_service", since=o.ruled_on or o.received_on,
                           source=SRC[o.kind], reason=f"the ruling on {o.objection_id} is not "
                           "served yet: the periods for 复议 or suit run from its service"))
    return out


def deadlines(view: CaseView) -> list[Deadline]:
    """Open dates of objections and claims (docs/rules.md §7); each is counted over the holiday
    calendar (民诉法 art.85) and flagged in a year it does not cover (§1.14), except a release
    from a judgment's own day."""
    out: list[Deadline] = []
    beyond = view.beyond_calendar
    for o in view.objections:
        what = f"{NAME[o.kind]} {o.objection_id}"
        if o.outcome is None:
            out.append(Deadline(name=f"examination of {what}", due_on=o.due_on,
                                source=SRC[o.kind], beyond_calendar=beyond(o.due_on)))
        if o.review_until is not None:
            out.append(Deadline(name=f"复议 of the ruling on {what} (last day)",
                                due_on=o.review_until, source=r.SRC_OBJECTION,
                                beyond_calendar=beyond(o.review_until)))
        if o.suit_until is not None and o.suit_judgment is None:
            out.append(Deadline(name=f"suit about {what} (last day)", due_on=o.suit_until,
                                source=r.SRC_CLAIM, beyond_calendar=beyond(o.suit_until)))
        if o.release_on is not None:
            counted = o.suit_judgment != "enforcement_excluded"  # else its own day
            out.append(Deadline(name=f"release of {o.asset_id} ({what})", due_on=o.release_on,
                                source=r.SRC_CLAIM_RELEASE,
                                beyond_calendar=counted and beyond(o.release_on)))
    return out
