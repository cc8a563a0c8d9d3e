"""Histories recorded once (tests/workflows/fixtures, see record_fixtures.py) still replay under
the current workflow code: a change that would break running cases fails here."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.converter import DataConverter
from temporalio.worker import Replayer

from engine.codec import with_encryption
from engine.converter import DATA_CONVERTER
from engine.runtime import workflow_runner
from workflows import registry

FIXTURES_DIR = Path(__file__).with_name("fixtures")
FIXTURES = sorted(FIXTURES_DIR.glob("*.json"))


def histories(path: Path) -> list[WorkflowHistory]:
    return [WorkflowHistory.from_json(item["workflow_id"], item["history"])
            for item in json.loads(path.read_text("utf-8"))]


async def each(items: list[WorkflowHistory]) -> AsyncIterator[WorkflowHistory]:
    for item in items:
        yield item


def test_the_fixtures_cover_every_kind_of_run() -> None:
    kinds = {e.WhichOneof("attributes") for path in FIXTURES for h in histories(path)
             for e in h.events}
    assert {"workflow_execution_continued_as_new_event_attributes",  # monitoring rounds
            "workflow_execution_update_completed_event_attributes",  # an operator's update
            "workflow_execution_signaled_event_attributes",  # the world's acts
            "marker_recorded_event_attributes",  # local command activities
            "activity_task_completed_event_attributes",  # ports
            "timer_fired_event_attributes"} <= kinds


def test_the_fixtures_cover_both_ways_of_starting_the_world() -> None:
    """Histories from before the patch (world as a child) and after it (started by an
    activity, a workflow of its own) must both replay."""
    texts = [p.read_text("utf-8") for p in FIXTURES]
    assert any('"start_world_workflow"' in text for text in texts)
    assert any("startChildWorkflowExecutionInitiated" in text for text in texts)


def converter(path: Path) -> DataConverter:
    """The fixture's payload key sits beside it when its payloads are encrypted."""
    key = path.with_suffix(".key")
    if not key.exists():
        return DATA_CONVERTER
    return with_encryption(DATA_CONVERTER, key_file=key, create=False)


def test_the_fixtures_hold_a_world_patch_split_from_its_filing() -> None:
    """The shape that failed replay (TMPRL1100): the filing's local-activity marker in one
    workflow task, the ``world-top-level`` patch marker in the next (workflows/versions.py)."""
    (split,) = [h for h in histories(FIXTURES_DIR / "split_world_patch.json")
                if h.workflow_id.endswith("801号")]
    kinds = [(e.event_id, e.WhichOneof("attributes"), e.marker_recorded_event_attributes.marker_name)
             for e in split.events[:9]]
    assert kinds[4] == (5, "marker_recorded_event_attributes", "core_local_activity")
    assert kinds[5][1] == "workflow_task_scheduled_event_attributes"
    assert kinds[8] == (9, "marker_recorded_event_attributes", "core_patch")


def test_the_fixtures_hold_acts_that_came_with_the_start() -> None:
    """Two acts signalled before the first workflow task, recorded before such acts waited for
    the run's version decisions (no ``acts-await-decisions`` marker; workflows/versions.py)."""
    (case_run,) = [h for h in histories(FIXTURES_DIR / "acts_with_the_start.json")
                   if h.workflow_id.startswith("case:")]
    first_task = []
    for event in case_run.events:
        if event.HasField("workflow_task_started_event_attributes"):
            break
        first_task.append(event.WhichOneof("attributes"))
    assert first_task.count("workflow_execution_signaled_event_attributes") == 2
    assert patches(case_run) == ["world-top-level", "acts-as-facts", "principals"]


def patches(history: WorkflowHistory) -> list[str]:
    """The patch ids of a history's ``core_patch`` markers, in order."""
    return [json.loads(m.details["patch-data"].payloads[0].data)["id"]
            for m in (e.marker_recorded_event_attributes for e in history.events
                      if e.HasField("marker_recorded_event_attributes"))
            if m.marker_name == "core_patch"]


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
async def test_recorded_histories_replay_without_nondeterminism(path: Path) -> None:
    replayer = Replayer(workflows=registry.workflows(), data_converter=converter(path),
                        workflow_runner=workflow_runner())
    loaded = histories(path)
    results = await replayer.replay_workflows(each(loaded), raise_on_replay_failure=False)
    failures = {run_id: str(err) for run_id, err in results.replay_failures.items()}
    assert failures == {}
    assert len(loaded) >= 2
