"""Freezing, seizure and sealing: maximum periods, renewal, lapse, queued seizure, over-seizure,
exempt property, wage garnishment and its living allowance, deposit transfer.

Every case here is filed on Monday 2 March 2026 for ¥1,000,000.00 (the balance)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from pydantic import ValidationError

from domain.errors import NotPermittedError
from domain.models import AssetFinding, ControlMeasure, PriceMethod
from domain.rules import AssetKind
from domain.state import ControlStatus
from domain.values import Actor
from tests.support import CLERK, JUDGE, NUMBER, OFFICER, Driver, new_app, refuses

FILED = date(2026, 3, 2)
ACCOUNT = AssetFinding(asset_id="acct-1", kind=AssetKind.DEPOSIT,
                       description="工商银行 账户 ****1234", value=Decimal("1500000.00"))
SECOND_ACCOUNT = AssetFinding(asset_id="acct-2", kind=AssetKind.DEPOSIT,
                              description="农业银行 账户 ****5678", value=Decimal("800000.00"))
CAR = AssetFinding(asset_id="car-1", kind=AssetKind.VEHICLE, description="甘D·12345 轿车",
                   value=Decimal("200000.00"))
FLAT = AssetFinding(asset_id="flat-1", kind=AssetKind.REAL_ESTATE,
                    description="白银区 某小区 3-201 商品房", value=Decimal("900000.00"))
LAND = AssetFinding(asset_id="land-1", kind=AssetKind.REAL_ESTATE,
                    description="白银区 工业用地使用权 两宗", value=Decimal("3000000.00"))
PLANT = AssetFinding(asset_id="plant-1", kind=AssetKind.REAL_ESTATE,
                     description="厂房一栋", value=Decimal("3000000.00"), indivisible=True)
HOME = AssetFinding(asset_id="home-1", kind=AssetKind.REAL_ESTATE,
                    description="唯一住房", value=Decimal("400000.00"), necessary_home=True)
BEDDING = AssetFinding(asset_id="bed-1", kind=AssetKind.MOVABLE, description="被褥 衣物",
                       value=Decimal("2000.00"), exempt=True)
SALARY = AssetFinding(asset_id="wage-1", kind=AssetKind.WAGES, description="月工资",
                      value=Decimal("6000.00"))


@pytest.fixture
def d() -> Driver:
    """A case filed on 2 March 2026 for ¥1,000,000.00, every asset above registered."""
    driver = Driver(new_app())
    driver.file(FILED, principal="1000000.00")
    for asset in (ACCOUNT, SECOND_ACCOUNT, CAR, FLAT, LAND, PLANT, HOME, BEDDING, SALARY):
        driver.send("RegisterAsset", FILED, asset=asset, found_on=FILED)
    return driver


# --- maximum periods (民诉法解释 art.485) --------------------------------------------------------

def test_accepts_deposit_freeze_of_exactly_one_year(d: Driver) -> None:
    d.send("ControlAsset", FILED, asset_id="acct-1", measure=ControlMeasure.FREEZE,
           amount=Decimal("500000.00"), effective_on=FILED, expires_on=date(2027, 3, 2))
    account = d.app.get_case(NUMBER).assets["acct-1"]
    assert (account.control, account.expires_on) == (ControlStatus.ACTIVE, date(2027, 3, 2))


def test_refuses_deposit_freeze_beyond_one_year(d: Driver) -> None:
    refuses(d, "control.period_exceeds_maximum", "民诉法解释 art.485", "ControlAsset", FILED,
            asset_id="acct-1", measure=ControlMeasure.FREEZE, amount=Decimal("500000.00"),
            effective_on=FILED, expires_on=date(2027, 3, 3))


def test_accepts_seizure_of_a_vehicle_for_exactly_two_years(d: Driver) -> None:
    d.send("ControlAsset", FILED, asset_id="car-1", measure=ControlMeasure.SEIZE,
           amount=Decimal("200000.00"), effective_on=FILED, expires_on=date(2028, 3, 2))
    assert d.app.get_case(NUMBER).assets["car-1"].expires_on == date(2028, 3, 2)


def test_refuses_seizure_of_a_vehicle_beyond_two_years(d: Driver) -> None:
    refuses(d, "control.period_exceeds_maximum", "民诉法解释 art.485", "ControlAsset", FILED,
            asset_id="car-1", measure=ControlMeasure.SEIZE, amount=Decimal("200000.00"),
            effective_on=FILED, expires_on=date(2028, 3, 3))


def test_accepts_sealing_real_estate_for_exactly_three_years(d: Driver) -> None:
    d.send("ControlAsset", FILED, asset_id="flat-1", measure=ControlMeasure.SEAL,
           amount=Decimal("900000.00"), effective_on=FILED, expires_on=date(2029, 3, 2))
    assert d.app.get_case(NUMBER).assets["flat-1"].expires_on == date(2029, 3, 2)


def test_refuses_sealing_real_estate_beyond_three_years(d: Driver) -> None:
    refuses(d, "control.period_exceeds_maximum", "民诉法解释 art.485", "ControlAsset", FILED,
            asset_id="flat-1", measure=ControlMeasure.SEAL, amount=Decimal("900000.00"),
            effective_on=FILED, expires_on=date(2029, 3, 3))


# --- renewal before expiry (民诉法解释 art.485; 查封规定 art.27) ------------------------------------

def test_accepts_renewal_on_the_expiry_day(d: Driver) -> None:
    d.send("ControlAsset", FILED, asset_id="acct-1", measure=ControlMeasure.FREEZE,
           amount=Decimal("500000.00"), effective_on=FILED, expires_on=date(2027, 3, 2))
    d.send("RenewControl", date(2027, 3, 2), asset_id="acct-1", renewed_on=date(2027, 3, 2),
           expires_on=date(2028, 3, 2))
    account = d.app.get_case(NUMBER).assets["acct-1"]
    assert (account.expires_on, account.renewals) == (date(2028, 3, 2), 1)


def test_refuses_renewal_the_day_after_expiry(d: Driver) -> None:
    d.send("ControlAsset", FILED, asset_id="acct-1", measure=ControlMeasure.FREEZE,
           amount=Decimal("500000.00"), effective_on=FILED, expires_on=date(2027, 3, 2))
    refuses(d, "control.renewal_after_expiry", "查封规定 art.27", "RenewControl",
            date(2027, 3, 3), asset_id="acct-1", renewed_on=date(2027, 3, 3),
            expires_on=date(2028, 3, 2))


def test_refuses_renewal_longer_than_the_same_maximum(d: Driver) -> None:
    d.send("ControlAsset", FILED, asset_id="acct-1", measure=ControlMeasure.FREEZE,
           amount=Decimal("500000.00"), effective_on=FILED, expires_on=date(2027, 3, 2))
    refuses(d, "control.period_exceeds_maximum", "民诉法解释 art.485", "RenewControl",
            date(2027, 2, 1), asset_id="acct-1", renewed_on=date(2027, 2, 1),
            expires_on=date(2028, 3, 3))


# --- lapse (查封规定 art.27) ----------------------------------------------------------------------

def test_refuses_lapse_on_the_expiry_day(d: Driver) -> None:
    d.send("ControlAsset", FILED, asset_id="acct-1", measure=ControlMeasure.FREEZE,
           amount=Decimal("500000.00"), effective_on=FILED, expires_on=date(2027, 3, 2))
    refuses(d, "control.not_expired", "查封规定 art.27", "RecordControlLapse", date(2027, 3, 2),
            asset_id="acct-1", lapsed_on=date(2027, 3, 2))


def test_records_lapse_the_day_after_expiry(d: Driver) -> None:
    d.send("ControlAsset", FILED, asset_id="acct-1", measure=ControlMeasure.FREEZE,
           amount=Decimal("500000.00"), effective_on=FILED, expires_on=date(2027, 3, 2))
    d.send("RecordControlLapse", date(2027, 3, 3), asset_id="acct-1", lapsed_on=date(2027, 3, 3))
    assert d.app.get_case(NUMBER).assets["acct-1"].control is ControlStatus.LAPSED


# --- queued seizure 轮候查封 (查封规定 art.26) -----------------------------------------------------

def test_refuses_transfer_from_a_queued_freeze(d: Driver) -> None:
    d.send("ControlAsset", FILED, asset_id="acct-1", measure=ControlMeasure.FREEZE,
           amount=Decimal("500000.00"), effective_on=FILED, expires_on=date(2027, 3, 2),
           queue_position=1)
    refuses(d, "transfer.not_frozen", "查封规定 art.26", "TransferDeposit", date(2026, 3, 9),
            asset_id="acct-1", amount=Decimal("500000.00"), transferred_on=date(2026, 3, 9))


def test_refuses_disposal_of_a_queued_seizure(d: Driver) -> None:
    d.send("ControlAsset", FILED, asset_id="flat-1", measure=ControlMeasure.SEAL,
           amount=Decimal("900000.00"), effective_on=FILED, expires_on=date(2029, 3, 2),
           queue_position=1)
    refuses(d, "disposal.not_controlled", "查封规定 art.26", "SetReferencePrice",
            date(2026, 3, 20), asset_id="flat-1", method=PriceMethod.NETWORK_INQUIRY,
            amount=Decimal("900000.00"), requested_on=date(2026, 3, 16),
            determined_on=date(2026, 3, 19))


def test_queued_seizure_stays_queued_until_it_reaches_the_head(d: Driver) -> None:
    d.send("ControlAsset", FILED, asset_id="flat-1", measure=ControlMeasure.SEAL,
           amount=Decimal("900000.00"), effective_on=FILED, expires_on=date(2029, 3, 2),
           queue_position=2)
    d.send("AdvanceQueue", date(2026, 6, 1), asset_id="flat-1", advanced_on=date(2026, 6, 1))
    flat = d.app.get_case(NUMBER).assets["flat-1"]
    assert (flat.control, flat.queue_position, flat.effective_on) == (
        ControlStatus.QUEUED, 1, None)


def test_queued_seizure_takes_effect_at_position_zero(d: Driver) -> None:
    d.send("ControlAsset", FILED, asset_id="flat-1", measure=ControlMeasure.SEAL,
           amount=Decimal("900000.00"), effective_on=FILED, expires_on=date(2029, 3, 2),
           queue_position=1)
    d.send("AdvanceQueue", date(2026, 6, 1), asset_id="flat-1", advanced_on=date(2026, 6, 1),
           expires_on=date(2029, 6, 1))
    flat = d.app.get_case(NUMBER).assets["flat-1"]
    assert (flat.control, flat.effective_on, flat.expires_on) == (
        ControlStatus.ACTIVE, date(2026, 6, 1), date(2029, 6, 1))


def test_refuses_a_queued_seizure_taking_effect_for_longer_than_the_maximum(d: Driver) -> None:
    d.send("ControlAsset", FILED, asset_id="flat-1", measure=ControlMeasure.SEAL,
           amount=Decimal("900000.00"), effective_on=FILED, expires_on=date(2029, 3, 2),
           queue_position=1)
    refuses(d, "control.period_exceeds_maximum", "民诉法解释 art.485", "AdvanceQueue",
            date(2026, 6, 1), asset_id="flat-1", advanced_on=date(2026, 6, 1),
            expires_on=date(2029, 6, 2))


# --- no clear over-seizure (查封规定 art.19; 民诉法 art.253) ----------------------------------------

def test_accepts_deposit_freeze_of_exactly_the_balance(d: Driver) -> None:
    d.send("ControlAsset", FILED, asset_id="acct-1", measure=ControlMeasure.FREEZE,
           amount=Decimal("1000000.00"), effective_on=FILED, expires_on=date(2027, 3, 2))
    assert d.app.get_case(NUMBER).assets["acct-1"].amount == Decimal("1000000.00")


def test_refuses_deposit_freeze_one_cent_over_the_balance(d: Driver) -> None:
    refuses(d, "control.over_seizure", "查封规定 art.19; 民诉法 art.253", "ControlAsset", FILED,
            asset_id="acct-1", measure=ControlMeasure.FREEZE, amount=Decimal("1000000.01"),
            effective_on=FILED, expires_on=date(2027, 3, 2))


def test_accepts_second_freeze_of_exactly_the_remaining_balance(d: Driver) -> None:
    d.send("ControlAsset", FILED, asset_id="acct-1", measure=ControlMeasure.FREEZE,
           amount=Decimal("600000.00"), effective_on=FILED, expires_on=date(2027, 3, 2))
    d.send("ControlAsset", FILED, asset_id="acct-2", measure=ControlMeasure.FREEZE,
           amount=Decimal("400000.00"), effective_on=FILED, expires_on=date(2027, 3, 2))
    assert d.app.get_case(NUMBER).assets["acct-2"].amount == Decimal("400000.00")


def test_refuses_second_freeze_one_cent_over_the_remaining_balance(d: Driver) -> None:
    d.send("ControlAsset", FILED, asset_id="acct-1", measure=ControlMeasure.FREEZE,
           amount=Decimal("600000.00"), effective_on=FILED, expires_on=date(2027, 3, 2))
    refuses(d, "control.over_seizure", "查封规定 art.19; 民诉法 art.253", "ControlAsset", FILED,
            asset_id="acct-2", measure=ControlMeasure.FREEZE, amount=Decimal("400000.01"),
            effective_on=FILED, expires_on=date(2027, 3, 2))


def test_refuses_further_control_once_the_balance_is_covered(d: Driver) -> None:
    d.send("ControlAsset", FILED, asset_id="acct-1", measure=ControlMeasure.FREEZE,
           amount=Decimal("1000000.00"), effective_on=FILED, expires_on=date(2027, 3, 2))
    refuses(d, "control.over_seizure", "查封规定 art.19; 民诉法 art.253", "ControlAsset", FILED,
            asset_id="plant-1", measure=ControlMeasure.SEAL, amount=Decimal("3000000.00"),
            effective_on=FILED, expires_on=date(2029, 3, 2))


def test_accepts_sealing_a_divisible_property_up_to_the_balance(d: Driver) -> None:
    d.send("ControlAsset", FILED, asset_id="land-1", measure=ControlMeasure.SEAL,
           amount=Decimal("1000000.00"), effective_on=FILED, expires_on=date(2029, 3, 2))
    assert d.app.get_case(NUMBER).assets["land-1"].amount == Decimal("1000000.00")


def test_refuses_sealing_a_divisible_property_beyond_the_balance(d: Driver) -> None:
    refuses(d, "control.over_seizure", "查封规定 art.19; 民诉法 art.253", "ControlAsset", FILED,
            asset_id="land-1", measure=ControlMeasure.SEAL, amount=Decimal("1000000.01"),
            effective_on=FILED, expires_on=date(2029, 3, 2))


def test_accepts_sealing_an_indivisible_property_worth_more_than_the_balance(d: Driver) -> None:
    d.send("ControlAsset", FILED, asset_id="plant-1", measure=ControlMeasure.SEAL,
           amount=Decimal("3000000.00"), effective_on=FILED, expires_on=date(2029, 3, 2))
    assert d.app.get_case(NUMBER).assets["plant-1"].control is ControlStatus.ACTIVE


def test_accepts_freezing_a_whole_account_below_the_balance(d: Driver) -> None:
    d.send("ControlAsset", FILED, asset_id="acct-2", measure=ControlMeasure.FREEZE,
           amount=Decimal("800000.00"), effective_on=FILED, expires_on=date(2027, 3, 2))
    assert d.app.get_case(NUMBER).assets["acct-2"].amount == Decimal("800000.00")


def test_refuses_freezing_more_than_the_account_holds(d: Driver) -> None:
    refuses(d, "control.amount_exceeds_asset", "查封规定 art.19; 民诉法 art.253", "ControlAsset",
            FILED, asset_id="acct-2", measure=ControlMeasure.FREEZE, amount=Decimal("800000.01"),
            effective_on=FILED, expires_on=date(2027, 3, 2))


def test_a_queued_seizure_does_not_count_as_covering_the_balance(d: Driver) -> None:
    d.send("ControlAsset", FILED, asset_id="plant-1", measure=ControlMeasure.SEAL,
           amount=Decimal("3000000.00"), effective_on=FILED, expires_on=date(2029, 3, 2),
           queue_position=1)
    d.send("ControlAsset", FILED, asset_id="acct-1", measure=ControlMeasure.FREEZE,
           amount=Decimal("1000000.00"), effective_on=FILED, expires_on=date(2027, 3, 2))
    assert d.app.get_case(NUMBER).assets["acct-1"].control is ControlStatus.ACTIVE


def test_an_expired_freeze_no_longer_counts_as_covering_the_balance(d: Driver) -> None:
    d.send("ControlAsset", FILED, asset_id="acct-1", measure=ControlMeasure.FREEZE,
           amount=Decimal("1000000.00"), effective_on=FILED, expires_on=date(2027, 3, 2))
    d.send("ControlAsset", date(2027, 3, 3), asset_id="acct-2", measure=ControlMeasure.FREEZE,
           amount=Decimal("800000.00"), effective_on=date(2027, 3, 3),
           expires_on=date(2028, 3, 3))
    assert d.app.get_case(NUMBER).assets["acct-2"].control is ControlStatus.ACTIVE


# --- exempt property and the necessary home (查封规定 arts.3, 4) -----------------------------------

def test_refuses_seizing_exempt_necessities(d: Driver) -> None:
    refuses(d, "control.exempt_property", "查封规定 art.3", "ControlAsset", FILED,
            asset_id="bed-1", measure=ControlMeasure.SEIZE, amount=Decimal("2000.00"),
            effective_on=FILED, expires_on=date(2028, 3, 2))


def test_accepts_sealing_the_debtors_necessary_home(d: Driver) -> None:
    d.send("ControlAsset", FILED, asset_id="home-1", measure=ControlMeasure.SEAL,
           amount=Decimal("400000.00"), effective_on=FILED, expires_on=date(2029, 3, 2))
    assert d.app.get_case(NUMBER).assets["home-1"].control is ControlStatus.ACTIVE


# --- wage garnishment and the living allowance (民诉法 art.254) ------------------------------------

def test_accepts_garnishing_wages_down_to_the_living_allowance(d: Driver) -> None:
    d.send("ControlAsset", FILED, asset_id="wage-1", measure=ControlMeasure.FREEZE,
           amount=Decimal("5000.00"), living_allowance=Decimal("1000.00"), effective_on=FILED,
           expires_on=date(2027, 3, 2))
    wages = d.app.get_case(NUMBER).assets["wage-1"]
    assert (wages.amount, wages.living_allowance) == (Decimal("5000.00"), Decimal("1000.00"))


def test_refuses_garnishing_one_cent_of_the_living_allowance(d: Driver) -> None:
    refuses(d, "control.living_allowance_too_low", "民诉法 art.254; 查封规定 art.3",
            "ControlAsset", FILED, asset_id="wage-1", measure=ControlMeasure.FREEZE,
            amount=Decimal("5000.01"), living_allowance=Decimal("1000.00"), effective_on=FILED,
            expires_on=date(2027, 3, 2))


def test_refuses_a_living_allowance_below_the_local_standard(d: Driver) -> None:
    refuses(d, "control.living_allowance_too_low", "民诉法 art.254; 查封规定 art.3",
            "ControlAsset", FILED, asset_id="wage-1", measure=ControlMeasure.FREEZE,
            amount=Decimal("4000.00"), living_allowance=Decimal("999.99"), effective_on=FILED,
            expires_on=date(2027, 3, 2))


def test_judge_raises_the_living_allowance_on_a_panel_decision(d: Driver) -> None:
    d.send("ControlAsset", FILED, asset_id="wage-1", measure=ControlMeasure.FREEZE,
           amount=Decimal("5000.00"), living_allowance=Decimal("1000.00"), effective_on=FILED,
           expires_on=date(2027, 3, 2))
    d.send("AdjustLivingAllowance", date(2026, 6, 1), JUDGE, asset_id="wage-1",
           allowance=Decimal("1800.00"), panel_decision="合议庭评议笔录 2026-06-01",
           decided_on=date(2026, 6, 1))
    wages = d.app.get_case(NUMBER).assets["wage-1"]
    assert (wages.living_allowance, wages.amount) == (Decimal("1800.00"), Decimal("4200.00"))


@pytest.mark.parametrize("actor", [OFFICER, CLERK], ids=["officer", "clerk"])
def test_only_a_judge_may_change_the_living_allowance(d: Driver, actor: Actor) -> None:
    d.send("ControlAsset", FILED, asset_id="wage-1", measure=ControlMeasure.FREEZE,
           amount=Decimal("5000.00"), living_allowance=Decimal("1000.00"), effective_on=FILED,
           expires_on=date(2027, 3, 2))
    before = d.app.recorder.max_notification_id()
    with pytest.raises(NotPermittedError) as refused:
        d.send("AdjustLivingAllowance", date(2026, 6, 1), actor, asset_id="wage-1",
               allowance=Decimal("1800.00"), panel_decision="合议庭评议笔录 2026-06-01",
               decided_on=date(2026, 6, 1))
    assert refused.value.code == "role.not_permitted"
    assert d.app.recorder.max_notification_id() == before


def test_a_living_allowance_change_needs_a_recorded_panel_decision(d: Driver) -> None:
    with pytest.raises(ValidationError) as invalid:
        d.send("AdjustLivingAllowance", date(2026, 6, 1), JUDGE, asset_id="wage-1",
               allowance=Decimal("1800.00"), panel_decision="", decided_on=date(2026, 6, 1))
    assert [e["loc"] for e in invalid.value.errors()] == [("panel_decision",)]


def test_refuses_lowering_the_allowance_below_the_local_standard(d: Driver) -> None:
    d.send("ControlAsset", FILED, asset_id="wage-1", measure=ControlMeasure.FREEZE,
           amount=Decimal("5000.00"), living_allowance=Decimal("1000.00"), effective_on=FILED,
           expires_on=date(2027, 3, 2))
    refuses(d, "control.living_allowance_too_low", "民诉法 art.254; 查封规定 art.3",
            "AdjustLivingAllowance", date(2026, 6, 1), JUDGE, asset_id="wage-1",
            allowance=Decimal("999.99"), panel_decision="合议庭评议笔录 2026-06-01",
            decided_on=date(2026, 6, 1))


def test_refuses_an_allowance_that_leaves_nothing_to_garnish(d: Driver) -> None:
    d.send("ControlAsset", FILED, asset_id="wage-1", measure=ControlMeasure.FREEZE,
           amount=Decimal("5000.00"), living_allowance=Decimal("1000.00"), effective_on=FILED,
           expires_on=date(2027, 3, 2))
    refuses(d, "control.allowance_exceeds_income", "民诉法 art.254; 查封规定 art.3",
            "AdjustLivingAllowance", date(2026, 6, 1), JUDGE, asset_id="wage-1",
            allowance=Decimal("6000.00"), panel_decision="合议庭评议笔录 2026-06-01",
            decided_on=date(2026, 6, 1))

# --- deposit transfer 划拨 (民诉法 art.253) ---------------------------------------------------------

def test_accepts_transferring_the_whole_frozen_amount(d: Driver) -> None:
    d.send("ControlAsset", FILED, asset_id="acct-1", measure=ControlMeasure.FREEZE,
           amount=Decimal("600000.00"), effective_on=FILED, expires_on=date(2027, 3, 2))
    d.send("TransferDeposit", date(2026, 3, 9), asset_id="acct-1", amount=Decimal("600000.00"),
           transferred_on=date(2026, 3, 9))
    assert d.app.get_case(NUMBER).outstanding == Decimal("400000.00")


def test_refuses_transferring_one_cent_more_than_was_frozen(d: Driver) -> None:
    d.send("ControlAsset", FILED, asset_id="acct-1", measure=ControlMeasure.FREEZE,
           amount=Decimal("600000.00"), effective_on=FILED, expires_on=date(2027, 3, 2))
    refuses(d, "transfer.exceeds_frozen", "民诉法 art.253", "TransferDeposit", date(2026, 3, 9),
            asset_id="acct-1", amount=Decimal("600000.01"), transferred_on=date(2026, 3, 9))


def test_refuses_transferring_one_cent_more_than_the_balance(d: Driver) -> None:
    d.send("ControlAsset", FILED, asset_id="acct-1", measure=ControlMeasure.FREEZE,
           amount=Decimal("1000000.00"), effective_on=FILED, expires_on=date(2027, 3, 2))
    d.send("RecordFundsReceived", date(2026, 3, 5), CLERK, amount=Decimal("400000.00"),
           received_on=date(2026, 3, 5))
    refuses(d, "transfer.exceeds_balance", "查封规定 art.19; 民诉法 art.253", "TransferDeposit",
            date(2026, 3, 9), asset_id="acct-1", amount=Decimal("600000.01"),
            transferred_on=date(2026, 3, 9))


def test_refuses_transferring_from_property_that_is_not_money(d: Driver) -> None:
    d.send("ControlAsset", FILED, asset_id="car-1", measure=ControlMeasure.SEIZE,
           amount=Decimal("200000.00"), effective_on=FILED, expires_on=date(2028, 3, 2))
    refuses(d, "transfer.not_money", "民诉法 art.253", "TransferDeposit", date(2026, 3, 9),
            asset_id="car-1", amount=Decimal("200000.00"), transferred_on=date(2026, 3, 9))


def test_accepts_transfer_on_the_day_the_freeze_expires(d: Driver) -> None:
    d.send("ControlAsset", FILED, asset_id="acct-1", measure=ControlMeasure.FREEZE,
           amount=Decimal("600000.00"), effective_on=FILED, expires_on=date(2027, 3, 2))
    d.send("TransferDeposit", date(2027, 3, 2), asset_id="acct-1", amount=Decimal("600000.00"),
           transferred_on=date(2027, 3, 2))
    assert d.app.get_case(NUMBER).assets["acct-1"].transferred == Decimal("600000.00")


def test_refuses_transfer_after_the_freeze_expired(d: Driver) -> None:
    d.send("ControlAsset", FILED, asset_id="acct-1", measure=ControlMeasure.FREEZE,
           amount=Decimal("600000.00"), effective_on=FILED, expires_on=date(2027, 3, 2))
    refuses(d, "transfer.control_expired", "查封规定 art.27", "TransferDeposit", date(2027, 3, 3),
            asset_id="acct-1", amount=Decimal("600000.00"), transferred_on=date(2027, 3, 3))

