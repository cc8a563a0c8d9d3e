"""Approvals as acts: which measures need one, from whom, and the check a measure passes.

A measure the law puts under the court president's approval is taken in three acts, each
recorded under its own actor (docs/rules.md, "Approvals"):

1. ``RequestApproval`` — whoever needs it (officer, judge) names the measure kind and its
   particulars and the request's id (``ApprovalRequested``);
2. ``GiveApproval`` / ``RefuseApproval`` — the approver, with the role the measure's rule names
   and never the requester (``ApprovalGiven`` / ``ApprovalRefused``);
3. the measure names the request by ``approval_id``; :func:`approval_for` checks it and gives
   the approval as recorded, which the measure's event carries.

An approval typed into the measure (the ``approval`` object of old commands) is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.commands import Command
from domain.errors import NotPermitted
from domain.models import ApprovalMeasure, ApprovalMode
from domain.rules import SRC_DISHONEST_APPROVAL, SRC_RESTRICTION_APPROVAL
from domain.state import ApprovalState, CaseState
from domain.values import Approval, Role

DOC = "docs/rules.md, Approvals"
"""The in-repo section every approval refusal cites beside the legal source."""


@dataclass(frozen=True)
class Requirement:
    """Who approves a kind of measure, on which source."""

    measure: ApprovalMeasure
    role: Role
    source: str

    def cite(self) -> str:
        return f"{self.source}; {DOC}"


RULES: dict[ApprovalMeasure, Requirement] = {
    m: Requirement(m, Role.PRESIDENT, src) for m, src in (
        (ApprovalMeasure.FINE, "民诉法 art.119"),
        (ApprovalMeasure.DETENTION, "民诉法 art.119"),
        (ApprovalMeasure.RESTRICTION, SRC_RESTRICTION_APPROVAL),
        (ApprovalMeasure.DISHONEST, SRC_DISHONEST_APPROVAL),
        (ApprovalMeasure.EXTENSION, "审限规定 art.5; 执行工作规定 art.63"),
        (ApprovalMeasure.TERMINATION, "民诉法解释 art.517"),
    )}
"""Each kind of measure: the approver's role and the legal source (all the president's)."""

MEASURES: dict[str, tuple[ApprovalMeasure, str]] = {
    "ImposeFine": (ApprovalMeasure.FINE, "imposed_on"),
    "OrderDetention": (ApprovalMeasure.DETENTION, "ordered_on"),
    "RestrictConsumption": (ApprovalMeasure.RESTRICTION, "issued_on"),
    "ListDishonest": (ApprovalMeasure.DISHONEST, "listed_on"),
    "RequestExtension": (ApprovalMeasure.EXTENSION, "requested_on"),
    "TerminateCurrentProcedure": (ApprovalMeasure.TERMINATION, "ruled_on"),
}
"""Commands that rest on an approval: the kind of measure and the field dating the measure."""

PARTICULARS: dict[ApprovalMeasure, tuple[str, ...]] = {
    ApprovalMeasure.FINE: ("subject", "amount"),
    ApprovalMeasure.DETENTION: ("subject", "days"),
}
"""What a request must name for these kinds, and what the measure must then match."""


def needs_approval(cmd: Command) -> ApprovalMeasure | None:
    """The kind of approval ``cmd`` rests on, or None (a 终本 only without the applicant's
    signature)."""
    found = MEASURES.get(type(cmd).__name__)
    if found is None:
        return None
    if found[0] is ApprovalMeasure.TERMINATION and \
            getattr(cmd, "approval_mode", None) is not ApprovalMode.PANEL_AND_PRESIDENT:
        return None
    return found[0]


def refuse(code: str, message: str, rule: Requirement | None) -> NotPermitted:
    """An approval refusal citing the measure's source (if known) and docs/rules.md."""
    return NotPermitted(code, message, rule.cite() if rule else DOC)


def request_of(state: CaseState, approval_id: str, rule: Requirement | None) -> ApprovalState:
    """The recorded request with that id, or ``approval.unknown_request``."""
    request = state.approvals.get(approval_id)
    if request is None:
        raise refuse("approval.unknown_request", f"no approval request {approval_id!r} in this "
                     "case: ask for it first (request_approval)", rule)
    return request


def approval_for(state: CaseState, cmd: Command) -> dict[str, object]:
    """The approval fields of the measure's event (``approval``, ``approval_id``), after
    checking that the request it names was approved for it; {} if ``cmd`` needs none.

    Refusals (all ``NotPermittedError``, citing the measure's source and docs/rules.md):
    ``approval.typed_not_accepted``, ``approval.required``, ``approval.unknown_request``,
    ``approval.wrong_measure``, ``approval.particulars_differ``, ``approval.pending``,
    ``approval.refused``, ``approval.wrong_role``, ``approval.self_approval``,
    ``approval.already_used``, ``approval.after_measure``."""
    measure = needs_approval(cmd)
    if measure is None:
        return {}
    rule = RULES[measure]
    name = type(cmd).__name__
    if getattr(cmd, "approval", None) is not None:
        raise refuse("approval.typed_not_accepted", f"{name} carries an approval typed into it: "
                     "an approval is the approver's own act — name the approved request by "
                     "approval_id", rule)
    approval_id: str | None = getattr(cmd, "approval_id", None)
    if approval_id is None:
        raise refuse("approval.required", f"{name} needs the {rule.role.value}'s approval: "
                     "name an approved request by approval_id", rule)
    request = request_of(state, approval_id, rule)
    if request.measure is not measure:
        raise refuse("approval.wrong_measure", f"approval request {approval_id!r} is for a "
                     f"{request.measure.value}, not a {measure.value}", rule)
    for field in PARTICULARS.get(measure, ()):
        asked, taken = getattr(request, field), getattr(cmd, field)
        if asked != taken:
            raise refuse("approval.particulars_differ", f"approval request {approval_id!r} is "
                         f"for {field} {asked}, the {measure.value} names {taken}", rule)
    if request.status == "pending":
        raise refuse("approval.pending", f"approval request {approval_id!r} is not decided yet",
                     rule)
    if request.status == "refused":
        raise refuse("approval.refused", f"approval request {approval_id!r} was refused by "
                     f"{request.decided_by}", rule)
    if request.decided_role is not rule.role:
        raise refuse("approval.wrong_role", f"approval request {approval_id!r} was approved by a "
                     f"{request.decided_role}, not the {rule.role.value}", rule)
    if request.decided_by == request.requested_by:
        raise refuse("approval.self_approval", f"approval request {approval_id!r} was approved "
                     "by its own requester", rule)
    if request.used_by is not None:
        raise refuse("approval.already_used", f"approval request {approval_id!r} already rests "
                     "another measure: one approval, one measure", rule)
    on: date = getattr(cmd, MEASURES[name][1])
    assert request.decided_on is not None and request.decided_by is not None
    if on < request.decided_on:
        raise refuse("approval.after_measure", f"the {measure.value} is dated {on}, before its "
                     f"approval on {request.decided_on}", rule)
    return {"approval_id": approval_id,
            "approval": Approval(approver_id=request.decided_by, role=rule.role,
                                 approved_on=request.decided_on, reference=approval_id)}
