"""Handlers for security and postponement (执行担保, 暂缓执行: docs/rules.md §8) and refusal to
enforce (拒执罪: §9) events (see ``projections.evidence``). Total: a breach, a ruling or an
outcome of something never recorded makes a placeholder."""

from __future__ import annotations

from domain import events as ev
from projections.evidence.registry import Step, end_periods, handles
from projections.facts import CaseFacts, PeriodFact, PostponementFact, ReferralFact, SecurityFact


def _security(f: CaseFacts, security_id: str) -> SecurityFact:
    return f.securities.setdefault(security_id, SecurityFact(security_id=security_id))


def _referral(f: CaseFacts, referral_id: str) -> ReferralFact:
    return f.referrals.setdefault(referral_id, ReferralFact(referral_id=referral_id))


@handles(ev.SecurityRecorded)
def security_recorded(f: CaseFacts, e: ev.SecurityRecorded, s: Step) -> None:
    f.securities[e.security_id] = SecurityFact(
        security_id=e.security_id, form=e.form.value, provider=e.provider.value,
        provider_name=e.provider_name, amount=e.amount, given_on=e.given_on,
        consents=e.applicant_consents, security_months=e.security_months)


@handles(ev.EnforcementPostponed)
def postponed(f: CaseFacts, e: ev.EnforcementPostponed, s: Step) -> None:
    f.postponements.append(PostponementFact(decided_on=e.decided_on, until=e.until,
                                            security_ids=list(e.security_ids)))
    for security_id in e.security_ids:
        security = _security(f, security_id)
        security.postponed_until, security.postponement_ended_on = e.until, None
    if not any(p.kind == "suspension" and p.end is None for p in f.periods):
        f.periods.append(PeriodFact(kind="suspension", start=e.decided_on))  # 审限规定 art.9


@handles(ev.SecurityBreachRecorded)
def breached(f: CaseFacts, e: ev.SecurityBreachRecorded, s: Step) -> None:
    _security(f, e.security_id).breaches.append(e.occurred_on)


@handles(ev.PostponementEnded)
def postponement_ended(f: CaseFacts, e: ev.PostponementEnded, s: Step) -> None:
    for postponement in f.postponements:
        if postponement.ended_on is None:
            postponement.ended_on, postponement.cause = e.ended_on, e.cause.value
            for security_id in postponement.security_ids:
                _security(f, security_id).postponement_ended_on = e.ended_on
    end_periods(f, "suspension", e.ended_on)


@handles(ev.SecurityEnforcementRuled)
def security_ruled(f: CaseFacts, e: ev.SecurityEnforcementRuled, s: Step) -> None:
    security = _security(f, e.security_id)
    security.ruled_on = e.ruled_on
    security.provider_name = security.provider_name or e.bound_person


@handles(ev.SecurityCollected)
def security_collected(f: CaseFacts, e: ev.SecurityCollected, s: Step) -> None:
    _security(f, e.security_id).collected += e.amount  # the money: its FundsReceived


@handles(ev.RefusalToEnforceFound)
def refusal_found(f: CaseFacts, e: ev.RefusalToEnforceFound, s: Step) -> None:
    f.refusal_found_on = f.refusal_found_on or e.found_on


@handles(ev.RefusalToEnforceReferred)
def referred(f: CaseFacts, e: ev.RefusalToEnforceReferred, s: Step) -> None:
    referral = _referral(f, e.referral_id)
    referral.route, referral.referred_on = e.route.value, e.referred_on


@handles(ev.ReferralOutcomeRecorded)
def referral_outcome(f: CaseFacts, e: ev.ReferralOutcomeRecorded, s: Step) -> None:
    referral = _referral(f, e.referral_id)
    referral.outcome, referral.decided_on = e.outcome.value, e.decided_on
