"""The worker side of the Temporal door: acts are accepted only with a principal the worker
verifies (docs/operations.md "Identity").

:class:`PrincipalCheck` is the worker's interceptor, built with the identity key ring as bytes
(the ring never reaches a history; only the signed tokens do):

- an act Update: its validator verifies the ``enforce-principal`` header (HMAC-SHA256, bound to
  the workflow, the update's name and the act's content) before the workflow's own validator;
  without a valid one the update is rejected (``identity.required`` / ``identity.invalid_token``)
  and never reaches history. The act's ``actor`` is stamped from the verified principal, never
  taken from the payload; the handler stamps it again from the accepted header (validators do
  not run on replay, the header is in the history) and tells the journal who vouched.
- an ``act`` signal: the header is handed to the case workflow, which has it verified by the
  local activity ``verify_principal`` (outside the sandbox, its verdict recorded in history, so
  replays never need the key) in runs that carry the ``principals`` version marker; an act
  without a valid principal is refused and entered into the record as a refused act.
- a case workflow's start: its header is handed to the workflow, which has it verified by
  ``verify_principal`` before it files; without a valid one the workflow fails, nothing filed.
- the simulated world's signals (the scenario's people) are signed as it sends them, vouched
  for by ``simulated-world``.

Validators do not run when a history is replayed, so refused updates and old histories replay
without the key.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from temporalio import activity, workflow
from temporalio.api.common.v1 import Payload
from temporalio.worker import (
    ExecuteWorkflowInput,
    HandleSignalInput,
    HandleUpdateInput,
    Interceptor,
    SignalExternalWorkflowInput,
    WorkflowInboundInterceptor,
    WorkflowInterceptorClassInput,
    WorkflowOutboundInterceptor,
)

from domain.values import Role
from workflows.act_rules import refused
from workflows.acts import ActBase, fingerprint
from workflows.adapters.ports import Adapters, ScheduleQuery
from workflows.messages import CASE_WORKFLOW, WORLD_WORKFLOW
from workflows.plan_messages import PLAN_WORKFLOW, PlanAct
from workflows.principals import (
    FILING_TOKEN,
    HEADER,
    SIGNAL_TOKEN,
    SOURCE,
    VERIFY_PRINCIPAL,
    VOUCHED_BY,
    IdentityError,
    KeyRing,
    Principal,
    SignalCheck,
    SignalVerdict,
    act_digest,
    act_token,
    check_signal,
    unverified_principal,
    verify_act,
)

WORLD_VOUCHER = "simulated-world"
"""Who vouches for the acts of a scenario's simulated people."""


def digest_of(act: ActBase | PlanAct) -> str:
    """The act's content as a header binds it (its JSON without the actor)."""
    return act_digest(act.model_dump_json(exclude={"actor"}))


def header_token(headers: Mapping[str, Payload]) -> str | None:
    """The ``enforce-principal`` header's token (raw, or a JSON string as Temporal's CLI
    writes headers), None if there is none."""
    found = headers.get(HEADER)
    if found is None:
        return None
    text = found.data.decode("utf-8", "replace")
    if found.metadata.get("encoding") == b"json/plain":
        try:
            value = json.loads(text)
        except ValueError:
            return text
        return value if isinstance(value, str) else text
    return text


def _act(args: Sequence[Any]) -> ActBase | None:
    return args[0] if len(args) == 1 and isinstance(args[0], ActBase) else None


def _checked_act(args: Sequence[Any]) -> ActBase | PlanAct | None:
    """The act an Update carries: a case's act, or an act on a 参与分配 plan."""
    return args[0] if len(args) == 1 and isinstance(args[0], ActBase | PlanAct) else None


CHECKED_WORKFLOWS = frozenset({CASE_WORKFLOW, PLAN_WORKFLOW})
"""Workflows whose act Updates carry a verified principal."""


def _stamped(act: ActBase | PlanAct, principal: Principal) -> ActBase | PlanAct:
    return act.model_copy(update={"actor": principal.actor})


class IdentityActivities:
    """The worker's activity that verifies signal headers with the key ring."""

    def __init__(self, ring: KeyRing, adapters: Adapters) -> None:
        self.ring, self.adapters = ring, adapters

    @activity.defn(name=VERIFY_PRINCIPAL)
    async def verify_principal(self, check: SignalCheck) -> SignalVerdict:
        """The header's principal; an act without a header is vouched for only if it is one of
        the acts the case's own simulated world performs (Temporal's time-skipping test server
        drops the headers of signals between workflows)."""
        if check.token is None and check.scenario is not None:
            schedule = await self.adapters.world.schedule(ScheduleQuery(
                case_number=check.case_number, scenario=check.scenario))
            for step in schedule.steps:
                if fingerprint(step.act) == check.fingerprint \
                        and step.act.actor.role is not Role.SYSTEM:
                    return SignalVerdict(actor=step.act.actor, vouched_by=WORLD_VOUCHER)
        return check_signal(self.ring, check)


class PrincipalCheck(Interceptor):
    """The worker's interceptor of the Temporal door (module docstring)."""

    def __init__(self, ring: KeyRing) -> None:
        self.ring = ring

    def workflow_interceptor_class(self, input: WorkflowInterceptorClassInput
                                   ) -> type[WorkflowInboundInterceptor]:
        ring = self.ring

        class Checking(_Inbound):
            RING = ring

        return Checking


class _Inbound(WorkflowInboundInterceptor):
    RING: KeyRing

    def init(self, outbound: WorkflowOutboundInterceptor) -> None:
        super().init(_Signing(outbound, self.RING))

    def handle_update_validator(self, input: HandleUpdateInput) -> None:
        act = _checked_act(input.args)
        info = workflow.info()
        if act is not None and info.workflow_type in CHECKED_WORKFLOWS:
            try:
                principal = verify_act(self.RING, header_token(input.headers),
                                       info.workflow_id, input.update, digest_of(act))
            except IdentityError as err:
                raise refused(err.code, err.message, err.source or SOURCE) from None
            input.args = [_stamped(act, principal)]
        super().handle_update_validator(input)

    async def handle_update_handler(self, input: HandleUpdateInput) -> Any:
        act = _checked_act(input.args)
        info = workflow.info()
        if act is not None and info.workflow_type in CHECKED_WORKFLOWS:
            token = header_token(input.headers)
            if workflow.unsafe.is_replaying():  # accepted once by its validator: read it
                principal = unverified_principal(token) if token else None
            else:  # verified again: an update without a validator is no way around it
                try:
                    principal = verify_act(self.RING, token, info.workflow_id, input.update,
                                           digest_of(act))
                except IdentityError as err:
                    raise refused(err.code, err.message, err.source or SOURCE) from None
            if principal is not None:
                input.args = [_stamped(act, principal)]
                VOUCHED_BY.set(principal.vouched_by)
        return await super().handle_update_handler(input)

    async def execute_workflow(self, input: ExecuteWorkflowInput) -> Any:
        if workflow.info().workflow_type == CASE_WORKFLOW:
            FILING_TOKEN.set(header_token(input.headers))
        return await super().execute_workflow(input)

    async def handle_signal(self, input: HandleSignalInput) -> None:
        if input.signal == "act":
            SIGNAL_TOKEN.set(header_token(input.headers))
        await super().handle_signal(input)


class _Signing(WorkflowOutboundInterceptor):
    """Signs the simulated world's acts as it signals them to its case."""

    def __init__(self, next: WorkflowOutboundInterceptor, ring: KeyRing) -> None:
        super().__init__(next)
        self.ring = ring

    async def signal_external_workflow(self, input: SignalExternalWorkflowInput) -> None:
        act = _act(input.args)
        if act is not None and input.signal == "act" \
                and workflow.info().workflow_type == WORLD_WORKFLOW:
            try:
                principal = Principal(act.actor.id, act.actor.role, vouched_by=WORLD_VOUCHER)
                token = act_token(self.ring, principal, input.workflow_id, "act", digest_of(act))
                input.headers = {**input.headers, HEADER: Payload(
                    metadata={"encoding": b"binary/plain"}, data=token.encode())}
            except IdentityError:
                pass  # no principal to vouch for: the case refuses the act
        await super().signal_external_workflow(input)
