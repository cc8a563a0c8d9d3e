"""A whole case history with literal values, shared by the record tests (restart, tampering)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from domain.models import AssetFinding, ControlMeasure, FundsSource, PriceMethod
from domain.rules import AssetKind, Channel
from tests.support import CLERK, JUDGE, Driver, at

ACCOUNT = AssetFinding(asset_id="acct-1", kind=AssetKind.DEPOSIT,
                       description="工商银行 账户 ****1234", value=Decimal("50000.00"))
HOUSE = AssetFinding(asset_id="house-1", kind=AssetKind.REAL_ESTATE,
                     description="白银区 某小区 3-2-501", value=Decimal("1200000.00"))


def auction_case(d: Driver) -> None:
    """Filed, noticed, inquired, a deposit frozen and transferred, the house sealed and auctioned
    (failed, re-auctioned, sold), paid out and concluded: ¥1,000,000.00 owed = ¥50,000.00 from the
    account + ¥600,000.00 from the sale + ¥350,000.00 paid by the debtor."""
    d.file(date(2026, 1, 10), principal="1000000.00")
    d.send("IssueNotice", date(2026, 1, 12), CLERK, issued_on=date(2026, 1, 12),
           report_due_on=date(2026, 1, 22))
    d.send("RecordNoticeService", date(2026, 1, 14), CLERK, served_on=date(2026, 1, 14))
    d.send("RecordNetworkInquiry", date(2026, 1, 15), queried_on=date(2026, 1, 15),
           channel=Channel.DEPOSITS, findings=(ACCOUNT,))
    for channel in (Channel.VEHICLES, Channel.SECURITIES):
        d.send("RecordNetworkInquiry", date(2026, 1, 15), queried_on=date(2026, 1, 15),
               channel=channel)
    d.send("RecordNetworkInquiry", date(2026, 1, 15), queried_on=date(2026, 1, 15),
           channel=Channel.REAL_ESTATE, findings=(HOUSE,))
    d.send("ControlAsset", date(2026, 1, 15), asset_id="acct-1", measure=ControlMeasure.FREEZE,
           amount=Decimal("50000.00"), effective_on=date(2026, 1, 15),
           expires_on=date(2027, 1, 15))
    d.send("ControlAsset", date(2026, 1, 16), asset_id="house-1", measure=ControlMeasure.SEAL,
           amount=Decimal("950000.00"), effective_on=date(2026, 1, 16),
           expires_on=date(2029, 1, 16))
    d.send("TransferDeposit", date(2026, 1, 20), asset_id="acct-1", amount=Decimal("50000.00"),
           transferred_on=date(2026, 1, 20))
    d.send("PayOut", date(2026, 1, 23), amount=Decimal("50000.00"), paid_on=date(2026, 1, 23))
    d.send("SetReferencePrice", date(2026, 2, 10), asset_id="house-1",
           method=PriceMethod.APPRAISAL, amount=Decimal("1000000.00"),
           requested_on=date(2026, 1, 20), determined_on=date(2026, 2, 10))
    d.send("AnnounceAuction", date(2026, 2, 11), asset_id="house-1",
           start_price=Decimal("700000.00"), deposit=Decimal("70000.00"),
           announced_on=date(2026, 2, 11), opens_at=at(date(2026, 3, 16)),
           closes_at=at(date(2026, 3, 17)))
    d.send("CloseAuction", date(2026, 3, 17), asset_id="house-1",
           closed_at=at(date(2026, 3, 17), 11))
    d.send("AnnounceAuction", date(2026, 3, 20), asset_id="house-1",
           start_price=Decimal("560000.00"), deposit=Decimal("56000.00"),
           announced_on=date(2026, 3, 20), opens_at=at(date(2026, 4, 7)),
           closes_at=at(date(2026, 4, 8)))
    d.send("RecordBid", date(2026, 4, 7), hour=11, asset_id="house-1", bidder="bidder-1",
           amount=Decimal("560000.00"), bid_at=at(date(2026, 4, 7), 11))
    d.send("RecordBid", date(2026, 4, 8), hour=9, asset_id="house-1", bidder="bidder-2",
           amount=Decimal("600000.00"), bid_at=at(date(2026, 4, 8), 9))
    d.send("CloseAuction", date(2026, 4, 8), asset_id="house-1",
           closed_at=at(date(2026, 4, 8), 11))
    d.send("RecordFundsReceived", date(2026, 4, 20), CLERK, amount=Decimal("600000.00"),
           received_on=date(2026, 4, 20), source=FundsSource.AUCTION_PROCEEDS)
    d.send("PayOut", date(2026, 4, 28), amount=Decimal("600000.00"), paid_on=date(2026, 4, 28))
    d.send("RecordFundsReceived", date(2026, 5, 6), CLERK, amount=Decimal("350000.00"),
           received_on=date(2026, 5, 6))
    d.send("PayOut", date(2026, 5, 8), amount=Decimal("350000.00"), paid_on=date(2026, 5, 8))
    d.send("ConcludeCase", date(2026, 5, 9), JUDGE, closed_on=date(2026, 5, 9))
