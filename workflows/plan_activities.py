"""Worker side of the 参与分配 plan: its command activity's work (docs/rules.md §12).

The activity itself is ``CommandActivities.execute_plan_command`` (workflows/activities.py),
on the command pool; this module builds its command and its answer.
"""

from __future__ import annotations

from pydantic import ValidationError
from temporalio.exceptions import ApplicationError

from domain.distribution import PLAN_COMMANDS, PlanCommand, PlanState, Share
from workflows.plan_messages import (
    JoinedView,
    ObjectionView,
    PlanCommandRequest,
    PlanView,
    ShareView,
)


def _share(s: Share) -> ShareView:
    return ShareView(case_number=s.case_number, claim_class=s.claim_class.value, claim=s.claim,
                     amount=s.amount)


def plan_view(s: PlanState) -> PlanView:
    """The workflow's digest of a plan."""
    return PlanView(
        plan_number=s.plan_number, court=s.court, debtor=s.debtor,
        first_seized_case=s.first_seized_case, drawn_on=s.drawn_on, phase=s.phase.value,
        cases=tuple(JoinedView(case_number=j.case_number, creditor=j.creditor, claim=j.claim,
                               claim_class=j.claim_class.value, joined_on=j.joined_on)
                    for j in s.cases),
        amount=s.amount, served_on=s.served_on, objection_due_on=s.objection_due_on,
        shares=tuple(map(_share, s.shares)),
        objections=tuple(ObjectionView(**o.model_dump()) for o in s.objections.values()),
        finalized_on=s.finalized_on, payable=tuple(map(_share, s.payable)),
        held_back=tuple(map(_share, s.held_back)),
        releases={k: tuple(map(_share, v)) for k, v in s.releases.items()},
        version=s.version, chain_head=s.chain_head)


def build_plan_command(request: PlanCommandRequest) -> PlanCommand:
    """The plan command of a request; malformed input is a non-retryable refusal."""
    command_type = PLAN_COMMANDS.get(request.command)
    if command_type is None:
        raise ApplicationError(f"unknown plan command {request.command!r}", type="input.invalid",
                               non_retryable=True)
    try:
        return command_type.model_validate(request.payload)
    except ValidationError as err:
        detail = "; ".join(f"{'.'.join(str(x) for x in e['loc'])}: {e['msg']}"
                           for e in err.errors())
        raise ApplicationError(f"invalid {request.command}: {detail}",
                               {"code": "input.invalid", "message": detail,
                                "source": "plan command schema (domain/distribution.py)"},
                               type="input.invalid", non_retryable=True) from None
