"""Full-lifecycle cases/s on the time-skipping server vs the bare Temporal floor.

A docket of ``--cases`` cases (a mix: paid after the notice, deposits frozen and transferred, a
flat sold at a re-auction, a buyer's default and a second auction, a settlement default and
resumption, nothing found → 终本 → monitoring → 执恢) runs all at once on the time-skipping test
server with the real activities: domain commands on the SQLite event store, the simulated world
behind the ports. Every activity's answer is recorded.

The same docket then runs on a fresh server with the same workflows against *bare* activities
that return the recorded answers without any domain work (no command validation, no decision,
no store): the same kinds and numbers of activities (local or regular alike), timers and
signals. Both runs start at the same business instant so that the workflows take the same
decisions; both histories' event counts (beyond the workflow tasks' bookkeeping) are printed and must
match.

All cases are started, then one sentinel workflow whose timer outlasts the docket is awaited
(awaiting many results at once breaks the test server); cases/s = cases ÷ wall time from the
first start to the sentinel's end, every case checked complete.

Usage: ``python bench/bench_procedure.py [--cases N] [--dir DIR] [--quick]`` (``--quick``: 12
cases, each kind twice, run by ``make test`` to show the benchmark still works; the full run is
not part of ``make test``). The last line is ``ratio=<full cases/s ÷ bare cases/s> target=0.7``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from datetime import time as clock
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from temporalio import activity, workflow
from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from domain.application import EnforcementCases
from domain.calendar import COURT_ZONE
from domain.keys import init_keys
from domain.models import AssetFinding, BasisKind, CaseCategory, Claim
from domain.rules import AssetKind, Channel
from domain.values import Party, PartyKind, ResidentId
from engine.facade import Engine
from engine.runtime import start_time_skipping, workflow_runner
from workflows import registry
from workflows.activities import CommandActivities
from workflows.adapters.ports import Adapters
from workflows.adapters.simulated import SimulatedWorld, simulated_adapters
from workflows.docket import (
    AuctionRound,
    CourtConduct,
    Docket,
    DocketCase,
    Payment,
    PropertyReport,
    ScenarioBid,
    SettlementPlan,
    World,
    WorldAsset,
)
from workflows.identity_worker import PrincipalCheck
from workflows.messages import EXECUTE_COMMAND, BasisSpec, CommandOutcome, CommandRequest
from workflows.messages import case_workflow_id as wid
from workflows.principals import HostSystem, KeyRing

QUEUE = "bench"
BENCH_RING = KeyRing({"bench": b"bench-identity-key-0123456789abcdef"})
"""The worker's identity key ring: the simulated world's acts are signed and verified."""
SENTINEL_DAYS = 800
APPLICANT = Party(name="张三", kind=PartyKind.PERSON,
                  document=ResidentId(number="11010519491231002X"))
DEBTOR = Party(name="李四", kind=PartyKind.PERSON,
               document=ResidentId(number="620402198001010013"))
BASIS = BasisSpec(kind=BasisKind.JUDGMENT, document_number="(2026)甘0402民初88号",
                  issued_by="白银区人民法院", effective_days_before_filing=60,
                  performance_days_before_filing=30)


@workflow.defn(name="BenchSentinel", sandboxed=False)
class Sentinel:
    """Outlasts the docket: awaiting it lets virtual time run for every case."""

    @workflow.run
    async def run(self, days: int) -> None:
        await workflow.sleep(timedelta(days=days))


# --- the docket -------------------------------------------------------------------------------

def _asset(asset_id: str, kind: AssetKind, channel: Channel, value: str, day: int = 0,
           reference: str | None = None, rounds: tuple[AuctionRound, ...] = ()) -> WorldAsset:
    return WorldAsset(channel=channel, appears_day=day, rounds=rounds,
                      reference_price=Decimal(reference) if reference else None,
                      asset=AssetFinding(asset_id=asset_id, kind=kind, value=Decimal(value),
                                         description=asset_id, indivisible=True))


def _bid(bidder: str, amount: str, minutes: int) -> ScenarioBid:
    return ScenarioBid(bidder=bidder, amount=Decimal(amount), minutes_after_open=minutes)


def _worlds() -> list[tuple[str, World, CaseCategory]]:
    report = PropertyReport(day=5)
    flat = ("flat", AssetKind.REAL_ESTATE, Channel.REAL_ESTATE, "800000.00")
    return [
        ("38000.00", World(report=report, payments=(Payment(day=14, amount=Decimal("38000")),)),
         CaseCategory.WAGES),
        ("120000.00", World(report=report, assets=(_asset(
            "acct", AssetKind.DEPOSIT, Channel.DEPOSITS, "150000.00"),)), CaseCategory.LOAN),
        ("300000.00", World(report=report, assets=(_asset(
            *flat, reference="600000.00", rounds=(AuctionRound(), AuctionRound(bids=(
                _bid("b1", "336000.00", 60), _bid("b2", "350000.00", 1438))))),)),
         CaseCategory.CONTRACT),
        ("300000.00", World(report=report, assets=(_asset(
            *flat, reference="600000.00", rounds=(
                AuctionRound(bids=(_bid("b1", "420000.00", 120),), buyer_pays=False),
                AuctionRound(bids=(_bid("b2", "430000.00", 60),)))),)), CaseCategory.LOAN),
        ("80000.00", World(report=report, assets=(_asset(
            "acct", AssetKind.DEPOSIT, Channel.DEPOSITS, "100000.00", day=40),),
            settlement=SettlementPlan(reached_day=20, amount=Decimal("60000"), due_day=50,
                                      terms="pay by day 50", default_day=55,
                                      payments=(Payment(day=30, amount=Decimal("20000")),))),
         CaseCategory.SUPPORT),
        ("50000.00", World(report=PropertyReport(day=6), assets=(_asset(
            "acct", AssetKind.DEPOSIT, Channel.DEPOSITS, "60000.00", day=600),),
            court=CourtConduct(restriction_day=20, hearing_day=80, termination_day=100)),
         CaseCategory.CONTRACT),
    ]


def docket(n: int) -> Docket:
    worlds = _worlds()
    return Docket(cases=tuple(DocketCase(
        case_number=f"(2026)甘0402执{1000 + i}号", category=worlds[i % len(worlds)][2],
        applicants=(APPLICANT,), respondents=(DEBTOR,), basis=BASIS,
        claim=Claim(principal=Decimal(worlds[i % len(worlds)][0])),
        world=worlds[i % len(worlds)][1]) for i in range(n)))


# --- recorded and canned answers ---------------------------------------------------------------

@dataclass
class Tape:
    """Every activity answer of the full run, by the request's step (or case) key."""

    answers: dict[str, Any] = field(default_factory=dict)


def _key(name: str, request: Any) -> str:
    step = getattr(request, "step", None) or getattr(request, "case_number", "")
    return f"{name}|{step}"


class _Recording:
    """Wraps a port object: records each answer (or the refusal) before returning it."""

    def __init__(self, inner: Any, tape: Tape) -> None:
        self.inner, self.tape = inner, tape

    def __getattr__(self, name: str) -> Callable[[Any], Awaitable[Any]]:
        method = getattr(self.inner, name)

        async def record(request: Any) -> Any:
            result = await method(request)
            self.tape.answers[_key(name, request)] = result
            return result
        return record


class _Canned:
    """Answers a port from the tape: no simulation, no work."""

    def __init__(self, tape: Tape) -> None:
        self.tape = tape

    def __getattr__(self, name: str) -> Callable[[Any], Awaitable[Any]]:
        async def replay(request: Any) -> Any:
            return self.tape.answers[_key(name, request)]
        return replay


class RecordingCommands(CommandActivities):
    def __init__(self, app: EnforcementCases, tape: Tape) -> None:
        super().__init__(app)
        self.tape = tape

    @activity.defn(name=EXECUTE_COMMAND)
    async def execute_command(self, request: CommandRequest) -> CommandOutcome:
        key = request.payload["command_id"]
        try:
            outcome = await super().execute_command(request)
        except ApplicationError as err:
            self.tape.answers[key] = err
            raise
        self.tape.answers[key] = outcome
        return outcome


class BareCommands:
    """The command activity with the domain taken out: the recorded answer, at once."""

    def __init__(self, tape: Tape) -> None:
        self.tape = tape

    @activity.defn(name=EXECUTE_COMMAND)
    async def execute_command(self, request: CommandRequest) -> CommandOutcome:
        answer = self.tape.answers[request.payload["command_id"]]
        if isinstance(answer, ApplicationError):
            raise ApplicationError(answer.message, *answer.details, type=answer.type,
                                   non_retryable=True, category=answer.category)
        assert isinstance(answer, CommandOutcome)
        return answer


def _adapters(inner: Adapters | None, tape: Tape) -> Adapters:
    if inner is None:
        canned: Any = _Canned(tape)
        return Adapters(registries=canned, notices=canned, valuation=canned, auctions=canned,
                        field=canned, cases=canned, world=canned)
    wrap: Any = _Recording
    return Adapters(registries=wrap(inner.registries, tape), notices=wrap(inner.notices, tape),
                    valuation=wrap(inner.valuation, tape), auctions=wrap(inner.auctions, tape),
                    field=wrap(inner.field, tape), cases=wrap(inner.cases, tape),
                    world=wrap(inner.world, tape))


# --- one run -----------------------------------------------------------------------------------

@dataclass
class Run:
    cases: int
    wall: float
    events: int
    workflows: int

    @property
    def per_second(self) -> float:
        return self.cases / self.wall


WORKFLOW_TASK_EVENTS = frozenset({
    "workflow_task_scheduled_event_attributes", "workflow_task_started_event_attributes",
    "workflow_task_completed_event_attributes", "workflow_task_failed_event_attributes",
    "workflow_task_timed_out_event_attributes"})
"""Bookkeeping of the workflow's activations: how many there are depends on timing (a busy
machine batches more into one, or fails one the deadlock detector caught and runs it again),
not on what the workflow did, so the comparison of the two runs leaves them out."""


async def _events(client: Client, workflow_id: str, run_id: str | None) -> int:
    """The history events of a case's workflow (all its runs) beyond its workflow tasks."""
    total, run = 0, run_id
    while run is not None:
        history = await client.get_workflow_handle(workflow_id, run_id=run).fetch_history()
        total += sum(1 for e in history.events
                     if e.WhichOneof("attributes") not in WORKFLOW_TASK_EVENTS)
        last = history.events[-1]
        if last.HasField("workflow_execution_continued_as_new_event_attributes"):
            run = last.workflow_execution_continued_as_new_event_attributes.new_execution_run_id
        else:
            status = (await client.get_workflow_handle(workflow_id, run_id=run).describe()).status
            if status != WorkflowExecutionStatus.COMPLETED:
                raise RuntimeError(f"{workflow_id} ended {status}, not completed")
            run = None
    return total


async def run_docket(cases: Docket, start: datetime, tape: Tape, store: Path | None) -> Run:
    env: WorkflowEnvironment = await start_time_skipping()
    async with env:
        await env.sleep(start - await env.get_current_time())
        full = store is not None
        if store is not None:
            init_keys(store)  # a fresh store: its keys made explicitly
        app = EnforcementCases.sqlite(store) if store is not None else None
        commands: Any = RecordingCommands(app, tape) if app is not None else BareCommands(tape)
        adapters = _adapters(simulated_adapters(SimulatedWorld(cases)) if full else None, tape)
        worker = Worker(env.client, task_queue=QUEUE, workflows=registry.workflows([Sentinel]),
                        activities=registry.activities(env.client, commands, adapters,
                                                       BENCH_RING),
                        workflow_runner=workflow_runner(), max_concurrent_workflow_tasks=200,
                        interceptors=[PrincipalCheck(BENCH_RING)])
        async with worker:
            engine = Engine(env.client, QUEUE, host=HostSystem("bench", BENCH_RING))
            began = time.perf_counter()
            handles = [await engine.start_case(case) for case in cases.cases]
            sentinel = await env.client.start_workflow(Sentinel.run, SENTINEL_DAYS,
                                                       id="sentinel", task_queue=QUEUE)
            await sentinel.result()
            wall = time.perf_counter() - began
            events, workflows = 0, 0
            for case, handle in zip(cases.cases, handles, strict=True):
                events += await _events(env.client, wid(case.case_number),
                                        handle.first_execution_run_id)
                workflows += 1
                resumed = app.get_case(case.case_number).resumed_as if app else \
                    tape.answers.get(f"resumed|{case.case_number}")
                if resumed:
                    tape.answers[f"resumed|{case.case_number}"] = resumed
                    events += await _events(env.client, wid(resumed), None)
                    workflows += 1
        if isinstance(commands, CommandActivities):
            commands.close()
    return Run(cases=len(cases.cases), wall=wall, events=events, workflows=workflows)


async def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=None, help="default 100 (--quick: 12)")
    parser.add_argument("--quick", action="store_true",
                        help="small sizes, seconds: shows the benchmark runs (make test)")
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args(argv)
    cases = docket(args.cases or (12 if args.quick else 100))
    now = datetime.now(COURT_ZONE)
    start = datetime.combine(now.date() + timedelta(days=2), clock(10), tzinfo=COURT_ZONE)
    tape = Tape()
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        full = await run_docket(cases, start, tape, Path(tmp) / "events.sqlite")
    bare = await run_docket(cases, start, tape, None)
    print(f"docket: {full.cases} cases ({full.workflows} case workflows with the 执恢 cases), "
          f"every one completed in both runs")
    print(f"full (domain + SQLite event store): {full.wall:7.2f} s  "
          f"{full.per_second:7.1f} cases/s  history events {full.events}")
    print(f"bare (recorded answers, no domain): {bare.wall:7.2f} s  "
          f"{bare.per_second:7.1f} cases/s  history events {bare.events}")
    if full.events != bare.events:
        print(f"history event counts differ: {full.events} != {bare.events}")
        return 1
    print(f"ratio={full.per_second / bare.per_second:.2f} target=0.7")
    return 0


if __name__ == "__main__":
    code = asyncio.run(main(sys.argv[1:]))
    sys.stdout.flush()
    os._exit(code)  # skip interpreter teardown, where the SDK's threads may abort the process
