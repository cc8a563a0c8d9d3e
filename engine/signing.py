"""The client side of the Temporal door: a host system's client signs each act it sends.

:func:`vouching_client` gives a client whose interceptor adds the ``enforce-principal`` header
(workflows/principals.py) to every act Update, ``act`` signal and case workflow start (its
filing): a token naming the actor, the host that vouches for it, the case's workflow, the act
and its content, signed with the identity key ring. The worker verifies it and records the actor from it
(workflows/identity_worker.py). Only code holding the key ring can sign: the facade stamps the
act's actor from the principal it was given before the act reaches this client.
"""

from __future__ import annotations

from typing import Any

from temporalio.api.common.v1 import Payload
from temporalio.client import (
    Client,
    Interceptor,
    OutboundInterceptor,
    SignalWorkflowInput,
    StartWorkflowInput,
    StartWorkflowUpdateInput,
    WorkflowHandle,
    WorkflowUpdateHandle,
)

from workflows.acts import ActBase
from workflows.identity_worker import digest_of
from workflows.messages import CaseInput, Filing
from workflows.plan_messages import PlanAct
from workflows.principals import FILING, HEADER, HostSystem, Principal, act_digest, act_token


def filing_header(host: HostSystem, workflow_id: str, filing: Filing) -> Payload:
    """The signed header of a case workflow's start: ``host`` vouches for the filing clerk."""
    principal = Principal(actor_id=filing.actor.id, role=filing.actor.role, vouched_by=host.name)
    token = act_token(host.ring, principal, workflow_id, FILING,
                      act_digest(filing.model_dump_json(exclude={"actor"})))
    return Payload(metadata={"encoding": b"binary/plain"}, data=token.encode())


def act_header(host: HostSystem, workflow_id: str, name: str, act: ActBase | PlanAct
               ) -> Payload:
    """The signed header of ``act`` sent as ``name`` to ``workflow_id`` by ``host``."""
    principal = Principal(actor_id=act.actor.id, role=act.actor.role, vouched_by=host.name)
    token = act_token(host.ring, principal, workflow_id, name, digest_of(act))
    return Payload(metadata={"encoding": b"binary/plain"}, data=token.encode())


class HostVouches(Interceptor):
    """Signs every act this client sends on behalf of ``host``."""

    def __init__(self, host: HostSystem) -> None:
        self.host = host

    def intercept_client(self, next: OutboundInterceptor) -> OutboundInterceptor:
        return _Signing(next, self.host)


class _Signing(OutboundInterceptor):
    def __init__(self, next: OutboundInterceptor, host: HostSystem) -> None:
        super().__init__(next)
        self.host = host

    def _signed(self, headers: Any, workflow_id: str, name: str, args: Any) -> Any:
        act = args[0] if len(args) == 1 else None
        if not isinstance(act, ActBase | PlanAct):  # a case's act, or a 参与分配 plan's
            return headers
        return {**headers, HEADER: act_header(self.host, workflow_id, name, act)}

    async def start_workflow(self, input: StartWorkflowInput) -> WorkflowHandle[Any, Any]:
        data = input.args[0] if len(input.args) == 1 else None
        if isinstance(data, CaseInput) and data.filing is not None:
            input.headers = {**input.headers, HEADER: filing_header(self.host, input.id,
                                                                   data.filing)}
        return await super().start_workflow(input)

    async def start_workflow_update(self, input: StartWorkflowUpdateInput
                                    ) -> WorkflowUpdateHandle[Any]:
        input.headers = self._signed(input.headers, input.id, input.update, input.args)
        return await super().start_workflow_update(input)

    async def signal_workflow(self, input: SignalWorkflowInput) -> None:
        input.headers = self._signed(input.headers, input.id, input.signal, input.args)
        await super().signal_workflow(input)


def vouching_client(client: Client, host: HostSystem) -> Client:
    """``client`` (same connection, namespace and converter) that signs acts for ``host``."""
    config = client.config()
    config["interceptors"] = [*config.get("interceptors", ()), HostVouches(host)]
    return Client(**config)
