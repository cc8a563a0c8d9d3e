"""Coercive measures (restriction, 失信 list, fines, detention, summons, exit ban) and the
closure deadline (extension, suspension)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

from domain import commands as c
from domain import events as ev
from domain import rules as r
from domain.approvals import approval_for
from domain.calendar import add_years
from domain.deadlines import closure_deadline
from domain.models import DishonestGround as G
from domain.models import ObjectedAct, ReportStatus
from domain.state import CaseState, ControlStatus, Phase
from domain.values import PartyKind

from . import Context, Pending, decides
from .common import require
from .objections import check_revocation


@decides(c.RestrictConsumption)
def restrict(s: CaseState, cmd: c.RestrictConsumption, ctx: Context) -> list[Pending]:
    approval = approval_for(s, cmd)
    require(s.restriction_on is None or s.restriction_lifted_on is not None,
            "restriction.already_active", "a consumption restriction is already in force",
            r.SRC_RESTRICTION)
    organisation = any(p.kind is PartyKind.ORGANISATION for p in s.respondents)
    require(not organisation or bool(cmd.bound_persons), "restriction.bound_persons_required",
            "for an organisation the order binds its legal representative, key managers and "
            "actual controller: name them", r.SRC_RESTRICTION)
    return [(ev.ConsumptionRestricted, {"issued_on": cmd.issued_on,
                                        "bound_persons": cmd.bound_persons,
                                        **approval})]


@decides(c.LiftConsumptionRestriction)
def lift_restriction(s: CaseState, cmd: c.LiftConsumptionRestriction, ctx: Context
                     ) -> list[Pending]:
    require(s.restriction_on is not None and s.restriction_lifted_on is None,
            "restriction.not_active", "no consumption restriction is in force",
            r.SRC_RESTRICTION_LIFT)
    _by_objection(s, cmd.reason, cmd.objection_id, ObjectedAct.RESTRICTION, cmd.lifted_on, ctx)
    return [(ev.ConsumptionRestrictionLifted, {"lifted_on": cmd.lifted_on,
                                               "reason": cmd.reason,
                                               "objection_id": cmd.objection_id})]


def _by_objection(s: CaseState, reason: str, objection_id: str | None, act: ObjectedAct,
                  on: date, ctx: Context) -> None:
    """A lifting or deletion for an upheld objection names it (docs/rules.md §7.1)."""
    require((reason == "objection_upheld") == (objection_id is not None),
            "objection.reason_mismatch", "a measure revoked on an objection gives the reason "
            "objection_upheld and names the objection, and only then", r.SRC_OBJECTION_RULING)
    if objection_id is not None:
        check_revocation(s, objection_id, act, None, on, ctx)


_EVIDENCE: dict[G, Callable[[CaseState], bool]] = {
    G.REPORT_VIOLATION: lambda s: s.report_status in (ReportStatus.REFUSED, ReportStatus.FALSE,
                                                      ReportStatus.LATE),
    G.OBSTRUCTION: lambda s: s.obstructions > 0,
    G.SETTLEMENT_DEFAULT: lambda s: s.settlement_status == "defaulted",
}


def _covered(s: CaseState, on: date) -> Decimal:
    """Value of the controls in effect on ``on`` (失信规定 art.3: property the court controls):
    a queued seizure secures nothing yet (查封规定 art.26), an expired one lapsed (art.27)."""
    return sum((a.amount - a.transferred for a in s.assets.values()
                if a.control is ControlStatus.ACTIVE
                and (a.expires_on is None or a.expires_on >= on)), Decimal("0.00"))


@decides(c.ListDishonest)
def list_dishonest(s: CaseState, cmd: c.ListDishonest, ctx: Context) -> list[Pending]:
    approval = approval_for(s, cmd)
    for party in s.respondents:
        born = party.born_on()
        require(born is None or r.age_on(born, cmd.listed_on) >= r.ADULT_AGE,
                "dishonest.minor", f"{party.name} is a minor and is never listed",
                r.SRC_DISHONEST_MINOR)
    require(s.dishonest_active is None, "dishonest.already_listed",
            "the debtor is already on the list", r.SRC_DISHONEST_PERIOD)
    require(not cmd.security_given, "dishonest.security_given",
            "full security was given", r.SRC_DISHONEST_EXCLUSIONS)
    covered = _covered(s, cmd.listed_on)
    require(covered < s.outstanding, "dishonest.assets_cover_debt",
            f"property under control ({covered}) covers the balance ({s.outstanding})",
            r.SRC_DISHONEST_EXCLUSIONS)
    require(not cmd.later_in_order, "dishonest.later_in_order",
            "the debtor is later in the order of performance", r.SRC_DISHONEST_EXCLUSIONS)
    evidenced = _EVIDENCE.get(cmd.ground)
    require(evidenced is None or evidenced(s), "dishonest.ground_not_evidenced",
            f"the log holds no evidence of ground {cmd.ground.value}", r.SRC_DISHONEST_GROUNDS)
    if cmd.ground is G.ABLE_BUT_REFUSES:
        require(cmd.extra_years == 0, "dishonest.period_not_applicable",
                "ground 1 lasts until performance; no fixed period", r.SRC_DISHONEST_PERIOD)
        until = None
    else:
        until = add_years(cmd.listed_on, r.DISHONEST_BASE_YEARS + cmd.extra_years)
    return [(ev.DebtorListedDishonest, {"ground": cmd.ground, "listed_on": cmd.listed_on,
                                        "until": until, **approval})]


@decides(c.DeleteDishonestEntry)
def delete_dishonest(s: CaseState, cmd: c.DeleteDishonestEntry, ctx: Context
                     ) -> list[Pending]:
    entry = s.dishonest_active
    require(entry is not None, "dishonest.not_listed", "the debtor is not on the list",
            r.SRC_DISHONEST_DELETION)
    assert entry is not None
    if cmd.reason == "period_expired":
        require(entry.until is not None and cmd.deleted_on >= entry.until,
                "dishonest.period_not_expired",
                f"the listing runs until {entry.until or 'performance (ground 1)'}",
                r.SRC_DISHONEST_PERIOD)
    _by_objection(s, cmd.reason, cmd.objection_id, ObjectedAct.DISHONEST, cmd.deleted_on, ctx)
    trigger = s.closed_on if cmd.reason in ("performance", "settlement_performed") else None
    late = trigger is not None and cmd.deleted_on > ctx.calendar.working_days_after(
        trigger, r.DISHONEST_DELETION_WORKING_DAYS)
    return [(ev.DishonestEntryDeleted, {"deleted_on": cmd.deleted_on, "reason": cmd.reason,
                                        "late": late, "objection_id": cmd.objection_id})]


@decides(c.ImposeFine)
def fine(s: CaseState, cmd: c.ImposeFine, ctx: Context) -> list[Pending]:
    approval = approval_for(s, cmd)
    if cmd.subject_kind is PartyKind.PERSON:
        require(cmd.amount <= r.FINE_MAX_PERSON, "fine.out_of_range",
                f"a fine on an individual is at most {r.FINE_MAX_PERSON}", r.SRC_FINE)
    else:
        require(r.FINE_MIN_ORGANISATION <= cmd.amount <= r.FINE_MAX_ORGANISATION,
                "fine.out_of_range", f"a fine on an organisation is {r.FINE_MIN_ORGANISATION}"
                f" to {r.FINE_MAX_ORGANISATION}", r.SRC_FINE)
    return [(ev.FineImposed, {"amount": cmd.amount, "imposed_on": cmd.imposed_on,
                              "subject": cmd.subject, **approval})]


@decides(c.OrderDetention)
def detain(s: CaseState, cmd: c.OrderDetention, ctx: Context) -> list[Pending]:
    approval = approval_for(s, cmd)
    require(cmd.days <= r.DETENTION_MAX_DAYS, "detention.too_long",
            f"detention is at most {r.DETENTION_MAX_DAYS} days", r.SRC_DETENTION)
    return [(ev.DetentionOrdered, {"days": cmd.days, "ordered_on": cmd.ordered_on,
                                   "subject": cmd.subject, **approval})]


@decides(c.IssueSummons)
def summon(s: CaseState, cmd: c.IssueSummons, ctx: Context) -> list[Pending]:
    limit = r.SUMMONS_MAX_HOURS_DETENTION_LIKELY if cmd.detention_likely \
        else r.SUMMONS_MAX_HOURS
    require(cmd.hours <= limit, "summons.too_long",
            f"questioning under a summons lasts at most {limit} hours", r.SRC_SUMMONS)
    return [(ev.SummonsIssued, {"hours": cmd.hours, "issued_on": cmd.issued_on,
                                "detention_likely": cmd.detention_likely})]


@decides(c.BanExit)
def ban_exit(s: CaseState, cmd: c.BanExit, ctx: Context) -> list[Pending]:
    require(s.notice_issued_on is not None, "exit_ban.no_notice",
            "an exit ban follows a failure to perform after the notice", r.SRC_EXIT_BAN)
    return [(ev.ExitBanned, {"banned_on": cmd.banned_on, "subject": cmd.subject})]


@decides(c.RequestExtension)
def extend(s: CaseState, cmd: c.RequestExtension, ctx: Context) -> list[Pending]:
    approval = approval_for(s, cmd)
    deadline = closure_deadline(s, cmd.requested_on, ctx.calendar)
    latest = deadline - timedelta(days=r.EXTENSION_REQUEST_DAYS_BEFORE)
    require(cmd.requested_on <= latest, "deadline.extension_too_late",
            f"an extension is asked at least 5 days before the deadline {deadline} "
            f"(by {latest})", r.SRC_EXTENSION)
    return [(ev.DeadlineExtended, {"months": r.EXTENSION_MONTHS, "requested_on": cmd.requested_on,
                                   "new_deadline": closure_deadline(
                                       s, cmd.requested_on, ctx.calendar,
                                       extra_months=r.EXTENSION_MONTHS),
                                   **approval})]


@decides(c.SuspendEnforcement)
def suspend(s: CaseState, cmd: c.SuspendEnforcement, ctx: Context) -> list[Pending]:
    require(s.phase not in (Phase.SUSPENDED, Phase.SETTLEMENT), "suspension.already",
            "enforcement is already suspended", r.SRC_EXCLUDED_PERIODS)
    return [(ev.EnforcementSuspended, {"suspended_on": cmd.suspended_on, "reason": cmd.reason})]


@decides(c.EndSuspension)
def end_suspension(s: CaseState, cmd: c.EndSuspension, ctx: Context) -> list[Pending]:
    require(s.phase is Phase.SUSPENDED, "suspension.none",
            "enforcement is not suspended (a settlement ends by performance or default)",
            r.SRC_EXCLUDED_PERIODS)
    postponed = s.postponement
    require(postponed is None, "suspension.postponed",
            f"enforcement is postponed on security until {postponed.until if postponed else ''}"
            ": a postponement ends at its term or on a breach of the security (EndPostponement)",
            r.SRC_POSTPONEMENT_END)
    return [(ev.SuspensionEnded, {"ended_on": cmd.ended_on})]
