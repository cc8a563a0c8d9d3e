"""Case money: the courts' suspense accounts (``funds suspense add|claim|return|list``,
docs/rules.md §10). Booking and returning go through the ``Engine`` facade by your account
(``engine/suspense.py``); a claim is the case's act ``claim_receipt`` (the case's workflow then
pays it out)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from cli import render
from cli.common import (
    JsonFlag,
    UserError,
    case_number,
    engine,
    err,
    friendly,
    out,
    parse_date,
    principal,
    print_json,
    records,
    run,
    table,
    today,
)
from cli.errors import refusal
from domain.errors import EnforcementError

if TYPE_CHECKING:
    from domain.suspense import Receipt, SuspenseResult
    from engine.facade import Engine
    from workflows.acts import ActBase
    from workflows.messages import ActResult
    from workflows.principals import Principal

R = TypeVar("R")
funds_app = typer.Typer(help="Case money: the courts' suspense accounts (unidentified receipts).",
                        no_args_is_help=True, rich_markup_mode="markdown")
suspense_app = typer.Typer(help="Money that arrived naming no case: book, claim, return, list.",
                           no_args_is_help=True, rich_markup_mode="markdown")
funds_app.add_typer(suspense_app, name="suspense")

Court = Annotated[str, typer.Argument(help="The court's code, e.g. 甘0402.")]
ReceiptId = Annotated[str, typer.Argument(help="The receipt's id (bank or finance office).")]
RequestId = Annotated[str | None, typer.Option(
    help="The idempotency key: re-sent with it, nothing is booked twice (default: a new key, "
    "printed on stderr).")]


def _key(request_id: str | None) -> str:
    import uuid

    key = request_id or uuid.uuid4().hex
    err.print(f"request id: {key}")
    return key


@suspense_app.command("add")
@friendly
def suspense_add(court: Court, receipt_id: ReceiptId,
                 amount: Annotated[str, typer.Option(help="Yuan, e.g. 3000.00.")],
                 payer: Annotated[str, typer.Option(help="Who paid it in.")],
                 received_on: Annotated[str | None, typer.Option(
                     help="Day it arrived (YYYY-MM-DD; default today).")] = None,
                 reference: Annotated[str | None, typer.Option(
                     help="The transfer's remark.")] = None,
                 request_id: RequestId = None, as_json: JsonFlag = False) -> None:
    """Book money that reached the court's account naming no case."""
    who, key = principal(), _key(request_id)
    day = parse_date(received_on, "--received-on")
    result = run(_suspense(who, lambda door: door.book_receipt(
        court, receipt_id, amount, day or today(), payer, reference, principal=who,
        request_id=key)))
    _print_result(result, as_json)


@suspense_app.command("return")
@friendly
def suspense_return(court: Court, receipt_id: ReceiptId,
                    reason: Annotated[str, typer.Option(help="Why it goes back.")],
                    returned_on: Annotated[str | None, typer.Option(
                        help="YYYY-MM-DD (default today).")] = None,
                    request_id: RequestId = None, as_json: JsonFlag = False) -> None:
    """Send an unclaimed receipt back to its payer."""
    who, key = principal(), _key(request_id)
    day = parse_date(returned_on, "--returned-on")
    result = run(_suspense(who, lambda door: door.return_receipt(
        court, receipt_id, reason, returned_on=day, principal=who, request_id=key)))
    _print_result(result, as_json)


@suspense_app.command("claim")
@friendly
def suspense_claim(case: Annotated[str, typer.Argument(help="The case claiming it.")],
                   receipt_id: ReceiptId,
                   claimed_on: Annotated[str | None, typer.Option(
                       help="YYYY-MM-DD (default the business date).")] = None,
                   request_id: RequestId = None, as_json: JsonFlag = False) -> None:
    """Claim a receipt of the case's court into the case (its act ``claim_receipt``)."""
    from workflows.acts import ClaimReceipt

    number = case_number(case)
    who, key = principal(), _key(request_id)
    act = ClaimReceipt(actor=who.actor, receipt_id=receipt_id, request_id=key,
                       claimed_on=parse_date(claimed_on, "--claimed-on"))
    result = run(_claim(number, act, who))
    if as_json:
        print_json(result)
    else:
        render.print_act(result, "claim_receipt")


@suspense_app.command("list")
@friendly
def suspense_list(court: Court, all_receipts: Annotated[bool, typer.Option(
        "--all", help="Also the receipts claimed or returned.")] = False,
        as_json: JsonFlag = False) -> None:
    """A court's receipts from the event store: unclaimed ones (or --all), oldest first."""
    receipts = run(_list(court, not all_receipts))
    if as_json:
        print_json(receipts)
        return
    now = today()
    table(f"suspense account {court}", ["receipt", "amount", "arrived", "days", "payer",
                                        "status", "case", "settled"],
          [[x.receipt_id, f"{x.amount:,.2f}", x.received_on, (now - x.received_on).days,
            x.payer, x.status, x.case_number or "", x.settled_on or ""] for x in receipts])


async def _suspense(who: Principal,
                    call: Callable[[Engine], Awaitable[SuspenseResult]]) -> SuspenseResult:
    async with await engine(who) as door:
        try:
            return await call(door)
        except EnforcementError as exc:
            raise UserError(*refusal(exc)) from None


async def _claim(number: str, act: ActBase, who: Principal) -> ActResult:
    async with await engine(who) as door:
        try:
            return await door.act(number, act, principal=who)
        except EnforcementError as exc:
            raise UserError(*refusal(exc, act="claim_receipt", case=number)) from None


async def _list(court: str, unclaimed_only: bool) -> list[Receipt]:
    door = records()
    try:
        return await door.suspense_receipts(court, unclaimed_only=unclaimed_only)
    finally:
        await door.close()


def _print_result(result: SuspenseResult, as_json: bool) -> None:
    if as_json:
        print_json(result)
    elif result.duplicate:
        out.print(f"already recorded (versions {result.first_version}–{result.last_version} of "
                  f"the suspense account of {result.court})")
    else:
        out.print(f"{', '.join(result.events)} (suspense account {result.court}, version "
                  f"{result.last_version})")


# --- audit ledger: the read models of case money (no identity, no Temporal) --------------------

@friendly
def audit_ledger(target: Annotated[str, typer.Argument(
        help="A case number (its ledger), `payouts` (payouts due, per payee) or `suspense` "
        "(unclaimed receipts with their age).")],
        court: Annotated[str | None, typer.Option(
            help="payouts, suspense: one court's (e.g. 甘0402).")] = None,
        as_of: Annotated[str | None, typer.Option(
            help="payouts, suspense: the day asked (YYYY-MM-DD; default today).")] = None,
        overdue: Annotated[bool, typer.Option(
            help="payouts: only those past their 30 days.")] = False,
        as_json: JsonFlag = False) -> None:
    """Case money from the read models: a case's ledger (receipts, payouts with their payee,
    waivers, with the running balance held and still owed), the payouts due or overdue per
    payee, or the courts' suspense list (docs/projections.md)."""
    day = parse_date(as_of, "--as-of") or today()
    if target == "payouts":
        due = run(_read(lambda door: door.payouts_due(as_of=day, court=court,
                                                      overdue_only=overdue)))
        if as_json:
            print_json(due)
            return
        table(f"payouts due on {day}", ["case", "payee", "received", "due", "unpaid",
                                        "overdue"],
              [[x.case_number, " ".join(filter(None, (x.payee_kind, x.payee))), x.received_on,
                x.due_on, f"{x.unpaid:,.2f}", f"{x.days_overdue} d" if x.overdue else ""]
               for x in due])
    elif target == "suspense":
        held = run(_read(lambda door: door.suspense_list(as_of=day, court=court)))
        if as_json:
            print_json(held)
            return
        table(f"unclaimed receipts on {day}", ["court", "receipt", "arrived", "days",
                                               "amount", "payer"],
              [[x.court, x.receipt_id, x.received_on, x.age_days, f"{x.amount:,.2f}",
                x.payer or ""] for x in held])
    else:
        number = case_number(target)
        entries = run(_read(lambda door: door.ledger(number)))
        if as_json:
            print_json(entries)
            return
        table(f"ledger {number}", ["day", "entry", "payee", "payer", "amount", "held", "owed",
                                   "late", "receipt"],
              [[x.day, x.entry, " ".join(filter(None, (x.payee_kind, x.payee))), x.payer or "",
                f"{x.amount:,.2f}", f"{x.held:,.2f}", f"{x.owed:,.2f}",
                "late" if x.late else "", x.receipt_id or ""] for x in entries])


@friendly
def audit_plans(court: Annotated[str | None, typer.Option(
        help="One court's plans (e.g. 甘0402).")] = None, as_json: JsonFlag = False) -> None:
    """The 参与分配 plans from the read models with their state: drawn, served (the objection
    window's last day), finalized; open objections, pending suits, what was paid and what is
    held back until a suit's judgment (docs/rules.md §12, docs/projections.md)."""
    plans = run(_read(lambda door: door.distribution_plans(court=court)))
    if as_json:
        print_json(plans)
        return
    table("distribution plans", ["plan", "debtor", "state", "cases", "to distribute",
                                 "objections until", "open objections", "paid", "held back"],
          [[p.plan_number, p.debtor, p.state, len(p.cases),
            "" if p.distributable is None else f"{p.distributable:,.2f}",
            p.objection_due_on or "", ", ".join(p.objections_open), f"{p.paid:,.2f}",
            f"{p.held_back:,.2f}"] for p in plans])


async def _read(call: Callable[[Engine], Awaitable[R]]) -> R:
    door = records()
    try:
        return await call(door)
    finally:
        await door.close()


def register(app: typer.Typer) -> None:
    from cli.auditors import audit_app

    app.add_typer(funds_app, name="funds")
    audit_app.command("ledger")(audit_ledger)
    audit_app.command("plans")(audit_plans)
