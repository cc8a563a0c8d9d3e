"""Valuation and online judicial auction: reference price, announcement by asset kind, bidding
with the 5-minute extension, re-auction after a failure (≤ 20% cut) or a buyer's default, and
the buyer's payment. A second failure waits for a person: sale 变卖 or transfer in lieu."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from temporalio import workflow

from workflows.agenda import Task, Wanted
from workflows.context import CaseContext
from workflows.objections import held_from, held_on

with workflow.unsafe.imports_passed_through():
    from domain import commands as c
    from domain import rules as r
    from domain.models import FundsSource
    from domain.rules import AssetKind, announcement_days
    from domain.values import yuan
    from workflows.adapters import ports as p
    from workflows.control import is_money
    from workflows.messages import AssetView
    from workflows.status import Due

SRC_SALE = "网拍规定 art.26; 拍卖变卖规定 art.16"


def _auctionable(a: AssetView) -> bool:
    return a.control == "active" and not is_money(a) and not a.necessary_home


def plan(ctx: CaseContext) -> None:
    view, memo, policy = ctx.case, ctx.memo, ctx.policy
    value: Wanted = {}
    price: Wanted = {}
    announce: Wanted = {}
    close: Wanted = {}
    buyer: Wanted = {}
    sale: Wanted = {}
    for a in view.assets if not ctx.closed else ():
        last = a.last_round
        if _auctionable(a) and a.reference_price is None:
            ticket = memo.valuation.get(a.asset_id)
            if ticket is None and a.effective_on is not None:
                day = a.effective_on + timedelta(days=policy.valuation_after_days)
                value[a.asset_id] = (ctx.at(day), True)
            elif ticket is not None and ticket.check_on is not None:
                price[a.asset_id] = (ctx.at(ticket.check_on), True)
        elif _auctionable(a) and (last is None
                                  or last.status in ("failed", "defaulted", "withdrawn")):
            after = _announce_after(ctx, a)
            if after is not None:
                after = held_from(a, after)  # an objection or claim holds it (§7)
            if after is not None:
                announce[a.asset_id] = (ctx.at(after), True)
        if last is not None and last.status == "announced":
            close[f"{a.asset_id}:{last.round}"] = (last.closes_at, False)
        if last is not None and last.status == "sold" \
                and f"proceeds:{a.asset_id}:{last.round}" not in memo.done and last.ended_on:
            day = last.ended_on + timedelta(days=policy.buyer_payment_days)
            buyer[f"{a.asset_id}:{last.round}"] = (ctx.at(day), False)
        if a.disposed_how == "sale" and a.asset_id in memo.sales \
                and f"sale:{a.asset_id}" not in memo.done:
            sale[a.asset_id] = (ctx.at(view.as_of), False)
        _second_failure_due(ctx, a)
    for kind, wanted in (("value", value), ("price", price), ("announce", announce),
                         ("close", close), ("buyer", buyer), ("sale_proceeds", sale)):
        ctx.agenda.sync(kind, wanted)


def _announce_after(ctx: CaseContext, a: AssetView) -> date | None:
    last = a.last_round
    if last is None:
        priced = ctx.memo.priced_on.get(a.asset_id, ctx.case.as_of)
        return priced + timedelta(days=ctx.policy.announce_after_days)
    if last.status == "failed" and a.failed_rounds >= 2:
        return None
    assert last.ended_on is not None
    if last.status == "withdrawn":  # by an objection or claim: again once it allows (§7)
        return last.ended_on
    return last.ended_on + timedelta(days=ctx.policy.reauction_after_days)


def _second_failure_due(ctx: CaseContext, a: AssetView) -> None:
    key = f"second_failure:{a.asset_id}"
    last = a.last_round
    if a.control == "active" and a.failed_rounds >= 2 and last is not None \
            and last.status == "failed" and last.ended_on is not None \
            and not held_on(a, ctx.today()):
        ctx.memo.dues.setdefault(key, Due(
            update="sell_asset", since=last.ended_on, source=SRC_SALE,
            by=last.ended_on + timedelta(days=60),
            reason=f"{a.asset_id} failed at auction twice: sell it on the platform (sell_asset) "
                   "or transfer it in lieu (transfer_in_lieu)"))
    else:
        ctx.memo.dues.pop(key, None)


async def value(ctx: CaseContext, task: Task) -> None:
    """Ask for a reference price (network inquiry, 参考价规定 arts.1, 19)."""
    a = ctx.case.asset(task.key)
    if a is None or not _auctionable(a) or a.reference_price is not None:
        return
    ticket = await ctx.port(p.REQUEST_VALUATION, p.ValuationRequest(
        **ctx.port_fields(f"value:{a.asset_id}"), asset_id=a.asset_id, kind=a.kind,
        estimate=a.value), p.Ticket)
    ctx.memo.valuation[a.asset_id] = ticket


async def price(ctx: CaseContext, task: Task) -> None:
    """Record the reference price once the valuation is ready."""
    ticket = ctx.memo.valuation.get(task.key)
    if ticket is None:
        return
    n = ctx.count(f"price:{task.key}")
    quote = await ctx.port(p.CHECK_VALUATION, p.TicketCheck(
        **ctx.port_fields(f"price:{task.key}:{n}"), ticket=ticket.ticket), p.PriceQuote)
    if not quote.ready or quote.amount is None:
        ctx.memo.valuation[task.key] = ticket.model_copy(
            update={"check_on": ctx.today() + timedelta(days=1)})
        return
    today = ctx.today()
    done = await ctx.attempt(c.SetReferencePrice(
        **ctx.envelope(f"price:{task.key}", basis=r.SRC_REFERENCE_PRICE), asset_id=task.key,
        method=quote.method, amount=quote.amount, requested_on=quote.requested_on or today,
        determined_on=today))
    if done is not None:
        ctx.memo.priced_on[task.key] = today


def terms(ctx: CaseContext, a: AssetView) -> tuple[Decimal, Decimal, bool]:
    """Start price, deposit, and whether it is a re-auction after a failed round."""
    last = a.last_round
    assert a.reference_price is not None
    if last is not None and last.status == "withdrawn":  # the same terms again (§7)
        return last.start_price, last.deposit, a.failed_rounds > 0
    if last is None or last.status == "defaulted":
        start, reauction = yuan(a.reference_price * ctx.policy.start_ratio), False
    else:
        start, reauction = yuan(last.start_price * (1 - ctx.policy.reauction_cut)), True
    return start, yuan(start * ctx.policy.deposit_ratio), reauction


async def announce(ctx: CaseContext, task: Task) -> None:
    """Announce a round: ≥ 15/30 days ahead (7/15 for a re-auction), 24 hours of bidding."""
    view = ctx.case
    a = view.asset(task.key)
    if a is None or not _auctionable(a) or a.reference_price is None:
        return
    start, deposit, reauction = terms(ctx, a)
    today = ctx.today()
    opens = ctx.at(today + timedelta(days=announcement_days(AssetKind(a.kind), reauction)), 10)
    await ctx.attempt(c.AnnounceAuction(
        **ctx.envelope(f"announce:{a.asset_id}:{len(a.rounds) + 1}",
                       basis=r.SRC_REAUCTION if reauction else r.SRC_AUCTION_NOTICE),
        asset_id=a.asset_id,
        start_price=start, deposit=deposit, announced_on=today, opens_at=opens,
        closes_at=opens + timedelta(hours=24)))


async def close(ctx: CaseContext, task: Task) -> None:
    """At the close: record the platform's bids; a late bid extends the close (网拍规定 art.20);
    otherwise close the round, sold to the best bid or failed."""
    asset_id, round_no = task.key.rsplit(":", 1)
    a = ctx.case.asset(asset_id)
    last = a.last_round if a else None
    if last is None or last.status != "announced" or str(last.round) != round_no:
        return
    bids = await ctx.port(p.FETCH_BIDS, p.BidQuery(
        **ctx.port_fields(f"bids:{task.key}:{ctx.count('bids:' + task.key)}"),
        asset_id=asset_id, round=last.round, opens_at=last.opens_at, until=last.closes_at),
        p.BidList)
    seen = ctx.memo.bids_seen.get(task.key, 0)
    for i, bid in enumerate(bids.bids[seen:], start=seen + 1):
        await ctx.attempt(c.RecordBid(**ctx.envelope(f"bid:{task.key}:{i}"), asset_id=asset_id,
                                      bidder=bid.bidder, amount=bid.amount, bid_at=bid.at))
    ctx.memo.bids_seen[task.key] = len(bids.bids)
    a = ctx.case.asset(asset_id)
    last = a.last_round if a else None
    if last is None or last.closes_at > ctx.now():
        return  # extended: the agenda moves this task to the new close
    await ctx.attempt(c.CloseAuction(**ctx.envelope(f"close:{task.key}", basis=r.SRC_BIDDING),
                                     asset_id=asset_id,
                                     closed_at=last.closes_at))


async def buyer(ctx: CaseContext, task: Task) -> None:
    """Did the buyer pay the balance? Record the proceeds, or the default (deposit forfeited)."""
    asset_id = task.key.rsplit(":", 1)[0]
    a = ctx.case.asset(asset_id)
    last = a.last_round if a else None
    if last is None or last.status != "sold" or last.buyer is None or last.price is None:
        return
    answer = await ctx.port(p.CHECK_BUYER_PAYMENT, p.BuyerQuery(
        **ctx.port_fields(f"buyer:{task.key}"), asset_id=asset_id, round=last.round,
        buyer=last.buyer), p.BuyerAnswer)
    ctx.memo.done.add(f"proceeds:{task.key}")
    if not answer.paid:
        await ctx.attempt(c.RecordBuyerDefault(**ctx.envelope(f"default:{task.key}",
                                                              basis=r.SRC_BUYER_DEFAULT),
                                               asset_id=asset_id, defaulted_on=ctx.today()))
        return
    amount = last.price if _owed(ctx) > 0 else Decimal("0.00")  # whole: a surplus is refunded
    if amount > 0:
        await ctx.attempt(c.RecordFundsReceived(
            **ctx.envelope(f"proceeds:{task.key}", basis=f"auction proceeds of {asset_id}"),
            amount=amount, received_on=ctx.today(), source=FundsSource.AUCTION_PROCEEDS))


def _owed(ctx: CaseContext) -> Decimal:
    """What the debtor still owes: the applicants' balance and the enforcement fee (views
    recorded before the ledger: the balance alone)."""
    return ctx.case.outstanding + ctx.case.fee_outstanding


async def sale_proceeds(ctx: CaseContext, task: Task) -> None:
    """The price of a sale 变卖 arrives in the case account (up to the balance)."""
    ctx.memo.done.add(f"sale:{task.key}")
    amount = ctx.memo.sales.get(task.key, Decimal("0.00")) if _owed(ctx) > 0 \
        else Decimal("0.00")  # the price arrives whole; a surplus is the debtor's (§1.7)
    if amount > 0:
        await ctx.attempt(c.RecordFundsReceived(
            **ctx.envelope(f"sale:{task.key}", basis=f"sale proceeds of {task.key}"),
            amount=amount, received_on=ctx.today(), source=FundsSource.SALE_PROCEEDS))
