"""Termination of the current procedure (终本): the workflow gathers the five conditions (and
says what people still owe: restriction order, hearing, the judge's ruling); after the ruling,
network re-inquiry every 6 months for 5 years, one continue-as-new per round, and resumption
under a new 执恢 number when property appears (终本规定 arts.1, 9)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from temporalio import workflow

from workflows.context import CaseContext

with workflow.unsafe.imports_passed_through():
    from domain import commands as c
    from domain.calendar import add_months
    from domain.rules import (
        MONITORING_INTERVAL_MONTHS,
        MONITORING_YEARS,
        SRC_POST_TERMINATION,
        SRC_TERMINATION,
        SRC_TERMINATION_HEARING,
        TERMINATION_MIN_MONTHS,
    )
    from domain.values import Actor
    from workflows.adapters import ports as p
    from workflows.inquiry import disposable, known, query_all
    from workflows.messages import (
        START_CASE,
        SYSTEM,
        CaseInput,
        CaseOutcome,
        CommandOutcome,
        MonitoringState,
    )
    from workflows.status import Due

ROUNDS = MONITORING_YEARS * 12 // MONITORING_INTERVAL_MONTHS
ASKS = {
    "termination.no_restriction": ("restrict_consumption", "issue a consumption restriction "
                                   "(on the president's approval: request_approval, "
                                   "give_approval)"),
    "termination.dishonest_required": ("list_dishonest", "list the debtor as dishonest"),
    "termination.report_breach_unsanctioned": ("order_measure", "sanction the report breach"),
    "termination.obstruction_unsanctioned": ("order_measure", "sanction the obstruction"),
    "termination.report_unverified": ("record_property_report", "record the property report"),
    "termination.reward_undecided": ("decide_reward", "decide the reward request"),
    "termination.audit_undecided": ("decide_audit", "decide the audit request"),
    "termination.debtor_not_searched": ("record_debtor_search", "search for the missing debtor"),
}


def earliest_ruling(filed_on: date) -> date:
    """First day a 终本 ruling may be given: more than 3 months after filing (art.1(4))."""
    return add_months(filed_on, TERMINATION_MIN_MONTHS) + timedelta(days=1)


def termination_dues(ctx: CaseContext) -> list[Due]:
    """What people must still do before 终本, once the investigation found nothing to take."""
    view = ctx.view
    if view is None or view.closure_mode is not None or ctx.suspended or view.outstanding <= 0:
        return []
    investigating = ctx.memo.inquiry_rounds == 0 or view.onsite_on is None \
        or ctx.agenda.has("inquire", str(ctx.memo.inquiry_rounds + 1))
    if investigating or disposable(view) or any(a.control == "active" for a in view.assets):
        return []
    since = view.onsite_on or view.as_of
    out = [Due(update=ASKS[u.code][0], reason=f"{ASKS[u.code][1]}: {u.message}", since=since,
               source=u.source) for u in view.termination_unmet if u.code in ASKS]
    if view.applicant_heard_on is None:
        out.append(Due(update="record_applicant_hearing", since=since,
                       source=SRC_TERMINATION_HEARING,
                       reason="tell the applicant of the measures taken and hear them (约谈)"))
    blocking = {u.code for u in view.termination_unmet} - {"termination.too_early"}
    if not out and not blocking:
        out.append(Due(update="approve_termination", source=SRC_TERMINATION,
                       since=max(since, earliest_ruling(view.filed_on)),
                       reason="nothing can be found or disposed of: rule 终本 (applicant's "
                              "signature, or panel review and the president's approval: "
                              "request_approval, give_approval)"))
    return out


async def serve_ruling(ctx: CaseContext) -> None:
    """Serve the 终本 ruling and record its service."""
    view = ctx.case
    assert view.terminated_on is not None
    ticket = await ctx.port(p.DISPATCH_DOCUMENT, p.DocumentDispatch(
        **ctx.port_fields("ruling:dispatch"), document="termination_ruling",
        issued_on=view.terminated_on), p.Ticket)
    if ticket.check_on is None:
        return
    await _wait_or_resumed(ctx, ctx.at(ticket.check_on))
    if ctx.case.resumed_as is not None:
        return
    status = await ctx.port(p.CHECK_DELIVERY, p.TicketCheck(
        **ctx.port_fields("ruling:check"), ticket=ticket.ticket), p.DeliveryStatus)
    if status.served_on is not None:
        await ctx.attempt(c.RecordTerminationService(**ctx.envelope("ruling:served"),
                                                     served_on=status.served_on))


async def _wait_or_resumed(ctx: CaseContext, until: datetime) -> None:
    delay = (until - ctx.now()).total_seconds()
    if delay <= 0:
        return
    try:
        await workflow.wait_condition(lambda: ctx.case.resumed_as is not None, timeout=delay)
    except TimeoutError:
        return


async def monitor(ctx: CaseContext, state: MonitoringState) -> CaseOutcome:
    """One monitoring round: wait until it is due, re-inquire, resume or continue as new."""
    due = add_months(state.terminated_on, MONITORING_INTERVAL_MONTHS * state.round)
    await _wait_or_resumed(ctx, ctx.at(due))
    if ctx.case.resumed_as is None:
        step = f"monitor:{state.round}"
        results = await query_all(ctx, step)
        seen, fresh = known(ctx.case), []
        for findings in results.values():
            for f in findings:
                if f.asset_id not in seen:
                    seen.add(f.asset_id)
                    fresh.append(f)
        await ctx.attempt(c.RecordPostTerminationInquiry(
            **ctx.envelope(f"{step}:inquiry", basis=SRC_POST_TERMINATION), queried_on=ctx.today(),
            findings=tuple(fresh)))
        await ctx.notify(p.INFORM_APPLICANT, p.ApplicantNotice(
            **ctx.port_fields(f"{step}:inform"), subject="post-termination inquiry",
            text=f"network inquiry of {ctx.today()}: {len(fresh)} new asset(s) found"))
        if any(not f.exempt and not f.necessary_home and f.value > 0 for f in fresh):
            await resume(ctx, SYSTEM, "property found by the post-termination inquiry", step)
    if ctx.case.resumed_as is not None or state.round >= ROUNDS:
        return await finish(ctx, state.round)
    await workflow.wait_condition(workflow.all_handlers_finished)
    workflow.continue_as_new(next_round(ctx, state))


def next_round(ctx: CaseContext, state: MonitoringState) -> CaseInput:
    return ctx.input.model_copy(update={
        "monitoring": MonitoringState(round=state.round + 1, terminated_on=state.terminated_on,
                                      filed_on=state.filed_on),
        "view": ctx.view, "scenario": ctx.scenario, "filing": None,
        "acts": ctx.journal.records()})


def first_round(ctx: CaseContext) -> CaseInput:
    view = ctx.case
    assert view.terminated_on is not None
    return ctx.input.model_copy(update={
        "monitoring": MonitoringState(round=1, terminated_on=view.terminated_on,
                                      filed_on=view.filed_on),
        "view": view, "scenario": ctx.scenario, "filing": None,
        "acts": ctx.journal.records()})


async def resume(ctx: CaseContext, actor: Actor, reason: str, step: str) -> CommandOutcome:
    """Resume under a new 执恢 number (the old case stays closed as 终本)."""
    number = await ctx.port(p.ASSIGN_RESUMED_NUMBER, p.PortRequest(
        **ctx.port_fields(f"{step}:number")), p.NumberAnswer)
    return await ctx.execute(c.ResumeEnforcement(**ctx.envelope(f"{step}:resume", actor,
                                                         basis=SRC_POST_TERMINATION),
                                          new_case_number=number.case_number,
                                          resumed_on=ctx.today(), reason=reason))


async def finish(ctx: CaseContext, rounds: int) -> CaseOutcome:
    """End of this case's workflow; a resumed case goes on in its own 执恢 workflow."""
    view = ctx.case
    if view.resumed_as is not None:
        await workflow.execute_activity(
            START_CASE, CaseInput(case_number=view.resumed_as, category=ctx.input.category,
                                  priority=ctx.input.priority, policy=ctx.policy,
                                  scenario=ctx.scenario, resumed_from=view.case_number),
            start_to_close_timeout=timedelta(seconds=ctx.policy.port_timeout_seconds))
    await workflow.wait_condition(workflow.all_handlers_finished)
    ctx.stage = "ended"
    return CaseOutcome(case_number=view.case_number, phase=view.phase,
                       closure_mode=view.closure_mode, closed_on=view.closed_on,
                       outstanding=view.outstanding, resumed_as=view.resumed_as,
                       monitoring_rounds=rounds)
