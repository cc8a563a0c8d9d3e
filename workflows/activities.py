"""The only bridge from workflows to the event store: run one domain command, idempotently.

``execute_command`` rebuilds the command from its JSON (command_id and business time were set
by the workflow), runs it on the synchronous application in a thread pool, and answers the
versions written plus a :class:`CaseView` of the case afterwards. Refusals become
non-retryable ``ApplicationError`` s (type = the error code, details = code/message/source);
a repeated command_id writes nothing and answers the earlier versions. A priority gate lets
livelihood cases' commands run first when the worker is saturated.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from pydantic import ValidationError
from temporalio import activity
from temporalio.client import Client
from temporalio.exceptions import ApplicationError, ApplicationErrorCategory
from temporalio.service import RPCError, RPCStatusCode

from domain.application import EnforcementCases
from domain.calendar import HolidayCalendar, add_months, legal_date
from domain.commands import COMMANDS, Command
from domain.deadlines import closure_deadline
from domain.errors import EnforcementError
from domain.models import PayeeKind
from domain.objections import holds, release_due, review_last_day, suit_last_day
from domain.state import ZERO, AssetState, CaseState, ObjectionState
from domain.termination import unmet_conditions
from workflows import messages as m
from workflows.plan_activities import build_plan_command, plan_view
from workflows.plan_messages import (
    EXECUTE_PLAN_COMMAND,
    PLAN_WORKFLOW,
    PlanCommandRequest,
    PlanOutcome,
)
from workflows.telemetry import timed_command


class PriorityGate:
    """At most ``slots`` commands at once; waiters are served by priority (1 first), then FIFO."""

    def __init__(self, slots: int) -> None:
        self._free = slots
        self._heap: list[tuple[int, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()

    @property
    def waiting(self) -> int:
        return sum(1 for _, _, f in self._heap if not f.done())

    async def acquire(self, priority: int) -> None:
        if self._free > 0 and not self.waiting:
            self._free -= 1
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._heap, (priority, next(self._seq), future))
        try:
            await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():
                self.release()  # the slot was handed over just as we were cancelled
            raise

    def release(self) -> None:
        while self._heap:
            _, _, future = heapq.heappop(self._heap)
            if not future.done():
                future.set_result(None)  # hand the slot over
                return
        self._free += 1


@dataclass(frozen=True)
class PauseHook:
    """Test-only: after a command of type ``command`` commits, log it and (the first time) block
    forever, so that a test can kill the worker between commit and completion."""

    command: str
    directory: Path

    @classmethod
    def from_env(cls) -> PauseHook | None:
        name = os.environ.get("ENFORCEMENT_TEST_PAUSE_COMMAND")
        folder = os.environ.get("ENFORCEMENT_TEST_PAUSE_DIR")
        return cls(name, Path(folder)) if name and folder else None

    def after_commit(self, cmd: Command, duplicate: bool, info: activity.Info) -> None:
        if type(cmd).__name__ != self.command:
            return
        with (self.directory / "executions.log").open("a") as log:
            log.write(f"{cmd.command_id}\tattempt={info.attempt}\tlocal={info.is_local}\t"
                      f"duplicate={duplicate}\n")
        marker = self.directory / "paused"
        if not marker.exists():
            written = marker.with_name("paused.tmp")  # whole, then renamed: never read half
            written.write_text(cmd.command_id)
            written.replace(marker)
            threading.Event().wait()  # until the process is killed


class CommandActivities:
    """The command activity of a worker, bound to its application."""

    def __init__(self, app: EnforcementCases, *, slots: int = 4,
                 pause: PauseHook | None = None, client: Client | None = None) -> None:
        self.app = app
        self.gate = PriorityGate(slots)
        self.pool = ThreadPoolExecutor(max_workers=slots, thread_name_prefix="command")
        self.pause = pause
        self.client = client
        """Tells a case's workflow when another workflow wrote to its case (``refresh``)."""

    @activity.defn(name=m.EXECUTE_COMMAND)
    async def execute_command(self, request: m.CommandRequest) -> m.CommandOutcome:
        info = activity.info()
        await self.gate.acquire(request.priority)
        try:
            loop = asyncio.get_running_loop()
            outcome = await loop.run_in_executor(self.pool, self._execute, request, info)
        finally:
            self.gate.release()
        if info.workflow_type == PLAN_WORKFLOW:
            await self._refresh(outcome.view.case_number)
        return outcome

    async def _refresh(self, case_number: str) -> None:
        """Tell the case's workflow that a 参与分配 plan wrote to its case (a share paid, the
        plan joined or left), so that it reads its view again and goes on (a case its share
        paid in full concludes at once). A case whose workflow has ended needs no telling."""
        if self.client is None:
            return
        try:
            await self.client.get_workflow_handle(m.case_workflow_id(case_number)).signal(
                m.REFRESH)
        except RPCError as err:
            if err.status is not RPCStatusCode.NOT_FOUND:
                raise
            activity.logger.info("%s: no running workflow to refresh", case_number)

    @activity.defn(name=m.READ_CASE)
    async def read_case(self, request: m.CaseRead) -> m.CaseView:
        """A case's view as of the business instant ``at`` (reads, writes nothing)."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.pool, self._read, request)

    def _read(self, request: m.CaseRead) -> m.CaseView:
        state = self.app.get_case(request.case_number)
        return view_of(state, legal_date(request.at), self.app)

    def _execute(self, request: m.CommandRequest, info: activity.Info) -> m.CommandOutcome:
        with timed_command(request.command) as timing:  # workflows/telemetry.py
            outcome = self._run(request, info)
            timing["outcome"] = "duplicate" if outcome.duplicate else "written"
            return outcome

    def _run(self, request: m.CommandRequest, info: activity.Info) -> m.CommandOutcome:
        cmd = build_command(request)
        try:
            result = self.app.execute(cmd)
        except EnforcementError as err:
            raise refusal(err) from None
        if self.pause is not None:
            self.pause.after_commit(cmd, result.duplicate, info)
        # A repeated command answers the case as it stood after its first execution, so that a
        # retried step leads the workflow to the same decisions as the original one did.
        state = self.app.get_case(request.view_of or cmd.case_number,
                                  version=result.last_version if result.duplicate else None)
        events = result.events
        if result.duplicate:  # a retry: answer what the first execution wrote
            events = self.app.event_names(cmd.case_number, result.first_version,
                                          result.last_version)
        return m.CommandOutcome(command_id=cmd.command_id, events=events,
                                first_version=result.first_version,
                                last_version=result.last_version, duplicate=result.duplicate,
                                view=view_of(state, legal_date(cmd.recorded_at), self.app))

    @activity.defn(name=EXECUTE_PLAN_COMMAND)
    async def execute_plan_command(self, request: PlanCommandRequest) -> PlanOutcome:
        """One command of a 参与分配 plan (docs/rules.md §12), on the command pool."""
        await self.gate.acquire(3)
        try:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self.pool, self._execute_plan, request)
        finally:
            self.gate.release()

    def _execute_plan(self, request: PlanCommandRequest) -> PlanOutcome:
        cmd = build_plan_command(request)
        try:
            result = self.app.execute_plan(cmd)
        except EnforcementError as err:
            raise refusal(err) from None
        return PlanOutcome(command_id=cmd.command_id, events=result.events,
                           duplicate=result.duplicate,
                           view=plan_view(self.app.get_plan(cmd.plan_number)))

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)


def build_command(request: m.CommandRequest) -> Command:
    """The domain command of a request; malformed input is a non-retryable refusal."""
    command_type = COMMANDS.get(request.command)
    if command_type is None:
        raise ApplicationError(f"unknown command {request.command!r}", type="input.invalid",
                               non_retryable=True)
    try:
        return command_type.model_validate(request.payload)
    except ValidationError as err:
        detail = "; ".join(f"{'.'.join(str(x) for x in e['loc'])}: {e['msg']}"
                           for e in err.errors())
        raise ApplicationError(f"invalid {request.command}: {detail}",
                               {"code": "input.invalid", "message": detail,
                                "source": "command schema"},
                               type="input.invalid", non_retryable=True) from None


def refusal(err: EnforcementError) -> ApplicationError:
    """A domain refusal as Temporal carries it: type = code, details = code/message/source."""
    return ApplicationError(err.message, err.to_dict(), type=err.code,
                            non_retryable=not err.retryable,
                            category=ApplicationErrorCategory.BENIGN)


def _asset_view(asset_id: str, a: AssetState, s: CaseState, calendar: HolidayCalendar
                ) -> m.AssetView:
    f = a.finding
    return m.AssetView(
        asset_id=asset_id, kind=f.kind.value, value=f.value, found_on=a.found_on,
        exempt=f.exempt, necessary_home=f.necessary_home, indivisible=f.indivisible,
        control=a.control.value, amount=a.amount, transferred=a.transferred,
        effective_on=a.effective_on, expires_on=a.expires_on,
        reference_price=a.reference_price, reference_valid_until=a.reference_valid_until,
        failed_rounds=a.failed_rounds, disposed_how=a.disposed_how,
        rounds=tuple(m.RoundView(
            round=r.round, status=r.status, start_price=r.start_price, deposit=r.deposit,
            announced_on=r.announced_on, opens_at=r.opens_at, closes_at=r.closes_at,
            reauction=r.reauction, best_bid=r.best_bid, price=r.price, buyer=r.buyer,
            ended_on=r.ended_on) for r in a.rounds),
        holds=tuple(m.HoldView(objection_id=h.objection_id, code=h.code, source=h.source,
                               until=h.until) for h in holds(s, asset_id, calendar)))


def _objection_view(oid: str, o: ObjectionState, s: CaseState, calendar: HolidayCalendar
                    ) -> m.ObjectionView:
    """An objection or claim with the dates the workflow plans by (docs/rules.md §7)."""
    review_until = review_last_day(o, calendar) if o.review_applied_on is None else None
    suit_until = suit_last_day(o, calendar) if o.suit_filed_on is None else None
    return m.ObjectionView(
        objection_id=oid, kind="act" if o.kind == "act" else "claim", objector=o.objector,
        act=o.act.value if o.act else None, asset_id=o.asset_id, received_on=o.received_on,
        due_on=o.due_on, stayed=o.stayed, outcome=o.outcome.value if o.outcome else None,
        upheld=o.upheld, ruled_on=o.ruled_on, late=o.late, served_on=o.served_on,
        review_until=review_until, review_applied_on=o.review_applied_on,
        review_decided_on=o.review_decided_on, suit_until=suit_until,
        suit_plaintiff=o.suit_plaintiff, suit_filed_on=o.suit_filed_on,
        suit_judgment=o.suit_judgment.value if o.suit_judgment else None,
        release_on=release_due(s, o, calendar), revoked_on=o.revoked_on)


def view_of(s: CaseState, today: date, app: EnforcementCases) -> m.CaseView:
    """The workflow's digest of a case's state on business date ``today``."""
    unmet = unmet_conditions(s, today, app.rules) if s.closure_mode is None else []
    return m.CaseView(
        case_number=s.case_number, as_of=today, version=s.version, phase=s.phase.value,
        closure_mode=s.closure_mode.value if s.closure_mode else None, closed_on=s.closed_on,
        filed_on=s.filed_on, claim_total=s.claim_total, outstanding=s.outstanding,
        undisbursed=s.undisbursed, notice_issued_on=s.notice_issued_on,
        notice_served_on=s.notice_served_on, report_due_on=s.report_due_on,
        report_status=s.report_status.value if s.report_status else None,
        channels_queried=tuple(sorted(ch.value for ch in s.channels_queried)),
        onsite_on=s.onsite_on,
        assets=tuple(_asset_view(k, a, s, app.calendar) for k, a in s.assets.items()),
        leads=tuple(m.LeadView(lead_id=k, submitted_on=v.submitted_on, due_on=v.due_on,
                               urgent=v.urgent, verified_on=v.verified_on)
                    for k, v in s.leads.items()),
        payout_due=tuple(sorted(r.due_on for r in s.receipts if r.due_on)),
        receipts_from=min((r.received_on for r in s.receipts), default=None),
        settlement_status=s.settlement_status, settlement_amount=s.settlement_amount,
        settlement_paid=s.settlement_paid,
        restriction_active=s.restriction_on is not None and s.restriction_lifted_on is None,
        dishonest_active=s.dishonest_active is not None,
        applicant_heard_on=s.applicant_heard_on,
        closure_deadline=closure_deadline(s, today, app.calendar),
        terminated_on=s.terminated_on,
        termination_served_on=s.termination_served_on, resumed_as=s.resumed_as,
        termination_unmet=tuple(m.Condition(code=u.code, message=u.message, source=u.source)
                                for u in unmet),
        renewal_lead_days=app.rules.renewal_lead_days,
        minimum_living_allowance=app.rules.minimum_living_allowance,
        approvals=tuple(m.ApprovalView(
            approval_id=k, measure=v.measure.value, status=v.status,
            requested_by=v.requested_by, requested_on=v.requested_on, subject=v.subject,
            used=v.used_by is not None) for k, v in s.approvals.items()),
        postponed_until=s.postponement.until if s.postponement else None,
        securities=tuple(m.SecurityView(
            security_id=k, form=v.form.value, provider=v.provider.value,
            provider_name=v.provider_name, amount=v.amount, collected=v.collected,
            postponed_until=v.postponed_until, postponement_ended_on=v.postponement_ended_on,
            enforce_by=add_months(v.postponed_until, v.security_months)
            if v.postponed_until else None, ruled_on=v.ruled_on)
            for k, v in s.securities.items()),
        refusal_found_on=s.refusal_found_on,
        referrals=tuple(m.ReferralView(referral_id=k, route=v.route.value,
                                       referred_on=v.referred_on,
                                       outcome=v.outcome.value if v.outcome else None)
                        for k, v in s.referrals.items()),
        calendar_years=tuple(sorted(app.calendar.known_years)),
        application_period_passed=s.application_period_passed,
        limitation_objection=s.limitation_objection,
        limitation_objection_raised_on=s.limitation_objection_raised_on,
        objections=tuple(_objection_view(k, v, s, app.calendar)
                         for k, v in s.objections.items()),
        held=_held(s), fee_outstanding=s.fee_outstanding,
        garnishments=tuple(m.GarnishmentView(
            asset_id=k, garnishee=g.garnishee, monthly_income=g.monthly_income,
            ordered_on=g.ordered_on, status=g.status,
            allowances=tuple((x.from_month, x.allowance) for x in g.allowances),
            remittances=tuple(sorted(g.remittances.items())),
            owed=s.outstanding) for k, g in s.garnishments.items()))


def _held(s: CaseState) -> tuple[m.HeldView, ...]:
    """The money held per payee, in the order the ledger first owed it (docs/rules.md §1.7)."""
    sums: dict[tuple[PayeeKind, str | None], Decimal] = {}
    for r in s.receipts:
        sums[(r.payee_kind, r.payee)] = sums.get((r.payee_kind, r.payee), ZERO) + r.unpaid
    return tuple(m.HeldView(payee_kind=k, payee=p, amount=v) for (k, p), v in sums.items()
                 if v > 0)

