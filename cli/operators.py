"""Operators (clerks, officers, judges): file cases, send acts to running case workflows, look at
cases and at what falls due. Acts are the updates of docs/workflows.md ("Operators"), validated
here with their pydantic models before anything reaches the engine; every command then calls
the ``Engine`` facade (``cli.common.engine``/``records``) and renders its answer."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cli import render
from cli.acts import act_payload
from cli.common import (
    JsonFlag,
    UserError,
    case_number,
    engine,
    err,
    error_line,
    fail,
    friendly,
    parse_date,
    principal,
    print_json,
    read_json,
    records,
    run,
    table,
    term,
    today,
    validate,
)
from cli.errors import refusal
from cli.stuck import register as register_stuck
from domain.errors import EnforcementError
from domain.models import CaseCategory
from domain.state import Phase

if TYPE_CHECKING:
    from engine.facade import CaseSummary, FiledCase
    from engine.records import Order
    from projections.watch import WatchItem
    from workflows.acts import ActBase
    from workflows.docket import DocketCase
    from workflows.messages import ActRecord, ActResult
    from workflows.principals import Principal
    from workflows.status import CaseStatus

case_app = typer.Typer(help="Operators: file cases, send acts, look at cases.",
                       no_args_is_help=True, rich_markup_mode="markdown")

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
    from workflows.docket import Docket, DocketCase

    data = read_json(path)
    source = "workflows/docket.py; docs/workflows.md (docket format)"
    if isinstance(data, dict) and "cases" in data:
        cases = list(validate(Docket, data, f"docket {path}", source).cases)
    else:
        cases = [validate(DocketCase, data, f"docket case {path}", source)]
    who = principal(actor, role)
    queue, filed, failures = run(_file_all(cases, who))
    if as_json:
        print_json([{"case_number": f.case_number, "workflow_id": f.workflow_id,
                     "priority": f.priority, "stage": f.status.stage, "phase": f.status.phase,
                     "outstanding": f.status.outstanding} for f in filed])
    elif filed:
        table(f"filed on task queue {queue!r}", ["case", "workflow id", "priority", "stage",
                                                 "phase", "outstanding"],
              [[f.case_number, f.workflow_id, f.priority, term("stage", f.status.stage),
                term("phase", f.status.phase),
                render.yuan(f.status.outstanding)] for f in filed])
    for failure in failures[:-1]:
        error_line(failure.message)
    if failures:
        fail(failures[-1].message, max(f.code for f in failures))


async def _file_all(cases: list[DocketCase], who: Principal
                    ) -> tuple[str, list[FiledCase], list[UserError]]:
    """File each case as ``who`` through ``Engine.file_case`` (live: the worker's world answers
    its ports, not the docket's simulated one); the task queue, the filed cases, the refusals."""
    filed: list[FiledCase] = []
    failures: list[UserError] = []
    async with await engine(who) as door:
        for case in cases:
            try:
                filed.append(await door.file_case(case, principal=who, simulated=False))
            except EnforcementError as exc:
                failures.append(UserError(*refusal(exc)))
        return door.task_queue, filed, failures


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
    from engine.facade import with_request_id

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
        except EnforcementError as exc:
            raise UserError(*refusal(exc, act=kind, case=number)) from None


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
    async with await engine() as door:
        return await door.status(number)


@case_app.command("list")
@friendly
def case_list(phase: Annotated[list[Phase] | None, typer.Option(help="Only cases in this "
                                                                "phase (repeat).")] = None,
              category: Annotated[list[CaseCategory] | None, typer.Option(
                  help="Only cases of this category (repeat).")] = None,
              priority: Annotated[bool, typer.Option(
                  "--priority", help="Livelihood cases first, then simple ones "
                  "(claim with delay interest ≤ ¥100,000), then the rest.")] = False,
              as_json: JsonFlag = False) -> None:
    """Cases in the event store (filing order), with their phase, balance and origin
    (imported legacy history or live case)."""
    rows = run(_list([p.value for p in phase or []], [c.value for c in category or []],
                     "priority" if priority else "filed"))
    if as_json:
        print_json([_listed(r) for r in rows])
        return
    table(f"{len(rows)} case(s)", ["case", "category", "phase", "filed on", "claim",
                                   "outstanding", "priority", "closure", "origin"],
          [[r.case_number, r.category.value, term("phase", r.phase), r.filed_on,
            render.yuan(r.claim), render.yuan(r.outstanding), r.priority,
            term("closure", r.closure_mode), render.origin(r.imported)]
           for r in rows])


async def _list(phases: list[str], categories: list[str], order: Order) -> list[CaseSummary]:
    async with records() as door:
        return await door.list_cases(phase=phases, category=categories, order=order)


def _listed(row: CaseSummary) -> dict[str, Any]:
    """A case list line as ``--json`` prints it (money as exact decimal strings)."""
    return {"case_number": row.case_number, "category": row.category.value,
            "phase": row.phase, "filed_on": row.filed_on, "claim": row.claim,
            "outstanding": row.outstanding, "priority": row.priority,
            "closure_mode": row.closure_mode, "imported": row.imported}


def deadlines(within: Annotated[int, typer.Option(min=0, max=3650, help="Days ahead.")] = 30,
              as_of: Annotated[str | None, typer.Option(
                  help="The day to look from (YYYY-MM-DD; default today).")] = None,
              as_json: JsonFlag = False) -> None:
    """What falls due within N days, overdue first (from the read models).

    Control expiries, closure deadlines, payouts, leads, re-inquiries after 终本, 失信
    deletions.
    """
    day = parse_date(as_of, "--as-of") or today()
    items = run(_deadlines(day, within))
    if as_json:
        print_json(items)
    else:
        render.print_watch(items, str(day), within)


async def _deadlines(day: date, within: int) -> list[WatchItem]:
    async with records() as door:
        return await door.deadlines(as_of=day, within_days=within)


def register(app: typer.Typer) -> None:
    register_stuck(case_app)
    app.add_typer(case_app, name="case")
    app.command("deadlines")(friendly(deadlines))

