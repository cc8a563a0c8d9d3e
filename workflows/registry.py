"""The one registration of the engine's workflows and activities.

Every worker of the engine — ``worker.py``, the tests' workers, the simulation, the replay
tests and every benchmark — takes its workflow classes and activity callables from here, so
that a workflow or activity added to the engine is registered everywhere at once. A new
activity is added to :func:`activities` (and, if it lives on a new class, that class is built
there from the worker's client, application or adapters).

Never imported by workflow code (it imports the activities, hence the event store).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol

from temporalio.client import Client

from workflows.adapters.activities import PortActivities
from workflows.adapters.ports import Adapters
from workflows.case_workflow import EnforcementCaseWorkflow
from workflows.distribution import DistributionPlanWorkflow
from workflows.identity_worker import IdentityActivities
from workflows.messages import CommandOutcome, CommandRequest
from workflows.principals import KeyRing
from workflows.start_activities import StartActivities
from workflows.world import SimulatedWorldWorkflow

WORKFLOWS: tuple[type, ...] = (EnforcementCaseWorkflow, SimulatedWorldWorkflow,
                               DistributionPlanWorkflow)
"""Every workflow the engine runs (and every history it records must replay with)."""


class Commands(Protocol):
    """What carries the command activity: :class:`workflows.activities.CommandActivities`, or
    a benchmark's stand-in with the same activity name."""

    @property
    def execute_command(self) -> Callable[[CommandRequest], Awaitable[CommandOutcome]]: ...


def workflows(extra: Sequence[type] = ()) -> list[type]:
    """The engine's workflows, plus ``extra`` ones a test or benchmark runs beside them."""
    return [*WORKFLOWS, *extra]


def activities(client: Client, commands: Commands, adapters: Adapters, identity: KeyRing
               ) -> list[Callable[..., Any]]:
    """Every activity the engine's workflows call: the command activity of ``commands``, the
    activities that start workflows with ``client``, the check of a signal's principal with
    the ``identity`` key ring, and one per port question answered by ``adapters``."""
    starts = StartActivities(client)
    own = [getattr(commands, name, None) for name in ("execute_plan_command", "read_case")]
    return [commands.execute_command, *(a for a in own if a is not None),  # a stand-in has none
            starts.start_case,
            starts.start_world, IdentityActivities(identity, adapters).verify_principal,
            *PortActivities(adapters).all()]
