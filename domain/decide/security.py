"""Security and postponement (执行担保, 暂缓执行: docs/rules.md §8): the security given, the
court's decision to postpone (at most one year), the end of the postponement (its term, or a
breach of the security), and enforcement against the security within its amount."""

from __future__ import annotations

from domain import commands as c
from domain import events as ev
from domain import rules as r
from domain.calendar import add_months, add_years
from domain.models import FundsSource, SecurityForm, SecurityProvider
from domain.models import PostponementEnd as End
from domain.state import CaseState, Phase, SecurityState

from . import Context, Pending, decides
from .common import require


def security_of(s: CaseState, security_id: str) -> SecurityState:
    """The security with that id, or a refusal naming it."""
    security = s.securities.get(security_id)
    require(security is not None, "security.unknown", f"no security {security_id!r} in this "
            "case", r.SRC_SECURITY)
    assert security is not None
    return security


@decides(c.RecordSecurity)
def record_security(s: CaseState, cmd: c.RecordSecurity, ctx: Context) -> list[Pending]:
    require(cmd.security_id not in s.securities, "security.duplicate",
            f"security {cmd.security_id!r} is already recorded", r.SRC_ENGINE)
    if cmd.provider is SecurityProvider.DEBTOR:
        require(cmd.form is SecurityForm.PROPERTY, "security.debtor_guarantee",
                "the debtor secures his own performance with property only; a guarantee (保证) "
                "is given by another person", r.SRC_SECURITY)
        require(cmd.guarantor is None, "security.guarantor_not_debtor",
                "a security the debtor gives names no guarantor", r.SRC_SECURITY)
        name = ", ".join(p.name for p in s.respondents)
    else:
        require(cmd.guarantor is not None, "security.guarantor_required",
                "a security given by another person names that person",
                "民诉法 art.242; 执行担保规定 arts.2, 4")
        assert cmd.guarantor is not None
        require(cmd.guarantor not in s.respondents, "security.guarantor_not_debtor",
                f"{cmd.guarantor.name} is a respondent: the debtor's own security is given with "
                "provider 'debtor'", r.SRC_SECURITY)
        name = cmd.guarantor.name
    require(cmd.form is not SecurityForm.PROPERTY or cmd.secured_property is not None,
            "security.property_required", "a property security names the property "
            "(name, quantity, state, location, owner)", "执行担保规定 art.4")
    require(cmd.amount <= s.outstanding, "security.exceeds_debt",
            f"a security secures the obligation or part of it: {cmd.amount} exceeds the "
            f"outstanding balance {s.outstanding}", "执行担保规定 art.1")
    return [(ev.SecurityRecorded, {
        "security_id": cmd.security_id, "form": cmd.form, "provider": cmd.provider,
        "provider_name": name, "guarantor": cmd.guarantor, "amount": cmd.amount,
        "secured_property": cmd.secured_property,
        "security_months": cmd.security_months or r.SECURITY_PERIOD_DEFAULT_MONTHS,
        "applicant_consents": cmd.applicant_consents, "given_on": cmd.given_on})]


@decides(c.PostponeEnforcement)
def postpone(s: CaseState, cmd: c.PostponeEnforcement, ctx: Context) -> list[Pending]:
    require(s.phase not in (Phase.SUSPENDED, Phase.SETTLEMENT), "postponement.already_suspended",
            "enforcement is already suspended or postponed", r.SRC_POSTPONEMENT_PERIOD)
    require(len(set(cmd.security_ids)) == len(cmd.security_ids), "postponement.security_repeated",
            "a security is named twice", r.SRC_ENGINE)
    for security_id in cmd.security_ids:
        security = security_of(s, security_id)
        require(security.applicant_consents, "postponement.no_consent",
                f"the applicant did not consent to security {security_id}: enforcement is "
                "postponed only with the applicant's consent", r.SRC_SECURITY_CONSENT)
        require(cmd.decided_on >= security.given_on, "postponement.before_security",
                f"security {security_id} was given on {security.given_on}",
                r.SRC_SECURITY_CONSENT)
        require(security.ruled_on is None, "postponement.security_enforced",
                f"security {security_id} is already being enforced", r.SRC_SECURITY_ENFORCEMENT)
    require(cmd.until > cmd.decided_on, "postponement.period_empty",
            f"the postponement must end after its decision on {cmd.decided_on}",
            r.SRC_POSTPONEMENT_PERIOD)
    latest = add_years(cmd.decided_on, r.POSTPONEMENT_MAX_YEARS)
    require(cmd.until <= latest, "postponement.too_long",
            f"a postponement lasts at most one year: decided on {cmd.decided_on}, it ends on "
            f"{latest} at the latest, not {cmd.until}", r.SRC_POSTPONEMENT_PERIOD)
    return [(ev.EnforcementPostponed, {"decided_on": cmd.decided_on, "until": cmd.until,
                                       "security_ids": cmd.security_ids})]


@decides(c.RecordSecurityBreach)
def breach(s: CaseState, cmd: c.RecordSecurityBreach, ctx: Context) -> list[Pending]:
    security = security_of(s, cmd.security_id)
    require(security.form is SecurityForm.PROPERTY, "security.breach_not_property",
            f"security {cmd.security_id} is a guarantee: a breach is a transfer, hiding, sale or "
            "damage of secured property", r.SRC_POSTPONEMENT_END)
    require(cmd.occurred_on >= security.given_on, "security.breach_before_given",
            f"security {cmd.security_id} was given on {security.given_on}",
            r.SRC_POSTPONEMENT_END)
    return [(ev.SecurityBreachRecorded, {"security_id": cmd.security_id,
                                         "occurred_on": cmd.occurred_on,
                                         "description": cmd.description})]


@decides(c.EndPostponement)
def end_postponement(s: CaseState, cmd: c.EndPostponement, ctx: Context) -> list[Pending]:
    postponement = s.postponement
    require(postponement is not None, "postponement.none", "enforcement is not postponed",
            r.SRC_POSTPONEMENT_END)
    assert postponement is not None
    if cmd.cause is End.PERIOD_ENDED:
        require(cmd.ended_on > postponement.until, "postponement.not_ended",
                f"the postponement runs until {postponement.until} inclusive",
                r.SRC_POSTPONEMENT_PERIOD)
    else:
        breached = [x for x in postponement.security_ids
                    if any(b >= postponement.decided_on for b in s.securities[x].breaches)]
        require(bool(breached), "postponement.no_breach",
                "no breach of the securities it rests on was recorded during the postponement",
                r.SRC_POSTPONEMENT_END)
    return [(ev.PostponementEnded, {"ended_on": cmd.ended_on, "cause": cmd.cause})]


@decides(c.RuleAgainstSecurity)
def rule_against(s: CaseState, cmd: c.RuleAgainstSecurity, ctx: Context) -> list[Pending]:
    security = security_of(s, cmd.security_id)
    require(security.ruled_on is None, "security.already_ruled",
            f"security {cmd.security_id} is already being enforced (ruled on "
            f"{security.ruled_on})", r.SRC_SECURITY_ENFORCEMENT)
    require(security.postponed_until is not None and security.postponement_ended_on is not None,
            "security.not_due", f"security {cmd.security_id} is enforced once the postponement "
            "it secured has ended (its term, or a breach)", r.SRC_SECURITY_ENFORCEMENT)
    assert security.postponed_until is not None
    require(s.outstanding > 0, "security.nothing_owed", "nothing is owed",
            r.SRC_SECURITY_ENFORCEMENT)
    last = add_months(security.postponed_until, security.security_months)
    require(cmd.ruled_on <= last, "security.period_expired",
            f"the security period of {security.security_months} months from the end of the "
            f"postponement ({security.postponed_until}) ended on {last}", r.SRC_SECURITY_PERIOD)
    return [(ev.SecurityEnforcementRuled, {"security_id": cmd.security_id,
                                           "ruled_on": cmd.ruled_on,
                                           "bound_person": security.provider_name,
                                           "limit": security.amount})]


@decides(c.CollectFromSecurity)
def collect(s: CaseState, cmd: c.CollectFromSecurity, ctx: Context) -> list[Pending]:
    security = security_of(s, cmd.security_id)
    require(security.ruled_on is not None, "security.not_ruled",
            f"no ruling enforces security {cmd.security_id}", r.SRC_SECURITY_ENFORCEMENT)
    assert security.ruled_on is not None
    require(cmd.collected_on >= security.ruled_on, "security.before_ruling",
            f"security {cmd.security_id} is enforced from {security.ruled_on}",
            r.SRC_SECURITY_ENFORCEMENT)
    require(cmd.amount <= security.remaining, "security.exceeds_amount",
            f"{security.provider_name} answers for at most {security.amount}: "
            f"{security.collected} collected, {security.remaining} remains, not {cmd.amount}",
            r.SRC_SECURITY_ENFORCEMENT)
    require(cmd.amount <= s.outstanding, "funds.exceed_balance",
            f"{cmd.amount} exceeds the outstanding balance {s.outstanding}", r.SRC_ENGINE)
    return [(ev.SecurityCollected, {"security_id": cmd.security_id, "amount": cmd.amount,
                                    "collected_on": cmd.collected_on}),
            (ev.FundsReceived, {"amount": cmd.amount, "received_on": cmd.collected_on,
                                "source": FundsSource.SECURITY,
                                "payout_due_on": ctx.calendar.period_end(cmd.collected_on,
                                                                         r.PAYOUT_DAYS)})]
