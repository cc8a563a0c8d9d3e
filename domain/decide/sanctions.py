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
from domain.values import Party, PartyKind

from . import Context, Pending, decides
from .common import require
from .objections import check_revocation


@decides(c.RestrictConsumption)
def restrict(s: CaseState, cmd: c.RestrictConsumption, ctx: Context) -> list[Pending]:
    approval = approval_for(s, cmd)
    notice_period_passed(s, cmd.issued_on, "restriction", r.SRC_RESTRICTION_NOTICE)
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


def notice_period_passed(s: CaseState, on: date, code: str, source: str) -> None:
    """The enforcement notice was issued and the period it gave for performance has passed
    unperformed by ``on`` (限消规定 art.1; 失信规定 arts.1, 5): a notice that names no period
    orders performance at once, so its period is its own day (docs/rules.md §1.9)."""
    require(s.notice_issued_on is not None, f"{code}.no_notice",
            "no enforcement notice was issued: the measure follows the notice's period passed "
            "unperformed", source)
    assert s.notice_issued_on is not None
    last = s.notice_performance_due_on or s.notice_issued_on
    require(on > last, f"{code}.notice_period_running",
            f"the notice of {s.notice_issued_on} gave until {last} to perform: the measure may "
            f"be taken from the day after", source)
    require(s.outstanding > 0, f"{code}.performed", "nothing is owed: the debt is performed",
            source)


def respondent_of(s: CaseState, ref: str | None) -> Party | None:
    """The respondent a command names by name or identity-document number (None: none named)."""
    if ref is None:
        return None
    found = [p for p in s.respondents if ref in (p.name, p.document.number)]
    require(bool(found), "dishonest.respondent_unknown",
            f"no respondent of this case is named or numbered {ref!r}", r.SRC_ENGINE)
    require(len(found) == 1, "dishonest.respondent_ambiguous",
            f"{len(found)} respondents are named {ref!r}: name one by its document number",
            r.SRC_ENGINE)
    return found[0]


@decides(c.ListDishonest)
def list_dishonest(s: CaseState, cmd: c.ListDishonest, ctx: Context) -> list[Pending]:
    approval = approval_for(s, cmd)
    notice_period_passed(s, cmd.listed_on, "dishonest", r.SRC_DISHONEST_NOTICE)
    named = respondent_of(s, cmd.respondent)
    listed = (named,) if named is not None else s.respondents
    for party in listed:
        born = party.born_on()
        every = "" if named is not None or len(s.respondents) == 1 else (
            " (a listing naming no respondent lists every respondent: name the adult "
            "respondents one by one with respondent)")
        require(born is None or r.age_on(born, cmd.listed_on) >= r.ADULT_AGE,
                "dishonest.minor", f"{party.name} is a minor and is never listed{every}",
                r.SRC_DISHONEST_MINOR)
    on_list = [p.name for p in listed if s.listed_active(p.name) is not None]
    require(not on_list, "dishonest.already_listed",
            f"already on the list: {', '.join(on_list)}", r.SRC_DISHONEST_PERIOD)
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
                                        "until": until, **approval,
                                        **({"respondent": named.name} if named else {})})]


@decides(c.DeleteDishonestEntry)
def delete_dishonest(s: CaseState, cmd: c.DeleteDishonestEntry, ctx: Context
                     ) -> list[Pending]:
    entry = s.dishonest_active
    require(entry is not None, "dishonest.not_listed", "the debtor is not on the list",
            r.SRC_DISHONEST_DELETION)
    assert entry is not None
    if cmd.reason == "period_expired":  # every entry in force is deleted: each has run out
        for listing in s.dishonest:
            require(listing.deleted_on is not None or (
                listing.until is not None and cmd.deleted_on >= listing.until),
                "dishonest.period_not_expired",
                f"the listing runs until {listing.until or 'performance (ground 1)'}",
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
