"""Approval requests and the approver's decision on them (docs/rules.md, "Approvals")."""

from __future__ import annotations

from datetime import date

from domain import commands as c
from domain import events as ev
from domain.approvals import PARTICULARS, RULES, refuse, request_of
from domain.state import CaseState

from . import Context, Pending, decides


@decides(c.RequestApproval)
def request(s: CaseState, cmd: c.RequestApproval, ctx: Context) -> list[Pending]:
    rule = RULES[cmd.measure]
    if cmd.approval_id in s.approvals:
        raise refuse("approval.duplicate_request", f"approval request {cmd.approval_id!r} "
                     "exists already: give the new request its own id", rule)
    for field in PARTICULARS.get(cmd.measure, ()):
        if getattr(cmd, field) is None:
            raise refuse("approval.particulars_missing", f"a request for a "
                         f"{cmd.measure.value} names its {field}", rule)
    return [(ev.ApprovalRequested, {
        "approval_id": cmd.approval_id, "measure": cmd.measure, "subject": cmd.subject,
        "amount": cmd.amount, "days": cmd.days, "requested_on": cmd.requested_on})]


def _decidable(s: CaseState, cmd: c.GiveApproval | c.RefuseApproval) -> None:
    """The request exists, waits, and ``cmd``'s actor has the role its measure's rule names
    and is not its requester."""
    request = request_of(s, cmd.approval_id, None)
    rule = RULES[request.measure]
    if request.status != "pending":
        raise refuse("approval.already_decided", f"approval request {cmd.approval_id!r} was "
                     f"{request.status} by {request.decided_by} on {request.decided_on}", rule)
    if cmd.actor.role is not rule.role:
        raise refuse("approval.wrong_role", f"a {request.measure.value} is approved by the "
                     f"{rule.role.value}, not a {cmd.actor.role.value}", rule)
    if cmd.actor.id == request.requested_by:
        raise refuse("approval.self_approval", f"{cmd.actor.id} asked for approval request "
                     f"{cmd.approval_id!r} and may not decide it", rule)


def _decided_after_request(s: CaseState, cmd: c.GiveApproval | c.RefuseApproval, field: str,
                           on: date) -> None:
    """A pending request, decided by someone else, not before it was asked."""
    _decidable(s, cmd)
    request = s.approvals[cmd.approval_id]
    if on < request.requested_on:
        raise refuse("approval.before_request", f"{field} {on} is before the request of "
                     f"{request.requested_on}", RULES[request.measure])


@decides(c.GiveApproval)
def give(s: CaseState, cmd: c.GiveApproval, ctx: Context) -> list[Pending]:
    _decided_after_request(s, cmd, "given_on", cmd.given_on)
    return [(ev.ApprovalGiven, {"approval_id": cmd.approval_id, "given_on": cmd.given_on})]


@decides(c.RefuseApproval)
def refuse_request(s: CaseState, cmd: c.RefuseApproval, ctx: Context) -> list[Pending]:
    _decided_after_request(s, cmd, "refused_on", cmd.refused_on)
    return [(ev.ApprovalRefused, {"approval_id": cmd.approval_id, "refused_on": cmd.refused_on,
                                  "reason": cmd.reason})]
