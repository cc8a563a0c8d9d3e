"""What every step of the case workflow shares: the case view, the agenda, memory, and helpers
to run a domain command or ask a port (both only through activities)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, Literal, TypeVar

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

from workflows.agenda import Agenda
from workflows.journal import Journal
from workflows.versions import Versions

with workflow.unsafe.imports_passed_through():
    from domain.calendar import COURT_ZONE, legal_date
    from domain.commands import Command
    from domain.values import Actor
    from workflows.adapters.ports import Ticket
    from workflows.messages import (
        EXECUTE_COMMAND,
        READ_CASE,
        SYSTEM,
        CaseInput,
        CaseRead,
        CaseView,
        CommandOutcome,
        CommandRequest,
        Message,
        ScenarioRef,
    )
    from workflows.status import Due, Problem

T = TypeVar("T", bound=Message)
Stage = Literal["filing", "procedure", "closing", "monitoring", "ended"]
MAX_PROBLEMS = 50


@dataclass
class Memo:
    """What the workflow remembers beyond the aggregate's state."""

    counters: dict[str, int] = field(default_factory=dict)
    done: set[str] = field(default_factory=set)
    notice_ticket: Ticket | None = None
    notice_checks: int = 0
    inquiry_rounds: int = 0
    inquiry_wanted: bool = True
    last_inquiry_on: date | None = None
    valuation: dict[str, Ticket] = field(default_factory=dict)
    priced_on: dict[str, date] = field(default_factory=dict)
    bids_seen: dict[str, int] = field(default_factory=dict)
    sales: dict[str, Decimal] = field(default_factory=dict)
    settlement_due_on: date | None = None
    extension_due: date | None = None
    dues: dict[str, Due] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    resumption: tuple[str, Actor] | None = None


class CaseContext:
    """The state of one case workflow run."""

    def __init__(self, data: CaseInput) -> None:
        self.input = data
        self.case_number: str = data.case_number
        self.wid = workflow.info().workflow_id
        self.policy = data.policy
        self.scenario: ScenarioRef | None = data.scenario
        self.view: CaseView | None = data.view
        self.agenda = Agenda()
        self.memo = Memo()
        self.lock = asyncio.Lock()
        self.changed = False
        self.stage: Stage = "monitoring" if data.monitoring else "filing"
        self.versions = Versions(world_top_level=None)
        self.journal = Journal(data.acts)
        self.act_lock = asyncio.Lock()
        self.acts_open = data.monitoring is not None  # else once the notice is issued

    # --- time ---------------------------------------------------------------------------------
    def now(self) -> datetime:
        return workflow.now()

    def today(self) -> date:
        return legal_date(workflow.now())

    def at(self, day: date, hour: int | None = None) -> datetime:
        """``hour`` o'clock on ``day`` in the court's zone (routine steps: the policy's
        ``routine_hour``, 09:00 unless the case was started with another)."""
        at = self.policy.routine_hour if hour is None else hour
        return datetime.combine(day, time(at, 0), tzinfo=COURT_ZONE)

    async def sleep_until(self, moment: datetime) -> None:
        delay = (moment - workflow.now()).total_seconds()
        if delay > 0:
            await workflow.sleep(timedelta(seconds=delay))

    # --- identifiers ----------------------------------------------------------------------------
    def command_id(self, step: str) -> str:
        """Deterministic command id: workflow id + step (the aggregate's idempotency key)."""
        return f"{self.wid}/{step}"

    def count(self, name: str) -> int:
        """Next value of a per-run counter (step keys of repeated acts)."""
        self.memo.counters[name] = self.memo.counters.get(name, 0) + 1
        return self.memo.counters[name]

    def envelope(self, step: str, actor: Actor = SYSTEM, basis: str | None = None
                 ) -> dict[str, Any]:
        """The fields every command carries."""
        return {"case_number": self.case_number, "command_id": self.command_id(step),
                "actor": actor, "recorded_at": workflow.now(), "basis": basis}

    def port_fields(self, step: str) -> dict[str, Any]:
        return {"case_number": self.case_number, "as_of": self.today(),
                "scenario": self.scenario, "step": self.command_id(step)}

    # --- state helpers ----------------------------------------------------------------------------
    @property
    def case(self) -> CaseView:
        if self.view is None:
            raise RuntimeError("the case is not filed yet")
        return self.view

    @property
    def suspended(self) -> bool:
        return self.view is not None and self.view.phase in ("settlement", "suspended")

    @property
    def closed(self) -> bool:
        return self.view is not None and self.view.closure_mode is not None

    def problem(self, step: str, err: ApplicationError) -> None:
        detail = err.details[0] if err.details and isinstance(err.details[0], dict) else {}
        self.memo.problems.append(Problem(
            on=self.today(), step=step, code=str(detail.get("code", err.type or "error")),
            message=str(detail.get("message", err.message)),
            source=str(detail.get("source", ""))))
        del self.memo.problems[:-MAX_PROBLEMS]
        workflow.logger.warning("%s: %s refused: %s", self.case_number, step, err.message)

    # --- the bridges --------------------------------------------------------------------------------
    async def execute(self, cmd: Command) -> CommandOutcome:
        """Run one domain command; a refusal is raised as the aggregate's ApplicationError."""
        timeout = timedelta(seconds=self.policy.command_timeout_seconds)
        retry = RetryPolicy(maximum_interval=timedelta(seconds=10))
        activity_id = cmd.command_id.rsplit("/", 1)[-1][:200]
        async with self.lock:
            # stamped when its turn comes: a command built before another that ran first
            # must not carry an earlier business time than the case's last event
            cmd = cmd.model_copy(update={"recorded_at": workflow.now()})
            request = CommandRequest(command=type(cmd).__name__,
                                     payload=cmd.model_dump(mode="json"),
                                     priority=self.input.priority)
            try:
                outcome: CommandOutcome
                if self.policy.command_activity == "local":
                    outcome = await workflow.execute_local_activity(
                        EXECUTE_COMMAND, request, result_type=CommandOutcome,
                        start_to_close_timeout=timeout, retry_policy=retry,
                        activity_id=activity_id)
                else:
                    outcome = await workflow.execute_activity(
                        EXECUTE_COMMAND, request, result_type=CommandOutcome,
                        start_to_close_timeout=timeout, retry_policy=retry,
                        activity_id=activity_id)
            except ActivityError as err:
                if isinstance(err.cause, ApplicationError):
                    raise err.cause from None
                raise
        if outcome.view.case_number == self.case_number:
            self.view = outcome.view
        self.changed = True
        return outcome

    async def refresh(self) -> None:
        """Read the case's view again, after another workflow (a 参与分配 plan) wrote to the
        case; a newer view wakes the agenda (``changed``). Before the case has a view (the
        signal came with the start) there is nothing to refresh."""
        if self.view is None:
            return
        async with self.lock:
            view: CaseView = await workflow.execute_activity(
                READ_CASE, CaseRead(case_number=self.case_number, at=workflow.now()),
                result_type=CaseView, start_to_close_timeout=timedelta(
                    seconds=self.policy.command_timeout_seconds),
                retry_policy=RetryPolicy(maximum_interval=timedelta(seconds=10)))
        if self.view is None or view.version > self.view.version:
            self.view = view
            self.changed = True

    async def attempt(self, cmd: Command) -> CommandOutcome | None:
        """Run a command of the workflow's own; a refusal is kept as a problem, not raised."""
        try:
            return await self.execute(cmd)
        except ApplicationError as err:
            self.problem(cmd.command_id.rsplit("/", 1)[-1], err)
            return None

    async def port(self, name: str, request: Message, result_type: type[T]) -> T:
        """Ask a port (a regular activity: outside systems get retries and timeouts)."""
        result: T = await workflow.execute_activity(
            name, request, result_type=result_type,
            start_to_close_timeout=timedelta(seconds=self.policy.port_timeout_seconds),
            retry_policy=RetryPolicy(maximum_interval=timedelta(seconds=60)))
        return result

    async def notify(self, name: str, request: Message) -> None:
        """Tell a port something (no answer)."""
        await workflow.execute_activity(
            name, request, start_to_close_timeout=timedelta(
                seconds=self.policy.port_timeout_seconds),
            retry_policy=RetryPolicy(maximum_interval=timedelta(seconds=60)))
