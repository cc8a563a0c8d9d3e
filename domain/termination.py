"""The conditions of 终结本次执行程序 (终本规定 art.1), evaluated over a case's state.

Used by the aggregate before it accepts a 终本 ruling. Each unmet condition is reported with
its code, a message and its source; nothing is decided here.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from domain import rules as r
from domain.calendar import add_months
from domain.models import ReportStatus
from domain.rules import RuleSet
from domain.state import CaseState, ControlStatus


class Unmet(BaseModel):
    """One condition that is missing or violated."""

    code: str
    message: str
    source: str


def _report_and_notice(s: CaseState, out: list[Unmet]) -> None:
    if s.notice_issued_on is None or not s.report_ordered:
        out.append(Unmet(code="termination.no_notice", source=r.SRC_TERMINATION + "(1)",
                         message="no enforcement notice with a property-report order"))
    breach = s.report_status in (ReportStatus.REFUSED, ReportStatus.FALSE, ReportStatus.LATE)
    if s.report_ordered and s.report_status is None:
        out.append(Unmet(code="termination.report_unverified", source=r.SRC_TERMINATION_REPORT,
                         message="the debtor's property report was never recorded or verified"))
    if breach and not (s.fines or s.detentions):
        # 终本规定 art.2(3): 罚款、拘留等强制措施; a 失信 listing is a credit sanction owed on its
        # own (财产调查规定 art.10), not a coercive measure (docs/rules.md §1.10)
        listed = " (a 失信 listing alone does not sanction it)" if s.dishonest else ""
        out.append(Unmet(code="termination.report_breach_unsanctioned",
                         source=r.SRC_TERMINATION_REPORT_SANCTION,
                         message=f"the {s.report_status.value if s.report_status else ''} "
                         "property report was not met with a 罚款 or 拘留 (fine or detention)"
                         + listed))


def listable(s: CaseState, on: date) -> list[str]:
    """The respondents who may be put on the 失信 list on ``on``: every one but a minor
    (失信规定 art.4 protects the minor only; the adults are listed by name, docs/rules.md
    §1.9)."""
    return [p.name for p in s.respondents
            if (born := p.born_on()) is None or r.age_on(born, on) >= r.ADULT_AGE]


def dishonest_grounds(s: CaseState) -> list[str]:
    """The sources of the grounds on which a listing is owed (失信规定 art.1: 应当纳入)."""
    out = []
    if s.report_status in (ReportStatus.REFUSED, ReportStatus.FALSE):
        out.append(r.SRC_REPORT_DISHONEST + "; " + r.SRC_DISHONEST_REPORT_GROUND)
    if s.obstructions > 0:
        out.append(r.SRC_DISHONEST_OBSTRUCTION_GROUND)
    if s.settlement_status == "defaulted":
        out.append(r.SRC_DISHONEST_SETTLEMENT_GROUND)
    return out


def _measures(s: CaseState, ruled_on: date, out: list[Unmet]) -> None:
    if s.restriction_on is None:
        out.append(Unmet(code="termination.no_restriction", source=r.SRC_TERMINATION + "(2)",
                         message="no consumption-restriction order was issued"))
    elif s.restriction_lifted_on is not None:
        out.append(Unmet(code="termination.restriction_lifted",
                         source=r.SRC_TERMINATION + "(2)",
                         message=f"the consumption restriction was lifted on "
                         f"{s.restriction_lifted_on} and is not in force"))
    grounds = dishonest_grounds(s)
    unlisted = [name for name in listable(s, ruled_on)
                if not any(entry.names(name) for entry in s.dishonest)]
    if grounds and unlisted:
        out.append(Unmet(code="termination.dishonest_required",
                         source=r.SRC_TERMINATION + "(2); " + "; ".join(grounds),
                         message="the grounds for 失信 listing hold but not listed: "
                         + ", ".join(unlisted)))


def _inquiry(s: CaseState, rules: RuleSet, out: list[Unmet]) -> None:
    missing = sorted(ch.value for ch in rules.required_channels if ch not in s.channels_queried)
    if missing:
        out.append(Unmet(code="termination.channel_not_queried", source=r.SRC_TERMINATION_INQUIRY,
                         message="network inquiry never made: " + ", ".join(missing)))
    unverified = sorted(k for k, v in s.leads.items() if v.verified_on is None)
    if unverified:
        out.append(Unmet(code="termination.lead_unverified", source=r.SRC_TERMINATION_INQUIRY,
                         message="applicant's leads not verified: " + ", ".join(unverified)))
    if s.reward_requested_on and not s.reward_decided_on:
        out.append(Unmet(code="termination.reward_undecided", source=r.SRC_REWARD,
                         message="the applicant's reward request was not decided"))
    if s.audit_requested_on and not s.audit_decided_on:
        out.append(Unmet(code="termination.audit_undecided", source=r.SRC_AUDIT,
                         message="the applicant's audit request was not decided"))


def disposable_assets(s: CaseState) -> list[str]:
    """Assets found with value that could still be controlled or disposed of: never
    controlled, or whose control lapsed unrenewed (查封规定 art.27: it can be seized again), or
    under control and not yet failed at two auctions (终本规定 art.1(3))."""
    out = []
    for asset_id, a in s.assets.items():
        f = a.finding
        if f.exempt or f.necessary_home or f.value <= 0:
            continue
        if a.control in (ControlStatus.NONE, ControlStatus.LAPSED) or (
                a.under_control and a.failed_rounds < 2):
            out.append(asset_id)
    return out


def unenforced_securities(s: CaseState, on: date) -> list[str]:
    """Securities whose postponement has ended and that no ruling enforces yet, while their
    security period still runs on ``on`` (docs/rules.md §8): something left to enforce."""
    return [k for k, x in s.securities.items()
            if x.ruled_on is None and x.postponed_until is not None
            and x.postponement_ended_on is not None
            and on <= add_months(x.postponed_until, x.security_months)]


def _nothing_left(s: CaseState, ruled_on: date, out: list[Unmet]) -> None:
    assets = disposable_assets(s)
    if assets:
        out.append(Unmet(code="termination.assets_disposable", source=r.SRC_TERMINATION + "(3)",
                         message="property found and still disposable: " + ", ".join(assets)))
    securities = unenforced_securities(s, ruled_on)
    if securities:
        out.append(Unmet(code="termination.security_unenforced",
                         source=r.SRC_TERMINATION + "(3); " + r.SRC_SECURITY_ENFORCEMENT,
                         message="the postponement on a security ended and it was not enforced "
                         "within its period: " + ", ".join(securities)))
    if s.undisbursed > 0 or s.settlement_status == "reached":
        out.append(Unmet(code="termination.money_arriving", source=r.SRC_TERMINATION + "(3)",
                         message="case funds are held or a settlement is being performed"))


def _time_and_debtor(s: CaseState, ruled_on: date, out: list[Unmet]) -> None:
    earliest = add_months(s.filed_on, r.TERMINATION_MIN_MONTHS)
    if ruled_on <= earliest:
        out.append(Unmet(code="termination.too_early", source=r.SRC_TERMINATION + "(4)",
                         message=f"more than 3 months must pass since filing (after {earliest})"))
    if s.debtor_missing and s.debtor_searched_on is None:
        out.append(Unmet(code="termination.debtor_not_searched", source=r.SRC_TERMINATION + "(5)",
                         message="the missing debtor was not searched for"))
    if s.obstructions and not (s.fines or s.detentions):
        out.append(Unmet(code="termination.obstruction_unsanctioned",
                         source=r.SRC_TERMINATION + "(5)",
                         message="obstruction was not met with a fine or detention"))
    _referral(s, ruled_on, out)


def _referral(s: CaseState, ruled_on: date, out: list[Unmet]) -> None:
    """Where the debtor's conduct calls for criminal proceedings — the court found it does
    (``RefusalToEnforceFound``, docs/rules.md §9) — they must have been started: a referral
    by any route on or before the ruling, whatever became of it (终本规定 art.1(5))."""
    if s.refusal_found_on is None:
        return
    if not any(x.referred_on <= ruled_on for x in s.referrals.values()):
        out.append(Unmet(code="termination.referral_missing",
                         source=r.SRC_TERMINATION + "(5); " + r.SRC_REFUSAL_CRIME,
                         message=f"the court found on {s.refusal_found_on} that the debtor's "
                         "conduct calls for criminal proceedings for refusing to enforce, and "
                         "none were started (no referral to the police, complaint or private "
                         "prosecution)"))


def _objections(s: CaseState, out: list[Unmet]) -> None:
    """An objection or an outsider's claim the court has not answered (docs/rules.md §7.3)."""
    open_ids = [oid for oid, o in s.objections.items() if o.outcome is None]
    if open_ids:
        out.append(Unmet(code="termination.objection_unanswered",
                         source=r.SRC_OBJECTION + "; " + r.SRC_CLAIM,
                         message="objections or claims not ruled on: " + ", ".join(open_ids)))


def unmet_conditions(s: CaseState, ruled_on: date, rules: RuleSet) -> list[Unmet]:
    """Every substantive 终本 condition (art.1 (1)-(5)) that the state does not satisfy, and
    an objection left unanswered (docs/rules.md §7.3)."""
    out: list[Unmet] = []
    _report_and_notice(s, out)
    _measures(s, ruled_on, out)
    _inquiry(s, rules, out)
    _nothing_left(s, ruled_on, out)
    _time_and_debtor(s, ruled_on, out)
    _objections(s, out)
    return out
