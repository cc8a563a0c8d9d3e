"""Acceptance of personal data at rest, on the real Temporal dev server persisted to its SQLite
file: a case filed through the workflows (its world workflow and activities carry the parties)
leaves the debtor's ID number in no file of the data directory — Temporal's SQLite file and its
log, the event store with its snapshots and WAL, the read models and their exports. Key files
are left out: they hold keys, not data."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from domain.application import EnforcementCases
from engine.runtime import DevServer, connect, create_worker
from projections.auditor import export_all
from projections.pii_scan import scan_paths
from projections.read_store import SQLiteReadModelStore
from projections.runner import ReadModelRunner
from tests.domain.test_full_history import long_case
from tests.principals import TEST_RING, HarnessEngine
from tests.support import DEBTOR, KEY
from tests.workflows.dockets import paid_in_full
from workflows.adapters.simulated import SimulatedWorld, simulated_adapters
from workflows.docket import Docket
from workflows.messages import CaseInput, Policy

ID = DEBTOR.document.number
DAY_ZERO = 9  # CaseFiled, NoticeIssued and the seven network inquiries of the filing day


async def day_zero_done(app: EnforcementCases, number: str) -> None:
    for _ in range(600):
        try:
            if len(app.case_events(number)) >= DAY_ZERO:
                return
        except Exception:  # not filed yet
            pass
        await asyncio.sleep(0.1)
    raise AssertionError(f"{number} did not finish its filing day")


async def full_run(data: Path, *, encrypted: bool = True) -> None:
    """Serve a case as worker.py does (embedded dev server, payload key in the data directory)
    through its filing day; then a long case, the read models and their exports."""
    server = DevServer(data)
    await server.start(persist=True, ui=False)
    try:
        client = await connect(server.address,
                               payload_key_file=data / "payload.key" if encrypted else None)
        app = EnforcementCases.sqlite(data / "events.sqlite", chain_key=KEY)
        case = paid_in_full()
        worker = create_worker(client, app, simulated_adapters(SimulatedWorld(Docket(
            cases=(case,)))), identity=TEST_RING, task_queue="at-rest")
        async with worker.worker:
            handle = await HarnessEngine(client, "at-rest").start_case(
                case, policy=Policy(routine_hour=0))  # its filing day at once, any hour
            await day_zero_done(app, case.case_number)
            history = await handle.fetch_history()
            started = history.events[0].workflow_execution_started_event_attributes
            [given] = await client.data_converter.decode(started.input.payloads, [CaseInput])
            assert given.filing.respondents[0].document.number == ID  # it did go through
            await handle.terminate("test over")
            await client.get_workflow_handle(f"world:{case.case_number}").terminate("test over")
        worker.commands.close()
    finally:
        server.stop()
    long_case(app)  # a long case in the same store: snapshots too
    views = SQLiteReadModelStore(data / "views.sqlite")
    ReadModelRunner(app, views).catch_up()
    export_all(views, data / "exports")
    views.close()
    app.close()


@pytest.mark.asyncio(loop_scope="function")
async def test_no_file_of_a_full_run_holds_the_debtors_id_number(tmp_path: Path) -> None:
    data = tmp_path / "data"
    await full_run(data)
    written = {p.name for p in data.rglob("*") if p.is_file()}
    assert {"temporal.sqlite", "events.sqlite", "views.sqlite", "timeline.csv", "payload.key",
            "events.cipherkey"} <= written
    assert scan_paths([data], [ID]) == []


@pytest.mark.asyncio(loop_scope="function")
async def test_without_the_payload_codec_temporals_file_would_hold_it(tmp_path: Path) -> None:
    data = tmp_path / "data"
    await full_run(data, encrypted=False)
    assert {hit.path.name for hit in scan_paths([data], [ID])} & {
        "temporal.sqlite", "temporal.sqlite-wal"}
