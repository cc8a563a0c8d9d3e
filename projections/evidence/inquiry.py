"""A case's facts from its filing, and the handlers of its notice, report and inquiry."""

from __future__ import annotations

from uuid import UUID

from domain import events as ev
from domain.models import BasisKind
from domain.values import PartyKind, case_kind_of, court_of
from projections.evidence.registry import Step, end_periods, handles
from projections.facts import AssetFact, CaseFacts, LeadFact, PeriodFact, RespondentFact


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
        resumed_from=e.resumed_from, application_period_passed=e.application_period_passed)


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
