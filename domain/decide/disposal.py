"""Valuation and disposal: reference price, online auction rounds, sale, transfer in lieu."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from domain import commands as c
from domain import events as ev
from domain import rules as r
from domain.calendar import add_months, add_years, legal_date
from domain.models import FundsSource
from domain.objections import check_disposal
from domain.rules import MONEY_KINDS
from domain.state import AssetState, CaseState, ControlStatus, RoundState
from domain.values import CENT

from . import Context, Pending, decides
from .common import asset_of, require


def _disposable(a: AssetState, asset_id: str) -> None:
    require(a.finding.kind not in MONEY_KINDS, "disposal.money_asset",
            "deposits and funds are transferred directly, not auctioned", r.SRC_DEPOSIT_TRANSFER)
    require(not a.finding.necessary_home, "disposal.necessary_home",
            "the debtor's necessary home may be sealed but never sold or taken in lieu",
            r.SRC_NECESSARY_HOME)
    require(a.control is ControlStatus.ACTIVE, "disposal.not_controlled",
            f"asset {asset_id!r} is not under an effective control of this court "
            "(a queued seizure does not dispose)", r.SRC_QUEUED_SEIZURE)


@decides(c.SetReferencePrice)
def set_reference(s: CaseState, cmd: c.SetReferencePrice, ctx: Context) -> list[Pending]:
    a = asset_of(s, cmd.asset_id)
    _disposable(a, cmd.asset_id)
    require(cmd.determined_on >= cmd.requested_on, "reference.determined_before_request",
            "a reference price is fixed after it is requested", r.SRC_REFERENCE_PRICE)
    return [(ev.ReferencePriceSet, {
        "asset_id": cmd.asset_id, "method": cmd.method, "amount": cmd.amount,
        "requested_on": cmd.requested_on, "determined_on": cmd.determined_on,
        "valid_until": add_years(cmd.determined_on, r.REFERENCE_PRICE_VALID_YEARS)})]


def _cents_up(value: Decimal) -> Decimal:
    """A lower bound in whole cents: never below the exact legal fraction."""
    return value.quantize(CENT, rounding=ROUND_CEILING)


def _cents_down(value: Decimal) -> Decimal:
    """An upper bound in whole cents: never above the exact legal fraction."""
    return value.quantize(CENT, rounding=ROUND_FLOOR)


def _round_floor(a: AssetState) -> tuple[Decimal, bool, str]:
    """Lowest start price, whether the round is a re-auction after a failure, and the source.

    70% of the reference (网拍规定 art.10), or after a failure the failed start cut by at most
    20% (art.26); rounded up to the cent so that no start a fraction of a cent below passes.
    A round whose buyer defaulted is auctioned again at its own level (art.24): only failed
    rounds lower the floor."""
    assert a.reference_price is not None
    failed = [rnd for rnd in a.rounds if rnd.status == "failed"]
    if not failed:
        return _cents_up(a.reference_price * r.AUCTION_FLOOR), False, r.SRC_AUCTION_FLOOR
    return _cents_up(failed[-1].start_price * (1 - r.REAUCTION_MAX_CUT)), True, r.SRC_REAUCTION


def _check_price(a: AssetState, cmd: c.AnnounceAuction, ctx: Context) -> bool:
    """Start price, re-auction window and deposit; answers whether this is a re-auction."""
    floor, reauction, floor_source = _round_floor(a)
    require(cmd.start_price >= floor, "auction.start_below_floor",
            f"starting price {cmd.start_price} is below the floor {floor}", floor_source)
    last = a.last_round
    if last is not None and last.status == "failed":
        assert last.ended_on is not None
        latest = ctx.calendar.period_end(last.ended_on, r.REAUCTION_WITHIN_DAYS)
        require(cmd.announced_on <= latest, "auction.reauction_late",
                f"a re-auction must follow within 30 days of the failure (by {latest})",
                r.SRC_REAUCTION)
    low = _cents_up(cmd.start_price * r.DEPOSIT_MIN)
    high = _cents_down(cmd.start_price * r.DEPOSIT_MAX)
    require(low <= cmd.deposit <= high, "auction.deposit_out_of_range",
            f"the deposit must be between {low} and {high} (5%-20% of the start)",
            r.SRC_AUCTION_DEPOSIT)
    return reauction


@decides(c.AnnounceAuction)
def announce(s: CaseState, cmd: c.AnnounceAuction, ctx: Context) -> list[Pending]:
    a = asset_of(s, cmd.asset_id)
    _disposable(a, cmd.asset_id)
    check_disposal(s, cmd.asset_id, cmd.announced_on, ctx.calendar)  # docs/rules.md §7
    require(a.reference_price is not None and a.reference_valid_until is not None,
            "auction.no_reference_price", "an auction needs a reference price",
            r.SRC_REFERENCE_PRICE)
    valid_until = a.reference_valid_until
    assert valid_until is not None
    require(cmd.announced_on <= valid_until or _announced_within(a, valid_until),
            "auction.reference_price_expired",
            f"the reference price was valid until {valid_until} and no auction was announced "
            "within it: fix a new reference price", r.SRC_REFERENCE_VALIDITY)
    _within_grace(legal_date(cmd.opens_at), valid_until, ctx, "auction", "an auction")
    last = a.last_round
    require(last is None or last.status in ("failed", "defaulted", "withdrawn"),
            "auction.round_open",
            "the previous round is still open or the asset is sold", r.SRC_REAUCTION)
    require(a.failed_rounds < 2, "auction.failed_twice", "after two failed auctions the asset "
            "is sold on the platform or taken in lieu", r.SRC_REAUCTION)
    reauction = _check_price(a, cmd, ctx)
    days = r.announcement_days(a.finding.kind, reauction)
    opens_on = legal_date(cmd.opens_at)
    require((opens_on - cmd.announced_on).days >= days, "auction.announcement_too_short",
            f"announce at least {days} days before the auction opens",
            r.SRC_REAUCTION if reauction else r.SRC_AUCTION_NOTICE)
    require(cmd.closes_at - cmd.opens_at >= r.BIDDING_MIN, "auction.bidding_too_short",
            "bidding must last at least 24 hours", r.SRC_BIDDING)
    return [(ev.AuctionAnnounced, {
        "asset_id": cmd.asset_id, "round": len(a.rounds) + 1, "start_price": cmd.start_price,
        "deposit": cmd.deposit, "announced_on": cmd.announced_on, "opens_at": cmd.opens_at,
        "closes_at": cmd.closes_at, "reauction": reauction})]


def _announced_within(a: AssetState, valid_until: date) -> bool:
    """Whether a round of the asset was announced while its reference price was valid: later
    rounds (re-auction, a new round after a default) and the sale may then follow after the
    price lapsed (参考价规定 art.27; docs/rules.md §1.5)."""
    fixed = add_years(valid_until, -r.REFERENCE_PRICE_VALID_YEARS)
    return any(fixed <= rnd.announced_on <= valid_until for rnd in a.rounds)


def _within_grace(held_on: date, valid_until: date, ctx: Context, code: str, what: str) -> None:
    """An auction or sale is held at most ``reference_price_grace_months`` (6) after the
    reference price lapsed (参考价规定 art.27: 拍卖、变卖时未超过有效期六个月)."""
    latest = add_months(valid_until, ctx.rules.reference_price_grace_months)
    require(held_on <= latest, f"{code}.reference_price_stale",
            f"{what} on {held_on} lies more than {ctx.rules.reference_price_grace_months} "
            f"months after the reference price lapsed on {valid_until} (by {latest}): fix a new "
            "reference price", r.SRC_REFERENCE_VALIDITY)


def _open_round(a: AssetState) -> RoundState:
    last = a.last_round
    require(last is not None and last.status == "announced", "auction.no_open_round",
            "no auction round is open for this asset", r.SRC_BIDDING)
    assert last is not None
    return last


@decides(c.RecordBid)
def bid(s: CaseState, cmd: c.RecordBid, ctx: Context) -> list[Pending]:
    a = asset_of(s, cmd.asset_id)
    rnd = _open_round(a)
    require(rnd.opens_at <= cmd.bid_at <= rnd.closes_at, "auction.bid_outside_window",
            f"bids are taken from {rnd.opens_at} to {rnd.closes_at}", r.SRC_BIDDING)
    require(cmd.bidder not in a.barred_bidders, "auction.bidder_barred",
            "a buyer who defaulted may not bid in the re-auction", r.SRC_BUYER_DEFAULT)
    least = rnd.start_price if rnd.best_bid is None else rnd.best_bid + Decimal("0.01")
    require(cmd.amount >= least, "auction.bid_too_low", f"the bid must be at least {least}",
            r.SRC_BIDDING)
    closes_at = max(rnd.closes_at, cmd.bid_at + r.BID_EXTENSION)
    return [(ev.BidPlaced, {"asset_id": cmd.asset_id, "round": rnd.round, "bidder": cmd.bidder,
                            "amount": cmd.amount, "bid_at": cmd.bid_at, "closes_at": closes_at})]


@decides(c.CloseAuction)
def close_auction(s: CaseState, cmd: c.CloseAuction, ctx: Context) -> list[Pending]:
    a = asset_of(s, cmd.asset_id)
    rnd = _open_round(a)
    require(cmd.closed_at >= rnd.closes_at, "auction.not_ended",
            f"bidding runs until {rnd.closes_at}", r.SRC_BIDDING)
    if rnd.best_bid is None:
        return [(ev.AuctionFailed, {"asset_id": cmd.asset_id, "round": rnd.round,
                                    "closed_at": cmd.closed_at})]
    assert rnd.best_bidder is not None
    sold: list[Pending] = [(ev.AuctionSold, {"asset_id": cmd.asset_id, "round": rnd.round,
                                             "buyer": rnd.best_bidder, "price": rnd.best_bid,
                                             "closed_at": cmd.closed_at})]
    return sold + _apply_forfeit(cmd.asset_id, a, rnd.best_bid, ctx, legal_date(cmd.closed_at))


def _apply_forfeit(asset_id: str, a: AssetState, price: Decimal, ctx: Context,
                   day: date) -> list[Pending]:
    """A defaulter's forfeited deposit, once the asset is disposed of again (auction, sale or
    transfer in lieu): after costs, the price shortfall, then the debt (网拍规定 art.24)."""
    if a.forfeit_held <= 0 or a.defaulted_price is None:
        return []
    shortfall = max(Decimal("0.00"), a.defaulted_price - price)
    to_shortfall = min(a.forfeit_held, shortfall)
    to_debt = a.forfeit_held - to_shortfall
    return [(ev.ForfeitedDepositApplied, {"asset_id": asset_id, "to_shortfall": to_shortfall,
                                          "to_debt": to_debt, "applied_on": day}),
            (ev.FundsReceived, {"amount": a.forfeit_held, "received_on": day,
                                "source": FundsSource.FORFEITED_DEPOSIT,
                                "payout_due_on": ctx.calendar.period_end(day, r.PAYOUT_DAYS)})]


@decides(c.RecordBuyerDefault)
def buyer_default(s: CaseState, cmd: c.RecordBuyerDefault, ctx: Context) -> list[Pending]:
    a = asset_of(s, cmd.asset_id)
    last = a.last_round
    require(last is not None and last.status == "sold", "auction.no_sale",
            "only a sold round can be defaulted", r.SRC_BUYER_DEFAULT)
    assert last is not None and last.buyer is not None and last.ended_on is not None
    require(cmd.defaulted_on >= last.ended_on, "auction.default_before_sale",
            "a default follows the sale", r.SRC_BUYER_DEFAULT)
    to_costs = min(cmd.costs, last.deposit)
    return [(ev.BuyerDefaulted, {"asset_id": cmd.asset_id, "round": last.round,
                                 "buyer": last.buyer, "defaulted_on": cmd.defaulted_on,
                                 "forfeited": last.deposit, "to_costs": to_costs})]


@decides(c.SellAsset)
def sell(s: CaseState, cmd: c.SellAsset, ctx: Context) -> list[Pending]:
    a = asset_of(s, cmd.asset_id)
    _disposable(a, cmd.asset_id)
    check_disposal(s, cmd.asset_id, cmd.sold_on, ctx.calendar)  # docs/rules.md §7
    last = a.last_round
    require(a.failed_rounds >= 2 and last is not None and last.status == "failed",
            "sale.not_after_two_failures", "a sale 变卖 follows the second failed auction",
            r.SRC_REAUCTION)
    assert last is not None and last.ended_on is not None
    window_end = ctx.calendar.period_end(last.ended_on, ctx.rules.sale_window_days)
    require(cmd.sold_on <= window_end, "sale.window_passed",
            f"the sale window ended on {window_end}", r.SRC_SALE)
    require(cmd.price >= last.start_price, "sale.price_below_second_start",
            f"the sale price may not be below the second round's start {last.start_price}",
            r.SRC_SALE)
    if a.reference_valid_until is not None:
        _within_grace(cmd.sold_on, a.reference_valid_until, ctx, "sale", "a sale")
    return [(ev.AssetSold, {"asset_id": cmd.asset_id, "price": cmd.price, "buyer": cmd.buyer,
                            "sold_on": cmd.sold_on}),
            *_apply_forfeit(cmd.asset_id, a, cmd.price, ctx, cmd.sold_on)]


@decides(c.TransferInLieu)
def in_lieu(s: CaseState, cmd: c.TransferInLieu, ctx: Context) -> list[Pending]:
    a = asset_of(s, cmd.asset_id)
    _disposable(a, cmd.asset_id)
    check_disposal(s, cmd.asset_id, cmd.transferred_on, ctx.calendar)  # docs/rules.md §7
    last = a.last_round
    require(last is not None and last.status == "failed", "in_lieu.no_failed_round",
            "transfer in lieu follows a failed auction, at that round's reserve price",
            r.SRC_IN_LIEU)
    assert last is not None
    return [(ev.AssetTransferredInLieu, {"asset_id": cmd.asset_id, "value": last.start_price,
                                         "round": last.round,
                                         "transferred_on": cmd.transferred_on}),
            *_apply_forfeit(cmd.asset_id, a, last.start_price, ctx, cmd.transferred_on)]
