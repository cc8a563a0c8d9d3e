"""Simulate a whole docket: the real workflows on the time-skipping server, the simulated world.

``await simulate_docket(docket, out)`` files every case of the docket into a fresh SQLite event
store in ``out`` (``events.sqlite``, its read models in ``views.sqlite``), runs the case
workflows and the simulated outside world on Temporal's time-skipping test server (years of
legal time in seconds, every legal date true), follows resumed 执恢 cases, then builds the read
models and answers a :class:`SimulationReport`: each case's outcome, the closure counts, the
终本 audit and the quality metrics over the simulated period. Used by ``enforce simulate`` and
``make run``.
"""

from __future__ import annotations

import secrets
import time
import uuid
from collections import Counter
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from pydantic import BaseModel
from temporalio.client import Client, WorkflowExecutionStatus, WorkflowHandle
from temporalio.common import Priority
from temporalio.testing import WorkflowEnvironment

from domain.application import EnforcementCases
from domain.calendar import COURT_ZONE, legal_date
from domain.keys import init_keys
from engine.facade import priority_of
from engine.runtime import create_worker, start_time_skipping
from engine.signing import vouching_client
from projections.audit_view import AuditedTermination, audit_summary, termination_audit
from projections.metrics import Metrics, quality_metrics
from projections.read_store import SQLiteReadModelStore
from projections.runner import ReadModelRunner
from workflows.adapters.simulated import SimulatedWorld, simulated_adapters
from workflows.case_workflow import EnforcementCaseWorkflow
from workflows.distribution import DistributionPlanWorkflow
from workflows.docket import Docket, DocketCase
from workflows.messages import CaseInput, CaseOutcome, ScenarioRef, case_workflow_id
from workflows.plan_messages import plan_workflow_id
from workflows.principals import HostSystem, KeyRing

STEP = timedelta(days=30)
"""How far virtual time moves between two looks at the running cases."""
HORIZON_DAYS = 8 * 365
"""Virtual days after filing by which every case is expected to have ended (a 终本 is
monitored for 5 years); a case still running then is reported open."""


class SimulatedCase(BaseModel):
    """Where one case of the simulation ended (``closure_mode`` None: still open)."""

    case_number: str
    category: str
    resumed_from: str | None = None
    phase: str
    closure_mode: str | None
    closed_on: date | None
    claim: Decimal
    recovered: Decimal
    outstanding: Decimal
    monitoring_rounds: int = 0
    resumed_as: str | None = None
    events: int
    chain_ok: bool


class MetricsLine(BaseModel):
    """Quality metrics of one kind of case (执, 执恢 …) with every rate by its Chinese name."""

    metrics: Metrics
    rates: dict[str, Decimal | None]


class SimulationReport(BaseModel):
    """What a simulation did: outcomes, closure counts, the 终本 audit, the metrics."""

    docket_cases: int
    out: Path
    events_db: Path
    views_db: Path
    filed_on: date
    ended_on: date
    cases: list[SimulatedCase]
    closures: dict[str, int]
    """Cases by closure mode (``open`` for those still running), resumed 执恢 cases included."""
    audit: list[AuditedTermination]
    audit_summary: dict[str, int]
    """终本 by audit class label (合规/不合规/待完善/误报结)."""
    metrics_from: date
    metrics_to: date
    metrics: list[MetricsLine]
    seconds: float


def metrics_lines(metrics: list[Metrics]) -> list[MetricsLine]:
    return [MetricsLine(metrics=m, rates=m.rates()) for m in metrics]


async def simulate_docket(docket: Docket, out: Path, *, step: timedelta = STEP,
                          horizon_days: int = HORIZON_DAYS) -> SimulationReport:
    """Run ``docket`` into a fresh store in ``out`` and report (see the module docstring).

    Raises FileExistsError if ``out`` already holds an event store."""
    started = time.perf_counter()
    events_db, views_db = out / "events.sqlite", out / "views.sqlite"
    if events_db.exists() or views_db.exists():
        raise FileExistsError(f"{out} already holds a store: simulate into a fresh directory")
    out.mkdir(parents=True, exist_ok=True)
    init_keys(events_db)  # a fresh store: its keys made explicitly (docs/operations.md, Keys)
    app = EnforcementCases.sqlite(events_db)
    try:
        filed_on, ended_on, outcomes = await _run(app, docket, step, horizon_days)
        store = SQLiteReadModelStore(views_db)
        try:
            ReadModelRunner(app, store).catch_up()
            cases = [_outcome(app, number, outcome) for number, outcome in outcomes.items()]
            last = max([c.closed_on for c in cases if c.closed_on] + [filed_on])
            metrics = quality_metrics(store, filed_on, last)
            audit = termination_audit(store)
            summary = {cls.label: n for cls, n in audit_summary(store).items()}
        finally:
            store.close()
    finally:
        app.close()
    closures = Counter(c.closure_mode or "open" for c in cases)
    return SimulationReport(
        docket_cases=len(docket.cases), out=out, events_db=events_db, views_db=views_db,
        filed_on=filed_on, ended_on=ended_on, cases=cases, closures=dict(closures),
        audit=audit, audit_summary=summary, metrics_from=filed_on, metrics_to=last,
        metrics=metrics_lines(metrics), seconds=round(time.perf_counter() - started, 2))


async def _run(app: EnforcementCases, docket: Docket, step: timedelta, horizon_days: int
               ) -> tuple[date, date, dict[str, CaseOutcome | None]]:
    """File the docket at 10:00 tomorrow (virtual time) and let time run until every case
    (and every 执恢 case opened on the way) has ended, or the horizon. Returns the filing date,
    the last virtual date and each case's outcome (None: still running), in filing order."""
    env = await start_time_skipping()
    async with env:
        queue = f"simulate-{uuid.uuid4().hex[:8]}"
        ring = simulation_ring()
        worker = create_worker(env.client, app, simulated_adapters(SimulatedWorld(docket)),
                               task_queue=queue, identity=ring)
        client = vouching_client(env.client, HostSystem("simulation", ring))
        try:
            async with worker.worker:
                morning = await _next_morning(env)
                for case in docket.cases:
                    await _start(client, queue, case)
                for plan in docket.distributions:  # 参与分配: each plan's workflow (§12)
                    await client.start_workflow(DistributionPlanWorkflow.run, plan.draw(),
                                                id=plan_workflow_id(plan.plan_number),
                                                task_queue=queue)
                outcomes = await _until_ended(env, [c.case_number for c in docket.cases],
                                              morning + timedelta(days=horizon_days), step)
                ended_on = legal_date(await env.get_current_time())
        finally:
            worker.commands.close()
    return morning.date(), ended_on, outcomes


def simulation_ring() -> KeyRing:
    """A key ring for one simulation: its world's people are vouched for by the simulated
    world and verified by its own worker; nothing outside acts on a simulation."""
    return KeyRing({"simulation": secrets.token_bytes(32)})


async def _next_morning(env: WorkflowEnvironment) -> datetime:
    now = await env.get_current_time()
    morning = datetime.combine(now.astimezone(COURT_ZONE).date() + timedelta(days=1),
                               datetime.min.time().replace(hour=10), tzinfo=COURT_ZONE)
    await env.sleep(morning - now)
    return morning


async def _start(client: Client, queue: str, case: DocketCase) -> None:
    """Start a docket case's workflow, its simulated world answering its ports."""
    filing = case.filing()
    data = CaseInput(case_number=case.case_number, filing=filing, category=case.category,
                     priority=priority_of(case.category, case.claim.total),
                     scenario=ScenarioRef(key=case.case_number))
    await client.start_workflow(EnforcementCaseWorkflow.run, data,
                                id=case_workflow_id(case.case_number), task_queue=queue,
                                priority=Priority(priority_key=data.priority))


def _handle(client: Client, number: str) -> WorkflowHandle[EnforcementCaseWorkflow, CaseOutcome]:
    return client.get_workflow_handle_for(EnforcementCaseWorkflow.run, case_workflow_id(number))


async def _until_ended(env: WorkflowEnvironment, numbers: list[str],
                       horizon: datetime, step: timedelta) -> dict[str, CaseOutcome | None]:
    """Sleep the environment (only handles from ``start_workflow`` unlock time skipping while a
    result is awaited, docs/design.md) until no case workflow runs; resumed cases join in."""
    outcomes: dict[str, CaseOutcome | None] = dict.fromkeys(numbers)
    running = list(numbers)
    while running:
        still: list[str] = []
        for number in running:
            description = await _handle(env.client, number).describe()
            if description.status == WorkflowExecutionStatus.RUNNING:
                still.append(number)
                continue
            if description.status == WorkflowExecutionStatus.COMPLETED:
                outcome = outcomes[number] = await _handle(env.client, number).result()
                if outcome.resumed_as and outcome.resumed_as not in outcomes:
                    outcomes[outcome.resumed_as] = None
                    still.append(outcome.resumed_as)
        running = still
        if running and await env.get_current_time() >= horizon:
            break
        if running:
            await env.sleep(step)
    return outcomes


def _outcome(app: EnforcementCases, number: str, outcome: CaseOutcome | None
             ) -> SimulatedCase:
    state = app.get_case(number)
    verification = app.verify(number)
    return SimulatedCase(
        case_number=number, category=state.category.value, resumed_from=state.resumed_from,
        phase=state.phase.value,
        closure_mode=state.closure_mode.value if state.closure_mode else None,
        closed_on=state.closed_on, claim=state.claim_total, recovered=state.recovered,
        outstanding=state.outstanding, monitoring_rounds=outcome.monitoring_rounds if outcome else 0,
        resumed_as=state.resumed_as, events=state.version, chain_ok=verification.ok)


def default_out(data_dir: Path, docket_path: Path) -> Path:
    """``<data>/simulations/<docket name>-<timestamp>``: a fresh directory per run."""
    stamp = datetime.now(COURT_ZONE).strftime("%Y%m%d-%H%M%S")
    out = data_dir / "simulations" / f"{docket_path.stem}-{stamp}"
    n = 1
    while out.exists():
        n += 1
        out = data_dir / "simulations" / f"{docket_path.stem}-{stamp}-{n}"
    return out

