"""How each stored event changes a case's facts: one handler per event class.

Handlers are total: an irregular imported history (a lead verified that was never submitted, an
asset controlled that was never found) still yields facts, never an error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar
from uuid import UUID

from domain import events as ev
from domain import rules as r
from domain.calendar import legal_date
from domain.models import NO_PAYOUT_SOURCES, BasisKind
from domain.values import PartyKind, case_kind_of, court_of
from projections.facts import AssetFact, CaseFacts, LeadFact, PeriodFact, RespondentFact
from projections.masking import scrub_text
from projections.settings import ProjectionSettings


@dataclass(frozen=True)
class Step:
    """What a handler may consult besides the facts and the event."""

    settings: ProjectionSettings
    day: date  # business date of the event (Asia/Shanghai)


E = TypeVar("E", bound=ev.CaseEvent)
Handler = Callable[[CaseFacts, Any, Step], None]
HANDLERS: dict[type[ev.CaseEvent], Handler] = {}


def handles(event_type: type[E]) -> Callable[[Callable[[CaseFacts, E, Step], None]],
                                            Callable[[CaseFacts, E, Step], None]]:
    def register(func: Callable[[CaseFacts, E, Step], None]) -> Callable[[CaseFacts, E, Step],
                                                                        None]:
        HANDLERS[event_type] = func
        return func
    return register


def apply(facts: CaseFacts | None, event: ev.CaseEvent, settings: ProjectionSettings,
          day: date | None = None) -> CaseFacts:
    """The case's facts after ``event`` (a new case's facts for its CaseFiled); ``day`` is the
    event's business date if the caller has it already."""
    day = day or legal_date(event.recorded_at)
    if isinstance(event, ev.CaseFiled):
        facts = filed(event)
    else:
        facts = facts or placeholder(event)
        handler = HANDLERS.get(type(event))
        if handler is not None:
            handler(facts, event, Step(settings, day))
    facts.events += 1
    facts.last_day = day
    if not facts.officer and event.actor.role.value in settings.officer_roles:
        facts.officer = scrub_text(event.actor.id)  # ids recorded before the id rule
    return facts


def _kind_and_court(number: str) -> tuple[str, str]:
    try:
        return case_kind_of(number).value, court_of(number)
    except ValueError:
        return "执", ""


def filed(e: ev.CaseFiled) -> CaseFacts:
    kind, court = _kind_and_court(e.case_number)
    return CaseFacts(
        case_id=str(e.originator_id), case_number=e.case_number, kind=kind, court=court,
        category=e.category.value, imported=e.imported, filed_on=e.filed_on,
        applied_on=e.applied_on, applied=e.claim.total,
        non_litigation=e.enforcement_basis.kind is BasisKind.ADMINISTRATIVE,
        respondents=[RespondentFact(name=p.name, organisation=p.kind is PartyKind.ORGANISATION,
                                    born_on=p.born_on()) for p in e.respondents],
        resumed_from=e.resumed_from)


def placeholder(e: ev.CaseEvent) -> CaseFacts:
    """Facts of a case whose first stored event is not its filing (never in a sound log)."""
    return CaseFacts(case_id=str(e.originator_id), case_number=str(e.originator_id),
                     imported=e.imported, complete=False)


def case_uuid(facts: CaseFacts) -> UUID:
    return UUID(facts.case_id)


# --- notice, report, inquiry ---------------------------------------------------------------

@handles(ev.NoticeIssued)
def notice_issued(f: CaseFacts, e: ev.NoticeIssued, s: Step) -> None:
    f.notice_on = f.notice_on or e.issued_on
    f.report_ordered = f.report_ordered or e.report_order
    f.report_due_on = e.report_due_on or f.report_due_on


@handles(ev.NoticeServed)
def notice_served(f: CaseFacts, e: ev.NoticeServed, s: Step) -> None:
    f.notice_served_on = e.served_on


@handles(ev.PropertyReportRecorded)
def report_recorded(f: CaseFacts, e: ev.PropertyReportRecorded, s: Step) -> None:
    f.report_status, f.reported_on = e.status.value, e.reported_on


@handles(ev.NetworkInquiryMade)
def network_inquiry(f: CaseFacts, e: ev.NetworkInquiryMade, s: Step) -> None:
    if e.post_termination or f.termination is not None:
        f.post_inquiries.append(e.queried_on)
    else:
        f.channels.setdefault(e.channel.value, e.queried_on)


@handles(ev.AssetFound)
def asset_found(f: CaseFacts, e: ev.AssetFound, s: Step) -> None:
    a = f.assets.setdefault(e.asset.asset_id, AssetFact(asset_id=e.asset.asset_id))
    a.kind, a.description, a.value = e.asset.kind.value, e.asset.description, e.asset.value
    a.exempt, a.necessary_home = e.asset.exempt, e.asset.necessary_home
    a.found_on, a.source = e.found_on, e.source


@handles(ev.LeadSubmitted)
def lead_submitted(f: CaseFacts, e: ev.LeadSubmitted, s: Step) -> None:
    lead = f.leads.setdefault(e.lead_id, LeadFact(lead_id=e.lead_id))
    lead.submitted_on, lead.due_on, lead.urgent = e.submitted_on, e.due_on, e.urgent


@handles(ev.LeadVerified)
def lead_verified(f: CaseFacts, e: ev.LeadVerified, s: Step) -> None:
    lead = f.leads.setdefault(e.lead_id, LeadFact(lead_id=e.lead_id))
    lead.verified_on, lead.found = e.verified_on, e.found
    lead.late = lead.due_on is not None and e.verified_on > lead.due_on


@handles(ev.OnsiteInvestigated)
def onsite(f: CaseFacts, e: ev.OnsiteInvestigated, s: Step) -> None:
    f.onsite_on = e.investigated_on


@handles(ev.SearchConducted)
def search(f: CaseFacts, e: ev.SearchConducted, s: Step) -> None:
    f.searched_on = e.searched_on


@handles(ev.RewardRequested)
def reward_requested(f: CaseFacts, e: ev.RewardRequested, s: Step) -> None:
    f.reward_requested_on, f.reward_decided_on = e.requested_on, None


@handles(ev.RewardDecided)
def reward_decided(f: CaseFacts, e: ev.RewardDecided, s: Step) -> None:
    f.reward_decided_on = e.decided_on


@handles(ev.AuditRequested)
def audit_requested(f: CaseFacts, e: ev.AuditRequested, s: Step) -> None:
    f.audit_requested_on, f.audit_decided_on = e.requested_on, None
    f.periods.append(PeriodFact(kind="audit", start=e.requested_on))


@handles(ev.AuditDecided)
def audit_decided(f: CaseFacts, e: ev.AuditDecided, s: Step) -> None:
    f.audit_decided_on = e.decided_on
    end_periods(f, "audit", e.decided_on)


@handles(ev.DebtorMissingRecorded)
def debtor_missing(f: CaseFacts, e: ev.DebtorMissingRecorded, s: Step) -> None:
    f.debtor_missing_on, f.debtor_searched_on = e.recorded_on, None


@handles(ev.DebtorSearched)
def debtor_searched(f: CaseFacts, e: ev.DebtorSearched, s: Step) -> None:
    f.debtor_searched_on = e.searched_on
    if e.located:
        f.debtor_missing_on = None


@handles(ev.ObstructionRecorded)
def obstruction(f: CaseFacts, e: ev.ObstructionRecorded, s: Step) -> None:
    f.obstructions += 1


# --- deadline -------------------------------------------------------------------------------

def end_periods(f: CaseFacts, kind: str | None, on: date, key: str | None = None) -> None:
    """Close open periods (of one kind / one asset, or all) on ``on``."""
    for period in f.periods:
        if period.end is None and (kind is None or period.kind == kind) \
                and (key is None or period.key == key):
            period.end = max(on, period.start)


def payout_due(settings: ProjectionSettings, received_on: date) -> date:
    """Case funds are paid out within 30 days of arrival (执行款物规定, about art.10)."""
    return settings.calendar.period_end(received_on, r.PAYOUT_DAYS)


def no_payout(source: str) -> bool:
    return source in {s.value for s in NO_PAYOUT_SOURCES}


IGNORED: frozenset[type[ev.CaseEvent]] = frozenset({
    ev.CaseFiled,  # starts the facts (``filed``)
    ev.DelayInterestAssessed,  # the amount applied for is the claim at filing (docs/rules.md §3)
    ev.LivingAllowanceAdjusted, ev.BidPlaced,  # no read model needs them beyond the timeline
    ev.ForfeitedDepositApplied,  # its money arrives as FundsReceived
    ev.ActRefused,  # a refusal changes nothing; the timeline shows it with its rule and source
    # an approval's request and decision: the measure resting on it carries the approval as
    # recorded (approver, role, date); the timeline shows each act with its actor
    ev.ApprovalRequested, ev.ApprovalGiven, ev.ApprovalRefused,
})
"""Events that change no facts (they still appear in the timeline)."""

from projections import evidence_assets as _assets  # noqa: E402,F401  (registers handlers)
from projections import evidence_measures as _measures  # noqa: E402,F401
