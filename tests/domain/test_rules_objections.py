"""Objections to enforcement acts (执行异议) and their 复议, outsiders' claims to an asset
(案外人异议) and their suits (docs/rules.md §7), through the public API: the 15/10/15-day
boundaries with literal dates, the source of each refusal, nothing written when refused.

The case: ¥1,000,000.00 filed on Monday 2 February 2026; a flat and a car sealed/seized on
3 February, their reference prices fixed on 10 February; a deposit frozen on 3 February."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from domain import events as ev
from domain.models import ApprovalMode, AssetFinding, ControlMeasure, PriceMethod
from domain.rules import AssetKind
from domain.state import ControlStatus
from tests.domain.test_rules_termination import RULING, _ready
from tests.support import CLERK, JUDGE, NUMBER, Driver, at, new_app, refuses

FILED = date(2026, 2, 2)
FLAT = AssetFinding(asset_id="flat-1", kind=AssetKind.REAL_ESTATE,
                    description="白银区 某小区 3-201 商品房", value=Decimal("600000.00"),
                    indivisible=True)
CAR = AssetFinding(asset_id="car-1", kind=AssetKind.VEHICLE, description="甘D·12345 轿车",
                   value=Decimal("200000.00"))
ACCOUNT = AssetFinding(asset_id="acct-1", kind=AssetKind.DEPOSIT,
                       description="工商银行 账户 ****1234", value=Decimal("100000.00"))
SRC_236 = "民诉法 art.236"


@pytest.fixture
def d() -> Driver:
    driver = Driver(new_app())
    driver.file(FILED, principal="1000000.00")
    driver.send("IssueNotice", FILED, CLERK, issued_on=FILED, report_due_on=date(2026, 2, 12))
    for asset in (FLAT, CAR, ACCOUNT):
        driver.send("RegisterAsset", FILED, asset=asset, found_on=FILED)
    on = date(2026, 2, 3)
    driver.send("ControlAsset", on, asset_id="acct-1", measure=ControlMeasure.FREEZE,
                amount=Decimal("100000.00"), effective_on=on, expires_on=date(2027, 2, 3))
    driver.send("ControlAsset", on, asset_id="flat-1", measure=ControlMeasure.SEAL,
                amount=Decimal("600000.00"), effective_on=on, expires_on=date(2029, 2, 3))
    driver.send("ControlAsset", on, asset_id="car-1", measure=ControlMeasure.SEIZE,
                amount=Decimal("200000.00"), effective_on=on, expires_on=date(2028, 2, 3))
    for asset_id, price in (("flat-1", "600000.00"), ("car-1", "200000.00")):
        driver.send("SetReferencePrice", date(2026, 2, 10), asset_id=asset_id,
                    method=PriceMethod.AGREEMENT, amount=Decimal(price),
                    requested_on=date(2026, 2, 4), determined_on=date(2026, 2, 10))
    return driver


def objecting(on: date, oid: str = "OB-1", act: str = "control",
              asset_id: str | None = "acct-1", grounds: str = "冻结的是工资账户, 超出必要限度",
              **fields: Any) -> dict[str, Any]:
    """李四's objection ``oid`` to ``act``, received on ``on``: RecordObjection's fields."""
    return {"objection_id": oid, "objector": "李四", "standing": "party", "act": act,
            "asset_id": asset_id, "grounds": grounds, "received_on": on, **fields}


def objection(d: Driver, on: date, oid: str = "OB-1", act: str = "control",
              asset_id: str | None = "acct-1", **fields: Any) -> None:
    d.send("RecordObjection", on, CLERK, **objecting(on, oid, act, asset_id, **fields))


def claiming(on: date, oid: str = "CL-1", asset_id: str = "flat-1", claimant: str = "王五",
             grounds: str = "该房屋系案外人购买并已付清全款, 未办理过户") -> dict[str, Any]:
    """``claimant``'s claim ``oid`` to ``asset_id``, received on ``on``: RecordOutsiderClaim's
    fields."""
    return {"objection_id": oid, "claimant": claimant, "asset_id": asset_id, "grounds": grounds,
            "received_on": on}


def claim(d: Driver, on: date, oid: str = "CL-1", asset_id: str = "flat-1",
          claimant: str = "王五") -> None:
    d.send("RecordOutsiderClaim", on, CLERK, **claiming(on, oid, asset_id, claimant))


def rule(d: Driver, on: date, oid: str = "OB-1", outcome: str = "rejected",
         **fields: Any) -> None:
    """The judge rules on ``oid`` on ``on`` (made that day unless ``ruled_on`` says otherwise)."""
    fields.setdefault("ruled_on", on)
    d.send("RuleOnObjection", on, JUDGE, objection_id=oid, outcome=outcome, **fields)


def announcing(on: date, asset_id: str = "flat-1", price: str = "420000.00",
               days: int = 30) -> dict[str, Any]:
    """A round announced on ``on``, bidding ``days`` later for a day: AnnounceAuction's fields."""
    opens = date.fromordinal(on.toordinal() + days)
    return {"asset_id": asset_id, "start_price": Decimal(price),
            "deposit": Decimal(price) / 10, "announced_on": on, "opens_at": at(opens),
            "closes_at": at(date.fromordinal(opens.toordinal() + 1))}


def announce(d: Driver, asset_id: str, on: date, price: str = "420000.00",
             days: int = 30) -> None:
    d.send("AnnounceAuction", on, **announcing(on, asset_id, price, days))


def objections(d: Driver) -> dict[str, Any]:
    return d.app.get_case(NUMBER).objections


# --- §7.1 执行异议: examined within 15 days (民诉法 art.236) ---------------------------------------

def test_an_objection_to_a_freeze_is_due_15_days_after_receipt(d: Driver) -> None:
    objection(d, date(2026, 3, 2), act_version=9)
    o = objections(d)["OB-1"]
    assert (o.kind, o.act, o.asset_id, o.act_version, o.received_on, o.due_on) == (
        "act", "control", "acct-1", 9, date(2026, 3, 2), date(2026, 3, 17))


@pytest.mark.parametrize(("received", "oid", "ruled_on", "late"), [
    (objection, "OB-1", date(2026, 3, 17), False),  # the 15th day: in time
    (objection, "OB-1", date(2026, 3, 18), True),  # the 16th day
    (claim, "CL-1", date(2026, 3, 18), True),  # an outsider's claim: the same 15 days (art.238)
], ids=["objection-day-15", "objection-day-16", "claim-day-16"])
def test_a_ruling_after_the_15th_day_is_recorded_late(
        d: Driver, received: Callable[[Driver, date], None], oid: str, ruled_on: date,
        late: bool) -> None:
    received(d, date(2026, 3, 2))
    rule(d, ruled_on, oid)
    event = d.app.case_events(NUMBER)[-1]
    assert isinstance(event, ev.ObjectionRuled)
    assert (event.late, event.due_on) == (late, date(2026, 3, 17))
    assert objections(d)[oid].late is late


def test_refuses_an_objection_to_an_act_the_record_does_not_hold(d: Driver) -> None:
    on = date(2026, 3, 2)
    for fields in (objecting(on, act="transfer", grounds="划拨错误"),
                   objecting(on, act_version=99, grounds="冻结错误"),
                   objecting(on, act="other", asset_id=None, grounds="其他执行行为")):
        refuses(d, "objection.act_unknown", SRC_236, "RecordObjection", on, CLERK, **fields)


def test_refuses_an_objection_to_an_asset_act_without_the_asset(d: Driver) -> None:
    refuses(d, "objection.asset_required", SRC_236, "RecordObjection", date(2026, 3, 2), CLERK,
            **objecting(date(2026, 3, 2), asset_id=None, grounds="冻结错误"))


def test_refuses_a_second_objection_with_the_same_id(d: Driver) -> None:
    objection(d, date(2026, 3, 2))
    refuses(d, "objection.duplicate_id", "docs/rules.md §7 (objections are named by their id)",
            "RecordObjection", date(2026, 3, 3), CLERK,
            **objecting(date(2026, 3, 3), asset_id="flat-1", grounds="查封错误"))


def test_refuses_ruling_twice(d: Driver) -> None:
    objection(d, date(2026, 3, 2))
    rule(d, date(2026, 3, 10))
    refuses(d, "objection.already_ruled", "民诉法 art.236; 异议复议规定 art.17",
            "RuleOnObjection", date(2026, 3, 11), JUDGE, objection_id="OB-1", outcome="upheld",
            ruled_on=date(2026, 3, 11))


# --- upheld: the act revoked through the existing paths (异议复议规定 art.17) ---------------------

def test_an_upheld_objection_releases_the_freeze_recorded_as_its_cause(d: Driver) -> None:
    objection(d, date(2026, 3, 2))
    rule(d, date(2026, 3, 10), "OB-1", "upheld", served_on=date(2026, 3, 10))
    d.send("ReleaseControl", date(2026, 3, 10), JUDGE, asset_id="acct-1",
           released_on=date(2026, 3, 10), reason="异议成立, 撤销冻结", objection_id="OB-1")
    released = d.app.case_events(NUMBER)[-1]
    assert (type(released).__name__, released.objection_id) == (  # type: ignore[attr-defined]
        "ControlReleased", "OB-1")
    state = d.app.get_case(NUMBER)
    assert state.assets["acct-1"].control is ControlStatus.RELEASED
    assert state.objections["OB-1"].revoked_on == date(2026, 3, 10)


def test_refuses_a_release_in_the_name_of_a_rejected_objection(d: Driver) -> None:
    objection(d, date(2026, 3, 2))
    rule(d, date(2026, 3, 10))
    refuses(d, "objection.not_upheld", "民诉法 art.236; 异议复议规定 art.17", "ReleaseControl",
            date(2026, 3, 10), JUDGE, asset_id="acct-1", released_on=date(2026, 3, 10),
            reason="异议成立", objection_id="OB-1")
    refuses(d, "objection.not_upheld", "民诉法 art.236; 异议复议规定 art.17", "ReleaseControl",
            date(2026, 3, 10), JUDGE, asset_id="flat-1", released_on=date(2026, 3, 10),
            reason="异议成立", objection_id="OB-1")


def test_an_upheld_objection_to_the_restriction_lifts_it(d: Driver) -> None:
    d.send("RestrictConsumption", date(2026, 2, 20), issued_on=date(2026, 2, 20),
           approved=date(2026, 2, 20))
    objection(d, date(2026, 3, 2), act="restriction", asset_id=None)
    rule(d, date(2026, 3, 10), "OB-1", "upheld")
    refuses(d, "objection.reason_mismatch", "民诉法 art.236; 异议复议规定 art.17",
            "LiftConsumptionRestriction", date(2026, 3, 10), lifted_on=date(2026, 3, 10),
            reason="objection_upheld")
    d.send("LiftConsumptionRestriction", date(2026, 3, 10), lifted_on=date(2026, 3, 10),
           reason="objection_upheld", objection_id="OB-1")
    state = d.app.get_case(NUMBER)
    assert state.restriction_lifted_on == date(2026, 3, 10)


# --- 复议 within 10 days of service (民诉法 art.236) -------------------------------------------------

def _served_friday(d: Driver) -> None:
    objection(d, date(2026, 3, 2))
    rule(d, date(2026, 3, 19))
    d.send("RecordObjectionService", date(2026, 3, 20), CLERK, objection_id="OB-1",
           served_on=date(2026, 3, 20))


def test_accepts_review_on_the_10th_day_after_service(d: Driver) -> None:
    _served_friday(d)
    d.send("ApplyForReview", date(2026, 3, 30), CLERK, objection_id="OB-1", applicant="李四",
           applied_on=date(2026, 3, 30))
    event = d.app.case_events(NUMBER)[-1]
    assert (type(event).__name__, event.last_day) == (  # type: ignore[attr-defined]
        "ReviewApplied", date(2026, 3, 30))


def test_refuses_review_on_the_11th_day_after_service(d: Driver) -> None:
    _served_friday(d)
    refuses(d, "review.late", SRC_236, "ApplyForReview", date(2026, 3, 31), CLERK,
            objection_id="OB-1", applicant="李四", applied_on=date(2026, 3, 31))


def test_refuses_review_before_the_ruling_is_served(d: Driver) -> None:
    objection(d, date(2026, 3, 2))
    rule(d, date(2026, 3, 19))
    refuses(d, "review.ruling_not_served", SRC_236, "ApplyForReview", date(2026, 3, 20), CLERK,
            objection_id="OB-1", applicant="李四", applied_on=date(2026, 3, 20))


def test_a_review_reversing_a_rejection_lets_the_freeze_be_released(d: Driver) -> None:
    _served_friday(d)
    d.send("ApplyForReview", date(2026, 3, 25), CLERK, objection_id="OB-1", applicant="李四",
           applied_on=date(2026, 3, 25))
    d.send("RecordReviewDecision", date(2026, 4, 20), CLERK, objection_id="OB-1",
           outcome="reversed", decided_on=date(2026, 4, 20))
    assert objections(d)["OB-1"].upheld is True
    d.send("ReleaseControl", date(2026, 4, 20), JUDGE, asset_id="acct-1",
           released_on=date(2026, 4, 20), reason="复议撤销驳回裁定", objection_id="OB-1")
    assert d.app.get_case(NUMBER).assets["acct-1"].control is ControlStatus.RELEASED


# --- no stay unless ordered (执行程序解释 art.10) ----------------------------------------------------

def test_by_default_an_objection_does_not_stay_the_disposal(d: Driver) -> None:
    objection(d, date(2026, 3, 2), act="control", asset_id="flat-1")
    announce(d, "flat-1", date(2026, 3, 3))
    assert d.app.get_case(NUMBER).assets["flat-1"].rounds[-1].status == "announced"


def test_an_ordered_stay_holds_that_assets_disposal_only_until_the_ruling(d: Driver) -> None:
    objection(d, date(2026, 3, 2), act="control", asset_id="flat-1")
    announce(d, "flat-1", date(2026, 3, 3))
    d.send("OrderObjectionStay", date(2026, 3, 4), JUDGE, objection_id="OB-1",
           ordered_on=date(2026, 3, 4), reason="被执行人提供充分有效担保")
    flat = d.app.get_case(NUMBER).assets["flat-1"]
    assert (flat.rounds[-1].status, flat.rounds[-1].ended_on) == ("withdrawn",
                                                                   date(2026, 3, 4))
    refuses(d, "disposal.stayed", "执行程序解释 art.10", "AnnounceAuction", date(2026, 3, 5),
            **announcing(date(2026, 3, 5)))
    announce(d, "car-1", date(2026, 3, 5), price="140000.00", days=15)  # other assets proceed
    rule(d, date(2026, 3, 12))
    announce(d, "flat-1", date(2026, 3, 13))
    assert [r.round for r in d.app.get_case(NUMBER).assets["flat-1"].rounds] == [1, 2]


def test_refuses_a_stay_that_has_nothing_to_stay_or_is_the_laws_own(d: Driver) -> None:
    d.send("IssueSummons", date(2026, 2, 20), hours=8, issued_on=date(2026, 2, 20))
    d.send("RestrictConsumption", date(2026, 2, 20), issued_on=date(2026, 2, 20),
           approved=date(2026, 2, 20))
    objection(d, date(2026, 3, 2), act="restriction", asset_id=None)
    refuses(d, "objection.nothing_to_stay", "执行程序解释 art.10", "OrderObjectionStay",
            date(2026, 3, 3), JUDGE, objection_id="OB-1", ordered_on=date(2026, 3, 3),
            reason="担保")
    claim(d, date(2026, 3, 2))
    refuses(d, "objection.stay_by_law", "民诉法 art.238; 执行程序解释 art.15",
            "OrderObjectionStay", date(2026, 3, 3), JUDGE, objection_id="CL-1",
            ordered_on=date(2026, 3, 3), reason="担保")


# --- §7.2 案外人异议: disposal of THAT asset stopped while examined (民诉法 art.238) ------------------

def test_a_claim_holds_the_disposal_of_the_claimed_asset_only(d: Driver) -> None:
    claim(d, date(2026, 3, 2))
    o = objections(d)["CL-1"]
    assert (o.kind, o.asset_id, o.due_on) == ("claim", "flat-1", date(2026, 3, 17))
    refuses(d, "disposal.under_claim", "民诉法 art.238; 执行程序解释 art.15", "AnnounceAuction",
            date(2026, 3, 3), **announcing(date(2026, 3, 3)))
    announce(d, "car-1", date(2026, 3, 3), price="140000.00", days=15)
    assert d.app.get_case(NUMBER).assets["car-1"].rounds[-1].status == "announced"


def test_a_claim_on_a_deposit_holds_its_transfer(d: Driver) -> None:
    claim(d, date(2026, 3, 2), asset_id="acct-1", claimant="某贸易公司")
    refuses(d, "disposal.under_claim", "民诉法 art.238; 执行程序解释 art.15", "TransferDeposit",
            date(2026, 3, 3), asset_id="acct-1", amount=Decimal("100000.00"),
            transferred_on=date(2026, 3, 3))


def _failed_twice(d: Driver) -> None:
    """The car fails at two auctions (15 + 7 days' notice), closing 2026-03-03 and 03-12."""
    for announced, price, days, closes in ((date(2026, 2, 11), "140000.00", 19, date(2026, 3, 3)),
                                           (date(2026, 3, 3), "112000.00", 8, date(2026, 3, 12))):
        announce(d, "car-1", announced, price, days)
        d.send("CloseAuction", closes, asset_id="car-1", closed_at=at(closes, 11))


def test_a_claim_holds_the_sale_and_the_transfer_in_lieu(d: Driver) -> None:
    _failed_twice(d)
    claim(d, date(2026, 3, 13), asset_id="car-1")
    src = "民诉法 art.238; 执行程序解释 art.15"
    refuses(d, "disposal.under_claim", src, "SellAsset", date(2026, 3, 16),
            asset_id="car-1", price=Decimal("112000.00"), buyer="buyer-1",
            sold_on=date(2026, 3, 16))
    refuses(d, "disposal.under_claim", src, "TransferInLieu", date(2026, 3, 16), JUDGE,
            asset_id="car-1", transferred_on=date(2026, 3, 16), applicant_consents=True)


def test_a_claim_withdraws_the_round_under_way(d: Driver) -> None:
    announce(d, "flat-1", date(2026, 2, 11))
    claim(d, date(2026, 3, 2))
    rounds = d.app.get_case(NUMBER).assets["flat-1"].rounds
    assert [(r.status, r.ended_on) for r in rounds] == [("withdrawn", date(2026, 3, 2))]
    refuses(d, "auction.no_open_round", "网拍规定 art.20", "CloseAuction", date(2026, 3, 14),
            asset_id="flat-1", closed_at=at(date(2026, 3, 14), 11))


def test_refuses_a_claim_to_an_asset_not_under_control_or_disposed_of(d: Driver) -> None:
    d.send("ReleaseControl", date(2026, 2, 20), asset_id="car-1", released_on=date(2026, 2, 20),
           reason="超标的查封")
    refuses(d, "claim.asset_not_controlled", "民诉法 art.238", "RecordOutsiderClaim",
            date(2026, 3, 2), CLERK,
            **claiming(date(2026, 3, 2), asset_id="car-1", grounds="车辆系案外人所有"))
    d.send("TransferDeposit", date(2026, 2, 20), asset_id="acct-1", amount=Decimal("100000.00"),
           transferred_on=date(2026, 2, 20))
    refuses(d, "claim.asset_disposed", "民诉法解释 art.462", "RecordOutsiderClaim",
            date(2026, 3, 2), CLERK,
            **claiming(date(2026, 3, 2), asset_id="acct-1", grounds="存款系案外人所有"))


def test_refuses_the_same_outsiders_claim_again(d: Driver) -> None:
    claim(d, date(2026, 3, 2))
    rule(d, date(2026, 3, 10), "CL-1")
    refuses(d, "claim.repeated", "异议复议规定 art.15", "RecordOutsiderClaim", date(2026, 3, 11),
            CLERK, **claiming(date(2026, 3, 11), "CL-2", grounds="再次主张"))
    claim(d, date(2026, 3, 11), oid="CL-2", claimant="赵六")  # another outsider may claim


# --- rejected: 15 days for the outsider's suit, disposal held meanwhile (民诉法解释 art.463) -------

def _rejected(d: Driver) -> None:
    """王五's claim to the flat received 2026-03-02, rejected on 03-16."""
    claim(d, date(2026, 3, 2))
    rule(d, date(2026, 3, 16), "CL-1")


def _rejected_served_april_1(d: Driver) -> None:
    """The rejection served on 2026-04-01: the outsider may sue until 04-16."""
    _rejected(d)
    d.send("RecordObjectionService", date(2026, 4, 1), CLERK, objection_id="CL-1",
           served_on=date(2026, 4, 1))


def test_a_rejected_claim_holds_the_disposal_until_the_ruling_is_served(d: Driver) -> None:
    _rejected(d)
    refuses(d, "disposal.under_claim", "民诉法 art.238; 民诉法解释 art.463", "AnnounceAuction",
            date(2026, 3, 31), **announcing(date(2026, 3, 31)))


def test_no_suit_within_15_days_of_service_lets_the_disposal_proceed_on_day_16(d: Driver
                                                                              ) -> None:
    _rejected_served_april_1(d)
    refuses(d, "disposal.under_claim", "民诉法 art.238; 民诉法解释 art.463", "AnnounceAuction",
            date(2026, 4, 16), **announcing(date(2026, 4, 16)))
    announce(d, "flat-1", date(2026, 4, 17))
    assert d.app.get_case(NUMBER).assets["flat-1"].rounds[-1].status == "announced"


def test_the_outsiders_suit_is_accepted_on_day_15_and_holds_the_disposal(d: Driver) -> None:
    _rejected_served_april_1(d)
    d.send("RecordObjectionSuit", date(2026, 4, 16), CLERK, objection_id="CL-1",
           filed_on=date(2026, 4, 16))
    o = objections(d)["CL-1"]
    assert (o.suit_plaintiff, o.suit_filed_on) == ("outsider", date(2026, 4, 16))
    refuses(d, "disposal.under_claim", "民诉法解释 art.313", "AnnounceAuction",
            date(2026, 5, 4), **announcing(date(2026, 5, 4)))
    d.send("RecordSuitJudgment", date(2026, 6, 1), CLERK, objection_id="CL-1",
           judgment="enforcement_allowed", decided_on=date(2026, 6, 1))
    announce(d, "flat-1", date(2026, 6, 2))


def test_refuses_the_outsiders_suit_on_day_16(d: Driver) -> None:
    _rejected_served_april_1(d)
    refuses(d, "suit.late", "民诉法 art.238", "RecordObjectionSuit", date(2026, 4, 17), CLERK,
            objection_id="CL-1", filed_on=date(2026, 4, 17))


def test_a_judgment_for_the_outsider_stops_the_disposal_and_the_asset_is_released(d: Driver
                                                                                  ) -> None:
    _rejected_served_april_1(d)
    d.send("RecordObjectionSuit", date(2026, 4, 10), CLERK, objection_id="CL-1",
           filed_on=date(2026, 4, 10))
    d.send("RecordSuitJudgment", date(2026, 6, 1), CLERK, objection_id="CL-1",
           judgment="enforcement_excluded", decided_on=date(2026, 6, 1))
    refuses(d, "disposal.claim_upheld", "民诉法解释 art.313", "AnnounceAuction",
            date(2026, 6, 2), **announcing(date(2026, 6, 2)))
    d.send("ReleaseControl", date(2026, 6, 2), asset_id="flat-1", released_on=date(2026, 6, 2),
           reason="判决不得执行", objection_id="CL-1")
    assert d.app.get_case(NUMBER).assets["flat-1"].control is ControlStatus.RELEASED


# --- upheld: disposal stops; release after the applicant's 15 days (民诉法解释 art.314) -----------

def _upheld_served_april_1(d: Driver) -> None:
    """王五's claim to the flat received 2026-03-02, upheld on 03-16, served on 04-01."""
    claim(d, date(2026, 3, 2))
    rule(d, date(2026, 4, 1), "CL-1", "upheld", ruled_on=date(2026, 3, 16),
         served_on=date(2026, 4, 1))


def test_an_upheld_claim_stops_the_disposal_and_releases_after_the_applicants_15_days(
        d: Driver) -> None:
    _upheld_served_april_1(d)
    refuses(d, "disposal.claim_upheld", "民诉法 art.238", "AnnounceAuction", date(2026, 4, 17),
            **announcing(date(2026, 4, 17)))
    refuses(d, "objection.release_not_due", "民诉法解释 art.314", "ReleaseControl",
            date(2026, 4, 16), asset_id="flat-1", released_on=date(2026, 4, 16),
            reason="案外人异议成立", objection_id="CL-1")
    d.send("ReleaseControl", date(2026, 4, 17), asset_id="flat-1", released_on=date(2026, 4, 17),
           reason="案外人异议成立, 申请执行人未起诉", objection_id="CL-1")
    state = d.app.get_case(NUMBER)
    assert (state.assets["flat-1"].control, state.objections["CL-1"].revoked_on) == (
        ControlStatus.RELEASED, date(2026, 4, 17))


def test_the_applicants_suit_after_an_upheld_claim_can_allow_the_disposal(d: Driver) -> None:
    _upheld_served_april_1(d)
    d.send("RecordObjectionSuit", date(2026, 4, 15), CLERK, objection_id="CL-1",
           filed_on=date(2026, 4, 15))
    assert objections(d)["CL-1"].suit_plaintiff == "applicant"
    d.send("RecordSuitJudgment", date(2026, 6, 1), CLERK, objection_id="CL-1",
           judgment="enforcement_allowed", decided_on=date(2026, 6, 1))
    announce(d, "flat-1", date(2026, 6, 2))


def test_refuses_review_of_a_claim_and_a_suit_about_an_objection(d: Driver) -> None:
    claim(d, date(2026, 3, 2))
    objection(d, date(2026, 3, 2))
    rule(d, date(2026, 3, 16), "CL-1", served_on=date(2026, 3, 16))
    refuses(d, "review.not_for_claims", "民诉法 art.238", "ApplyForReview", date(2026, 3, 17),
            CLERK, objection_id="CL-1", applicant="王五", applied_on=date(2026, 3, 17))
    rule(d, date(2026, 3, 16), served_on=date(2026, 3, 16))
    refuses(d, "suit.not_for_objections", SRC_236, "RecordObjectionSuit", date(2026, 3, 17),
            CLERK, objection_id="OB-1", filed_on=date(2026, 3, 17))


# --- §7.3 终本 waits for the answer ---------------------------------------------------------------

def test_termination_is_refused_while_an_objection_is_unanswered() -> None:
    _, d = _ready()
    objection(d, date(2026, 4, 9), act="restriction", asset_id=None, grounds="限制消费错误")
    refuses(d, "termination.objection_unanswered", "民诉法 art.236; 民诉法 art.238",
            "TerminateCurrentProcedure", date(2026, 4, 11), JUDGE, ruled_on=date(2026, 4, 11),
            ruling_number=RULING, approval_mode=ApprovalMode.APPLICANT_SIGNED)
    rule(d, date(2026, 4, 11))
    d.send("TerminateCurrentProcedure", date(2026, 4, 11), JUDGE, ruled_on=date(2026, 4, 11),
           ruling_number=RULING, approval_mode=ApprovalMode.APPLICANT_SIGNED)
