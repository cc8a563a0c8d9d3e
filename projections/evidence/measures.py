"""Handlers for deadline, coercive-measure and closure events (see ``projections.evidence``)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from domain import events as ev
from domain.models import ClosureMode
from projections.audit import findings_at_ruling
from projections.evidence.objections import revoked
from projections.evidence.registry import Step, end_periods, handles
from projections.facts import CaseFacts, PeriodFact, SanctionFact, TerminationFact
from projections.settings import ProjectionSettings


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
    revoked(f, e.objection_id, e.lifted_on)  # docs/rules.md §7.1


@handles(ev.DebtorListedDishonest)
def listed(f: CaseFacts, e: ev.DebtorListedDishonest, s: Step) -> None:
    """A listing of the respondent it names, or (named none: recorded before listings named
    one) of every respondent (docs/rules.md §1.9)."""
    add_sanction(f, "dishonest", e.listed_on, ground=e.ground.value, ends_on=e.until,
                 respondent=e.respondent,
                 subject=e.respondent or ", ".join(p.name for p in f.respondents))


@handles(ev.DishonestEntryDeleted)
def delisted(f: CaseFacts, e: ev.DishonestEntryDeleted, s: Step) -> None:
    end_sanctions(f, "dishonest", e.deleted_on, e.reason, e.late)
    revoked(f, e.objection_id, e.deleted_on)  # docs/rules.md §7.1


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
    findings = findings_at_ruling(f, on, settings)
    f.termination = TerminationFact(ruled_on=on, version=version, findings=findings, **fields)
    close(f, ClosureMode.TERMINATED, on)


@handles(ev.LimitationObjectionRaised)
def limitation_raised(f: CaseFacts, e: ev.LimitationObjectionRaised, s: Step) -> None:
    f.limitation_objection = "pending"


@handles(ev.LimitationObjectionRuled)
def limitation_ruled(f: CaseFacts, e: ev.LimitationObjectionRuled, s: Step) -> None:
    """Its outcome; upheld, the CaseClosed (不予执行) that follows closes the case's facts."""
    f.limitation_objection = "upheld" if e.upheld else "rejected"


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
