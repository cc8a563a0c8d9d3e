"""Valuation and online judicial auction rules (网拍规定, 拍卖变卖规定, 参考价规定, 查封规定 art.4),
each through the application's public API with literal boundary values."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Literal

import pytest

from domain import events as ev
from domain.application import EnforcementCases
from domain.errors import RuleViolation
from domain.models import AssetFinding, ControlMeasure, FundsSource, PriceMethod
from domain.rules import DEFAULT_RULES, AssetKind, RuleSet
from domain.state import ControlStatus
from tests.support import JUDGE, KEY, NUMBER, Driver, at

CAR = AssetFinding(asset_id="car-1", kind=AssetKind.VEHICLE, description="小型轿车 甘D·12345",
                   value=Decimal("1000000.00"))
FLAT = AssetFinding(asset_id="flat-1", kind=AssetKind.REAL_ESTATE,
                    description="白银区 某小区 3-2-501 商品房", value=Decimal("1000000.00"))
HOME = AssetFinding(asset_id="home-1", kind=AssetKind.REAL_ESTATE,
                    description="被执行人唯一住房", value=Decimal("800000.00"), necessary_home=True)
ACCOUNT = AssetFinding(asset_id="acct-1", kind=AssetKind.DEPOSIT,
                       description="工商银行 账户 ****1234", value=Decimal("300000.00"))


Stage = Literal["seized", "priced", "announced", "failed", "failed_twice", "defaulted"]


def _case(stage: Stage = "priced", asset: AssetFinding = CAR, reference: str = "1000000.00",
          rules: RuleSet = DEFAULT_RULES) -> tuple[EnforcementCases, Driver]:
    """A ¥1,000,000.00 case filed 2026-01-10, its asset controlled on 2026-02-02 ("seized"),
    priced on 2026-02-10 ("priced"), round 1 at ¥700,000.00 announced 2026-03-02 for
    2026-03-17 10:00 to 2026-03-18 10:00 ("announced"), failed ("failed"), round 2 at
    ¥560,000.00 failed on 2026-03-28 ("failed_twice"); or round 1 sold to bidder-a at
    ¥800,000.00, who defaulted on 2026-03-25 with ¥5,000.00 of costs, round 2 announced for
    2026-04-10 10:00 to 2026-04-11 10:00 ("defaulted")."""
    app = EnforcementCases.in_memory(chain_key=KEY, rules=rules)
    d = Driver(app)
    d.file(date(2026, 1, 10))
    d.send("RegisterAsset", date(2026, 2, 2), asset=asset, found_on=date(2026, 2, 2))
    d.send("ControlAsset", date(2026, 2, 2), asset_id=asset.asset_id,
           measure=ControlMeasure.FREEZE if asset.kind is AssetKind.DEPOSIT
           else ControlMeasure.SEAL, amount=asset.value, effective_on=date(2026, 2, 2),
           expires_on=date(2027, 2, 2))
    if stage == "seized":
        return app, d
    d.send("SetReferencePrice", date(2026, 2, 10), asset_id=asset.asset_id,
           method=PriceMethod.APPRAISAL, amount=Decimal(reference),
           requested_on=date(2026, 2, 3), determined_on=date(2026, 2, 10))
    if stage == "priced":
        return app, d
    d.send("AnnounceAuction", date(2026, 3, 2), asset_id=asset.asset_id,
           start_price=Decimal("700000.00"), deposit=Decimal("70000.00"),
           announced_on=date(2026, 3, 2), opens_at=at(date(2026, 3, 17), 10, 0),
           closes_at=at(date(2026, 3, 18), 10, 0))
    if stage == "defaulted":
        d.send("RecordBid", date(2026, 3, 17), asset_id=asset.asset_id, bidder="bidder-a",
               amount=Decimal("800000.00"), bid_at=at(date(2026, 3, 17), 15, 0))
    if stage != "announced":
        d.send("CloseAuction", date(2026, 3, 18), asset_id=asset.asset_id,
               closed_at=at(date(2026, 3, 18), 10, 0))
    if stage == "defaulted":
        d.send("RecordBuyerDefault", date(2026, 3, 25), asset_id=asset.asset_id,
               defaulted_on=date(2026, 3, 25), costs=Decimal("5000.00"))
        d.send("AnnounceAuction", date(2026, 3, 26), asset_id=asset.asset_id,
               start_price=Decimal("700000.00"), deposit=Decimal("70000.00"),
               announced_on=date(2026, 3, 26), opens_at=at(date(2026, 4, 10), 10, 0),
               closes_at=at(date(2026, 4, 11), 10, 0))
    if stage == "failed_twice":
        d.send("AnnounceAuction", date(2026, 3, 20), asset_id=asset.asset_id,
               start_price=Decimal("560000.00"), deposit=Decimal("56000.00"),
               announced_on=date(2026, 3, 20), opens_at=at(date(2026, 3, 27), 10, 0),
               closes_at=at(date(2026, 3, 28), 10, 0))
        d.send("CloseAuction", date(2026, 3, 28), asset_id=asset.asset_id,
               closed_at=at(date(2026, 3, 28), 10, 0))
    return app, d


# --- starting price, deposit, announcement, bidding -----------------------------------------

def test_refuses_auction_below_seventy_percent() -> None:
    app, d = _case()
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("AnnounceAuction", date(2026, 3, 2), asset_id="car-1",
               start_price=Decimal("699999.99"), deposit=Decimal("70000.00"),
               announced_on=date(2026, 3, 2), opens_at=at(date(2026, 3, 17)),
               closes_at=at(date(2026, 3, 18)))
    assert (refused.value.code, refused.value.source) == ("auction.start_below_floor",
                                                          "网拍规定 art.10")
    assert app.recorder.max_notification_id() == before
    d.send("AnnounceAuction", date(2026, 3, 2), asset_id="car-1",
           start_price=Decimal("700000.00"), deposit=Decimal("70000.00"),
           announced_on=date(2026, 3, 2), opens_at=at(date(2026, 3, 17)),
           closes_at=at(date(2026, 3, 18)))
    assert app.get_case(NUMBER).assets["car-1"].rounds[0].start_price == Decimal("700000.00")


def test_refuses_start_a_fraction_of_a_cent_below_seventy_percent() -> None:
    app, d = _case(reference="1000000.03")  # 70% is ¥700,000.021
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("AnnounceAuction", date(2026, 3, 2), asset_id="car-1",
               start_price=Decimal("700000.02"), deposit=Decimal("70000.00"),
               announced_on=date(2026, 3, 2), opens_at=at(date(2026, 3, 17)),
               closes_at=at(date(2026, 3, 18)))
    assert (refused.value.code, refused.value.source) == ("auction.start_below_floor",
                                                          "网拍规定 art.10")
    assert app.recorder.max_notification_id() == before
    d.send("AnnounceAuction", date(2026, 3, 2), asset_id="car-1",
           start_price=Decimal("700000.03"), deposit=Decimal("70000.00"),
           announced_on=date(2026, 3, 2), opens_at=at(date(2026, 3, 17)),
           closes_at=at(date(2026, 3, 18)))


def test_refuses_deposit_below_five_percent_of_start() -> None:
    app, d = _case()
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("AnnounceAuction", date(2026, 3, 2), asset_id="car-1",
               start_price=Decimal("700000.00"), deposit=Decimal("34999.99"),
               announced_on=date(2026, 3, 2), opens_at=at(date(2026, 3, 17)),
               closes_at=at(date(2026, 3, 18)))
    assert (refused.value.code, refused.value.source) == ("auction.deposit_out_of_range",
                                                          "网拍规定 art.17")
    assert app.recorder.max_notification_id() == before
    d.send("AnnounceAuction", date(2026, 3, 2), asset_id="car-1",
           start_price=Decimal("700000.00"), deposit=Decimal("35000.00"),
           announced_on=date(2026, 3, 2), opens_at=at(date(2026, 3, 17)),
           closes_at=at(date(2026, 3, 18)))


def test_refuses_deposit_above_twenty_percent_of_start() -> None:
    app, d = _case()
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("AnnounceAuction", date(2026, 3, 2), asset_id="car-1",
               start_price=Decimal("700000.00"), deposit=Decimal("140000.01"),
               announced_on=date(2026, 3, 2), opens_at=at(date(2026, 3, 17)),
               closes_at=at(date(2026, 3, 18)))
    assert (refused.value.code, refused.value.source) == ("auction.deposit_out_of_range",
                                                          "网拍规定 art.17")
    assert app.recorder.max_notification_id() == before
    d.send("AnnounceAuction", date(2026, 3, 2), asset_id="car-1",
           start_price=Decimal("700000.00"), deposit=Decimal("140000.00"),
           announced_on=date(2026, 3, 2), opens_at=at(date(2026, 3, 17)),
           closes_at=at(date(2026, 3, 18)))


def test_refuses_deposit_a_fraction_of_a_cent_above_twenty_percent() -> None:
    app, d = _case()
    before = app.recorder.max_notification_id()  # 20% of ¥700,000.03 is ¥140,000.006
    with pytest.raises(RuleViolation) as refused:
        d.send("AnnounceAuction", date(2026, 3, 2), asset_id="car-1",
               start_price=Decimal("700000.03"), deposit=Decimal("140000.01"),
               announced_on=date(2026, 3, 2), opens_at=at(date(2026, 3, 17)),
               closes_at=at(date(2026, 3, 18)))
    assert (refused.value.code, refused.value.source) == ("auction.deposit_out_of_range",
                                                          "网拍规定 art.17")
    assert app.recorder.max_notification_id() == before
    d.send("AnnounceAuction", date(2026, 3, 2), asset_id="car-1",
           start_price=Decimal("700000.03"), deposit=Decimal("140000.00"),
           announced_on=date(2026, 3, 2), opens_at=at(date(2026, 3, 17)),
           closes_at=at(date(2026, 3, 18)))


def test_refuses_movable_announced_less_than_fifteen_days_ahead() -> None:
    app, d = _case()
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("AnnounceAuction", date(2026, 3, 2), asset_id="car-1",
               start_price=Decimal("700000.00"), deposit=Decimal("70000.00"),
               announced_on=date(2026, 3, 2), opens_at=at(date(2026, 3, 16)),
               closes_at=at(date(2026, 3, 17)))
    assert (refused.value.code, refused.value.source) == ("auction.announcement_too_short",
                                                          "网拍规定 art.12")
    assert app.recorder.max_notification_id() == before
    d.send("AnnounceAuction", date(2026, 3, 2), asset_id="car-1",
           start_price=Decimal("700000.00"), deposit=Decimal("70000.00"),
           announced_on=date(2026, 3, 2), opens_at=at(date(2026, 3, 17)),
           closes_at=at(date(2026, 3, 18)))


def test_refuses_real_estate_announced_less_than_thirty_days_ahead() -> None:
    app, d = _case(asset=FLAT)
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("AnnounceAuction", date(2026, 3, 2), asset_id="flat-1",
               start_price=Decimal("700000.00"), deposit=Decimal("70000.00"),
               announced_on=date(2026, 3, 2), opens_at=at(date(2026, 3, 31)),
               closes_at=at(date(2026, 4, 1)))
    assert (refused.value.code, refused.value.source) == ("auction.announcement_too_short",
                                                          "网拍规定 art.12")
    assert app.recorder.max_notification_id() == before
    d.send("AnnounceAuction", date(2026, 3, 2), asset_id="flat-1",
           start_price=Decimal("700000.00"), deposit=Decimal("70000.00"),
           announced_on=date(2026, 3, 2), opens_at=at(date(2026, 4, 1)),
           closes_at=at(date(2026, 4, 2)))


def test_refuses_bidding_shorter_than_twenty_four_hours() -> None:
    app, d = _case()
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("AnnounceAuction", date(2026, 3, 2), asset_id="car-1",
               start_price=Decimal("700000.00"), deposit=Decimal("70000.00"),
               announced_on=date(2026, 3, 2), opens_at=at(date(2026, 3, 17), 10, 0),
               closes_at=at(date(2026, 3, 18), 9, 59))
    assert (refused.value.code, refused.value.source) == ("auction.bidding_too_short",
                                                          "网拍规定 art.20")
    assert app.recorder.max_notification_id() == before
    d.send("AnnounceAuction", date(2026, 3, 2), asset_id="car-1",
           start_price=Decimal("700000.00"), deposit=Decimal("70000.00"),
           announced_on=date(2026, 3, 2), opens_at=at(date(2026, 3, 17), 10, 0),
           closes_at=at(date(2026, 3, 18), 10, 0))


def test_refuses_auction_once_the_reference_price_is_a_year_old() -> None:
    app, d = _case()  # priced on 2026-02-10, controlled until 2027-02-02
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("AnnounceAuction", date(2027, 2, 11), asset_id="car-1",
               start_price=Decimal("700000.00"), deposit=Decimal("70000.00"),
               announced_on=date(2027, 2, 11), opens_at=at(date(2027, 2, 26)),
               closes_at=at(date(2027, 2, 27)))
    assert (refused.value.code, refused.value.source) == ("auction.reference_price_expired",
                                                          "参考价规定 art.27")
    assert app.recorder.max_notification_id() == before
    d.send("AnnounceAuction", date(2027, 2, 10), asset_id="car-1",
           start_price=Decimal("700000.00"), deposit=Decimal("70000.00"),
           announced_on=date(2027, 2, 10), opens_at=at(date(2027, 2, 25)),
           closes_at=at(date(2027, 2, 26)))


# --- bids and the close -------------------------------------------------------------------

def test_late_bid_extends_the_close_to_five_minutes_after_it() -> None:
    app, d = _case("announced")
    d.send("RecordBid", date(2026, 3, 18), asset_id="car-1", bidder="bidder-a",
           amount=Decimal("700000.00"), bid_at=at(date(2026, 3, 18), 9, 57))
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("CloseAuction", date(2026, 3, 18), asset_id="car-1",
               closed_at=at(date(2026, 3, 18), 10, 1))
    assert (refused.value.code, refused.value.source) == ("auction.not_ended",
                                                          "网拍规定 art.20")
    assert app.recorder.max_notification_id() == before
    result = d.send("CloseAuction", date(2026, 3, 18), asset_id="car-1",
                    closed_at=at(date(2026, 3, 18), 10, 2))
    assert result.events == ("AuctionSold",)


def test_bid_more_than_five_minutes_before_the_close_does_not_extend_it() -> None:
    app, d = _case("announced")
    d.send("RecordBid", date(2026, 3, 18), asset_id="car-1", bidder="bidder-a",
           amount=Decimal("700000.00"), bid_at=at(date(2026, 3, 18), 9, 55))
    assert app.get_case(NUMBER).assets["car-1"].rounds[0].closes_at == \
        at(date(2026, 3, 18), 10, 0)
    result = d.send("CloseAuction", date(2026, 3, 18), asset_id="car-1",
                    closed_at=at(date(2026, 3, 18), 10, 0))
    assert result.events == ("AuctionSold",)


def test_refuses_bid_after_the_close() -> None:
    app, d = _case("announced")
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("RecordBid", date(2026, 3, 18), asset_id="car-1", bidder="bidder-a",
               amount=Decimal("700000.00"),
               bid_at=datetime(2026, 3, 18, 2, 0, 1, tzinfo=UTC))  # 10:00:01 in Beijing
    assert (refused.value.code, refused.value.source) == ("auction.bid_outside_window",
                                                          "网拍规定 art.20")
    assert app.recorder.max_notification_id() == before
    d.send("RecordBid", date(2026, 3, 18), asset_id="car-1", bidder="bidder-a",
           amount=Decimal("700000.00"), bid_at=at(date(2026, 3, 18), 10, 0))


# --- re-auction -----------------------------------------------------------------------------

def test_refuses_reauction_cut_by_more_than_twenty_percent() -> None:
    app, d = _case("failed")
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("AnnounceAuction", date(2026, 3, 20), asset_id="car-1",
               start_price=Decimal("559999.99"), deposit=Decimal("56000.00"),
               announced_on=date(2026, 3, 20), opens_at=at(date(2026, 3, 27)),
               closes_at=at(date(2026, 3, 28)))
    assert (refused.value.code, refused.value.source) == ("auction.start_below_floor",
                                                          "网拍规定 art.26")
    assert app.recorder.max_notification_id() == before
    d.send("AnnounceAuction", date(2026, 3, 20), asset_id="car-1",
           start_price=Decimal("560000.00"), deposit=Decimal("56000.00"),
           announced_on=date(2026, 3, 20), opens_at=at(date(2026, 3, 27)),
           closes_at=at(date(2026, 3, 28)))
    assert app.get_case(NUMBER).assets["car-1"].rounds[1].reauction is True


def test_refuses_reauction_more_than_thirty_days_after_the_failure() -> None:
    app, d = _case("failed")
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("AnnounceAuction", date(2026, 4, 18), asset_id="car-1",
               start_price=Decimal("560000.00"), deposit=Decimal("56000.00"),
               announced_on=date(2026, 4, 18), opens_at=at(date(2026, 4, 25)),
               closes_at=at(date(2026, 4, 26)))
    assert (refused.value.code, refused.value.source) == ("auction.reauction_late",
                                                          "网拍规定 art.26")
    assert app.recorder.max_notification_id() == before
    d.send("AnnounceAuction", date(2026, 4, 17), asset_id="car-1",
           start_price=Decimal("560000.00"), deposit=Decimal("56000.00"),
           announced_on=date(2026, 4, 17), opens_at=at(date(2026, 4, 24)),
           closes_at=at(date(2026, 4, 25)))


def test_reauction_window_counts_from_the_failure_date_in_beijing() -> None:
    app, d = _case("announced")
    # closed at 2026-03-19 00:30 Beijing time, given in UTC: the failure is on 2026-03-19
    d.send("CloseAuction", date(2026, 3, 19), asset_id="car-1",
           closed_at=datetime(2026, 3, 18, 16, 30, tzinfo=UTC))
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:  # 30 days end Sat 04-18, rolled to Mon 04-20
        d.send("AnnounceAuction", date(2026, 4, 21), asset_id="car-1",
               start_price=Decimal("560000.00"), deposit=Decimal("56000.00"),
               announced_on=date(2026, 4, 21), opens_at=at(date(2026, 4, 28)),
               closes_at=at(date(2026, 4, 29)))
    assert (refused.value.code, refused.value.source) == ("auction.reauction_late",
                                                          "网拍规定 art.26")
    assert app.recorder.max_notification_id() == before
    d.send("AnnounceAuction", date(2026, 4, 20), asset_id="car-1",
           start_price=Decimal("560000.00"), deposit=Decimal("56000.00"),
           announced_on=date(2026, 4, 20), opens_at=at(date(2026, 4, 27)),
           closes_at=at(date(2026, 4, 28)))


def test_refuses_movable_reauction_announced_less_than_seven_days_ahead() -> None:
    app, d = _case("failed")
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("AnnounceAuction", date(2026, 3, 20), asset_id="car-1",
               start_price=Decimal("560000.00"), deposit=Decimal("56000.00"),
               announced_on=date(2026, 3, 20), opens_at=at(date(2026, 3, 26)),
               closes_at=at(date(2026, 3, 27)))
    assert (refused.value.code, refused.value.source) == ("auction.announcement_too_short",
                                                          "网拍规定 art.26")
    assert app.recorder.max_notification_id() == before
    d.send("AnnounceAuction", date(2026, 3, 20), asset_id="car-1",
           start_price=Decimal("560000.00"), deposit=Decimal("56000.00"),
           announced_on=date(2026, 3, 20), opens_at=at(date(2026, 3, 27)),
           closes_at=at(date(2026, 3, 28)))


def test_refuses_real_estate_reauction_announced_less_than_fifteen_days_ahead() -> None:
    app, d = _case(asset=FLAT)
    d.send("AnnounceAuction", date(2026, 3, 2), asset_id="flat-1",
           start_price=Decimal("700000.00"), deposit=Decimal("70000.00"),
           announced_on=date(2026, 3, 2), opens_at=at(date(2026, 4, 1), 10, 0),
           closes_at=at(date(2026, 4, 2), 10, 0))
    d.send("CloseAuction", date(2026, 4, 2), asset_id="flat-1",
           closed_at=at(date(2026, 4, 2), 10, 0))
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("AnnounceAuction", date(2026, 4, 3), asset_id="flat-1",
               start_price=Decimal("560000.00"), deposit=Decimal("56000.00"),
               announced_on=date(2026, 4, 3), opens_at=at(date(2026, 4, 17)),
               closes_at=at(date(2026, 4, 18)))
    assert (refused.value.code, refused.value.source) == ("auction.announcement_too_short",
                                                          "网拍规定 art.26")
    assert app.recorder.max_notification_id() == before
    d.send("AnnounceAuction", date(2026, 4, 3), asset_id="flat-1",
           start_price=Decimal("560000.00"), deposit=Decimal("56000.00"),
           announced_on=date(2026, 4, 3), opens_at=at(date(2026, 4, 18)),
           closes_at=at(date(2026, 4, 19)))


# --- money and the necessary home are never auctioned ---------------------------------------

def test_refuses_to_price_a_frozen_deposit_for_auction() -> None:
    app, d = _case("seized", ACCOUNT)
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("SetReferencePrice", date(2026, 2, 10), asset_id="acct-1",
               method=PriceMethod.AGREEMENT, amount=Decimal("300000.00"),
               requested_on=date(2026, 2, 3), determined_on=date(2026, 2, 10))
    assert (refused.value.code, refused.value.source) == ("disposal.money_asset",
                                                          "民诉法 art.253")
    assert app.recorder.max_notification_id() == before
    result = d.send("TransferDeposit", date(2026, 2, 10), asset_id="acct-1",
                    amount=Decimal("300000.00"), transferred_on=date(2026, 2, 10))
    assert result.events == ("DepositTransferred", "FundsReceived")


def test_seals_the_necessary_home() -> None:
    app, _ = _case("seized", HOME)
    assert app.get_case(NUMBER).assets["home-1"].control is ControlStatus.ACTIVE


@pytest.mark.parametrize(("command", "fields"), [
    ("SetReferencePrice", {"method": PriceMethod.APPRAISAL, "amount": Decimal("800000.00"),
                           "requested_on": date(2026, 2, 3), "determined_on": date(2026, 2, 10)}),
    ("AnnounceAuction", {"start_price": Decimal("560000.00"), "deposit": Decimal("56000.00"),
                         "announced_on": date(2026, 2, 10), "opens_at": at(date(2026, 3, 12)),
                         "closes_at": at(date(2026, 3, 13))}),
    ("SellAsset", {"price": Decimal("800000.00"), "buyer": "buyer-1",
                   "sold_on": date(2026, 2, 10)}),
    ("TransferInLieu", {"transferred_on": date(2026, 2, 10), "applicant_consents": True}),
])
def test_refuses_to_dispose_of_the_necessary_home(command: str, fields: dict[str, object]
                                                  ) -> None:
    app, d = _case("seized", HOME)
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send(command, date(2026, 2, 10), JUDGE, asset_id="home-1", **fields)
    assert (refused.value.code, refused.value.source) == ("disposal.necessary_home",
                                                          "查封规定 art.4")
    assert app.recorder.max_notification_id() == before


# --- buyer default ----------------------------------------------------------------------------

def test_buyer_default_forfeits_the_deposit_and_meets_costs_first() -> None:
    app, _ = _case("defaulted")
    default = next(e for e in app.case_events(NUMBER) if isinstance(e, ev.BuyerDefaulted))
    assert (default.forfeited, default.to_costs) == (Decimal("70000.00"), Decimal("5000.00"))


def test_refuses_bid_by_the_defaulting_buyer_in_the_reauction() -> None:
    app, d = _case("defaulted")
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("RecordBid", date(2026, 4, 10), asset_id="car-1", bidder="bidder-a",
               amount=Decimal("760000.00"), bid_at=at(date(2026, 4, 10), 11, 0))
    assert (refused.value.code, refused.value.source) == ("auction.bidder_barred",
                                                          "网拍规定 art.24")
    assert app.recorder.max_notification_id() == before
    d.send("RecordBid", date(2026, 4, 10), asset_id="car-1", bidder="bidder-b",
           amount=Decimal("760000.00"), bid_at=at(date(2026, 4, 10), 11, 0))


def test_forfeited_deposit_goes_to_the_price_shortfall_then_the_debt() -> None:
    app, d = _case("defaulted")
    d.send("RecordBid", date(2026, 4, 10), asset_id="car-1", bidder="bidder-b",
           amount=Decimal("760000.00"), bid_at=at(date(2026, 4, 10), 11, 0))
    result = d.send("CloseAuction", date(2026, 4, 11), asset_id="car-1",
                    closed_at=at(date(2026, 4, 11), 10, 0))
    assert result.events == ("AuctionSold", "ForfeitedDepositApplied", "FundsReceived")
    applied, funds = app.case_events(NUMBER)[-2:]
    assert isinstance(applied, ev.ForfeitedDepositApplied)
    assert isinstance(funds, ev.FundsReceived)
    assert (applied.to_shortfall, applied.to_debt) == (Decimal("40000.00"), Decimal("25000.00"))
    assert (funds.amount, funds.source) == (Decimal("65000.00"), FundsSource.FORFEITED_DEPOSIT)


def test_reauction_after_a_default_in_the_second_round_keeps_that_rounds_floor() -> None:
    app, d = _case("failed")
    d.send("AnnounceAuction", date(2026, 3, 20), asset_id="car-1",
           start_price=Decimal("560000.00"), deposit=Decimal("56000.00"),
           announced_on=date(2026, 3, 20), opens_at=at(date(2026, 3, 27), 10, 0),
           closes_at=at(date(2026, 3, 28), 10, 0))
    d.send("RecordBid", date(2026, 3, 27), asset_id="car-1", bidder="bidder-a",
           amount=Decimal("560000.00"), bid_at=at(date(2026, 3, 27), 15, 0))
    d.send("CloseAuction", date(2026, 3, 28), asset_id="car-1",
           closed_at=at(date(2026, 3, 28), 10, 0))
    d.send("RecordBuyerDefault", date(2026, 4, 3), asset_id="car-1",
           defaulted_on=date(2026, 4, 3))
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("AnnounceAuction", date(2026, 4, 7), asset_id="car-1",
               start_price=Decimal("559999.99"), deposit=Decimal("56000.00"),
               announced_on=date(2026, 4, 7), opens_at=at(date(2026, 4, 14)),
               closes_at=at(date(2026, 4, 15)))
    assert (refused.value.code, refused.value.source) == ("auction.start_below_floor",
                                                          "网拍规定 art.26")
    assert app.recorder.max_notification_id() == before
    d.send("AnnounceAuction", date(2026, 4, 7), asset_id="car-1",
           start_price=Decimal("560000.00"), deposit=Decimal("56000.00"),
           announced_on=date(2026, 4, 7), opens_at=at(date(2026, 4, 14)),
           closes_at=at(date(2026, 4, 15)))


def test_forfeited_deposit_is_applied_when_the_asset_is_taken_in_lieu_instead() -> None:
    app, d = _case("defaulted")
    d.send("CloseAuction", date(2026, 4, 11), asset_id="car-1",
           closed_at=at(date(2026, 4, 11), 10, 0))  # nobody bids in round 2
    result = d.send("TransferInLieu", date(2026, 4, 13), JUDGE, asset_id="car-1",
                    transferred_on=date(2026, 4, 13), applicant_consents=True)
    assert result.events == ("AssetTransferredInLieu", "ForfeitedDepositApplied",
                             "FundsReceived")
    applied = app.case_events(NUMBER)[-2]
    assert isinstance(applied, ev.ForfeitedDepositApplied)
    assert (applied.to_shortfall, applied.to_debt) == (Decimal("65000.00"), Decimal("0.00"))
    assert app.get_case(NUMBER).outstanding == Decimal("235000.00")


# --- sale 变卖 and transfer in lieu ---------------------------------------------------------

def test_refuses_sale_after_a_single_failed_auction() -> None:
    app, d = _case("failed")
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("SellAsset", date(2026, 3, 20), asset_id="car-1", price=Decimal("700000.00"),
               buyer="buyer-1", sold_on=date(2026, 3, 20))
    assert (refused.value.code, refused.value.source) == ("sale.not_after_two_failures",
                                                          "网拍规定 art.26")
    assert app.recorder.max_notification_id() == before


def test_refuses_sale_below_the_second_starting_price() -> None:
    app, d = _case("failed_twice")
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("SellAsset", date(2026, 4, 8), asset_id="car-1", price=Decimal("559999.99"),
               buyer="buyer-1", sold_on=date(2026, 4, 8))
    assert (refused.value.code, refused.value.source) == ("sale.price_below_second_start",
                                                          "网拍规定 art.26; 拍卖变卖规定")
    assert app.recorder.max_notification_id() == before
    result = d.send("SellAsset", date(2026, 4, 8), asset_id="car-1",
                    price=Decimal("560000.00"), buyer="buyer-1", sold_on=date(2026, 4, 8))
    assert result.events == ("AssetSold",)


def test_refuses_sale_after_the_sixty_day_window() -> None:
    app, d = _case("failed_twice")
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("SellAsset", date(2026, 5, 28), asset_id="car-1", price=Decimal("560000.00"),
               buyer="buyer-1", sold_on=date(2026, 5, 28))
    assert (refused.value.code, refused.value.source) == ("sale.window_passed",
                                                          "网拍规定 art.26; 拍卖变卖规定")
    assert app.recorder.max_notification_id() == before
    d.send("SellAsset", date(2026, 5, 27), asset_id="car-1", price=Decimal("560000.00"),
           buyer="buyer-1", sold_on=date(2026, 5, 27))


def test_sale_window_is_configurable() -> None:
    app, d = _case("failed_twice", rules=RuleSet(sale_window_days=30))
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("SellAsset", date(2026, 4, 28), asset_id="car-1", price=Decimal("560000.00"),
               buyer="buyer-1", sold_on=date(2026, 4, 28))
    assert refused.value.code == "sale.window_passed"
    assert app.recorder.max_notification_id() == before
    d.send("SellAsset", date(2026, 4, 27), asset_id="car-1", price=Decimal("560000.00"),
           buyer="buyer-1", sold_on=date(2026, 4, 27))


def test_refuses_transfer_in_lieu_before_any_failed_auction() -> None:
    app, d = _case("announced")
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolation) as refused:
        d.send("TransferInLieu", date(2026, 3, 10), JUDGE, asset_id="car-1",
               transferred_on=date(2026, 3, 10), applicant_consents=True)
    assert (refused.value.code, refused.value.source) == ("in_lieu.no_failed_round",
                                                          "拍卖变卖规定 art.16")
    assert app.recorder.max_notification_id() == before


def test_transfers_in_lieu_at_the_failed_rounds_reserve_price() -> None:
    app, d = _case("failed_twice")
    d.send("TransferInLieu", date(2026, 4, 1), JUDGE, asset_id="car-1",
           transferred_on=date(2026, 4, 1), applicant_consents=True)
    state = app.get_case(NUMBER)
    assert (state.in_lieu, state.outstanding) == (Decimal("560000.00"), Decimal("440000.00"))
