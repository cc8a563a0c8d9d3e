"""The 参与分配 plan's workflow, ``distribution:<plan number>`` (docs/rules.md §12).

It draws the plan when it starts, takes the operators' acts on it as Updates (``act``), waits
out the objection window and each objection's opposition and suit windows with a durable timer,
then carries the plan out (``FinalizePlan``, as the system) and pays each share through its case
(``PayOut`` with the plan's number: the share arrives on the case's ledger and is paid out at
once); a share a pending suit holds back is paid only as its judgment releases it. It ends when
nothing is held back any more and every share owed is paid.

Sandbox code: plan commands go through the ``execute_plan_command`` activity, case commands
through the case's command activity (``execute_command``), both regular activities. Every
decision is taken from the plan's view the activity answers, so a replay takes the same steps.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import date, datetime, time, timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from domain.calendar import COURT_ZONE
    from domain.commands import JoinDistribution, LeaveDistribution, PayOut
    from workflows.messages import EXECUTE_COMMAND, SYSTEM, CommandOutcome, CommandRequest
    from workflows.plan_messages import (
        EXECUTE_PLAN_COMMAND,
        PLAN_ACT_COMMANDS,
        PLAN_ACT_DATES,
        PLAN_WORKFLOW,
        DrawRequest,
        PlanAct,
        PlanCommandRequest,
        PlanOutcome,
        PlanPaid,
        PlanProblem,
        PlanStatus,
        PlanStep,
        PlanView,
    )

COMMAND_TIMEOUT = timedelta(seconds=60)
SCHEDULED = time(14)
"""A docket's acts on a plan arrive at 14:00 (as a case's scheduled acts do)."""
WAKE = time(9)
"""The timer wakes at 09:00 (court time) of the first day after a window closes."""


def _failure(err: ActivityError) -> ApplicationError:
    if isinstance(err.cause, ApplicationError):
        return err.cause
    raise err


@workflow.defn(name=PLAN_WORKFLOW)
class DistributionPlanWorkflow:
    """One 参与分配 plan, from drawing to the last share paid."""

    def __init__(self) -> None:
        self.view: PlanView | None = None
        self.paid: list[PlanPaid] = []
        self.problems: list[PlanProblem] = []
        self.changed = False
        self.waiting_until: date | None = None
        self.scheduled: asyncio.Task[None] | None = None
        self.checked_on: date | None = None
        """The business date on which the procedure last reached its wait with nothing due."""

    # --- the record's bridges -----------------------------------------------------------------
    def today(self) -> date:
        return workflow.now().astimezone(COURT_ZONE).date()

    def plan_number(self) -> str:
        return workflow.info().workflow_id.removeprefix("distribution:")

    async def plan_command(self, name: str, key: str, actor: Any, fields: dict[str, Any]
                           ) -> PlanOutcome:
        payload = {"plan_number": self.plan_number(), "command_id":
                   f"distribution:{self.plan_number()}/{key}", "actor": actor.model_dump(),
                   "recorded_at": workflow.now().isoformat(), **fields}
        try:
            outcome: PlanOutcome = await workflow.execute_activity(
                EXECUTE_PLAN_COMMAND, PlanCommandRequest(command=name, payload=payload),
                result_type=PlanOutcome, start_to_close_timeout=COMMAND_TIMEOUT,
                retry_policy=RetryPolicy(maximum_interval=timedelta(seconds=10)),
                activity_id=key[:200])
        except ActivityError as err:
            raise _failure(err) from None
        self.view, self.changed = outcome.view, True
        return outcome

    async def case_command(self, cmd: JoinDistribution | PayOut | LeaveDistribution
                           ) -> CommandOutcome:
        request = CommandRequest(command=type(cmd).__name__, payload=cmd.model_dump(mode="json"))
        try:
            outcome: CommandOutcome = await workflow.execute_activity(
                EXECUTE_COMMAND, request, result_type=CommandOutcome,
                start_to_close_timeout=COMMAND_TIMEOUT,
                retry_policy=RetryPolicy(maximum_interval=timedelta(seconds=10)),
                activity_id=cmd.command_id[-200:])
        except ActivityError as err:
            raise _failure(err) from None
        return outcome

    def problem(self, step: str, err: ApplicationError) -> None:
        detail = err.details[0] if err.details and isinstance(err.details[0], dict) else {}
        self.problems.append(PlanProblem(on=self.today(), step=step,
                                         code=str(detail.get("code", err.type or "error")),
                                         message=str(detail.get("message", err.message))))

    # --- the procedure ------------------------------------------------------------------------
    @workflow.run
    async def run(self, draw: DrawRequest) -> PlanStatus:
        start = self.today()
        if draw.draw_day:
            await self.sleep_until(start + timedelta(days=draw.draw_day), WAKE)
        await self.plan_command("DrawPlan", f"request:{draw.request_id}", draw.actor, {
            "debtor": draw.debtor, "debtor_kind": draw.debtor_kind.value,
            "first_seized_case": draw.first_seized_case,
            "drawn_on": (draw.drawn_on or self.today()).isoformat()})
        if draw.schedule:
            self.scheduled = asyncio.create_task(self.follow(start, draw.schedule))
        while True:
            view = self.view
            assert view is not None
            await self.pay_what_is_owed(view)
            view = self.view
            assert view is not None
            if view.phase == "finalized" and not view.pending_suits():
                await self.leave(view)
                self.checked_on = date.max
                break
            last = view.finalizes_after()
            self.waiting_until = last
            self.changed = False
            if last is not None and self.today() > last:
                try:
                    await self.plan_command("FinalizePlan", f"finalize:{view.version}", SYSTEM,
                                            {"finalized_on": self.today().isoformat()})
                except ApplicationError as err:  # a window the view did not show: wait again
                    self.problem("finalize", err)
                    await workflow.wait_condition(lambda: self.changed)
                continue
            self.checked_on = self.today()
            if last is None:
                await workflow.wait_condition(lambda: self.changed)
            else:
                wake = datetime.combine(last + timedelta(days=1), WAKE, tzinfo=COURT_ZONE)
                with contextlib.suppress(TimeoutError):
                    await workflow.wait_condition(lambda: self.changed,
                                                  timeout=wake - workflow.now())
        return self.status()

    async def sleep_until(self, day: date, at: time) -> None:
        moment = datetime.combine(day, at, tzinfo=COURT_ZONE)
        if moment > workflow.now():
            await workflow.sleep(moment - workflow.now())

    async def follow(self, start: date, schedule: tuple[PlanStep, ...]) -> None:
        """A docket's acts on the plan, each at 14:00 of its day; a refusal is a problem."""
        for step in sorted(schedule, key=lambda s: s.day):
            await self.sleep_until(start + timedelta(days=step.day), SCHEDULED)
            try:
                await self.apply(step.act)
            except ApplicationError as err:
                self.problem(f"scheduled:{step.act.kind}:day {step.day}", err)

    async def leave(self, view: PlanView) -> None:
        """Tell every case the plan is done with it (``LeaveDistribution``)."""
        for joined in view.cases:
            cmd = LeaveDistribution(case_number=joined.case_number, actor=SYSTEM,
                                    command_id=f"distribution:{view.plan_number}/leave",
                                    recorded_at=workflow.now(), plan_number=view.plan_number,
                                    left_on=self.today())
            try:
                await self.case_command(cmd)
            except ApplicationError as err:
                self.problem(f"leave:{joined.case_number}", err)

    async def pay_what_is_owed(self, view: PlanView) -> None:
        """Pay every share the plan owes a case and the workflow has not paid yet."""
        done = {(p.case_number, p.share_of) for p in self.paid}
        for share_of, share in view.releases_owed():
            if (share.case_number, share_of) in done or share.amount <= 0:
                continue
            cmd = PayOut(case_number=share.case_number, actor=SYSTEM,
                         command_id=f"distribution:{view.plan_number}/pay:{share_of}",
                         recorded_at=workflow.now(), amount=share.amount,
                         paid_on=self.today(), plan_number=view.plan_number, share_of=share_of)
            try:
                await self.case_command(cmd)
            except ApplicationError as err:
                self.problem(f"pay:{share_of}:{share.case_number}", err)
                continue
            self.paid.append(PlanPaid(case_number=share.case_number, share_of=share_of,
                                      amount=share.amount, paid_on=self.today()))

    # --- operators ----------------------------------------------------------------------------
    @workflow.update(name="act")
    async def act(self, act: PlanAct) -> PlanOutcome:
        """An operator's act on the plan (``PlanAct``); a refusal raises its typed error."""
        await workflow.wait_condition(lambda: self.view is not None)
        return await self.apply(act)

    async def apply(self, act: PlanAct) -> PlanOutcome:
        """Apply one act: the plan's command (a ``join`` first joins the case itself)."""
        fields = dict(act.fields)
        day_field = PLAN_ACT_DATES[act.kind]
        fields.setdefault(day_field, self.today().isoformat())
        key = f"request:{act.request_id or workflow.uuid4().hex}"
        if act.kind == "join":
            assert self.view is not None
            join = JoinDistribution(
                case_number=fields["case_number"], actor=act.actor,
                command_id=f"distribution:{self.plan_number()}/{key}",
                recorded_at=workflow.now(), plan_number=self.plan_number(),
                debtor=self.view.debtor, claim=fields["claim"],
                claim_class=fields["claim_class"], joined_on=fields[day_field])
            await self.case_command(join)
        return await self.plan_command(PLAN_ACT_COMMANDS[act.kind], key, act.actor, fields)

    @act.validator
    def _v_act(self, act: PlanAct) -> None:
        day = act.fields.get(PLAN_ACT_DATES[act.kind])
        if day is not None and date.fromisoformat(str(day)) > self.today():
            raise ApplicationError(f"{PLAN_ACT_DATES[act.kind]} {day} is after the business "
                                   f"date {self.today()}", {
                                       "code": "date.in_future", "message": "an act's date is "
                                       "after the business date", "source": "docs/rules.md §5"},
                                   type="date.in_future", non_retryable=True)

    @workflow.update(name="settled")
    async def settled(self) -> PlanStatus:
        """The status once the procedure has done what is due on the business date (what a
        timer that fired today, or an act, asked of it)."""
        self.changed = True
        today = self.today()
        await workflow.wait_condition(lambda: self.checked_on is not None
                                      and self.checked_on >= today)
        return self.status()

    @workflow.query(name="get_status")
    def get_status(self) -> PlanStatus:
        return self.status()

    def status(self) -> PlanStatus:
        return PlanStatus(view=self.view, paid=tuple(self.paid), problems=tuple(self.problems),
                          waiting_until=self.waiting_until)
