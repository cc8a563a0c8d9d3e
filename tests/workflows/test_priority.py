"""Livelihood cases (wages, support, injury) are served first when the worker is saturated."""

from __future__ import annotations

import asyncio

from domain.application import EnforcementCases
from domain.events import CaseFiled
from domain.models import CaseCategory
from engine.facade import priority_of
from engine.runtime import create_worker, start_time_skipping
from tests.principals import TEST_RING, HarnessEngine
from tests.support import KEY
from tests.workflows.dockets import case, deposit
from workflows.adapters.simulated import SimulatedWorld, simulated_adapters
from workflows.docket import World


async def test_livelihood_cases_commands_run_before_ordinary_ones_when_saturated() -> None:
    ordinary = [case(f"(2026)甘0402执{300 + n}号", World(assets=(deposit("acct", "900.00"),)),
                     principal="500000.00") for n in range(3)]
    livelihood = [case(f"(2026)甘0402执{310 + n}号", World(assets=(deposit("acct", "900.00"),)),
                       principal="500000.00", category=category)
                  for n, category in enumerate((CaseCategory.WAGES, CaseCategory.SUPPORT,
                                                CaseCategory.INJURY))]
    assert {priority_of(c.category, 500000) for c in ordinary} == {3}
    assert {priority_of(c.category, 500000) for c in livelihood} == {1}
    app = EnforcementCases.in_memory(chain_key=KEY)
    env = await start_time_skipping()
    async with env:
        world = SimulatedWorld()
        worker = create_worker(env.client, app, simulated_adapters(world),
                               identity=TEST_RING, task_queue="prio",
                               slots=1)
        gate = worker.commands.gate
        async with worker.worker:
            engine = HarnessEngine(env.client, "prio")
            await gate.acquire(1)  # the worker's only command slot is busy
            for c in [*ordinary, *livelihood]:  # ordinary cases are filed first
                world.add(c)
                await engine.start_case(c)
            while gate.waiting < 6:  # every case's first command waits for the slot
                await asyncio.sleep(0.01)
            gate.release()
            numbers = {c.case_number for c in [*ordinary, *livelihood]}
            while not numbers <= filed(app):
                await asyncio.sleep(0.01)
        worker.commands.close()
    order = [n for n in filed_in_order(app) if n in numbers]
    assert set(order[:3]) == {c.case_number for c in livelihood}
    assert set(order[3:]) == {c.case_number for c in ordinary}


def filed(app: EnforcementCases) -> set[str]:
    return set(filed_in_order(app))


def filed_in_order(app: EnforcementCases) -> list[str]:
    """Case numbers in the order their CaseFiled events were committed (the store's log)."""
    numbers = []
    for ref in app.case_ids():
        first = next(iter(app.events.get(ref, lte=1)))
        assert isinstance(first, CaseFiled)
        numbers.append(first.case_number)
    return numbers
