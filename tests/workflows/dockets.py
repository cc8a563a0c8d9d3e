"""Docket cases of the workflow tests (the scenarios of acceptance (a)–(i))."""

from __future__ import annotations

from decimal import Decimal

from domain.models import AssetFinding, BasisKind, CaseCategory, Claim, DishonestGround
from domain.rules import AssetKind, Channel
from domain.values import Actor, Role
from tests.support import APPLICANT, DEBTOR
from workflows.acts import ListDishonest, RequestResumption, WithdrawApplication
from workflows.docket import (
    AuctionRound,
    CourtConduct,
    DocketCase,
    Payment,
    PropertyReport,
    ScenarioBid,
    ScheduledAct,
    SettlementPlan,
    World,
    WorldAsset,
)
from workflows.messages import BasisSpec

WORLD_CLERK = Actor(id="clerk-sim", role=Role.CLERK)  # the simulated world's court staff
WORLD_OFFICER = Actor(id="officer-sim", role=Role.OFFICER)
WORLD_JUDGE = Actor(id="judge-sim", role=Role.JUDGE)
BASIS = BasisSpec(kind=BasisKind.JUDGMENT, document_number="(2026)甘0402民初88号",
                  issued_by="甘肃省白银市白银区人民法院", effective_days_before_filing=60,
                  performance_days_before_filing=30)


def case(number: str, world: World, *, principal: str = "100000.00",
         category: CaseCategory = CaseCategory.LOAN) -> DocketCase:
    return DocketCase(case_number=number, category=category, applicants=(APPLICANT,),
                      respondents=(DEBTOR,), basis=BASIS,
                      claim=Claim(principal=Decimal(principal)), world=world)


def deposit(asset_id: str, value: str, day: int = 0) -> WorldAsset:
    return WorldAsset(channel=Channel.DEPOSITS, appears_day=day, asset=AssetFinding(
        asset_id=asset_id, kind=AssetKind.DEPOSIT, description=f"bank account {asset_id}",
        value=Decimal(value)))


def house(asset_id: str, value: str, reference: str, *rounds: AuctionRound) -> WorldAsset:
    return WorldAsset(channel=Channel.REAL_ESTATE, asset=AssetFinding(
        asset_id=asset_id, kind=AssetKind.REAL_ESTATE, description=f"flat {asset_id}",
        value=Decimal(value), indivisible=True), reference_price=Decimal(reference),
        rounds=rounds)


def car(asset_id: str, value: str, *rounds: AuctionRound) -> WorldAsset:
    return WorldAsset(channel=Channel.VEHICLES, asset=AssetFinding(
        asset_id=asset_id, kind=AssetKind.VEHICLE, description=f"car {asset_id}",
        value=Decimal(value)), rounds=rounds)


def bid(bidder: str, amount: str, minutes: int) -> ScenarioBid:
    return ScenarioBid(bidder=bidder, amount=Decimal(amount), minutes_after_open=minutes)


def paid_in_full() -> DocketCase:
    """(a) the debtor pays in full after the notice."""
    return case("(2026)甘0402执101号", World(
        report=PropertyReport(day=5), payments=(Payment(day=14, amount=Decimal("38000.00")),)),
        principal="38000.00", category=CaseCategory.WAGES)


def deposits_frozen() -> DocketCase:
    """(b) deposits found, frozen, transferred."""
    return case("(2026)甘0402执102号", World(report=PropertyReport(day=5),
                                            assets=(deposit("acct-1", "150000.00"),)),
                principal="120000.00")


def real_estate() -> DocketCase:
    """(c) a flat: reference price, auction fails, re-auction at a 20% cut sells it."""
    return case("(2026)甘0402执103号", World(report=PropertyReport(day=5), assets=(house(
        "flat-1", "800000.00", "600000.00", AuctionRound(),
        AuctionRound(bids=(bid("bidder-a", "336000.00", 60), bid("bidder-b", "350000.00", 300)))),
    )), principal="300000.00")


def nothing_found() -> DocketCase:
    """(d) nothing found: 终本 after 3 months, monitoring, a deposit appears in year 2."""
    return case("(2026)甘0402执104号", World(
        report=PropertyReport(day=6), assets=(deposit("acct-9", "60000.00", day=600),),
        court=CourtConduct(restriction_day=20, hearing_day=80, termination_day=100)),
        principal="50000.00", category=CaseCategory.CONTRACT)


def resumed_on_request() -> DocketCase:
    """终本; on day 300 the applicant asks to resume; the 执恢 case's debtor pays on day 330."""
    return case("(2026)甘0402执110号", World(
        report=PropertyReport(day=6), payments=(Payment(day=330, amount=Decimal("33000.00")),),
        court=CourtConduct(restriction_day=20, hearing_day=80, termination_day=100),
        acts=(ScheduledAct(day=300, act=RequestResumption(
            actor=WORLD_JUDGE, reason="申请执行人称被执行人已重新就业")),)),
        principal="33000.00")


def withdrawn() -> DocketCase:
    """Restricted on day 12; the applicant withdraws on day 20 (终结执行) at the world's last
    act; the restriction is lifted."""
    return case("(2026)甘0402执111号", World(
        report=PropertyReport(day=5), court=CourtConduct(restriction_day=12),
        acts=(ScheduledAct(day=20, act=WithdrawApplication(
            actor=WORLD_JUDGE, reason="申请执行人撤回执行申请")),)), principal="46000.00")


def approvals() -> DocketCase:
    """Approvals as acts: the world's restriction on day 12 (asked, given, used), a 失信 listing
    on day 14 on an approval asked and given on day 13; the applicant withdraws on day 20."""
    return case("(2026)甘0402执112号", World(
        report=PropertyReport(day=5), court=CourtConduct(restriction_day=12),
        acts=(ScheduledAct(day=14, approval_day=13, act=ListDishonest(
                  actor=WORLD_OFFICER, ground=DishonestGround.ABLE_BUT_REFUSES)),
              ScheduledAct(day=20, act=WithdrawApplication(
                  actor=WORLD_JUDGE, reason="申请执行人撤回执行申请")))), principal="46000.00")


def settlement_default() -> DocketCase:
    """(e) settlement, a part payment, default; the applicant resumes; a deposit pays the rest."""
    return case("(2026)甘0402执105号", World(
        report=PropertyReport(day=5), assets=(deposit("acct-5", "100000.00", day=40),),
        settlement=SettlementPlan(reached_day=20, amount=Decimal("60000.00"), due_day=50,
                                  terms="pay 60,000 by day 50",
                                  payments=(Payment(day=30, amount=Decimal("20000.00")),),
                                  default_day=55)), principal="80000.00")


def buyer_default() -> DocketCase:
    """(f) the first buyer defaults; the deposit is forfeited; the re-auction sells."""
    return case("(2026)甘0402执106号", World(report=PropertyReport(day=5), assets=(house(
        "flat-2", "800000.00", "600000.00",
        AuctionRound(bids=(bid("bidder-1", "420000.00", 120),), buyer_pays=False),
        AuctionRound(bids=(bid("bidder-1", "425000.00", 30), bid("bidder-2", "430000.00", 60)))),
    )), principal="300000.00")


def long_settlement() -> DocketCase:
    """(g) a frozen deposit held as security through a 3-year settlement, renewed yearly."""
    return case("(2026)甘0402执107号", World(
        report=PropertyReport(day=5), assets=(deposit("acct-7", "60000.00"),),
        settlement=SettlementPlan(reached_day=3, amount=Decimal("100000.00"), due_day=1090,
                                  terms="three yearly instalments",
                                  payments=(Payment(day=360, amount=Decimal("30000.00")),
                                            Payment(day=720, amount=Decimal("30000.00")),
                                            Payment(day=1080, amount=Decimal("40000.00"))))),
        principal="100000.00")


def wage(value: str, ends_day: int | None = None) -> WorldAsset:
    """A monthly wage at an employer (docs/rules.md §11), paid until ``ends_day`` (None: on)."""
    return WorldAsset(channel=Channel.DEPOSITS, income_ends_day=ends_day, asset=AssetFinding(
        asset_id="wage-1", kind=AssetKind.WAGES, description="某某建材公司 月工资",
        value=Decimal(value)))


def wage_garnishment(number: str = "(2026)甘0402执951号", ends_day: int | None = None
                     ) -> DocketCase:
    """¥31,000.00 owed; the debtor earns ¥6,000.00 a month, garnished as a standing order."""
    return case(number, World(report=PropertyReport(day=5), assets=(wage("6000.00", ends_day),)),
                principal="31000.00")
