"""The 6-month closure deadline (3 for non-litigation cases; suspended, valuation and auction
periods not counted, 审限规定 art.9) and the open dates an operator sees in ``get_status``."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

from workflows import objections
from workflows.agenda import Task, Wanted
from workflows.context import CaseContext

with workflow.unsafe.imports_passed_through():
    from domain.calendar import add_months
    from domain.rules import (
        EXTENSION_REQUEST_DAYS_BEFORE,
        SRC_AUCTION_NOTICE,
        SRC_BIDDING,
        SRC_CLOSURE_LIMIT,
        SRC_CONTROL_PERIOD,
        SRC_EXTENSION,
        SRC_LEAD_VERIFICATION,
        SRC_PAYOUT,
        SRC_REPORT_ORDER,
        SRC_TERMINATION,
        TERMINATION_MIN_MONTHS,
    )
    from workflows.status import Deadline, Due


def plan(ctx: CaseContext) -> None:
    view, memo = ctx.case, ctx.memo
    wanted: Wanted = {}
    if memo.extension_due is not None and memo.extension_due != view.closure_deadline:
        memo.extension_due = None  # extended, or periods excluded: a new deadline
        memo.dues.pop("extension", None)
    # While the clock is stopped (suspension, settlement, an auction under way) the view's
    # deadline moves every day: plan the reminder again once the period has ended.
    stopped = ctx.suspended or any(a.last_round is not None and a.last_round.status ==
                                   "announced" for a in view.assets)
    if view.closure_mode is None and memo.extension_due is None and not stopped:
        day = view.closure_deadline - timedelta(days=ctx.policy.extension_notice_days)
        wanted[view.closure_deadline.isoformat()] = (ctx.at(day), False)
    if view.closure_mode is not None:
        memo.dues.pop("extension", None)
    ctx.agenda.sync("deadline", wanted)


async def deadline_near(ctx: CaseContext, task: Task) -> None:
    """Ask a person for an extension (president's approval, ≥ 5 days before the deadline)."""
    deadline = ctx.case.closure_deadline
    if ctx.case.closure_mode is not None or deadline.isoformat() != task.key:
        return
    ctx.memo.extension_due = deadline
    ctx.memo.dues["extension"] = Due(
        update="request_extension", since=ctx.today(), source=SRC_EXTENSION,
        by=deadline - timedelta(days=EXTENSION_REQUEST_DAYS_BEFORE),
        reason=f"the case must close by {deadline}: request a 3-month extension on the "
               "president's approval (request_approval, give_approval), or close it")


def open_deadlines(ctx: CaseContext) -> list[Deadline]:
    """Legal dates still open on the case (for operators)."""
    view = ctx.view
    if view is None or ctx.stage in ("ended",):
        return []
    out: list[Deadline] = []
    beyond = view.beyond_calendar  # dates counted over the holiday calendar (民诉法 art.85)
    if view.closure_mode is None:
        out.append(Deadline(name="closure", due_on=view.closure_deadline,
                            source=SRC_CLOSURE_LIMIT,
                            beyond_calendar=beyond(view.closure_deadline)))
        if view.outstanding > 0:
            out.append(Deadline(name="earliest 终本 ruling (after)", source=SRC_TERMINATION + "(4)",
                                due_on=add_months(view.filed_on, TERMINATION_MIN_MONTHS)))
    if view.report_due_on and view.report_status is None:
        out.append(Deadline(name="property report", due_on=view.report_due_on,
                            source=SRC_REPORT_ORDER))
    out += [Deadline(name=f"verify lead {x.lead_id}", due_on=x.due_on,
                     source=SRC_LEAD_VERIFICATION, beyond_calendar=beyond(x.due_on))
            for x in view.leads if x.verified_on is None]
    out += [Deadline(name="payout", due_on=d, source=SRC_PAYOUT, beyond_calendar=beyond(d))
            for d in view.payout_due]
    for a in view.assets:
        if a.control == "active" and a.expires_on:
            out.append(Deadline(name=f"control of {a.asset_id} expires", due_on=a.expires_on,
                                source=SRC_CONTROL_PERIOD))
        last = a.last_round
        if last is not None and last.status == "announced":
            out.append(Deadline(name=f"auction of {a.asset_id} opens", source=SRC_AUCTION_NOTICE,
                                due_on=last.opens_at.date()))
            out.append(Deadline(name=f"auction of {a.asset_id} closes", source=SRC_BIDDING,
                                due_on=last.closes_at.date()))
    if ctx.memo.settlement_due_on and view.settlement_status == "reached":
        out.append(Deadline(name="settlement performance", due_on=ctx.memo.settlement_due_on,
                            source="和解规定 art.2"))
    out += objections.deadlines(view)  # docs/rules.md §7
    return sorted(out, key=lambda d: (d.due_on, d.name))

