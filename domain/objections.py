"""What objections and outsiders' claims mean for a case, derived from its state
(docs/rules.md §7): which disposal of an asset is held and until when, when a claimed asset's
release falls due, the periods for 复议 and for the suit. Pure functions; the decisions
(``domain/decide/objections.py``, the disposal decisions) and the workflow's view use them.

A hold stops the *disposal* of one asset — announcing an auction, selling, transferring in
lieu, transferring a deposit — never its valuation, its renewal or anything about other assets.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain import rules as r
from domain.calendar import HolidayCalendar
from domain.errors import RuleViolation
from domain.models import ObjectionOutcome, SuitJudgment
from domain.state import CaseState, ControlStatus, ObjectionState

ACT, CLAIM = "act", "claim"


@dataclass(frozen=True)
class Hold:
    """Disposal of an asset held by an objection or claim: why, on what source, and until
    which day inclusive (None: until a further act — a ruling, a service, a judgment)."""

    objection_id: str
    code: str
    reason: str
    source: str
    until: date | None

    def on(self, day: date) -> bool:
        return self.until is None or day <= self.until


def review_last_day(o: ObjectionState, calendar: HolidayCalendar) -> date | None:
    """Last day to apply for 复议 of an objection's ruling: 10 days from its service
    (民诉法 art.236; docs/rules.md §7.1)."""
    if o.kind != ACT or o.served_on is None:
        return None
    return calendar.period_end(o.served_on, r.REVIEW_APPLICATION_DAYS)


def suit_last_day(o: ObjectionState, calendar: HolidayCalendar) -> date | None:
    """Last day to sue about a claimed asset: 15 days from the service of the ruling on the
    claim (民诉法 art.238; docs/rules.md §7.2)."""
    if o.kind != CLAIM or o.served_on is None:
        return None
    return calendar.period_end(o.served_on, r.OBJECTION_SUIT_DAYS)


def claim_hold(o: ObjectionState, calendar: HolidayCalendar) -> Hold | None:
    """How an outsider's claim holds the disposal of its asset (docs/rules.md §7.2).

    Examined → held (民诉法 art.238). Rejected → held until the ruling is served and 15 days
    after (民诉法解释 art.463), while the outsider's suit is pending (art.313), and for good if
    the judgment excludes enforcement. Upheld → disposal stops (民诉法 art.238), unless the
    applicant's suit ends with enforcement allowed."""
    if o.outcome is None:
        return Hold("", "disposal.under_claim", "an outsider's claim to the asset is examined",
                    r.SRC_CLAIM_EXAMINATION, None)
    if o.suit_judgment is SuitJudgment.ENFORCEMENT_ALLOWED:
        return None
    if o.suit_judgment is SuitJudgment.ENFORCEMENT_EXCLUDED:
        return Hold("", "disposal.claim_upheld", "a judgment excluded enforcement against the "
                    "asset", r.SRC_CLAIM_SUIT, None)
    if o.outcome is ObjectionOutcome.UPHELD:
        return Hold("", "disposal.claim_upheld", "the outsider's claim was upheld: enforcement "
                    "against the asset stops", r.SRC_CLAIM, None)
    if o.suit_filed_on is not None:
        return Hold("", "disposal.under_claim", "the outsider's suit about the asset is pending",
                    r.SRC_CLAIM_SUIT, None)
    last = suit_last_day(o, calendar)
    if last is None:
        return Hold("", "disposal.under_claim", "the claim was rejected; the outsider's 15 days "
                    "to sue run from the ruling's service, not recorded yet",
                    r.SRC_CLAIM_REJECTED, None)
    return Hold("", "disposal.under_claim", f"the claim was rejected; the outsider may sue "
                f"until {last}", r.SRC_CLAIM_REJECTED, last)


def holds(s: CaseState, asset_id: str, calendar: HolidayCalendar) -> list[Hold]:
    """Every hold on the disposal of ``asset_id``, by objection id (some may have ended)."""
    out = []
    for oid, o in s.objections.items():
        if o.asset_id != asset_id:
            continue
        if o.kind == ACT:
            if o.stayed:
                out.append(Hold(oid, "disposal.stayed", f"the court stayed the disposal while "
                                f"objection {oid} is examined", r.SRC_OBJECTION_STAY, None))
            continue
        hold = claim_hold(o, calendar)
        if hold is not None:
            out.append(Hold(oid, hold.code, hold.reason, hold.source, hold.until))
    return out


def hold_on(s: CaseState, asset_id: str, day: date, calendar: HolidayCalendar) -> Hold | None:
    """The first hold in force on ``day`` (None: the asset's disposal may proceed)."""
    return next((h for h in holds(s, asset_id, calendar) if h.on(day)), None)


def check_disposal(s: CaseState, asset_id: str, day: date, calendar: HolidayCalendar) -> None:
    """Refuse a disposal of ``asset_id`` on ``day`` that an objection or claim holds."""
    hold = hold_on(s, asset_id, day, calendar)
    if hold is not None:
        until = f" (until {hold.until})" if hold.until else ""
        raise RuleViolation(hold.code, f"disposal of {asset_id} is held by {hold.objection_id}: "
                            f"{hold.reason}{until}; other assets proceed", hold.source)


def release_from(o: ObjectionState, calendar: HolidayCalendar) -> date | None:
    """The first day on which a claimed asset is to be released (docs/rules.md §7.2), or None.

    A judgment excluding enforcement: from its day. An upheld claim, served, without the
    applicant's suit: the day after the applicant's 15 days (民诉法解释 art.314: within 7 days
    of it)."""
    if o.kind != CLAIM:
        return None
    if o.suit_judgment is SuitJudgment.ENFORCEMENT_EXCLUDED:
        return o.suit_decided_on
    if o.outcome is ObjectionOutcome.UPHELD and o.suit_filed_on is None:
        last = suit_last_day(o, calendar)
        return None if last is None else date.fromordinal(last.toordinal() + 1)
    return None


def release_due(s: CaseState, o: ObjectionState, calendar: HolidayCalendar) -> date | None:
    """``release_from`` while the claimed asset is still under control and not released yet."""
    start = release_from(o, calendar)
    if start is None or o.asset_id is None or o.revoked_on is not None:
        return None
    asset = s.assets.get(o.asset_id)
    if asset is None or asset.control not in (ControlStatus.ACTIVE, ControlStatus.QUEUED):
        return None
    return start


def unanswered(s: CaseState) -> list[str]:
    """Objections and claims not ruled on yet."""
    return [oid for oid, o in s.objections.items() if o.outcome is None]
