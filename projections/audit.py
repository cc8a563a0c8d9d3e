"""终本 compliance audit (docs/rules.md §1.10, §2), re-derived from the events alone.

Every 终本 — a ``CurrentProcedureTerminated`` ruling, or a legacy ``CaseClosed`` with mode
``terminated`` — is classified with the precedence 误报结 > 不合规 > 待完善 > 合规:

- **误报结 (misreported)**: at the ruling an asset was known and under control or disposable, or
  money was still arriving (funds held for payout, a settlement being performed).
- **不合规 (non-compliant)**: a substantive condition of 终本规定 art.1 (1)–(5) is missing or
  violated, as the log stood at the ruling.
- **待完善 (pending)**: the substance is there but a procedural record is missing: the applicant's
  hearing (约谈), the approval (applicant's signature, or panel + president), the ruling's service.
  These records may be completed after the ruling (a late record of an earlier hearing counts).
- **合规 (compliant)** otherwise.

Misreport and substantive findings are fixed at the ruling (``findings_at_ruling``, called by the
evidence handler of the ruling); procedural findings are evaluated on the current facts. Every
finding names its source. Nothing here trusts the aggregate's own check (``domain.termination``):
an imported legacy case never passed it.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from domain import rules as r
from domain.calendar import add_months
from domain.rules import RuleSet
from projections.facts import AssetFact, CaseFacts, Finding, ObjectionFact, RespondentFact
from projections.settings import ProjectionSettings

MISREPORT, SUBSTANTIVE, PROCEDURAL = "misreport", "substantive", "procedural"
ART1 = r.SRC_TERMINATION  # 终本规定 art.1
SRC_SERVICE = "docs/rules.md §2 (service of the 终本 ruling)"


class AuditClass(StrEnum):
    """The four audit classes of docs/rules.md §2."""

    COMPLIANT = "compliant"
    NON_COMPLIANT = "non_compliant"
    PENDING = "pending"
    MISREPORTED = "misreported"

    @property
    def label(self) -> str:
        return {"compliant": "合规", "non_compliant": "不合规", "pending": "待完善",
                "misreported": "误报结"}[self.value]


def classify(findings: list[Finding]) -> AuditClass:
    """误报结 > 不合规 > 待完善 > 合规 (docs/rules.md §2)."""
    categories = {f.category for f in findings}
    if MISREPORT in categories:
        return AuditClass.MISREPORTED
    if SUBSTANTIVE in categories:
        return AuditClass.NON_COMPLIANT
    if PROCEDURAL in categories:
        return AuditClass.PENDING
    return AuditClass.COMPLIANT


def findings_at_ruling(f: CaseFacts, ruled_on: date, settings: ProjectionSettings
                       ) -> list[Finding]:
    """Misreport and substantive findings as the log stood when the 终本 was ruled."""
    out: list[Finding] = []
    _misreport(f, out)
    _notice_and_report(f, out)
    _measures(f, ruled_on, out)
    _inquiry(f, settings.rules, out)
    _securities(f, ruled_on, out)
    _time(f, ruled_on, out)
    _debtor(f, out)
    _referral(f, ruled_on, out)
    _objections(f, ruled_on, settings, out)
    return out


def _add(out: list[Finding], category: str, code: str, message: str, source: str,
         subject: str = "") -> None:
    out.append(Finding(category=category, code=code, subject=subject, message=message,
                       source=source))


# --- 误报结 ---------------------------------------------------------------------------------

def still_disposable(a: AssetFact) -> str | None:
    """Why the asset was still disposable at the ruling, or None.

    Under our control (effective or queued) with fewer than two failed auctions; or found with
    a value and never controlled; or its control lapsed unrenewed (查封规定 art.27) — the asset
    is still the debtor's. Exempt property and the necessary home are never counted; released,
    disposed of, or failed twice at auction are not disposable."""
    if a.exempt or a.necessary_home:
        return None
    if a.under_control and a.failed_rounds < 2:
        return f"{a.control} {a.measure or 'control'} of {a.amount}"
    if a.value <= 0:
        return None
    if a.control == "none":
        return f"found on {a.found_on} worth {a.value}, never controlled"
    if a.control == "lapsed":
        return f"worth {a.value}, its control lapsed on {a.ended_on} without renewal"
    return None


def _misreport(f: CaseFacts, out: list[Finding]) -> None:
    for asset_id, a in f.assets.items():
        why = still_disposable(a)
        if why is not None:
            code = "misreport.asset_under_control" if a.under_control \
                else "misreport.asset_disposable"
            _add(out, MISREPORT, code, f"asset {asset_id} ({a.kind or 'unrecorded kind'}): "
                 f"{why}", ART1 + "(3); docs/rules.md §2", asset_id)
    if f.undisbursed > 0:
        _add(out, MISREPORT, "misreport.funds_undisbursed",
             f"{f.undisbursed} of case funds held and not paid out", r.SRC_PAYOUT)
    if f.settlement == "reached":
        _add(out, MISREPORT, "misreport.settlement_in_performance",
             "a settlement was still being performed", r.SRC_SETTLEMENT)


# --- 不合规: 终本规定 art.1 (1)-(5) -----------------------------------------------------------

def _sanctioned(f: CaseFacts) -> bool:
    """A report breach met with 罚款、拘留等强制措施 (终本规定 art.2(3)): a fine or a detention;
    a 失信 listing is not a coercive measure (docs/rules.md §1.10)."""
    return any(s.kind in ("fine", "detention") for s in f.sanctions)


def _notice_and_report(f: CaseFacts, out: list[Finding]) -> None:
    if f.notice_on is None:
        _add(out, SUBSTANTIVE, "termination.no_notice", "no enforcement notice was issued",
             ART1 + "(1)")
    elif not f.report_ordered:
        _add(out, SUBSTANTIVE, "termination.no_report_order",
             "the notice went out without a property-report order", ART1 + "(1); "
             + r.SRC_REPORT_ORDER)
    if f.report_ordered and f.report_status is None:
        _add(out, SUBSTANTIVE, "termination.report_unverified",
             "the debtor's property report was never recorded or verified",
             r.SRC_TERMINATION_REPORT)
    if f.report_status in ("refused", "false", "late") and not _sanctioned(f):
        _add(out, SUBSTANTIVE, "termination.report_breach_unsanctioned",
             f"the property report was {f.report_status} and the breach was not met with a "
             "fine or detention", r.SRC_TERMINATION_REPORT_SANCTION + "; " + r.SRC_REPORT_SANCTION)


def _adult(p: RespondentFact, on: date) -> bool:
    return p.organisation or p.born_on is None or r.age_on(p.born_on, on) >= r.ADULT_AGE


def _listed(f: CaseFacts, name: str) -> bool:
    return any(s.kind == "dishonest" and s.respondent in (None, name) for s in f.sanctions)


def _measures(f: CaseFacts, ruled_on: date, out: list[Finding]) -> None:
    restrictions = [s for s in f.sanctions if s.kind == "restriction"]
    if not restrictions:
        _add(out, SUBSTANTIVE, "termination.no_restriction",
             "no consumption-restriction order was issued", ART1 + "(2); " + r.SRC_RESTRICTION)
    elif all(s.ended_on is not None for s in restrictions):
        _add(out, SUBSTANTIVE, "termination.restriction_lifted",
             f"the consumption restriction was lifted on {restrictions[-1].ended_on} and not "
             "in force at the ruling", ART1 + "(2); " + r.SRC_RESTRICTION)
    listings = [s for s in f.sanctions if s.kind == "dishonest"]
    grounds = _dishonest_grounds(f)
    unlisted = [p.name for p in f.respondents if _adult(p, ruled_on) and not _listed(f, p.name)]
    if grounds and (unlisted or not (f.respondents or listings)):
        who = ": " + ", ".join(unlisted) if unlisted else ""
        _add(out, SUBSTANTIVE, "termination.dishonest_required",
             "the grounds for 失信 listing hold (" + ", ".join(grounds) + ") but not listed"
             + who, ART1 + "(2); " + r.SRC_DISHONEST_GROUNDS)
    for entry in listings:  # a listing naming no respondent listed every respondent
        minors = [p.name for p in f.respondents if entry.respondent in (None, p.name)
                  and not _adult(p, entry.started_on)]
        if minors:
            _add(out, SUBSTANTIVE, "termination.dishonest_minor_listed",
                 f"a minor was put on the 失信 list on {entry.started_on}",
                 ART1 + "(2); " + r.SRC_DISHONEST_MINOR, entry.started_on.isoformat())


def _dishonest_grounds(f: CaseFacts) -> list[str]:
    grounds = []
    if f.report_status in ("refused", "false"):
        grounds.append(f"property report {f.report_status} ({r.SRC_REPORT_DISHONEST})")
    if f.obstructions:
        grounds.append("obstruction (ground 2)")
    if f.settlement == "defaulted":
        grounds.append("settlement default (ground 6)")
    return grounds


def _inquiry(f: CaseFacts, rules: RuleSet, out: list[Finding]) -> None:
    for channel in sorted(ch.value for ch in rules.required_channels):
        if channel not in f.channels:
            _add(out, SUBSTANTIVE, "termination.channel_not_queried",
                 f"no network inquiry of {channel} before the ruling",
                 ART1 + "(3); " + r.SRC_TERMINATION_INQUIRY, channel)
    for lead_id, lead in f.leads.items():
        if lead.verified_on is None:
            _add(out, SUBSTANTIVE, "termination.lead_unverified",
                 f"the applicant's lead {lead_id} was never verified",
                 ART1 + "(3); " + r.SRC_LEAD_VERIFICATION, lead_id)
    if f.reward_requested_on and not f.reward_decided_on:
        _add(out, SUBSTANTIVE, "termination.reward_undecided",
             f"the reward request of {f.reward_requested_on} was not decided",
             ART1 + "(3); " + r.SRC_REWARD)
    if f.audit_requested_on and not f.audit_decided_on:
        _add(out, SUBSTANTIVE, "termination.audit_undecided",
             f"the audit request of {f.audit_requested_on} was not decided",
             ART1 + "(3); " + r.SRC_AUDIT)


def _securities(f: CaseFacts, ruled_on: date, out: list[Finding]) -> None:
    """(3) a security whose postponement ended, never enforced while its period ran
    (docs/rules.md §8): a source of recovery the court left unused."""
    for security_id, x in f.securities.items():
        if x.ruled_on is None and x.postponed_until is not None \
                and x.postponement_ended_on is not None \
                and ruled_on <= add_months(x.postponed_until, x.security_months):
            _add(out, SUBSTANTIVE, "termination.security_unenforced",
                 f"security {security_id} of {x.provider_name} ({x.amount}): its postponement "
                 f"ended on {x.postponement_ended_on} and no ruling enforced it",
                 ART1 + "(3); " + r.SRC_SECURITY_ENFORCEMENT, security_id)


def _time(f: CaseFacts, ruled_on: date, out: list[Finding]) -> None:
    if f.filed_on is None:
        _add(out, SUBSTANTIVE, "termination.filing_unknown", "the log holds no filing",
             ART1 + "(4)")
        return
    earliest = add_months(f.filed_on, r.TERMINATION_MIN_MONTHS)
    if ruled_on <= earliest:
        _add(out, SUBSTANTIVE, "termination.too_early",
             f"ruled on {ruled_on}, not more than 3 months after filing on {f.filed_on} "
             f"(a 终本 may be ruled after {earliest})", ART1 + "(4)")


def _debtor(f: CaseFacts, out: list[Finding]) -> None:
    if f.debtor_missing_on is not None and f.debtor_searched_on is None:
        _add(out, SUBSTANTIVE, "termination.debtor_not_searched",
             f"the debtor missing since {f.debtor_missing_on} was not searched for",
             ART1 + "(5)")
    if f.obstructions and not any(s.kind in ("fine", "detention") for s in f.sanctions):
        _add(out, SUBSTANTIVE, "termination.obstruction_unsanctioned",
             f"{f.obstructions} obstruction(s) not met with a fine or detention", ART1 + "(5)")


def _referral(f: CaseFacts, ruled_on: date, out: list[Finding]) -> None:
    """(5) where the debtor's conduct calls for criminal proceedings — the court found it does
    (docs/rules.md §9) — they were started: a referral by any route by the ruling."""
    if f.refusal_found_on is None or f.refusal_found_on > ruled_on:
        return
    if not any(x.referred_on is not None and x.referred_on <= ruled_on
               for x in f.referrals.values()):
        _add(out, SUBSTANTIVE, "termination.referral_missing",
             f"the court found on {f.refusal_found_on} that the debtor's conduct calls for "
             "criminal proceedings for refusing to enforce, and none were started",
             ART1 + "(5); " + r.SRC_REFUSAL_CRIME)


# --- objections and outsiders' claims (docs/rules.md §7.3) ------------------------------------

def _claim_open(o: ObjectionFact, on: date, settings: ProjectionSettings) -> str | None:
    """Why the claimed asset's fate was still open on ``on`` (the 终本 ruling), or None."""
    if o.outcome is None:
        return "the claim was not ruled on"
    if o.suit_filed_on is not None:
        return None if o.suit_judgment is not None else "a suit about it was pending"
    if o.served_on is None:
        return f"the ruling ({o.outcome}) was not served: the 15 days to sue had not begun"
    last = settings.calendar.period_end(o.served_on, r.OBJECTION_SUIT_DAYS)
    return f"the 15 days to sue ran until {last}" if on <= last else None


def _objections(f: CaseFacts, ruled_on: date, settings: ProjectionSettings,
                out: list[Finding]) -> None:
    """An objection or claim left unanswered at the ruling (不合规: the court owed its answer
    within 15 days, 民诉法 arts.236, 238), and an asset whose claim was not finally decided
    (误报结: it may yet be the debtor's to dispose of, 终本规定 art.1(3))."""
    for oid, o in f.objections.items():
        source = r.SRC_CLAIM if o.kind == "claim" else r.SRC_OBJECTION
        if o.outcome is None:
            _add(out, SUBSTANTIVE, "termination.objection_unanswered",
                 f"{'claim' if o.kind == 'claim' else 'objection'} {oid} received on "
                 f"{o.received_on} (to be examined by {o.due_on}) was not ruled on",
                 source + "; docs/rules.md §7.3", oid)
        if o.kind != "claim" or o.asset_id is None:
            continue
        asset = f.assets.get(o.asset_id)
        why = _claim_open(o, ruled_on, settings)
        if why is not None and asset is not None and asset.under_control:
            _add(out, MISREPORT, "misreport.asset_under_claim",
                 f"asset {o.asset_id} was under the outsider's claim {oid}: {why}",
                 r.SRC_CLAIM + "; " + ART1 + "(3); docs/rules.md §7.3", o.asset_id)


# --- 待完善 ---------------------------------------------------------------------------------

def procedural_findings(f: CaseFacts, settings: ProjectionSettings) -> list[Finding]:
    """Missing procedural records of the 终本 (may be completed after the ruling)."""
    t = f.termination
    out: list[Finding] = []
    if t is None:
        return out
    if settings.rules.hearing_required and not any(h <= t.ruled_on for h in f.hearings):
        _add(out, PROCEDURAL, "procedure.applicant_not_heard",
             "no record that the applicant was told and heard (约谈) before the ruling",
             r.SRC_TERMINATION_HEARING)
    if t.via == "closure":
        _add(out, PROCEDURAL, "procedure.approval_missing",
             "closed as 终本 without a ruling record of the applicant's signature or the panel "
             "and president's approval", r.SRC_TERMINATION_APPROVAL)
    elif t.approval_mode == "panel_and_president" and t.approver_role != "president":
        _add(out, PROCEDURAL, "procedure.approval_missing",
             "panel review without the president's recorded approval",
             r.SRC_TERMINATION_APPROVAL)
    if t.served_on is None:
        _add(out, PROCEDURAL, "procedure.ruling_not_served",
             "no record that the 终本 ruling was served", SRC_SERVICE)
    return out


def audit_findings(f: CaseFacts, settings: ProjectionSettings) -> list[Finding]:
    """Every finding of the case's 终本 (empty if it has none), in precedence order."""
    if f.termination is None:
        return []
    return [*f.termination.findings, *procedural_findings(f, settings)]
