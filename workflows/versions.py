"""Version decisions of the case workflow, taken where they cannot move between workflow tasks.

Why here and not at the place that branches (docs/workflows.md, "Versioning"): Temporal's
``workflow.patched`` is told about a patch marker only when the marker lies in the workflow task
being replayed (or one before it). A local activity can outlast the task it was started in, and a
query arriving meanwhile makes the server complete that task early: the local activity's marker is
then written in one task and the commands that followed it in the next. On replay the SDK resolves
the local activity in the first task, the code reaches ``patched`` one task too early, is told
"no marker", and fails with TMPRL1100 (the case ``(2026)甘0402执801号`` in
``tests/workflows/fixtures/split_world_patch.json``). So every patch is asked for in the run's
first activation, before the first command: its marker is the first command of the first task and
cannot move.

Histories written before this rule still replay: a marker that followed a local activity in the
same task is seen at the start too (the SDK looks ahead over the whole first task); the one shape
it cannot see - the marker a task later - is recognised by :func:`world_marker_split` and its two
events are re-issued as the original run wrote them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from temporalio import workflow
from temporalio.common import SearchAttributeKey

WORLD_TOP_LEVEL = "world-top-level"
"""The simulated world is a top-level workflow started by an activity, no longer a child."""

ACTS_AS_FACTS = "acts-as-facts"
"""Acts wait for the notice, run one at a time in arrival order, a re-sent key answers the stored
outcome, and a refused signal act is recorded (docs/workflows.md, "Acts as facts")."""

PRINCIPALS = "principals"
"""An ``act`` signal is applied only with a principal the worker verifies: its
``enforce-principal`` header is checked by the local activity ``verify_principal`` (docs/
operations.md "Identity"); runs without the marker took the act's actor as it came."""

ACTS_AWAIT_DECISIONS = "acts-await-decisions"
"""An act that comes with the run's start (signalled or sent before any worker took the first
workflow task) reaches its handler before ``run`` has taken the decisions above; it waits for
them. Runs recorded without the marker handled such an act as if no patch were taken (not
verified, not journalled, applied once the case was filed: before its notice). The one patch
not asked for in ``at_start``: a handler asks for it only while the decisions are not taken,
that is in the run's first activation, before ``run``'s first step and so before any command."""

WORLD_TOP_LEVEL_RELEASED = datetime(2026, 11, 22, 3, 2, 30, tzinfo=UTC)
"""When the code that writes ``world-top-level`` after the filing was released (commit 28f0abf)."""

CHANGE_VERSION = SearchAttributeKey.for_keyword_list("TemporalChangeVersion")


@dataclass
class Versions:
    """The version decisions of one run; ``None`` where an old history must still be read on."""

    world_top_level: bool | None
    acts_as_facts: bool = False
    principals: bool = False
    taken: bool = False
    """False until ``run`` has taken them (:func:`at_start`): an act's handler can run first."""


def at_start(starts_world: bool) -> Versions:
    """Take every version decision of a run in its first activation, before any command."""
    world: bool | None = None
    if starts_world and not (workflow.unsafe.is_replaying() and not _notified(WORLD_TOP_LEVEL)):
        world = workflow.patched(WORLD_TOP_LEVEL)  # else an old history: decided at the world
    return Versions(world_top_level=world, acts_as_facts=workflow.patched(ACTS_AS_FACTS),
                    principals=workflow.patched(PRINCIPALS), taken=True)


def awaits_decisions(versions: Versions) -> bool:
    """Whether an act handler must wait for :func:`at_start` before it reads ``versions``:
    only while they are not taken, and only in runs with :data:`ACTS_AWAIT_DECISIONS`."""
    return not versions.taken and workflow.patched(ACTS_AWAIT_DECISIONS)


def world_top_level(versions: Versions) -> bool:
    """Whether this run starts its world through an activity (else as a child workflow)."""
    if versions.world_top_level is None:
        versions.world_top_level = _decide_old_world_start()
    return versions.world_top_level


def _decide_old_world_start() -> bool:
    """An old run replayed whose first task held no ``world-top-level`` marker."""
    if workflow.patched(WORLD_TOP_LEVEL):
        return True  # the marker came in the task being replayed
    if not world_marker_split():
        return False  # written before the patch: the world is a child
    _reissue_marker(WORLD_TOP_LEVEL)
    return True


def world_marker_split() -> bool:
    """Whether this old run wrote ``world-top-level`` one task after its filing.

    Only runs started on a Temporal server (whose tasks record the worker's build id) by the code
    released at :data:`WORLD_TOP_LEVEL_RELEASED` or later wrote that marker; of those, the ones
    whose marker is not in the first task split it from the filing. Runs of the time-skipping
    test server are recorded without build ids and never outlive their test, except the fixtures,
    which were all recorded whole."""
    info = workflow.info()
    return bool(info.get_current_build_id()) and info.start_time >= WORLD_TOP_LEVEL_RELEASED


def _notified(patch_id: str) -> bool:
    """Whether the SDK has seen ``patch_id``'s marker in the history read so far."""
    return patch_id in _instance()._patches_notified


def _reissue_marker(patch_id: str) -> None:
    """Issue ``patch_id``'s marker and its search attribute as the original run wrote them.

    The public ``workflow.patched`` answers False while replaying a task that does not hold the
    marker; the SDK's core accepts the marker command all the same and matches it with the
    marker a task later, then the search attribute update that followed it."""
    instance = _instance()
    instance._patches_memoized[patch_id] = True
    instance._add_command().set_patch_marker.patch_id = patch_id
    workflow.upsert_search_attributes([CHANGE_VERSION.value_set([patch_id])])


def _instance() -> Any:
    """The SDK's running workflow instance (private API of temporalio 1.35, pinned)."""
    return workflow._Runtime.current()
