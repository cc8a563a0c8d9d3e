"""Handlers for objections and outsiders' claims (docs/rules.md §7; see
``projections.evidence``). Total: a ruling, a service or a suit about an objection the log
never received creates it bare (an imported history)."""

from __future__ import annotations

from datetime import date

from domain import events as ev
from projections.evidence.registry import Step, end_periods, handles
from projections.facts import CaseFacts, ObjectionFact


def objection(f: CaseFacts, objection_id: str, kind: str = "act") -> ObjectionFact:
    """The objection, created bare if the log never recorded its receipt (legacy)."""
    return f.objections.setdefault(objection_id, ObjectionFact(objection_id=objection_id,
                                                               kind=kind))


def revoked(f: CaseFacts, objection_id: str | None, on: date) -> None:
    """The act objected to was revoked (or the claimed asset released) by that objection."""
    if objection_id is not None:
        objection(f, objection_id).revoked_on = on


def _withdrawn(f: CaseFacts, asset_id: str | None, round_no: int | None, on: date) -> None:
    """A round under way withdrawn by a hold: its auction period ends (审限规定 art.9)."""
    if asset_id is not None and round_no is not None:
        end_periods(f, "auction", on, asset_id)


@handles(ev.ObjectionReceived)
def received(f: CaseFacts, e: ev.ObjectionReceived, s: Step) -> None:
    o = objection(f, e.objection_id)
    o.act, o.asset_id, o.received_on, o.due_on = e.act.value, e.asset_id, e.received_on, \
        e.due_on


@handles(ev.OutsiderClaimReceived)
def claimed(f: CaseFacts, e: ev.OutsiderClaimReceived, s: Step) -> None:
    o = objection(f, e.objection_id, "claim")
    o.kind, o.asset_id, o.received_on, o.due_on = "claim", e.asset_id, e.received_on, e.due_on
    _withdrawn(f, e.asset_id, e.withdrawn_round, e.received_on)


@handles(ev.ObjectionStayOrdered)
def stayed(f: CaseFacts, e: ev.ObjectionStayOrdered, s: Step) -> None:
    objection(f, e.objection_id).stayed = True
    _withdrawn(f, e.asset_id, e.withdrawn_round, e.ordered_on)


@handles(ev.ObjectionRuled)
def ruled(f: CaseFacts, e: ev.ObjectionRuled, s: Step) -> None:
    o = objection(f, e.objection_id)
    o.outcome, o.ruled_on, o.late, o.stayed = e.outcome.value, e.ruled_on, e.late, False
    o.served_on = e.served_on or o.served_on
    o.due_on = o.due_on or e.due_on
    _withdrawn(f, o.asset_id, e.withdrawn_round, e.ruled_on)


@handles(ev.ObjectionRulingServed)
def served(f: CaseFacts, e: ev.ObjectionRulingServed, s: Step) -> None:
    objection(f, e.objection_id).served_on = e.served_on


@handles(ev.ReviewApplied)
def review_applied(f: CaseFacts, e: ev.ReviewApplied, s: Step) -> None:
    objection(f, e.objection_id).review_applied_on = e.applied_on


@handles(ev.ReviewDecided)
def review_decided(f: CaseFacts, e: ev.ReviewDecided, s: Step) -> None:
    o = objection(f, e.objection_id)
    o.review_outcome, o.review_decided_on, o.stayed = e.outcome.value, e.decided_on, False


@handles(ev.ObjectionSuitFiled)
def suit_filed(f: CaseFacts, e: ev.ObjectionSuitFiled, s: Step) -> None:
    o = objection(f, e.objection_id, "claim")
    o.suit_plaintiff, o.suit_filed_on = e.plaintiff, e.filed_on


@handles(ev.ObjectionSuitDecided)
def suit_decided(f: CaseFacts, e: ev.ObjectionSuitDecided, s: Step) -> None:
    o = objection(f, e.objection_id, "claim")
    o.suit_judgment, o.suit_decided_on = e.judgment.value, e.decided_on
