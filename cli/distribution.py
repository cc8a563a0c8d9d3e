"""参与分配 plans (``distribution draw|do|show``, docs/rules.md §12): draw a plan (a judge or the
president), act on it (join, record_amount, serve, object, counter_object, sue,
record_judgment), show its workflow's status. Who acts is your account; every command calls the
``Engine`` facade (engine/distribution_door.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from cli.common import (
    BAD_INPUT,
    JsonFlag,
    UserError,
    case_number,
    engine,
    err,
    friendly,
    out,
    principal,
    print_json,
    run,
    table,
)
from cli.errors import refusal
from domain.errors import EnforcementError

if TYPE_CHECKING:
    from workflows.plan_messages import PlanOutcome, PlanStatus
    from workflows.principals import Principal

distribution_app = typer.Typer(help="参与分配: plans sharing one debtor's property among cases.",
                               no_args_is_help=True, rich_markup_mode="markdown")
Plan = Annotated[str, typer.Argument(help="The plan's number, e.g. (2026)甘0402执分1号.")]


@distribution_app.command("draw")
@friendly
def distribution_draw(plan: Plan,
                      debtor: Annotated[str, typer.Option(help="The debtor (a natural person).")],
                      first_seized: Annotated[str, typer.Option(
                          help="The case in which the property was first seized.")],
                      organisation: Annotated[bool, typer.Option(
                          help="The debtor is an organisation (refused: bankruptcy).")] = False,
                      as_json: JsonFlag = False) -> None:
    """Draw a plan: start its workflow (a judge or the president)."""
    who = principal()
    draw = {"plan_number": plan, "debtor": debtor, "first_seized_case": case_number(first_seized),
            "debtor_kind": "organisation" if organisation else "person"}
    status = run(_draw(who, draw))
    _print_status(status, as_json)


@distribution_app.command("do")
@friendly
def distribution_do(plan: Plan,
                    kind: Annotated[str, typer.Argument(
                        help="join | record_amount | serve | object | counter_object | sue | "
                        "record_judgment")],
                    field: Annotated[list[str] | None, typer.Option(
                        "--field", "-f", help="name=value (repeat), e.g. claim=60000.00.")] = None,
                    request_id: Annotated[str | None, typer.Option(
                        help="The idempotency key (default: a new one, printed).")] = None,
                    as_json: JsonFlag = False) -> None:
    """Act on a plan; the act's date defaults to today (the business date)."""
    import uuid

    from workflows.plan_messages import PLAN_ACT_COMMANDS

    if kind not in PLAN_ACT_COMMANDS:
        raise UserError(f"unknown act {kind!r}: one of {', '.join(sorted(PLAN_ACT_COMMANDS))} "
                        "(docs/workflows.md, the distribution plan's workflow)", BAD_INPUT)
    fields: dict[str, str] = {}
    for item in field or []:
        name, sep, value = item.partition("=")
        if not sep:
            raise UserError(f"--field {item!r}: write name=value", BAD_INPUT)
        fields[name] = value
    key = request_id or uuid.uuid4().hex
    err.print(f"request id: {key}")
    who = principal()
    outcome = run(_act(who, plan, {"kind": kind, "request_id": key, "fields": fields}))
    if as_json:
        print_json(outcome)
    else:
        out.print(f"{', '.join(outcome.events) or 'already recorded'} (plan {plan}, "
                  f"{outcome.view.phase})")


@distribution_app.command("show")
@friendly
def distribution_show(plan: Plan, as_json: JsonFlag = False) -> None:
    """The plan's workflow: shares, objections, what was paid through each case."""
    status = run(_show(plan))
    _print_status(status, as_json)


async def _draw(who: Principal, draw: dict[str, str]) -> PlanStatus:
    async with await engine(who) as door:
        try:
            return await door.draw_distribution(draw, principal=who)
        except EnforcementError as exc:
            raise UserError(*refusal(exc)) from None


async def _act(who: Principal, plan: str, act: dict[str, object]) -> PlanOutcome:
    async with await engine(who) as door:
        try:
            return await door.act_on_plan(plan, act, principal=who)
        except EnforcementError as exc:
            raise UserError(*refusal(exc)) from None


async def _show(plan: str) -> PlanStatus:
    async with await engine() as door:
        try:
            return await door.distribution(plan)
        except EnforcementError as exc:
            raise UserError(*refusal(exc)) from None


def _print_status(status: PlanStatus, as_json: bool) -> None:
    if as_json:
        print_json(status)
        return
    view = status.view
    if view is None:
        out.print("the plan is not drawn yet")
        return
    out.print(f"plan {view.plan_number} ({view.court}), debtor {view.debtor}: {view.phase}; "
              f"amount {view.amount or '—'}; objections until {view.objection_due_on or '—'}")
    held = {s.case_number for s in view.held_back}
    table("shares", ["case", "class", "claim", "share", "held back"],
          [[s.case_number, s.claim_class, f"{s.claim:,.2f}", f"{s.amount:,.2f}",
            "yes" if s.case_number in held else ""] for s in (view.payable + view.held_back
                                                                or view.shares)])
    if view.objections:
        table("objections", ["id", "disputed", "received", "opposed", "suit", "judged"],
              [[o.objection_id, o.disputed_case, o.received_on, o.opposed_on or "",
                o.suit_filed_on or "", o.judged_claim if o.judged_on else ""]
               for o in view.objections])
    if status.paid:
        table("paid through the cases", ["case", "share of", "amount", "on"],
              [[p.case_number, p.share_of, f"{p.amount:,.2f}", p.paid_on] for p in status.paid])
    for problem in status.problems:
        out.print(f"problem {problem.on} {problem.step}: {problem.code} {problem.message}")


def register(app: typer.Typer) -> None:
    app.add_typer(distribution_app, name="distribution")
