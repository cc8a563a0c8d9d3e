"""Asset inquiry: every network channel in parallel, the applicant's leads, the on-site step."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

from workflows.agenda import Task, Wanted
from workflows.context import CaseContext

with workflow.unsafe.imports_passed_through():
    from domain import commands as c
    from domain import rules as r
    from domain.models import AssetFinding
    from domain.rules import Channel
    from workflows.adapters import ports as p
    from workflows.messages import CaseView


def known(view: CaseView) -> set[str]:
    return {a.asset_id for a in view.assets}


def disposable(view: CaseView) -> list[str]:
    """Assets that control or disposal could still turn into money (mirrors 终本规定 art.3)."""
    out = []
    for a in view.assets:
        if a.exempt or a.necessary_home or a.value <= 0:
            continue
        if a.control == "none" or (a.control in ("active", "queued") and a.failed_rounds < 2):
            out.append(a.asset_id)
    return out


def money_expected(ctx: CaseContext) -> bool:
    """A sold asset whose price has not arrived yet."""
    for a in ctx.case.assets:
        last = a.last_round
        if last is not None and last.status == "sold" \
                and f"proceeds:{a.asset_id}:{last.round}" not in ctx.memo.done:
            return True
        if a.disposed_how == "sale" and f"sale:{a.asset_id}" not in ctx.memo.done:
            return True
    return False


def plan(ctx: CaseContext) -> None:
    view, memo = ctx.case, ctx.memo
    open_case = not ctx.closed and view.notice_issued_on is not None
    wanted: Wanted = {}
    if open_case and memo.inquiry_wanted and view.outstanding > 0:
        wanted[str(memo.inquiry_rounds + 1)] = (ctx.at(view.as_of), True)
    ctx.agenda.sync("inquire", wanted)
    leads: Wanted = {}
    for lead in view.leads:
        if lead.verified_on is None and not ctx.closed:
            days = ctx.policy.urgent_lead_check_days if lead.urgent else ctx.policy.lead_check_days
            leads[lead.lead_id] = (ctx.at(lead.submitted_on + timedelta(days=days)), False)
    ctx.agenda.sync("verify_lead", leads)
    onsite: Wanted = {}
    last = memo.last_inquiry_on
    if open_case and last is not None and view.onsite_on is None and view.outstanding > 0 \
            and not disposable(view) and not any(a.control == "active" for a in view.assets) \
            and not money_expected(ctx) and view.undisbursed == 0:
        onsite["onsite"] = (ctx.at(last + timedelta(days=ctx.policy.onsite_after_days)), True)
    ctx.agenda.sync("onsite", onsite)


def _new(view: CaseView, findings: tuple[AssetFinding, ...], seen: set[str]
         ) -> tuple[AssetFinding, ...]:
    fresh = []
    for f in findings:
        if f.asset_id not in seen:
            seen.add(f.asset_id)
            fresh.append(f)
    return tuple(fresh)


async def query_all(ctx: CaseContext, step: str) -> dict[Channel, tuple[AssetFinding, ...]]:
    """Query every network channel at once (总对总 / 点对点); answers in channel order."""
    sweep = await ctx.port(p.QUERY_REGISTRIES, p.RegistrySweep(
        **ctx.port_fields(step), channels=tuple(Channel)), p.SweepAnswer)
    return {ch: answer.findings for ch, answer in sweep.answers}


async def inquire(ctx: CaseContext, task: Task) -> None:
    """One round of network inquiry; each channel's result is recorded with what it found."""
    memo = ctx.memo
    memo.inquiry_rounds += 1
    memo.inquiry_wanted = False
    step = f"inquiry:{memo.inquiry_rounds}"
    results = await query_all(ctx, step)
    seen = known(ctx.case)
    for channel, findings in results.items():
        await ctx.attempt(c.RecordNetworkInquiry(
            **ctx.envelope(f"{step}:{channel.value}", basis=r.SRC_TERMINATION_INQUIRY),
            channel=channel, queried_on=ctx.today(),
            findings=_new(ctx.case, findings, seen)))
    memo.last_inquiry_on = ctx.today()


async def verify_lead(ctx: CaseContext, task: Task) -> None:
    """Verify an applicant's lead within 7 days (3 if urgent) (财产调查规定 art.2)."""
    lead = next((x for x in ctx.case.leads if x.lead_id == task.key), None)
    if lead is None or lead.verified_on is not None:
        return
    answer = await ctx.port(p.CHECK_LEAD, p.LeadQuery(
        **ctx.port_fields(f"lead:{lead.lead_id}:check"), lead_id=lead.lead_id,
        description=lead.lead_id), p.LeadAnswer)
    finding = answer.finding if answer.finding and \
        answer.finding.asset_id not in known(ctx.case) else None
    await ctx.attempt(c.VerifyLead(**ctx.envelope(f"lead:{lead.lead_id}:verify",
                                                  basis=r.SRC_LEAD_VERIFICATION),
                                   lead_id=lead.lead_id, verified_on=ctx.today(),
                                   finding=finding))


async def onsite(ctx: CaseContext, task: Task) -> None:
    """On-site investigation where the network cannot reach (终本规定 art.3), by an officer."""
    report = await ctx.port(p.INVESTIGATE_ONSITE, p.FieldRequest(
        **ctx.port_fields("onsite:request"), purpose="on-site investigation"), p.Investigation)
    await ctx.attempt(c.RecordOnsiteInvestigation(
        **ctx.envelope("onsite", report.officer), investigated_on=ctx.today(),
        findings=_new(ctx.case, report.findings, known(ctx.case))))
