"""Security and postponement (执行担保, 暂缓执行) and refusal to enforce (拒执罪): docs/rules.md
§§8, 9. While a postponement runs, the case is suspended and the enforcement steps wait (the
agenda defers them); the day after its last day the workflow ends it itself (a durable timer);
then what people owe: the ruling against a security whose postponement ended, the referral the
court found called for."""

from __future__ import annotations

from datetime import date, timedelta

from temporalio import workflow

from workflows.agenda import Task, Wanted
from workflows.context import CaseContext

with workflow.unsafe.imports_passed_through():
    from domain import commands as c
    from domain.models import PostponementEnd
    from domain.rules import (
        SRC_POSTPONEMENT_PERIOD,
        SRC_REFUSAL_CRIME,
        SRC_SECURITY_ENFORCEMENT,
        SRC_SECURITY_PERIOD,
        SRC_TERMINATION,
    )
    from workflows.status import Deadline, Due


def plan(ctx: CaseContext) -> None:
    """The end of the postponement in force: 09:00 of the day after its last day."""
    view = ctx.case
    wanted: Wanted = {}
    if view.postponed_until is not None and view.closure_mode is None:
        resumes = view.postponed_until + timedelta(days=1)
        wanted[view.postponed_until.isoformat()] = (ctx.at(resumes), False)
    ctx.agenda.sync("postponement_end", wanted)


async def end_term(ctx: CaseContext, task: Task) -> None:
    """The postponement's term has run out: enforcement resumes (民诉法解释 art.467)."""
    view = ctx.case
    if view.postponed_until is None or view.postponed_until.isoformat() != task.key \
            or view.closure_mode is not None:
        return
    await ctx.attempt(c.EndPostponement(
        **ctx.envelope(f"postponement:end:{task.key}", basis=SRC_POSTPONEMENT_PERIOD),
        ended_on=ctx.today(), cause=PostponementEnd.PERIOD_ENDED))


def security_dues(ctx: CaseContext) -> list[Due]:
    """What people owe: a ruling against each security whose postponement ended while a balance
    remains (within its security period), and the referral the court found called for."""
    view = ctx.view
    if view is None or view.closure_mode is not None:
        return []
    out: list[Due] = []
    if view.outstanding > 0:
        for x in view.securities:
            if x.postponement_ended_on is not None and x.ruled_on is None \
                    and x.enforce_by is not None and view.as_of <= x.enforce_by:
                out.append(Due(
                    update="rule_against_security", since=x.postponement_ended_on,
                    by=x.enforce_by, source=SRC_SECURITY_ENFORCEMENT,
                    reason=f"the postponement on security {x.security_id} ended and "
                           f"{view.outstanding} is owed: rule that {x.provider_name} answers "
                           f"within {x.amount} (security period until {x.enforce_by})"))
    if view.refusal_found_on is not None and not view.referrals:
        out.append(Due(
            update="refer_refusal_to_enforce", since=view.refusal_found_on,
            source=SRC_TERMINATION + "(5); " + SRC_REFUSAL_CRIME,
            reason="the court found that the debtor's conduct calls for criminal proceedings "
                   "for refusing to enforce: transfer the case to the police (or record the "
                   "applicant's complaint or private prosecution); no 终本 before it"))
    return out


def security_deadlines(ctx: CaseContext) -> list[Deadline]:
    """The postponement's last day; the last day to enforce a security (its period)."""
    view = ctx.view
    if view is None or view.closure_mode is not None or ctx.stage == "ended":
        return []
    out: list[Deadline] = []
    if view.postponed_until is not None:
        out.append(Deadline(name="postponement (暂缓执行) ends; enforcement resumes the next day",
                            due_on=view.postponed_until, source=SRC_POSTPONEMENT_PERIOD))
    out += [Deadline(name=f"security {x.security_id}: rule against it by", due_on=x.enforce_by,
                     source=SRC_SECURITY_PERIOD)
            for x in view.securities if _enforceable(x.enforce_by, x.postponement_ended_on,
                                                     x.ruled_on)]
    return out


def _enforceable(enforce_by: date | None, ended_on: date | None, ruled_on: date | None) -> bool:
    return enforce_by is not None and ended_on is not None and ruled_on is None
