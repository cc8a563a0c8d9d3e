"""(b) deposits frozen and transferred; (c) real estate sold at a re-auction; (f) a buyer's
default forfeits the deposit and the asset is auctioned again."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

from domain import events as ev
from domain.calendar import COURT_ZONE, add_years
from domain.models import ControlMeasure, FundsSource, PayeeKind
from tests.workflows.conftest import Rig
from tests.workflows.dockets import buyer_default, deposits_frozen, real_estate


def inquiry(found_after: str | None = None, day: int = 0) -> list[tuple[str, int]]:
    """Seven channel inquiries in channel order, an AssetFound after the channel that found it."""
    out: list[tuple[str, int]] = []
    for channel in ("deposits", "vehicles", "real_estate", "securities", "equity",
                    "online_payment", "insurance"):
        out.append(("NetworkInquiryMade", day))
        if channel == found_after:
            out.append(("AssetFound", day))
    return out


def ten_am(day: datetime | object) -> datetime:
    assert hasattr(day, "isoformat")
    return datetime.combine(day, time(10), tzinfo=COURT_ZONE)  # type: ignore[arg-type]


async def test_deposits_are_frozen_within_the_claim_transferred_and_paid_out(rig: Rig) -> None:
    case = deposits_frozen()
    outcome = await rig.run(case)

    assert outcome.closure_mode == "concluded"
    assert rig.timeline(case.case_number) == [
        ("CaseFiled", 0), ("NoticeIssued", 0), *inquiry("deposits"), ("AssetControlled", 0),
        ("NoticeServed", 2), ("PropertyReportRecorded", 5), ("DepositTransferred", 7),
        ("FundsReceived", 7), ("FundsPaidOut", 10), ("CaseConcluded", 10)]
    d0 = rig.filed_on(case.case_number)
    events = rig.app.case_events(case.case_number)
    frozen = next(e for e in events if isinstance(e, ev.AssetControlled))
    assert (frozen.measure, frozen.amount, frozen.effective_on, frozen.expires_on) == (
        ControlMeasure.FREEZE, Decimal("120000.00"), d0, add_years(d0, 1))
    moved = next(e for e in events if isinstance(e, ev.DepositTransferred))
    assert (moved.amount, moved.transferred_on) == (Decimal("120000.00"), d0 + timedelta(7))
    paid = next(e for e in events if isinstance(e, ev.FundsPaidOut))
    assert (paid.amount, paid.paid_on, paid.late) == (Decimal("120000.00"), d0 + timedelta(10),
                                                      False)


async def test_real_estate_fails_once_then_sells_at_a_cut_and_is_paid_out(rig: Rig) -> None:
    case = real_estate()
    outcome = await rig.run(case)

    assert outcome.closure_mode == "concluded"
    assert rig.timeline(case.case_number) == [
        ("CaseFiled", 0), ("NoticeIssued", 0), *inquiry("real_estate"), ("AssetControlled", 0),
        ("NoticeServed", 2), ("PropertyReportRecorded", 5), ("ReferencePriceSet", 8),
        ("AuctionAnnounced", 15), ("AuctionFailed", 46), ("AuctionAnnounced", 53),
        ("BidPlaced", 69), ("BidPlaced", 69), ("AuctionSold", 69), ("FundsReceived", 79),
        ("FundsPaidOut", 82), ("FundsPaidOut", 82), ("FundsPaidOut", 82),
        ("CaseConcluded", 82)]
    d0 = rig.filed_on(case.case_number)
    events = rig.app.case_events(case.case_number)
    sealed = next(e for e in events if isinstance(e, ev.AssetControlled))
    assert (sealed.measure, sealed.expires_on) == (ControlMeasure.SEAL, add_years(d0, 3))
    price = next(e for e in events if isinstance(e, ev.ReferencePriceSet))
    assert (price.amount, price.requested_on, price.determined_on) == (
        Decimal("600000.00"), d0 + timedelta(5), d0 + timedelta(8))
    first, second = [e for e in events if isinstance(e, ev.AuctionAnnounced)]
    assert (first.start_price, first.deposit, first.reauction) == (
        Decimal("420000.00"), Decimal("42000.00"), False)  # 70% of the reference price
    assert first.opens_at == ten_am(d0 + timedelta(15 + 30))  # real estate: 30 days' notice
    assert first.closes_at - first.opens_at == timedelta(hours=24)
    assert (second.start_price, second.reauction) == (Decimal("336000.00"), True)  # -20%
    assert second.announced_on == d0 + timedelta(53)  # within 30 days of the failure
    assert second.opens_at == ten_am(d0 + timedelta(53 + 15))  # re-auction: 15 days' notice
    sold = next(e for e in events if isinstance(e, ev.AuctionSold))
    assert (sold.buyer, sold.price, sold.round) == ("bidder-b", Decimal("350000.00"), 2)
    proceeds = next(e for e in events if isinstance(e, ev.FundsReceived))
    assert (proceeds.amount, proceeds.source) == (Decimal("350000.00"),
                                                  FundsSource.AUCTION_PROCEEDS)
    # the price arrives whole: ¥300,000 owed, the 执行申请费 ¥4,400, the rest back to the debtor
    assert [(a.payee_kind, a.amount) for a in proceeds.allocations] == [
        (PayeeKind.APPLICANT, Decimal("300000.00")), (PayeeKind.COURT_FEE, Decimal("4400.00")),
        (PayeeKind.DEBTOR_REFUND, Decimal("45600.00"))]
    paid = [e for e in events if isinstance(e, ev.FundsPaidOut)]
    assert [(p.payee_kind, p.amount) for p in paid] == [
        (a.payee_kind, a.amount) for a in proceeds.allocations]
    assert all(p.paid_on - proceeds.received_on <= timedelta(30) and not p.late for p in paid)


async def test_buyer_default_forfeits_the_deposit_and_the_asset_is_auctioned_again(
        rig: Rig) -> None:
    case = buyer_default()
    outcome = await rig.run(case)

    assert outcome.closure_mode == "concluded"
    assert rig.timeline(case.case_number) == [
        ("CaseFiled", 0), ("NoticeIssued", 0), *inquiry("real_estate"), ("AssetControlled", 0),
        ("NoticeServed", 2), ("PropertyReportRecorded", 5), ("ReferencePriceSet", 8),
        ("AuctionAnnounced", 15), ("BidPlaced", 46), ("AuctionSold", 46),
        ("BuyerDefaulted", 56), ("AuctionAnnounced", 63), ("BidPlaced", 94),
        ("AuctionSold", 94), ("ForfeitedDepositApplied", 94), ("FundsReceived", 94),
        ("FundsPaidOut", 97), ("FundsReceived", 104), ("FundsPaidOut", 107),
        ("FundsPaidOut", 107), ("FundsPaidOut", 107), ("CaseConcluded", 107)]
    events = rig.app.case_events(case.case_number)
    default = next(e for e in events if isinstance(e, ev.BuyerDefaulted))
    assert (default.buyer, default.forfeited) == ("bidder-1", Decimal("42000.00"))
    again = [e for e in events if isinstance(e, ev.AuctionAnnounced)][1]
    assert (again.round, again.reauction, again.start_price) == (2, False, Decimal("420000.00"))
    sold = [e for e in events if isinstance(e, ev.AuctionSold)][1]
    assert (sold.buyer, sold.price) == ("bidder-2", Decimal("430000.00"))
    applied = next(e for e in events if isinstance(e, ev.ForfeitedDepositApplied))
    assert (applied.to_shortfall, applied.to_debt) == (Decimal("0.00"), Decimal("42000.00"))
    received = [e for e in events if isinstance(e, ev.FundsReceived)]
    assert [(r.source, r.amount) for r in received] == [
        (FundsSource.FORFEITED_DEPOSIT, Decimal("42000.00")),
        (FundsSource.AUCTION_PROCEEDS, Decimal("430000.00"))]  # whole: ¥258,000 still owed,
    assert [a.amount for a in received[1].allocations] == [  # the fee, the debtor's surplus
        Decimal("258000.00"), Decimal("4400.00"), Decimal("167600.00")]
    status = await rig.engine.status(case.case_number)
    assert [(p.code, p.source) for p in status.problems] == [
        ("auction.bidder_barred", "网拍规定 art.24")]  # the defaulter's bid in round 2
