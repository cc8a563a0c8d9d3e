"""Operators (clerks, officers, judges): file cases, send acts to running case workflows, look at
cases and at what falls due. Acts are the updates of docs/workflows.md ("Operators"), validated
here with their pydantic models before anything reaches Temporal."""

from __future__ import annotations

import asyncio
import os
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any

import typer
from temporalio.client import (
    Client,
    WorkflowExecutionStatus,
    WorkflowQueryFailedError,
    WorkflowQueryRejectedError,
)
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from cli import render
from cli.acts import act_payload
from cli.common import (
    BAD_INPUT,
    REFUSED,
    UNCONFIRMED,
    JsonFlag,
    UserError,
    application_line,
    case_number,
    enforcement_line,
    err,
    error_line,
    events,
    fail,
    friendly,
    parse_date,
    principal,
    print_json,
    read_json,
    read_models,
    run,
    table,
    today,
    validate,
)
from cli.imported import imported_case_line
from cli.stuck import register as register_stuck
from cli.stuck import stuck_line
from cli.temporal import (
    CaseHandle,
    case_handle,
    engine,
    start_case,
    task_queue,
    temporal_client,
    unknown_case,
)
from domain.errors import EnforcementError, InvalidInputError, UnknownCaseError
from domain.event_store_config import data_dir
from domain.models import CaseCategory
from domain.state import CaseState, Phase
from engine.facade import (
    ActNotConfirmedError,
    EngineUnavailableError,
    priority_of,
    with_request_id,
)
from engine.filing_check import check_filing
from engine.key_ring import read_ring
from engine.signing import vouching_client
from engine.stuck import diagnose, stuck_error
from workflows.acts import ActBase
from workflows.case_workflow import EnforcementCaseWorkflow
from workflows.docket import Docket, DocketCase
from workflows.messages import ActRecord, ActResult
from workflows.principals import HostSystem, Principal
from workflows.status import CaseStatus

case_app = typer.Typer(help="Operators: file cases, send acts, look at cases.",
                       no_args_is_help=True, rich_markup_mode="markdown")
QUERY_TIMEOUT = timedelta(seconds=10)
FILING_WAIT_SECONDS = 30.0

ActorOpt = Annotated[str | None, typer.Option(
    "--actor", hidden=True, help="Refused: who acts is your account, not a claim.")]
RoleOpt = Annotated[str | None, typer.Option(
    "--role", hidden=True, help="Refused: your role is your account's.")]


# --- case file ----------------------------------------------------------------------------

@case_app.command("file")
@friendly
def case_file(path: Annotated[Path, typer.Argument(help="A DocketCase or a whole Docket "
                                                    "(JSON; `enforce schema docket`).")],
              actor: ActorOpt = None, role: RoleOpt = None, as_json: JsonFlag = False) -> None:
    """File live cases: start each case's workflow, which files it and goes on in real time.

    A docket case's simulated ``world`` is not used: a live case meets the outside world the
    worker is configured with. Who files: your account (your OS user's, or ENFORCE_TOKEN's;
    docs/operations.md "Identity").
    """
    data = read_json(path)
    source = "workflows/docket.py; docs/workflows.md (docket format)"
    if isinstance(data, dict) and "cases" in data:
        cases = list(validate(Docket, data, f"docket {path}", source).cases)
    else:
        cases = [validate(DocketCase, data, f"docket case {path}", source)]
    who = principal(actor, role)
    filed, failures = run(_file_all(cases, who))
    if as_json:
        print_json(filed)
    elif filed:
        table(f"filed on task queue {task_queue()!r}", ["case", "workflow id", "priority",
                                                       "stage", "phase", "outstanding"],
              [[f["case_number"], f["workflow_id"], f["priority"], f["stage"], f["phase"],
                render.yuan(f["outstanding"])] for f in filed])
    for failure in failures[:-1]:
        error_line(failure.message)
    if failures:
        fail(failures[-1].message, max(f.code for f in failures))


async def _file_all(cases: list[DocketCase], who: Principal
                    ) -> tuple[list[dict[str, Any]], list[UserError]]:
    """File each case as ``who`` (the CLI vouches: the start carries its signed header); a
    filing the workflow would refuse is refused here (the check of ``Engine.file``,
    engine/filing_check.py) and never reaches Temporal."""
    client = vouching_client(await temporal_client(), HostSystem(
        who.vouched_by, read_ring(data_dir(os.environ))))
    filed: list[dict[str, Any]] = []
    failures: list[UserError] = []
    for case in cases:
        filing = case.filing().model_copy(update={"actor": who.actor})
        try:
            check_filing(case.case_number, filing)
            handle = await start_case(client, case.case_number, filing)
            status = await _wait_filed(client, handle, case.case_number)
        except EnforcementError as exc:
            failures.append(UserError(enforcement_line(exc), BAD_INPUT if isinstance(
                exc, InvalidInputError) else REFUSED))
            continue
        except WorkflowAlreadyStartedError:
            line = await stuck_line(client, case.case_number)
            failures.append(UserError(line or f"case.already_filed: case {case.case_number} "
                                      "is already filed [engine]"))
            continue
        except UserError as exc:
            failures.append(exc)
            continue
        filed.append({"case_number": case.case_number, "workflow_id": handle.id,
                      "priority": priority_of(case.category, float(case.claim.total)),
                      "stage": status.stage, "phase": status.phase,
                      "outstanding": status.outstanding})
    return filed, failures


async def _wait_filed(client: Client, handle: CaseHandle, number: str) -> CaseStatus:
    """Wait until the workflow has filed the case (or failed to, or is stuck)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + FILING_WAIT_SECONDS
    while True:
        described = await handle.describe()
        failing = await diagnose(client, described)
        if failing is not None:
            raise UserError(enforcement_line(stuck_error(failing)))
        if described.status == WorkflowExecutionStatus.RUNNING:
            try:
                status = await handle.query(EnforcementCaseWorkflow.get_status,
                                            rpc_timeout=timedelta(seconds=5))
                if status.stage != "filing":
                    return status
            except (RPCError, WorkflowQueryFailedError, WorkflowQueryRejectedError):
                pass
        elif described.status in (WorkflowExecutionStatus.COMPLETED,
                                  WorkflowExecutionStatus.CONTINUED_AS_NEW):
            found: CaseStatus = await handle.query(EnforcementCaseWorkflow.get_status)
            return found
        else:
            try:
                await handle.result()
            except Exception as exc:
                line, _ = application_line(getattr(exc, "cause", None), str(exc))
                raise UserError(f"filing {number} failed: {line}") from None
        if loop.time() > deadline:
            raise UserError(f"case {number} was started but not filed within "
                            f"{FILING_WAIT_SECONDS:.0f} s: is a worker serving task queue "
                            f"{task_queue()!r}? (python worker.py)")
        await asyncio.sleep(0.2)


# --- case do ------------------------------------------------------------------------------

@case_app.command("do")
@friendly
def case_do(case: Annotated[str, typer.Argument(help="Case number, e.g. '(2026)甘0402执1号'.")],
            act: Annotated[str, typer.Argument(help="The act (update name), e.g. "
                                               "record_payment; `enforce schema act` lists "
                                               "them.")],
            field: Annotated[list[str] | None, typer.Option(
                "--field", "-f", help="key=value (repeat; nested keys with dots, JSON "
                "values for objects/lists/true/false).")] = None,
            payload: Annotated[str | None, typer.Option(
                "--json", help="The payload as a JSON object (or @file).")] = None,
            actor: ActorOpt = None, role: RoleOpt = None,
            request_id: Annotated[str | None, typer.Option(
                help="The act's idempotency key: re-sent with it, an act is never applied "
                "twice (default: a new key, printed on stderr).")] = None,
            note: Annotated[str | None, typer.Option(help="Recorded as the act's basis.")]
            = None,
            json_result: Annotated[bool, typer.Option(
                "--json-result", help="Print the result as JSON.")] = False) -> None:
    """Send an operator act to a running case (its Update): applied, or refused with the rule.

    A measure the president approves (list_dishonest, restrict_consumption, request_extension,
    a fine or detention in order_measure, approve_termination by panel) names an approved
    request: `request_approval` (by whoever needs it: --field measure=dishonest|restriction|
    extension|fine|detention|termination, a fine's subject and amount, a detention's subject
    and days; the result names its approval_id), then `give_approval` or `refuse_approval`
    --field approval_id=… by the president (never the requester), then the measure with
    --field approval_id=… (docs/rules.md, "Approvals"). An `approval` object typed into the
    measure is refused.

    The act's key (--request-id, or a new one) is printed on stderr first: with no answer
    within 30 s the act is "not yet confirmed" (exit 3) — check it with `enforce case act CASE
    KEY`, or send it again with --request-id KEY: one key is never applied twice."""
    number = case_number(case)
    who = principal(actor, role)
    body = with_request_id(act_payload(act, field or [], payload, who.actor, request_id, note))
    err.print(f"request id: {body.request_id}")
    result = run(_act(number, act, body, who))
    if json_result:
        print_json(result)
    else:
        render.print_act(result, act)


async def _act(number: str, kind: str, body: ActBase, who: Principal) -> ActResult:
    async with await engine(who) as door:
        try:
            return await door.act(number, body, principal=who)
        except ActNotConfirmedError as exc:
            raise UserError(enforcement_line(exc), UNCONFIRMED) from None
        except (UnknownCaseError, EngineUnavailableError) as exc:
            imported = imported_case_line(number) if isinstance(exc, UnknownCaseError) else None
            raise UserError(imported or enforcement_line(exc)) from None
        except EnforcementError as exc:
            bad = isinstance(exc, InvalidInputError)
            verb = "invalid" if bad else "refused"
            raise UserError(f"{kind} {verb} for {number}: {enforcement_line(exc)}",
                            BAD_INPUT if bad else REFUSED) from None


@case_app.command("act")
@friendly
def case_act(case: Annotated[str, typer.Argument(help="Case number.")],
             key: Annotated[str, typer.Argument(help="The act's request id (its key).")],
             as_json: JsonFlag = False) -> None:
    """What became of an act, by its key: received, applied (events) or refused (rule)."""
    number = case_number(case)
    record = run(_act_status(number, key))
    if as_json:
        print_json(record)
    elif record is None:
        fail(f"{number} never received an act with key {key}: send it again with "
             f"--request-id {key}")
    else:
        render.print_act_record(record)


async def _act_status(number: str, key: str) -> ActRecord | None:
    async with await engine() as door:
        return await door.act_status(number, key)


# --- case show / list, deadlines -----------------------------------------------------------

@case_app.command("show")
@friendly
def case_show(case: Annotated[str, typer.Argument(help="Case number.")],
              as_json: JsonFlag = False) -> None:
    """Where a live case stands (the workflow's get_status query)."""
    number = case_number(case)
    status = run(_status(number))
    if as_json:
        print_json(status)
    else:
        render.print_status(status)


async def _status(number: str) -> CaseStatus:
    client = await temporal_client()
    line = await stuck_line(client, number)  # a stuck case answers no query
    if line is not None:
        raise UserError(line)
    handle = case_handle(client, number)
    try:
        status: CaseStatus = await handle.query(EnforcementCaseWorkflow.get_status,
                                                rpc_timeout=QUERY_TIMEOUT)
    except RPCError as exc:
        if exc.status == RPCStatusCode.DEADLINE_EXCEEDED:
            raise UserError(f"no worker answered for {number} within "
                            f"{QUERY_TIMEOUT.seconds} s: is python worker.py running?") from None
        imported = imported_case_line(number) if exc.status == RPCStatusCode.NOT_FOUND else None
        raise (UserError(imported) if imported else unknown_case(exc, number)) from None
    except (WorkflowQueryFailedError, WorkflowQueryRejectedError) as exc:
        raise UserError(f"the get_status query of {number} failed: {exc}") from None
    return status


@case_app.command("list")
@friendly
def case_list(phase: Annotated[list[Phase] | None, typer.Option(help="Only cases in this "
                                                                "phase (repeat).")] = None,
              category: Annotated[list[CaseCategory] | None, typer.Option(
                  help="Only cases of this category (repeat).")] = None,
              priority: Annotated[bool, typer.Option(
                  "--priority", help="Livelihood cases first, then simple ones "
                  "(claim ≤ ¥100,000), then the rest.")] = False,
              as_json: JsonFlag = False) -> None:
    """Cases in the event store (filing order), with their phase, balance and origin
    (imported legacy history or live case)."""
    rows: list[dict[str, Any]] = []
    with events() as app:
        for ref in app.case_ids():
            state: CaseState = app.repository.get(ref).state
            if (phase and state.phase not in phase) or \
                    (category and state.category not in category):
                continue
            rows.append({"case_number": state.case_number, "category": state.category.value,
                         "phase": state.phase.value, "filed_on": state.filed_on,
                         "claim": state.claim_total, "outstanding": state.outstanding,
                         "priority": priority_of(state.category, float(state.claim.total)),
                         "closure_mode": state.closure_mode.value if state.closure_mode
                         else None, "imported": state.imported})
    if priority:
        rows.sort(key=lambda r: (r["priority"], r["filed_on"], r["case_number"]))
    if as_json:
        print_json(rows)
        return
    table(f"{len(rows)} case(s)", ["case", "category", "phase", "filed on", "claim",
                                   "outstanding", "priority", "closure", "origin"],
          [[r["case_number"], r["category"], r["phase"], r["filed_on"], render.yuan(r["claim"]),
            render.yuan(r["outstanding"]), r["priority"], r["closure_mode"],
            render.origin(r["imported"])] for r in rows])


def deadlines(within: Annotated[int, typer.Option(min=0, max=3650, help="Days ahead.")] = 30,
              as_of: Annotated[str | None, typer.Option(
                  help="The day to look from (YYYY-MM-DD; default today).")] = None,
              as_json: JsonFlag = False) -> None:
    """What falls due within N days, overdue first (from the read models).

    Control expiries, closure deadlines, payouts, leads, re-inquiries after 终本, 失信
    deletions.
    """
    from projections.watch import deadline_watch

    day = parse_date(as_of, "--as-of") or today()
    with read_models() as (_, store):
        items = deadline_watch(store, day, within)
    if as_json:
        print_json(items)
    else:
        render.print_watch(items, str(day), within)


def register(app: typer.Typer) -> None:
    register_stuck(case_app)
    app.add_typer(case_app, name="case")
    app.command("deadlines")(friendly(deadlines))

