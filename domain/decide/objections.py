"""Objections to enforcement acts (执行异议) and their 复议, outsiders' claims to an asset
(案外人异议) and their suits: docs/rules.md §7. Each refusal cites its source; nothing is
written when refused."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import NamedTuple

from domain import commands as c
from domain import events as ev
from domain import rules as r
from domain.calendar import HolidayCalendar
from domain.errors import RuleViolation
from domain.models import ASSET_ACTS, ObjectedAct, ObjectionOutcome, ReviewOutcome
from domain.objections import ACT, CLAIM, release_from, review_last_day, suit_last_day
from domain.state import AssetState, CaseState, ControlStatus, ObjectionState

from . import Context, Pending, decides
from .common import asset_of, require

SRC_RECORD = "docs/rules.md §7 (objections are named by their id)"


def objection_of(s: CaseState, objection_id: str) -> ObjectionState:
    """The objection or claim with that id, or a refusal naming it."""
    o = s.objections.get(objection_id)
    require(o is not None, "objection.unknown", f"no objection or claim {objection_id!r} in "
            "this case", SRC_RECORD)
    assert o is not None
    return o


def _new_id(s: CaseState, objection_id: str) -> None:
    require(objection_id not in s.objections, "objection.duplicate_id",
            f"an objection or claim {objection_id!r} exists already", SRC_RECORD)


def _open_round(a: AssetState) -> int | None:
    """The auction round of the asset under way (announced, not ended), withdrawn by a hold."""
    last = a.last_round
    return last.round if last is not None and last.status == "announced" else None


_HAPPENED: dict[ObjectedAct, Callable[[CaseState, AssetState | None], bool]] = {
    ObjectedAct.CONTROL: lambda s, a: a is not None and a.measure is not None,
    ObjectedAct.TRANSFER: lambda s, a: a is not None and a.transferred > 0,
    ObjectedAct.VALUATION: lambda s, a: a is not None and a.reference_price is not None,
    ObjectedAct.AUCTION: lambda s, a: a is not None and bool(a.rounds),
    ObjectedAct.RESTRICTION: lambda s, a: s.restriction_on is not None,
    ObjectedAct.DISHONEST: lambda s, a: bool(s.dishonest),
    ObjectedAct.FINE: lambda s, a: s.fines > 0,
    ObjectedAct.DETENTION: lambda s, a: s.detentions > 0,
}
"""Whether the record holds the act objected to (exit bans and other acts: its version)."""


class _Challenge(NamedTuple):
    """How a ruling is challenged: 复议 of a ruling on an objection to an act, a suit about a
    ruling on an outsider's claim. Each refusal is its code, message and source."""

    kind: str  # the objections whose rulings it challenges
    other_kind: tuple[str, str, str]  # asked about an objection of the other kind
    not_ruled: tuple[str, str, str]
    last_day: Callable[[ObjectionState, HolidayCalendar], date | None]  # None: not served
    not_served: tuple[str, str, str]


_REVIEW = _Challenge(
    kind=ACT,
    other_kind=("review.not_for_claims", "a ruling on an outsider's claim is challenged by a "
                "suit within 15 days, not by 复议", r.SRC_CLAIM),
    not_ruled=("objection.not_ruled", "no ruling to review yet", r.SRC_OBJECTION),
    last_day=review_last_day,
    not_served=("review.ruling_not_served", "the 10 days for 复议 run from the ruling's "
                "service, not recorded yet", r.SRC_OBJECTION))
_SUIT = _Challenge(
    kind=CLAIM,
    other_kind=("suit.not_for_objections", "a ruling on an objection to an act is challenged "
                "by 复议, not by a suit", r.SRC_OBJECTION),
    not_ruled=("objection.not_ruled", "no ruling on the claim yet", r.SRC_CLAIM),
    last_day=suit_last_day,
    not_served=("suit.ruling_not_served", "the 15 days to sue run from the ruling's service, "
                "not recorded yet", r.SRC_CLAIM))


def _challenged(s: CaseState, objection_id: str, ctx: Context,
                how: _Challenge) -> tuple[ObjectionState, date]:
    """The objection whose ruling ``how`` challenges, and the last day to do so: refused unless
    it is of ``how``'s kind, ruled on and the ruling served."""
    o = objection_of(s, objection_id)
    require(o.kind == how.kind, *how.other_kind)
    require(o.outcome is not None, *how.not_ruled)
    last = how.last_day(o, ctx.calendar)
    require(last is not None, *how.not_served)
    assert last is not None
    return o, last


# --- 执行异议 (民诉法 art.236; docs/rules.md §7.1) ------------------------------------------------

@decides(c.RecordObjection)
def record_objection(s: CaseState, cmd: c.RecordObjection, ctx: Context) -> list[Pending]:
    _new_id(s, cmd.objection_id)
    asset = None
    if cmd.act in ASSET_ACTS:
        require(cmd.asset_id is not None, "objection.asset_required",
                f"an objection to a {cmd.act.value} names the asset it concerns", r.SRC_OBJECTION)
        assert cmd.asset_id is not None
        asset = asset_of(s, cmd.asset_id)
    elif cmd.asset_id is not None:
        asset_of(s, cmd.asset_id)
    require(cmd.act_version is None or cmd.act_version <= s.version, "objection.act_unknown",
            f"the record has no act at version {cmd.act_version} (it holds {s.version})",
            r.SRC_OBJECTION)
    happened = _HAPPENED.get(cmd.act)
    if happened is None:
        require(cmd.act_version is not None, "objection.act_unknown",
                f"name the {cmd.act.value} objected to by its version in the record",
                r.SRC_OBJECTION)
    else:
        require(happened(s, asset), "objection.act_unknown",
                f"the record holds no {cmd.act.value}"
                + (f" of {cmd.asset_id}" if cmd.asset_id else "") + " to object to",
                r.SRC_OBJECTION)
    due = ctx.calendar.period_end(cmd.received_on, r.OBJECTION_EXAMINATION_DAYS)
    return [(ev.ObjectionReceived, {
        "objection_id": cmd.objection_id, "objector": cmd.objector, "standing": cmd.standing,
        "act": cmd.act, "asset_id": cmd.asset_id, "act_version": cmd.act_version,
        "grounds": cmd.grounds, "received_on": cmd.received_on, "due_on": due})]


@decides(c.OrderObjectionStay)
def order_stay(s: CaseState, cmd: c.OrderObjectionStay, ctx: Context) -> list[Pending]:
    o = objection_of(s, cmd.objection_id)
    require(o.kind == ACT, "objection.stay_by_law", "an outsider's claim stays the disposal of "
            "its asset by law; no order is needed", r.SRC_CLAIM_EXAMINATION)
    require(o.outcome is None or o.review_pending, "objection.not_pending",
            "a stay is ordered while the objection or its 复议 is examined",
            r.SRC_OBJECTION_STAY)
    require(not o.stayed, "objection.already_stayed", "the disposal is stayed already",
            r.SRC_OBJECTION_STAY)
    require(o.asset_id is not None, "objection.nothing_to_stay",
            "the act objected to concerns no asset whose disposal could be stayed",
            r.SRC_OBJECTION_STAY)
    assert o.asset_id is not None
    a = asset_of(s, o.asset_id)
    require(a.under_control, "objection.nothing_to_stay",
            f"{o.asset_id} is no longer under control", r.SRC_OBJECTION_STAY)
    return [(ev.ObjectionStayOrdered, {"objection_id": cmd.objection_id, "asset_id": o.asset_id,
                                       "ordered_on": cmd.ordered_on, "reason": cmd.reason,
                                       "withdrawn_round": _open_round(a)})]


@decides(c.RuleOnObjection)
def rule(s: CaseState, cmd: c.RuleOnObjection, ctx: Context) -> list[Pending]:
    o = objection_of(s, cmd.objection_id)
    require(o.outcome is None, "objection.already_ruled",
            f"{cmd.objection_id} was ruled on {o.ruled_on}", r.SRC_OBJECTION_RULING)
    require(cmd.ruled_on >= o.received_on, "objection.ruled_before_received",
            f"the objection was received on {o.received_on}", r.SRC_OBJECTION_RULING)
    require(cmd.served_on is None or cmd.served_on >= cmd.ruled_on,
            "objection.served_before_ruling", "a ruling is served after it is made",
            r.SRC_OBJECTION)
    withdrawn = None
    if o.kind == ACT and o.act is ObjectedAct.AUCTION and o.asset_id is not None \
            and cmd.outcome is ObjectionOutcome.UPHELD:
        withdrawn = _open_round(s.assets[o.asset_id])  # the auction objected to stops
    return [(ev.ObjectionRuled, {
        "objection_id": cmd.objection_id, "outcome": cmd.outcome, "ruled_on": cmd.ruled_on,
        "due_on": o.due_on, "late": cmd.ruled_on > o.due_on, "served_on": cmd.served_on,
        "withdrawn_round": withdrawn})]


@decides(c.RecordObjectionService)
def serve(s: CaseState, cmd: c.RecordObjectionService, ctx: Context) -> list[Pending]:
    o = objection_of(s, cmd.objection_id)
    require(o.ruled_on is not None, "objection.not_ruled", "no ruling to serve yet",
            r.SRC_OBJECTION)
    assert o.ruled_on is not None
    require(o.served_on is None, "objection.already_served",
            f"the ruling was served on {o.served_on}", r.SRC_OBJECTION)
    require(cmd.served_on >= o.ruled_on, "objection.served_before_ruling",
            f"the ruling was made on {o.ruled_on}", r.SRC_OBJECTION)
    return [(ev.ObjectionRulingServed, {"objection_id": cmd.objection_id,
                                        "served_on": cmd.served_on})]


@decides(c.ApplyForReview)
def apply_for_review(s: CaseState, cmd: c.ApplyForReview, ctx: Context) -> list[Pending]:
    o, last = _challenged(s, cmd.objection_id, ctx, _REVIEW)
    require(o.review_applied_on is None, "review.already_applied",
            f"复议 was applied for on {o.review_applied_on}", r.SRC_OBJECTION)
    require(cmd.applied_on <= last, "review.late",
            f"复议 is applied for within 10 days of the ruling's service on {o.served_on} "
            f"(by {last})", r.SRC_OBJECTION)
    return [(ev.ReviewApplied, {"objection_id": cmd.objection_id, "applicant": cmd.applicant,
                                "applied_on": cmd.applied_on, "last_day": last})]


@decides(c.RecordReviewDecision)
def decide_review(s: CaseState, cmd: c.RecordReviewDecision, ctx: Context) -> list[Pending]:
    o = objection_of(s, cmd.objection_id)
    require(o.review_pending, "review.none_pending", "no 复议 of this ruling is pending",
            r.SRC_OBJECTION)
    assert o.review_applied_on is not None
    require(cmd.decided_on >= o.review_applied_on, "review.decided_before_applied",
            f"the 复议 was applied for on {o.review_applied_on}", r.SRC_OBJECTION)
    upheld = o.outcome is ObjectionOutcome.UPHELD
    if cmd.outcome is ReviewOutcome.REVERSED:
        upheld = not upheld
    return [(ev.ReviewDecided, {"objection_id": cmd.objection_id, "outcome": cmd.outcome,
                                "decided_on": cmd.decided_on, "upheld": upheld})]


# --- 案外人异议 (民诉法 art.238; docs/rules.md §7.2) ----------------------------------------------

@decides(c.RecordOutsiderClaim)
def record_claim(s: CaseState, cmd: c.RecordOutsiderClaim, ctx: Context) -> list[Pending]:
    _new_id(s, cmd.objection_id)
    a = asset_of(s, cmd.asset_id)
    require(a.control is not ControlStatus.DISPOSED, "claim.asset_disposed",
            f"{cmd.asset_id} was disposed of ({a.disposed_how}); a claim comes before the "
            "enforcement of the asset ends", r.SRC_CLAIM_TIMING)
    require(a.under_control, "claim.asset_not_controlled",
            f"{cmd.asset_id} is not under this court's control: there is no enforcement of it "
            "to object to", r.SRC_CLAIM)
    for oid, other in s.objections.items():
        if other.kind == CLAIM and other.asset_id == cmd.asset_id \
                and other.objector == cmd.claimant:
            raise _repeated(oid, other)
    due = ctx.calendar.period_end(cmd.received_on, r.OBJECTION_EXAMINATION_DAYS)
    return [(ev.OutsiderClaimReceived, {
        "objection_id": cmd.objection_id, "claimant": cmd.claimant, "asset_id": cmd.asset_id,
        "grounds": cmd.grounds, "received_on": cmd.received_on, "due_on": due,
        "withdrawn_round": _open_round(a)})]


def _repeated(oid: str, other: ObjectionState) -> RuleViolation:
    state = "is being examined" if other.outcome is None else f"was ruled on {other.ruled_on}"
    return RuleViolation("claim.repeated", f"{other.objector}'s claim {oid} to this asset "
                         f"{state}; the same claim is not received again",
                         r.SRC_REPEATED_OBJECTION)


@decides(c.RecordObjectionSuit)
def record_suit(s: CaseState, cmd: c.RecordObjectionSuit, ctx: Context) -> list[Pending]:
    o, last = _challenged(s, cmd.objection_id, ctx, _SUIT)
    require(o.suit_filed_on is None, "suit.already_filed",
            f"the suit was filed on {o.suit_filed_on}", r.SRC_CLAIM)
    require(cmd.filed_on <= last, "suit.late",
            f"the suit is filed within 15 days of the ruling's service on {o.served_on} "
            f"(by {last}); after it the asset's disposal proceeds", r.SRC_CLAIM)
    plaintiff = "applicant" if o.outcome is ObjectionOutcome.UPHELD else "outsider"
    return [(ev.ObjectionSuitFiled, {"objection_id": cmd.objection_id, "plaintiff": plaintiff,
                                     "filed_on": cmd.filed_on, "last_day": last})]


@decides(c.RecordSuitJudgment)
def record_judgment(s: CaseState, cmd: c.RecordSuitJudgment, ctx: Context) -> list[Pending]:
    o = objection_of(s, cmd.objection_id)
    require(o.suit_filed_on is not None and o.suit_judgment is None, "suit.none_pending",
            "no suit about this claim is pending", r.SRC_CLAIM_SUIT)
    assert o.suit_filed_on is not None
    require(cmd.decided_on >= o.suit_filed_on, "suit.decided_before_filed",
            f"the suit was filed on {o.suit_filed_on}", r.SRC_CLAIM_SUIT)
    return [(ev.ObjectionSuitDecided, {"objection_id": cmd.objection_id,
                                       "judgment": cmd.judgment, "decided_on": cmd.decided_on})]


# --- carrying out a ruling (the existing release, lifting and deletion paths) -----------------

def check_revocation(s: CaseState, objection_id: str, act: ObjectedAct,
                     asset_id: str | None, on: date, ctx: Context) -> None:
    """A release, lifting or deletion that names an objection carries out its ruling: an
    upheld objection to that act (docs/rules.md §7.1), or a claimed asset whose release is due
    (§7.2)."""
    o = objection_of(s, objection_id)
    if o.kind == CLAIM:
        start = release_from(o, ctx.calendar)
        require(act is ObjectedAct.CONTROL and o.asset_id == asset_id, "objection.other_act",
                f"claim {objection_id} is about {o.asset_id}", r.SRC_CLAIM)
        require(start is not None and on >= start, "objection.release_not_due",
                f"claim {objection_id} releases {o.asset_id} only once it is upheld and the "
                "applicant's 15 days to sue passed, or a judgment excluded enforcement"
                + (f" (from {start})" if start else ""), r.SRC_CLAIM_RELEASE)
        return
    require(o.upheld is True, "objection.not_upheld",
            f"objection {objection_id} is not upheld", r.SRC_OBJECTION_RULING)
    require(o.act is act and (asset_id is None or o.asset_id == asset_id),
            "objection.other_act", f"objection {objection_id} objects to the "
            f"{o.act.value if o.act else 'act'}" + (f" of {o.asset_id}" if o.asset_id else ""),
            r.SRC_OBJECTION_RULING)
