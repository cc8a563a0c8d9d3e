"""Refusal to enforce (拒执罪, 刑法 art.313: docs/rules.md §9): the court's finding that the
debtor's conduct calls for criminal proceedings, the referral that starts them (the court's
transfer to the police, the applicant's complaint, the applicant's private prosecution) and
what became of it."""

from __future__ import annotations

from domain import commands as c
from domain import events as ev
from domain import rules as r
from domain.errors import NotPermitted
from domain.models import ReferralOutcome as O
from domain.models import ReferralRoute as Route
from domain.models import ReportStatus
from domain.state import CaseState
from domain.values import Role

from . import Context, Pending, decides
from .common import require

POLICE_ROUTES = frozenset({Route.COURT_TRANSFER, Route.APPLICANT_COMPLAINT})
STEPS: dict[tuple[bool, O | None], frozenset[O]] = {
    # (private prosecution?, outcome so far) -> the outcomes that may follow
    (False, None): frozenset({O.ACCEPTED, O.DECLINED}),
    (False, O.ACCEPTED): frozenset({O.PROSECUTED, O.DROPPED}),
    (False, O.PROSECUTED): frozenset({O.CONVICTED, O.ACQUITTED}),
    (True, None): frozenset({O.ACCEPTED, O.DECLINED}),
    (True, O.ACCEPTED): frozenset({O.CONVICTED, O.ACQUITTED, O.WITHDRAWN}),
}
"""The referral's steps: the police accept (立案) or decline; an accepted case is prosecuted or
dropped; a prosecution ends in a judgment. A private prosecution is accepted or not; accepted,
it ends in a judgment or is withdrawn (reconciled) before it."""


def conduct_recorded(s: CaseState) -> list[str]:
    """The recorded conduct that may amount to refusing to enforce: obstruction, a refused or
    false property report, a breach of a security given to the court (刑法313解释 (2))."""
    out = []
    if s.obstructions:
        out.append(f"{s.obstructions} obstruction(s)")
    if s.report_status in (ReportStatus.REFUSED, ReportStatus.FALSE):
        out.append(f"property report {s.report_status.value}")
    breaches = sum(len(x.breaches) for x in s.securities.values())
    if breaches:
        out.append(f"{breaches} breach(es) of a security")
    return out


def _conduct(s: CaseState) -> None:
    require(bool(conduct_recorded(s)), "referral.no_conduct_recorded",
            "the record holds no conduct that may amount to refusing to enforce (obstruction, "
            "a refused or false property report, a breach of a security)", r.SRC_REFUSAL_CRIME)


@decides(c.FindRefusalToEnforce)
def find(s: CaseState, cmd: c.FindRefusalToEnforce, ctx: Context) -> list[Pending]:
    _conduct(s)
    return [(ev.RefusalToEnforceFound, {"found_on": cmd.found_on, "conduct": cmd.conduct})]


@decides(c.ReferRefusalToEnforce)
def refer(s: CaseState, cmd: c.ReferRefusalToEnforce, ctx: Context) -> list[Pending]:
    if cmd.route is Route.COURT_TRANSFER and cmd.actor.role not in (Role.JUDGE, Role.PRESIDENT):
        raise NotPermitted("role.not_permitted", f"a {cmd.actor.role.value} may not transfer "
                           "a case to the police: a judge or the president decides it",
                           "permissions table (docs/design.md, Actor); docs/rules.md §9")
    require(cmd.referral_id not in s.referrals, "referral.duplicate",
            f"referral {cmd.referral_id!r} is already recorded", r.SRC_ENGINE)
    _conduct(s)
    if cmd.route is Route.PRIVATE_PROSECUTION:
        declined = [k for k, x in s.referrals.items()
                    if x.route in POLICE_ROUTES and x.outcome in (O.DECLINED, O.DROPPED)
                    and x.decided_on is not None and x.decided_on <= cmd.referred_on]
        require(bool(declined), "referral.private_prosecution_premature",
                "a private prosecution needs an earlier complaint that the police or the "
                "procuratorate declined to pursue", r.SRC_PRIVATE_PROSECUTION)
    return [(ev.RefusalToEnforceReferred, {
        "referral_id": cmd.referral_id, "route": cmd.route, "referred_on": cmd.referred_on,
        "subject": cmd.subject, "facts": cmd.facts})]


@decides(c.RecordReferralOutcome)
def outcome(s: CaseState, cmd: c.RecordReferralOutcome, ctx: Context) -> list[Pending]:
    referral = s.referrals.get(cmd.referral_id)
    require(referral is not None, "referral.unknown", f"no referral {cmd.referral_id!r} in "
            "this case", r.SRC_REFERRAL_STEPS)
    assert referral is not None
    allowed = STEPS.get((referral.route is Route.PRIVATE_PROSECUTION, referral.outcome),
                        frozenset())
    require(cmd.outcome in allowed, "referral.outcome_not_allowed",
            f"after {referral.outcome.value if referral.outcome else 'the referral'} comes "
            + (", ".join(sorted(x.value for x in allowed)) or "nothing more")
            + f", not {cmd.outcome.value}", r.SRC_REFERRAL_STEPS)
    since = referral.decided_on or referral.referred_on
    require(cmd.decided_on >= since, "referral.outcome_before_referral",
            f"the referral's last step is dated {since}", r.SRC_REFERRAL_STEPS)
    return [(ev.ReferralOutcomeRecorded, {"referral_id": cmd.referral_id,
                                          "outcome": cmd.outcome,
                                          "decided_on": cmd.decided_on})]
