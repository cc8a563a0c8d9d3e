"""The tests as a host system: a fixed identity key ring and an Engine that vouches for the
actor its acts name (docs/operations.md "Identity": the host system vouches for principals).

Tests that are about identity pass ``principal=`` themselves; the others use
:class:`HarnessEngine`, whose host (``test-harness``) vouches for the actor written in each act
or filing, as a court's case system vouches for its logged-in user.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from temporalio.client import Client

from domain.values import Actor
from engine.errors import parse, parse_act
from engine.facade import Engine, FiledCase
from workflows.acts import ActBase
from workflows.docket import DocketCase
from workflows.messages import Filing, Policy
from workflows.principals import HostSystem, KeyRing, Principal

TEST_RING = KeyRing({"test": b"identity-test-key-0123456789abcdef"})
TEST_HOST = HostSystem("test-harness", TEST_RING)


def vouched(actor: Actor | Mapping[str, Any]) -> Principal:
    """``actor`` as the test harness vouches for it."""
    found = Actor.model_validate(actor)
    return TEST_HOST.vouch(found.id, found.role)


class HarnessEngine(Engine):
    """An Engine whose host vouches for the actor each act or filing names."""

    def __init__(self, client: Client, task_queue: str, **kwargs: Any) -> None:
        kwargs.setdefault("host", TEST_HOST)
        super().__init__(client, task_queue, **kwargs)

    async def act(self, case_number: str, act: ActBase | Mapping[str, Any], *,
                  principal: Principal | None = None, **kwargs: Any) -> Any:
        found = parse_act(act)
        return await super().act(case_number, found,
                                 principal=principal or vouched(found.actor), **kwargs)

    async def notify(self, case_number: str, act: ActBase | Mapping[str, Any], *,
                     principal: Principal | None = None) -> str:
        found = parse_act(act)
        return await super().notify(case_number, found,
                                    principal=principal or vouched(found.actor))

    async def file(self, case_number: str, filing: Filing | Mapping[str, Any], *,
                   principal: Principal | None = None,
                   policy: Policy | Mapping[str, Any] | None = None) -> FiledCase:
        data = parse(Filing, filing, "filing")
        return await super().file(case_number, data, policy=policy,
                                  principal=principal or vouched(data.actor))

    async def file_case(self, case: DocketCase | Mapping[str, Any], *,
                        principal: Principal | None = None,
                        policy: Policy | Mapping[str, Any] | None = None,
                        simulated: bool = True) -> FiledCase:
        found = parse(DocketCase, case, "case")
        return await super().file_case(found, policy=policy, simulated=simulated,
                                       principal=principal or vouched(found.filing().actor))
