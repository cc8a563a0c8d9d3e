"""One registration (workflows/registry.py): every workflow and activity the engine defines is
registered there, once, so that no worker — worker.py, the tests, the simulation, a benchmark —
can miss one (a missing activity leaves its workflows retrying a task no worker takes)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from typing import Any

from temporalio.client import Client

import workflows
from domain.application import EnforcementCases
from tests.principals import TEST_RING
from tests.support import KEY
from workflows import registry
from workflows.activities import CommandActivities
from workflows.adapters.simulated import SimulatedWorld, simulated_adapters


def defined() -> tuple[set[str], set[str]]:
    """The names of every workflow and every activity defined in the workflows package."""
    names: tuple[set[str], set[str]] = (set(), set())
    for found in pkgutil.walk_packages(workflows.__path__, "workflows."):
        module = importlib.import_module(found.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != module.__name__:
                continue
            if (flow := getattr(cls, "__temporal_workflow_definition", None)) is not None:
                names[0].add(flow.name)
            for _, function in inspect.getmembers(cls, inspect.isfunction):
                if (act := getattr(function, "__temporal_activity_definition", None)):
                    names[1].add(act.name)
    return names


def name_of(activity: Any) -> str:
    return str(activity.__temporal_activity_definition.name)


def test_every_defined_workflow_and_activity_is_registered_once() -> None:
    workflows_defined, activities_defined = defined()
    app = EnforcementCases.in_memory(chain_key=KEY)
    commands = CommandActivities(app)
    try:
        client: Any = object.__new__(Client)  # the start activities only keep it
        registered = [name_of(a) for a in registry.activities(
            client, commands, simulated_adapters(SimulatedWorld()), TEST_RING)]
    finally:
        commands.close()
        app.close()
    assert sorted(registered) == sorted(activities_defined)  # each once, none missing
    assert {"execute_command", "start_case_workflow", "start_world_workflow",
            "world_schedule"} <= set(registered)
    flows = [w.__temporal_workflow_definition.name  # type: ignore[attr-defined]
             for w in registry.workflows()]
    assert sorted(flows) == sorted(workflows_defined)

