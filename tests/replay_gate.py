"""The replay gate's machinery: collect every workflow run a Temporal server holds and replay
each history with the current workflow code, as the worker would run it (docs/workflows.md,
"Replay gate"). The pytest plugin (tests/replay_gate_plugin.py) calls it for every server the
suite starts; tests call it directly to record risky shapes and to prove the gate.

Listing: the time-skipping test server has no visibility API (``ListWorkflowExecutions`` is
unimplemented) but answers the older ``ListOpenWorkflowExecutions`` /
``ListClosedWorkflowExecutions`` with every run, continued-as-new runs included; the dev server
answers ``list_workflows`` (its visibility store). Each run's history is then fetched by
workflow id and run id. Runs of workflow types the engine does not register are counted, not
replayed.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from temporalio.api.workflowservice.v1 import (
    ListClosedWorkflowExecutionsRequest,
    ListClosedWorkflowExecutionsResponse,
    ListOpenWorkflowExecutionsRequest,
    ListOpenWorkflowExecutionsResponse,
)
from temporalio.client import Client, WorkflowHistory
from temporalio.converter import DataConverter
from temporalio.worker import Replayer

from domain.keyfiles import read_key_file
from engine.codec import EncryptionCodec, key_id
from engine.converter import DATA_CONVERTER
from engine.runtime import workflow_runner
from workflows.registry import WORKFLOWS

ENGINE_WORKFLOWS: tuple[type, ...] = WORKFLOWS
"""The workflows the engine's worker registers (workflows/registry.py, the one registration)."""
FETCH_CONCURRENCY = 8
"""History fetches in flight at once (the time-skipping server breaks under many more)."""
PAGE = 500
ServerKind = Literal["time-skipping", "dev"]


@dataclass(frozen=True)
class Run:
    workflow_id: str
    run_id: str


@dataclass(frozen=True)
class ReplayFailure:
    """One history the current code cannot replay."""

    server: str
    workflow_id: str
    run_id: str
    error: str

    def __str__(self) -> str:
        return f"{self.workflow_id} (run {self.run_id}, {self.server}): {self.error}"


@dataclass
class GateResult:
    """What the gate did with one server."""

    server: str
    histories: int = 0
    """Histories of the engine's workflows replayed."""
    events: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    """Runs of workflow types the engine does not register, by type."""
    failures: list[ReplayFailure] = field(default_factory=list)
    fetch_seconds: float = 0.0
    replay_seconds: float = 0.0


class KeyRing:
    """Every payload key the session's clients and workers used, by key id: replaying a history
    needs the key its payloads were encrypted with (engine/codec.py names it in each)."""

    def __init__(self) -> None:
        self.keys: dict[str, bytes] = {}

    def add(self, *keys: bytes) -> None:
        for key in keys:
            self.keys.setdefault(key_id(key), key)

    def add_file(self, path: Path) -> None:
        """A key file (base64), as worker.py keeps ``<data>/payload.key``."""
        if path.is_file():
            self.add(base64.b64decode(read_key_file(path)))

    def converter(self, base: DataConverter = DATA_CONVERTER) -> DataConverter:
        """``base`` decoding payloads encrypted with any key of the ring (plain ones pass)."""
        if not self.keys:
            return base
        first, *others = self.keys.values()
        return dataclasses.replace(base, payload_codec=EncryptionCodec(first, others))


async def list_runs(client: Client, kind: ServerKind) -> list[Run]:
    """Every run (open and closed, each continued-as-new run apart) in the client's namespace."""
    if kind == "dev":
        return [Run(w.id, w.run_id) async for w in client.list_workflows(page_size=PAGE)]
    runs: list[Run] = []
    service, namespace = client.workflow_service, client.namespace
    for closed in (False, True):
        token = b""
        while True:
            page: ListOpenWorkflowExecutionsResponse | ListClosedWorkflowExecutionsResponse
            if closed:
                page = await service.list_closed_workflow_executions(
                    ListClosedWorkflowExecutionsRequest(
                        namespace=namespace, maximum_page_size=PAGE, next_page_token=token))
            else:
                page = await service.list_open_workflow_executions(
                    ListOpenWorkflowExecutionsRequest(
                        namespace=namespace, maximum_page_size=PAGE, next_page_token=token))
            runs += [Run(e.execution.workflow_id, e.execution.run_id) for e in page.executions]
            token = page.next_page_token
            if not token:
                break
    return list(dict.fromkeys(runs))  # a run closing between the two listings appears twice


async def fetch(client: Client, runs: Iterable[Run]) -> list[WorkflowHistory]:
    """Each run's history (a handle with its run id: the run itself, not the latest)."""
    bound = asyncio.Semaphore(FETCH_CONCURRENCY)

    async def one(run: Run) -> WorkflowHistory:
        async with bound:
            return await client.get_workflow_handle(run.workflow_id,
                                                    run_id=run.run_id).fetch_history()

    return list(await asyncio.gather(*(one(run) for run in runs)))


def workflow_type(history: WorkflowHistory) -> str:
    return history.events[0].workflow_execution_started_event_attributes.workflow_type.name


async def replay(histories: Sequence[WorkflowHistory], converter: DataConverter, server: str,
                 workflows: Sequence[type] = ENGINE_WORKFLOWS) -> GateResult:
    """Replay every history of ``workflows``' types with the worker's sandbox and ``converter``."""
    known = {getattr(w, "__temporal_workflow_definition").name for w in workflows}
    result = GateResult(server)
    chosen = []
    for history in histories:
        name = workflow_type(history)
        if name in known:
            chosen.append(history)
        else:
            result.skipped[name] += 1
    result.histories = len(chosen)
    result.events = sum(len(h.events) for h in chosen)
    if not chosen:
        return result
    started = time.perf_counter()
    replayer = Replayer(workflows=workflows, data_converter=converter,
                        workflow_runner=workflow_runner())

    async def each() -> AsyncIterator[WorkflowHistory]:
        for history in chosen:
            yield history

    results = await replayer.replay_workflows(each(), raise_on_replay_failure=False)
    ids = {h.run_id: h.workflow_id for h in chosen}
    result.failures = [ReplayFailure(server, ids.get(run, "?"), run, f"{type(err).__name__}: {err}")
                       for run, err in results.replay_failures.items()]
    result.replay_seconds = time.perf_counter() - started
    return result


async def check(client: Client, kind: ServerKind, server: str, converter: DataConverter,
                workflows: Sequence[type] = ENGINE_WORKFLOWS) -> GateResult:
    """Collect every run ``client``'s server holds and replay it (a failure to collect is a
    failure of the gate too: histories nobody looked at prove nothing)."""
    started = time.perf_counter()
    try:
        histories = await fetch(client, await list_runs(client, kind))
    except Exception as err:
        return GateResult(server, failures=[ReplayFailure(
            server, "*", "*", f"could not collect the histories: {type(err).__name__}: {err}")])
    fetched = time.perf_counter() - started
    result = await replay(histories, converter, server, workflows)
    result.fetch_seconds = fetched
    return result
