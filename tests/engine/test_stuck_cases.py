"""Against the real worker (``python worker.py``, embedded dev server): a poison filing is
refused at the door of the facade and of the CLI; a bug in workflow code (the test-only fault
of workflows/faults.py) shows as a stuck case with its reason — in ``stuck_cases()``,
``status()``, ``enforce case stuck`` and ``enforce case show`` — and is repaired by deploying
the fix (a worker without the fault): the next retry files the case, or ``enforce case repair``
resets it at once."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from cli.accounts import os_user
from domain.errors import InvalidInputError, UnknownCaseError
from domain.values import Role
from engine.facade import CaseStuckError, Engine
from engine.stuck import REPAIR
from tests.cli.conftest import Enforce
from tests.worker_process import WorkerProcess
from tests.workflows.dockets import BASIS, case
from workflows.docket import World
from workflows.faults import FAULT_ENV
from workflows.principals import Principal
from workflows.status import CaseStatus

RETRIED = "(2026)甘0402执971号"  # goes on by the retry once the fixed worker runs
REPAIRED = "(2026)甘0402执972号"  # goes on when reset with `enforce case repair`
DOOR = "(2026)甘0402执973号"
FILING = case(RETRIED, World()).filing()
CLERK = Principal(actor_id="clerk-7", role=Role.CLERK)
IN_2099 = BASIS.model_copy(update={
    "effective_days_before_filing": None, "performance_days_before_filing": None,
    "effective_on": date(2099, 1, 1), "performance_deadline": date(2099, 2, 1)})
SETTLE_SECONDS = 120.0
"""Bound on waiting for a case's workflow task to fail, or to go on after the repair (the
retry of a task the stopped worker held comes after the task timeout, 10 s by default)."""


@pytest.fixture(scope="module")
def faulty(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WorkerProcess]:
    """The worker with a bug in workflow code for RETRIED and REPAIRED."""
    running = WorkerProcess(tmp_path_factory.mktemp("stuck") / "data",
                            env={FAULT_ENV: f"{RETRIED},{REPAIRED}"})
    running.start()
    yield running
    assert running.process is not None
    if running.process.poll() is None:
        assert running.stop() == 0, running.text


async def answered(engine: Engine, number: str) -> CaseStatus:
    """The case's status once its workflow has got past the failing task and filed it."""
    deadline = asyncio.get_running_loop().time() + SETTLE_SECONDS
    while asyncio.get_running_loop().time() < deadline:
        if await engine.stuck_case(number) is None:
            status = await engine.status(number)
            if status.stage != "filing":
                return status
        await asyncio.sleep(0.5)
    raise AssertionError(f"{number} did not go on within {SETTLE_SECONDS:.0f} s")


async def failing(engine: Engine, number: str) -> None:
    """Wait until the case's workflow task has failed and is being retried."""
    deadline = asyncio.get_running_loop().time() + SETTLE_SECONDS
    while await engine.stuck_case(number) is None:
        assert asyncio.get_running_loop().time() < deadline, f"{number} never failed"
        await asyncio.sleep(0.2)


async def test_a_poison_filing_is_refused_at_the_door_of_the_facade_and_the_cli(
        faulty: WorkerProcess, tmp_path: Path) -> None:
    enforce = Enforce(faulty.data, faulty.address)
    assert enforce("users", "add", "clerk-7", "--role", "clerk", "--os-user", os_user()).code == 0
    async with await Engine.connect(faulty.address, data_dir=faulty.data, host="test-host") as engine:
        with pytest.raises(InvalidInputError) as refused:
            await engine.file(DOOR, FILING.model_copy(update={"basis": IN_2099}),
                              principal=CLERK)
        assert "basis.effective_on: the basis must have taken effect" in refused.value.message
        assert not await engine.exists(DOOR)

        path = tmp_path / "case.json"
        poison = case(DOOR, World()).model_copy(update={"basis": BASIS.model_copy(update={
            "effective_days_before_filing": 0}), "applied_days_before_filing": 3})
        path.write_text(poison.model_dump_json(), "utf-8")
        cli = enforce("case", "file", path)
        assert cli.code == 2, cli.err
        assert cli.error.startswith(f"error: input.invalid: invalid filing of {DOOR}: "
                                    "basis.effective_days_before_filing: the basis must have "
                                    "taken effect by the application date"), cli.error
        assert not await engine.exists(DOOR)  # nothing started in Temporal

        path.write_text(case(DOOR, World()).model_dump_json(), "utf-8")
        corrected = enforce("case", "file", path, "--json")
        assert corrected.code == 0, corrected.err
        assert (await engine.status(DOOR)).stage == "procedure"


async def test_a_bug_in_workflow_code_shows_as_a_stuck_case_and_is_repaired(
        faulty: WorkerProcess) -> None:
    data = faulty.data
    async with await Engine.connect(faulty.address, data_dir=data, host="test-host") as engine:
        with pytest.raises(CaseStuckError) as stuck:
            await engine.file(RETRIED, FILING, principal=CLERK)
        assert stuck.value.code == "case.stuck" and stuck.value.source == REPAIR
        assert f"injected fault in workflow code for case:{RETRIED}" in stuck.value.message
        # A task timeout of 2 minutes: the stopped worker's hold on it outlasts the test, so
        # only the repair makes this case go on soon.
        await engine.start(REPAIRED, FILING, task_timeout=timedelta(minutes=2))
        await failing(engine, REPAIRED)
        with pytest.raises(CaseStuckError):
            await engine.file(REPAIRED, FILING, principal=CLERK)  # started: stuck, not filed

        listed = await engine.stuck_cases()
        assert [s.case_number for s in listed] == [RETRIED, REPAIRED]
        for found in listed:
            assert found.reason == (f"injected fault in workflow code for "
                                    f"{found.workflow_id} ({FAULT_ENV})")
            assert found.cause == "WORKFLOW_WORKER_UNHANDLED_FAILURE" and found.attempts >= 2
        with pytest.raises(CaseStuckError) as status:
            await engine.status(RETRIED)
        assert "enforce case repair" in status.value.message
        with pytest.raises(UnknownCaseError):
            await engine.case(RETRIED)  # nothing in the record

        enforce = Enforce(data, faulty.address)
        table = enforce("case", "stuck")
        assert table.code == 0, table.err
        assert RETRIED in table.out and REPAIRED in table.out and "injected fault" in table.out
        as_json = enforce("case", "stuck", "--json")
        assert [s["case_number"] for s in as_json.json()] == [RETRIED, REPAIRED]
        show = enforce("case", "show", RETRIED)
        assert show.code == 1 and show.error.startswith(f"error: case.stuck: {RETRIED} is "
                                                        "stuck"), show.err
    assert faulty.stop() == 0, faulty.text

    fixed = WorkerProcess(data)  # the fix deployed: the same code without the fault
    fixed.start()
    try:
        enforce = Enforce(data, fixed.address)
        repaired = enforce("case", "repair", REPAIRED)
        assert repaired.code == 0, repaired.err
        assert repaired.out.startswith(f"{REPAIRED} reset to event ")
        async with await Engine.connect(fixed.address, data_dir=data, host="test-host") as engine:
            for number in (REPAIRED, RETRIED):
                status = await answered(engine, number)
                assert status.stage == "procedure"
                history = await engine.history(number)
                assert [e.event for e in history.events][:2] == ["CaseFiled", "NoticeIssued"]
            assert await engine.stuck_cases() == []
        again = enforce("case", "repair", RETRIED)
        assert again.code == 1 and again.error.startswith("error: case.not_stuck"), again.err
    finally:
        assert fixed.stop() == 0, fixed.text
