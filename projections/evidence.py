"""How each stored event changes a case's facts: one handler per event class.

Handlers are total: an irregular imported history (a lead verified that was never submitted, an
asset controlled that was never found) still yields facts, never an error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, TypeVar
from uuid import UUID

from domain import events as ev
from domain import rules as r
from domain.calendar import legal_date
from domain.models import NO_PAYOUT_SOURCES, BasisKind, ClosureMode
from domain.values import PartyKind, case_kind_of, court_of
from projections.audit import findings_at_ruling
from projections.facts import AssetFact, CaseFacts, LeadFact, PeriodFact, RespondentFact
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
    if isinstance(event, ev.CaseFiled) or facts is None:
        facts = filed(event) if isinstance(event, ev.CaseFiled) else placeholder(event)
    else:
        handler = HANDLERS.get(type(event))
        if handler is not None:
            handler(facts, event, Step(settings, day))
    facts.events += 1
    facts.last_day = day
    if not facts.officer and event.actor.role.value in settings.officer_roles:
        facts.officer = event.actor.id
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


@handles(ev.DeadlineExtended)
def deadline_extended(f: CaseFacts, e: ev.DeadlineExtended, s: Step) -> None:
    f.extensions_months += e.months


@handles(ev.EnforcementSuspended)
def suspended(f: CaseFacts, e: ev.EnforcementSuspended, s: Step) -> None:
    if not any(p.kind == "suspension" and p.end is None for p in f.periods):
        f.periods.append(PeriodFact(kind="suspension", start=e.suspended_on))


@handles(ev.SuspensionEnded)
def suspension_ended(f: CaseFacts, e: ev.SuspensionEnded, s: Step) -> None:
    end_periods(f, "suspension", e.ended_on)


# --- sanctions ------------------------------------------------------------------------------

def add_sanction(f: CaseFacts, kind: str, on: date, **fields: Any) -> None:
    from projections.facts import SanctionFact

    f.sanctions.append(SanctionFact(seq=len(f.sanctions) + 1, kind=kind, started_on=on, **fields))


def end_sanctions(f: CaseFacts, kind: str, on: date, reason: str, late: bool = False) -> None:
    for entry in f.active_sanctions(kind):
        entry.ended_on, entry.end_reason, entry.late = on, reason, late


@handles(ev.ConsumptionRestricted)
def restricted(f: CaseFacts, e: ev.ConsumptionRestricted, s: Step) -> None:
    end_sanctions(f, "restriction", e.issued_on, "reissued")
    subject = ", ".join(e.bound_persons) or ", ".join(p.name for p in f.respondents)
    add_sanction(f, "restriction", e.issued_on, subject=subject)


@handles(ev.ConsumptionRestrictionLifted)
def restriction_lifted(f: CaseFacts, e: ev.ConsumptionRestrictionLifted, s: Step) -> None:
    end_sanctions(f, "restriction", e.lifted_on, e.reason)


@handles(ev.DebtorListedDishonest)
def listed(f: CaseFacts, e: ev.DebtorListedDishonest, s: Step) -> None:
    add_sanction(f, "dishonest", e.listed_on, ground=e.ground.value, ends_on=e.until,
                 subject=", ".join(p.name for p in f.respondents))


@handles(ev.DishonestEntryDeleted)
def delisted(f: CaseFacts, e: ev.DishonestEntryDeleted, s: Step) -> None:
    end_sanctions(f, "dishonest", e.deleted_on, e.reason, e.late)


@handles(ev.FineImposed)
def fined(f: CaseFacts, e: ev.FineImposed, s: Step) -> None:
    add_sanction(f, "fine", e.imposed_on, subject=e.subject, amount=e.amount,
                 ends_on=e.imposed_on)


@handles(ev.DetentionOrdered)
def detained(f: CaseFacts, e: ev.DetentionOrdered, s: Step) -> None:
    add_sanction(f, "detention", e.ordered_on, subject=e.subject,
                 ends_on=e.ordered_on + timedelta(days=e.days))


@handles(ev.SummonsIssued)
def summoned(f: CaseFacts, e: ev.SummonsIssued, s: Step) -> None:
    add_sanction(f, "summons", e.issued_on, ends_on=e.issued_on)


@handles(ev.ExitBanned)
def exit_banned(f: CaseFacts, e: ev.ExitBanned, s: Step) -> None:
    add_sanction(f, "exit_ban", e.banned_on, subject=e.subject)


# --- termination, resumption, closure -----------------------------------------------------

def close(f: CaseFacts, mode: ClosureMode, on: date) -> None:
    f.closure_mode, f.closed_on = mode.value, on
    end_periods(f, None, on)


def terminate(f: CaseFacts, on: date, version: int, settings: ProjectionSettings,
              **fields: Any) -> None:
    from projections.facts import TerminationFact

    findings = findings_at_ruling(f, on, settings)
    f.termination = TerminationFact(ruled_on=on, version=version, findings=findings, **fields)
    close(f, ClosureMode.TERMINATED, on)


@handles(ev.ApplicantHeard)
def heard(f: CaseFacts, e: ev.ApplicantHeard, s: Step) -> None:
    f.hearings.append(e.heard_on)


@handles(ev.CurrentProcedureTerminated)
def terminated(f: CaseFacts, e: ev.CurrentProcedureTerminated, s: Step) -> None:
    terminate(f, e.ruled_on, e.originator_version, s.settings, via="ruling",
              ruling_number=e.ruling_number, approval_mode=e.approval_mode.value,
              approver_role=e.approval.role.value if e.approval else None,
              outstanding=e.outstanding)


@handles(ev.TerminationRulingServed)
def ruling_served(f: CaseFacts, e: ev.TerminationRulingServed, s: Step) -> None:
    if f.termination is not None and e.served_on >= f.termination.ruled_on:
        f.termination.served_on = e.served_on


@handles(ev.PostTerminationInquiryMade)
def post_inquiry(f: CaseFacts, e: ev.PostTerminationInquiryMade, s: Step) -> None:
    f.post_inquiries.append(e.queried_on)


@handles(ev.CaseResumed)
def resumed(f: CaseFacts, e: ev.CaseResumed, s: Step) -> None:
    f.resumed_as, f.resumed_on = e.new_case_number, e.resumed_on


@handles(ev.CaseConcluded)
def concluded(f: CaseFacts, e: ev.CaseConcluded, s: Step) -> None:
    f.by_settlement = e.by_settlement
    close(f, ClosureMode.CONCLUDED, e.closed_on)


@handles(ev.CaseClosed)
def closed(f: CaseFacts, e: ev.CaseClosed, s: Step) -> None:
    f.ending_ground = e.ground.value if e.ground else None
    if e.mode is ClosureMode.TERMINATED:  # a legacy 终本 recorded as a bare closure
        outstanding = max(f.applied - f.recovered, f.applied * 0)
        terminate(f, e.closed_on, e.originator_version, s.settings, via="closure",
                  outstanding=outstanding)
    else:
        close(f, e.mode, e.closed_on)


def payout_due(settings: ProjectionSettings, received_on: date) -> date:
    """Case funds are paid out within 30 days of arrival (执行款物规定, about art.10)."""
    return settings.calendar.period_end(received_on, r.PAYOUT_DAYS)


def no_payout(source: str) -> bool:
    return source in {s.value for s in NO_PAYOUT_SOURCES}


IGNORED: frozenset[type[ev.CaseEvent]] = frozenset({
    ev.CaseFiled,  # starts the facts (``filed``)
    ev.DelayInterestAssessed,  # the amount applied for is the claim at filing (RULES.md §3)
    ev.LivingAllowanceAdjusted, ev.BidPlaced,  # no read model needs them beyond the timeline
    ev.ForfeitedDepositApplied,  # its money arrives as FundsReceived
})
"""Events that change no facts (they still appear in the timeline)."""

from projections import evidence_assets as _assets  # noqa: E402,F401  (registers handlers)
