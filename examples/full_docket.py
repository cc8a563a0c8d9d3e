"""Build examples/full-docket.json: 41 enforcement cases of one court (甘0402, 白银区人民法院)
that between them pass through every phase and end in every closure mode the workflows
support. ``python examples/full_docket.py`` writes the file; docs/docket.md explains each case
and the figures a simulation gives.

Every date is a day number relative to the case's filing (the docket format), so the docket
replays identically whenever it is simulated.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from domain.models import (
    ApprovalMode,
    AssetFinding,
    BasisKind,
    CaseCategory,
    Claim,
    DishonestGround,
    ObjectedAct,
    ObjectionOutcome,
    ReferralOutcome,
    ReferralRoute,
    ReviewOutcome,
    SecurityForm,
    SecurityProvider,
    SettlementChoice,
    Standing,
    SuspensionReason,
)
from domain.rules import AssetKind, Channel
from domain.values import (
    Actor,
    Party,
    PartyKind,
    ResidentId,
    Role,
    SocialCreditCode,
)
from workflows import acts as a
from workflows.docket import (
    AuctionRound,
    CourtConduct,
    Docket,
    DocketCase,
    DocketDistribution,
    Lead,
    NoticeService,
    Payment,
    PropertyReport,
    ScenarioBid,
    ScheduledAct,
    SettlementPlan,
    World,
    WorldAsset,
)
from workflows.messages import BasisSpec
from workflows.plan_messages import PlanAct, PlanStep

OUT = Path(__file__).with_name("full-docket.json")
COURT = "甘肃省白银市白银区人民法院"
CLERK = Actor(id="clerk-sim", role=Role.CLERK)
OFFICER = Actor(id="officer-sim", role=Role.OFFICER)
JUDGE = Actor(id="judge-sim", role=Role.JUDGE)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_USCC = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def person(name: str, born: str, seq: int) -> Party:
    """A person with a checksum-valid resident ID (白银区 620402, born ``YYYYMMDD``)."""
    body = f"620402{born}{seq:03d}"
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, _ID_WEIGHTS, strict=True)) % 11]
    return Party(name=name, kind=PartyKind.PERSON, document=ResidentId(number=body + check))


def company(name: str, serial: str, representative: str) -> Party:
    """An organisation with a checksum-valid unified social credit code."""
    body = f"91620402{serial}"
    total = sum(_USCC.index(c) * w for c, w in zip(body, _USCC_WEIGHTS, strict=True))
    return Party(name=name, kind=PartyKind.ORGANISATION,
                 document=SocialCreditCode(number=body + _USCC[(31 - total % 31) % 31]),
                 legal_representative=representative)


def basis(number: str, kind: BasisKind = BasisKind.JUDGMENT, effective: int = 60,
          deadline: int = 30, issued_by: str = COURT) -> BasisSpec:
    return BasisSpec(kind=kind, document_number=number, issued_by=issued_by,
                     effective_days_before_filing=effective,
                     performance_days_before_filing=deadline)


def asset(channel: Channel, asset_id: str, kind: AssetKind, description: str, value: str, *,
          day: int = 0, reference: str | None = None, rounds: tuple[AuctionRound, ...] = (),
          indivisible: bool = False) -> WorldAsset:
    return WorldAsset(channel=channel, appears_day=day, asset=AssetFinding(
        asset_id=asset_id, kind=kind, description=description, value=Decimal(value),
        indivisible=indivisible), reference_price=Decimal(reference) if reference else None,
        rounds=rounds)


def bids(*offers: tuple[str, str, int], pays: bool = True) -> AuctionRound:
    return AuctionRound(bids=tuple(ScenarioBid(bidder=b, amount=Decimal(x), minutes_after_open=m)
                                   for b, x, m in offers), buyer_pays=pays)


def pay(day: int, amount: str, direct: bool = False) -> Payment:
    return Payment(day=day, amount=Decimal(amount), direct_to_applicant=direct)


def case(seq: int, category: CaseCategory, applicant: Party, respondent: Party,
         basis_spec: BasisSpec, principal: str, world: World, *, interest: str = "0.00",
         fees: str = "0.00") -> DocketCase:
    return DocketCase(case_number=f"(2026)甘0402执{seq}号", category=category,
                      applicants=(applicant,), respondents=(respondent,), basis=basis_spec,
                      claim=Claim(principal=Decimal(principal), interest=Decimal(interest),
                                  fees=Decimal(fees)), world=world)


ZHANG = Party(name="张三", kind=PartyKind.PERSON, document=ResidentId(number="11010519491231002X"))
LI = Party(name="李四", kind=PartyKind.PERSON, document=ResidentId(number="620402198001010013"))
TERMINATION = CourtConduct(restriction_day=24, hearing_day=95, termination_day=97)


def first_four() -> list[DocketCase]:
    """The four cases of examples/sample-docket.json, as they are there."""
    return [
        case(1, CaseCategory.WAGES, ZHANG, LI, basis("(2026)甘0402民初88号"), "38000.00",
             World(report=PropertyReport(day=5), payments=(pay(14, "38000.00"),))),
        case(2, CaseCategory.LOAN, ZHANG, LI, basis("(2026)甘0402民初88号"), "120000.00",
             World(report=PropertyReport(day=5), assets=(asset(
                 Channel.DEPOSITS, "acct-1", AssetKind.DEPOSIT, "bank account acct-1",
                 "150000.00"),))),
        case(3, CaseCategory.CONTRACT, ZHANG, LI, basis("(2026)甘0402民初88号"), "560000.00",
             World(report=PropertyReport(day=9), court=TERMINATION)),
        case(4, CaseCategory.LOAN, ZHANG, LI, basis("(2026)甘0402民初88号"), "300000.00",
             World(report=PropertyReport(day=5), assets=(asset(
                 Channel.REAL_ESTATE, "flat-1", AssetKind.REAL_ESTATE, "flat flat-1",
                 "800000.00", reference="600000.00", indivisible=True, rounds=(
                     AuctionRound(), bids(("bidder-a", "336000.00", 60),
                                          ("bidder-b", "350000.00", 1438)))),))),
    ]


def livelihood() -> list[DocketCase]:
    """Support, injury and wages: priority 1, served first."""
    return [
        # 5 赡养费: an online-payment balance frozen and transferred covers it.
        case(5, CaseCategory.SUPPORT, person("王秀英", "19460315", 22),
             person("王建国", "19720608", 13), basis("(2026)甘0402民初1021号",
                                                    BasisKind.MEDIATION), "24000.00",
             World(report=PropertyReport(day=4), assets=(asset(
                 Channel.ONLINE_PAYMENT, "alipay-1", AssetKind.ONLINE_PAYMENT,
                 "支付宝余额", "31000.00"),))),
        # 6 交通事故赔偿: a deposit and a car sold at its first auction (movables: 15 days).
        case(6, CaseCategory.INJURY, person("刘桂兰", "19680704", 44),
             person("赵志强", "19850211", 35), basis("(2026)甘0402民初640号"), "150000.00",
             World(report=PropertyReport(day=6), assets=(
                 asset(Channel.DEPOSITS, "acct-6", AssetKind.DEPOSIT, "储蓄账户", "60000.00"),
                 asset(Channel.VEHICLES, "car-6", AssetKind.VEHICLE, "小型轿车 甘D·12345",
                       "120000.00", indivisible=True, rounds=(
                           bids(("buyer-6a", "84000.00", 30), ("buyer-6b", "92000.00", 600)),)),
             ))),
        # 21 农民工工资: the company pays most to the workers directly; its bank balance is
        # frozen and transferred for the rest.
        case(21, CaseCategory.WAGES, person("马国平", "19790919", 57),
             company("白银某建筑劳务有限公司", "MA01B2C3D", "孙立军"),
             basis("白劳人仲裁字(2026)第112号", BasisKind.ARBITRAL_AWARD,
                   issued_by="白银市白银区劳动人事争议仲裁委员会"), "90000.00",
             World(report=PropertyReport(day=8), assets=(asset(
                 Channel.DEPOSITS, "acct-21", AssetKind.DEPOSIT, "基本存款账户",
                 "30000.00"),), payments=(pay(3, "60000.00", direct=True),))),
    ]


def disposal() -> list[DocketCase]:
    """Auctions that fail, sell, default; sale and transfer in lieu after two failures."""
    flat = "flat-11"
    return [
        # 11 the first buyer defaults (deposit forfeited); the re-auction sells.
        case(11, CaseCategory.LOAN, person("陈明", "19750505", 11),
             person("周海涛", "19820830", 19), basis("(2026)甘0402民初303号"), "300000.00",
             World(report=PropertyReport(day=5), assets=(asset(
                 Channel.REAL_ESTATE, flat, AssetKind.REAL_ESTATE, "住宅 白银区人民路11号",
                 "800000.00", reference="600000.00", indivisible=True, rounds=(
                     bids(("bidder-11a", "420000.00", 120), pays=False),
                     bids(("bidder-11a", "425000.00", 30), ("bidder-11b", "430000.00", 60)))),
             ))),
        # 12 two failed auctions; the judge transfers the shop to the applicant in lieu at the
        # second reserve (336,000); the debtor pays the 14,000 left.
        case(12, CaseCategory.CONTRACT, company("白银某建材有限公司", "MA02C3D4E", "吴刚"),
             person("郑浩", "19770412", 31), basis("(2026)甘0402民初415号"), "350000.00",
             World(report=PropertyReport(day=5), assets=(asset(
                 Channel.REAL_ESTATE, "shop-12", AssetKind.REAL_ESTATE, "商铺 白银区北京路12号",
                 "800000.00", reference="600000.00", indivisible=True,
                 rounds=(AuctionRound(), AuctionRound())),), payments=(pay(75, "14000.00"),),
                 acts=(ScheduledAct(day=72, act=a.TransferInLieu(
                     actor=JUDGE, asset_id="shop-12", note="申请执行人同意以物抵债")),))),
        # 13 an excavator fails twice at auction and is sold (变卖) at the second start price.
        case(13, CaseCategory.CONTRACT, company("白银某机械租赁有限公司", "MA03D4E5F", "钱峰"),
             company("白银某土方工程有限公司", "MA04E5F6G", "何勇"),
             basis("(2026)甘0402民初522号"), "100000.00",
             World(report=PropertyReport(day=7), assets=(asset(
                 Channel.VEHICLES, "digger-13", AssetKind.VEHICLE, "挖掘机 一台",
                 "200000.00", indivisible=True, rounds=(AuctionRound(), AuctionRound())),),
                 acts=(ScheduledAct(day=50, act=a.SellAsset(
                     actor=OFFICER, asset_id="digger-13", price=Decimal("112000.00"),
                     buyer="buyer-13", note="两次流拍后变卖")),))),
        # 19 an urgent lead: a car hidden in a garage, seized and sold at the first auction.
        case(19, CaseCategory.LOAN, person("黄丽", "19860126", 48),
             person("林伟", "19840707", 53), basis("(2026)甘0402民初777号"), "65000.00",
             World(report=PropertyReport(day=6, status="false"), leads=(Lead(
                 day=12, lead_id="lead-19", urgent=True,
                 description="被执行人将车辆藏于小区地下车库",
                 finding=AssetFinding(asset_id="car-19", kind=AssetKind.VEHICLE,
                                      description="SUV 甘D·67890", value=Decimal("90000.00"),
                                      indivisible=True)),),
                 assets=(asset(Channel.VEHICLES, "car-19", AssetKind.VEHICLE, "SUV 甘D·67890",
                               "90000.00", day=400, indivisible=True,
                               rounds=(bids(("buyer-19", "70000.00", 90)),)),),
                 court=CourtConduct(restriction_day=12),
                 acts=(ScheduledAct(day=13, act=a.OrderMeasure(
                     actor=OFFICER, measure=a.Summons(hours=12, detention_likely=True),
                     note="虚假报告财产, 拘传到庭")),))),
    ]


def settlements() -> list[DocketCase]:
    """Settlement performed, defaulted and resumed, defaulted and sued on; a long one."""
    return [
        # 7 performed in three instalments (interest waived), the enforcement fee paid into the
        # court's account: 执行完毕 by settlement once the fee is paid out.
        case(7, CaseCategory.LOAN, company("甘肃某农村商业银行股份有限公司", "MA05F6G7H", "杨建华"),
             company("白银某商贸有限公司", "MA06G7H8J", "许军"),
             basis("(2026)甘0402民初130号"), "450000.00",
             World(report=PropertyReport(day=5), settlement=SettlementPlan(
                 reached_day=15, amount=Decimal("450000.00"), due_day=120,
                 terms="分三期付清本金, 申请执行人放弃利息",
                 payments=(pay(40, "150000.00"), pay(80, "150000.00"), pay(115, "150000.00"))),
                 payments=(pay(113, "4300.00"),)),
             interest="36000.00", fees="4300.00"),
        # 8 a part payment, then default; the applicant resumes; restricted, the debtor pays.
        case(8, CaseCategory.CONTRACT, person("罗强", "19700101", 67),
             person("高峰", "19810321", 71), basis("(2026)甘0402民初208号"), "200000.00",
             World(report=PropertyReport(day=5), settlement=SettlementPlan(
                 reached_day=20, amount=Decimal("200000.00"), due_day=60,
                 terms="60日内付清", payments=(pay(30, "50000.00"),), default_day=70,
                 choice=SettlementChoice.RESUME), court=CourtConduct(restriction_day=72),
                 payments=(pay(90, "150000.00"),))),
        # 10 default and resumption; a deposit found later pays the rest.
        case(10, CaseCategory.LOAN, person("梁静", "19830909", 82),
             person("宋涛", "19791111", 95), basis("(2026)甘0402民初266号"), "80000.00",
             World(report=PropertyReport(day=5), assets=(asset(
                 Channel.DEPOSITS, "acct-10", AssetKind.DEPOSIT, "工资卡账户", "100000.00",
                 day=40),), settlement=SettlementPlan(
                 reached_day=20, amount=Decimal("60000.00"), due_day=50, terms="50日内付清",
                 payments=(pay(30, "20000.00"),), default_day=55))),
        # 23 three yearly instalments with a frozen deposit held as security (renewed).
        case(23, CaseCategory.LOAN, person("韩梅", "19880808", 101),
             person("唐磊", "19760606", 113), basis("(2026)甘0402民初901号"), "100000.00",
             World(report=PropertyReport(day=5), assets=(asset(
                 Channel.DEPOSITS, "acct-23", AssetKind.DEPOSIT, "定期存款", "60000.00"),),
                 settlement=SettlementPlan(
                     reached_day=3, amount=Decimal("100000.00"), due_day=1090,
                     terms="分三年每年付款, 冻结存款作为担保",
                     payments=(pay(360, "30000.00"), pay(720, "30000.00"),
                               pay(1080, "40000.00"))), payments=(pay(1079, "1000.00"),)),
             fees="1000.00"),
    ]


def terminations() -> list[DocketCase]:
    """终本 in its forms: compliant, pending (no hearing, never served), by panel review,
    resumed when property appears, resumed at the applicant's request."""
    return [
        # 14 nothing found; 终本; a deposit appears in year 2: 执恢, which concludes.
        case(14, CaseCategory.CONTRACT, person("蒋文", "19731010", 121),
             person("沈强", "19800505", 137), basis("(2026)甘0402民初350号"), "50000.00",
             World(report=PropertyReport(day=6), assets=(asset(
                 Channel.DEPOSITS, "acct-14", AssetKind.DEPOSIT, "新开立账户", "60000.00",
                 day=600),), court=CourtConduct(restriction_day=20, hearing_day=80,
                                                termination_day=100))),
        # 16 nothing to take: the on-site investigation finds only household necessities and
        # the debtor's only home (exempt, 查封规定 arts.3, 4); 终本.
        case(16, CaseCategory.OTHER, person("彭辉", "19690202", 149),
             person("潘飞", "19900303", 151), basis("(2026)甘0402民初488号"), "42000.00",
             World(report=PropertyReport(day=9), onsite=(
                 AssetFinding(asset_id="household-16", kind=AssetKind.MOVABLE,
                              description="日常生活必需品", value=Decimal("3000.00"), exempt=True),
                 AssetFinding(asset_id="home-16", kind=AssetKind.REAL_ESTATE,
                              description="被执行人唯一住房", value=Decimal("260000.00"),
                              necessary_home=True, indivisible=True)),
                   court=CourtConduct(restriction_day=30, hearing_day=100,
                                      termination_day=110))),
        # 17 nothing found for a large claim: exit ban, a lead that finds nothing, panel
        # review and the president's approval.
        case(17, CaseCategory.CONTRACT, company("白银某装饰工程有限公司", "MA07H8J9K", "冯涛"),
             person("曹勇", "19700312", 251),
             basis("(2026)甘0402民初612号"), "880000.00", World(
                 report=PropertyReport(day=10), leads=(Lead(
                     day=30, lead_id="lead-17", description="申请人称被执行人在外地有工程款"),),
                 court=CourtConduct(restriction_day=20, hearing_day=100, termination_day=120,
                                    approval_mode=ApprovalMode.PANEL_AND_PRESIDENT),
                 acts=(ScheduledAct(day=25, act=a.OrderMeasure(
                     actor=JUDGE, measure=a.ExitBan(subject="被执行人曹勇"))),),
             ), fees="11200.00"),
    ]


def others() -> list[DocketCase]:
    """Withdrawal, suspension, a non-litigation basis, instalments past the deadline."""
    return [
        # 15 the debtor refuses to report: restricted, summoned (拘传), exit ban; then pays.
        case(15, CaseCategory.LOAN, person("邓丽", "19850505", 181),
             person("许波", "19780228", 193), basis("(2026)甘0402民初399号"), "120000.00",
             World(report=PropertyReport(day=8, status="refused"), payments=(
                 pay(18, "120000.00"),), court=CourtConduct(restriction_day=12), acts=(
                 ScheduledAct(day=14, act=a.OrderMeasure(
                     actor=OFFICER, measure=a.Summons(hours=24, detention_likely=True),
                     note="拒不申报财产, 拘传")),
                 ScheduledAct(day=14, act=a.OrderMeasure(
                     actor=JUDGE, measure=a.ExitBan(subject="被执行人许波"))),))),
        # 9 a 30% stake in a company, valued and sold at its first auction.
        case(9, CaseCategory.LOAN, person("曾华", "19760101", 201),
             person("彭军", "19830808", 213), basis("(2026)甘0402民初150号"), "80000.00",
             World(report=PropertyReport(day=5), assets=(asset(
                 Channel.EQUITY, "equity-9", AssetKind.EQUITY, "白银某餐饮有限公司 30% 股权",
                 "200000.00", reference="180000.00", indivisible=True, rounds=(
                     bids(("buyer-9", "130000.00", 240)),)),))),
        # 18 a car: the first auction fails, the re-auction at a 20% cut sells it.
        case(18, CaseCategory.LOAN, person("董敏", "19820412", 163),
             person("袁亮", "19870915", 179), basis("(2026)甘0402民初705号"), "36000.00",
             World(report=PropertyReport(day=5), assets=(asset(
                 Channel.VEHICLES, "car-18", AssetKind.VEHICLE, "小型客车 甘D·24680",
                 "70000.00", indivisible=True, rounds=(
                     AuctionRound(), bids(("buyer-18", "40000.00", 15)))),))),
        # 20 suspended on an objection (执行异议) for a month, then paid.
        case(20, CaseCategory.CONTRACT, company("白银某物流有限公司", "MA09K0L1M", "邹平"),
             person("谢军", "19810505", 227), basis("(2026)甘0402民初842号"), "58000.00",
             World(report=PropertyReport(day=5), payments=(pay(50, "58000.00"),), acts=(
                 ScheduledAct(day=10, act=a.SuspendEnforcement(
                     actor=JUDGE, reason=SuspensionReason.OBJECTION, note="案外人提出执行异议")),
                 ScheduledAct(day=40, act=a.EndSuspension(
                     actor=JUDGE, note="异议被驳回, 恢复执行")),))),
        # 22 an administrative penalty (非诉执行, 3-month limit), paid on day 20.
        case(22, CaseCategory.OTHER, company("白银市白银区自然资源局", "MA10L1M2N", "局长"),
             company("白银某采砂有限公司", "MA11M2N3P", "罗斌"),
             basis("白区自然罚字(2026)第7号", BasisKind.ADMINISTRATIVE, effective=120,
                   deadline=90, issued_by="白银市白银区自然资源局"), "30000.00",
             World(report=PropertyReport(day=6), payments=(pay(20, "30000.00"),))),
        # 24 monthly instalments over eight months: closed past the 6-month deadline.
        case(24, CaseCategory.LOAN, person("邱霞", "19890909", 239),
             person("任杰", "19850101", 241), basis("(2026)甘0402民初950号"), "64000.00",
             World(report=PropertyReport(day=5), payments=tuple(
                 pay(30 * month, "8000.00") for month in range(1, 9)))),
    ]


def endings() -> list[DocketCase]:
    """终结执行, 销案, 不予执行, 驳回申请; a resumption the applicant asks for; a 终本 whose
    ruling never reaches the debtor (待完善)."""
    return [
        # 25 restricted, then the applicant withdraws (终结执行); the restriction is lifted.
        case(25, CaseCategory.CONTRACT, company("白银某印务有限公司", "MA12N3P4Q", "白雪"),
             person("石磊", "19830418", 263), basis("(2026)甘0402民初1103号"), "46000.00",
             World(report=PropertyReport(day=5), court=CourtConduct(restriction_day=15),
                   acts=(ScheduledAct(day=35, act=a.WithdrawApplication(
                       actor=JUDGE, reason="双方庭外和解, 申请执行人撤回执行申请")),))),
        # 26 a settlement defaults and the applicant chooses to sue on it (终结执行).
        case(26, CaseCategory.CONTRACT, person("贾文", "19740723", 277),
             person("谭斌", "19860214", 281), basis("(2026)甘0402民初1150号"), "75000.00",
             World(report=PropertyReport(day=5), settlement=SettlementPlan(
                 reached_day=12, amount=Decimal("70000.00"), due_day=70,
                 terms="70日内付清, 申请执行人放弃部分本金", payments=(pay(40, "30000.00"),),
                 default_day=80, choice=SettlementChoice.SUE))),
        # 27 the same judgment was already filed at the intermediate court: 销案.
        case(27, CaseCategory.LOAN, person("常丽", "19870611", 293),
             person("段军", "19790302", 307), basis("(2026)甘0402民初1188号"), "52000.00",
             World(report=PropertyReport(day=5), acts=(ScheduledAct(day=6, act=a.CloseCase(
                 actor=JUDGE, mode="withdrawn_filing",
                 reason="同一执行依据已由白银市中级人民法院立案执行, 重复立案, 销案")),))),
        # 28 an arbitral award refused enforcement on the debtor's application (不予执行); the
        # frozen deposit is released.
        case(28, CaseCategory.CONTRACT, company("白银某贸易有限公司", "MA13P4Q5R", "汪洋"),
             company("白银某矿业有限公司", "MA14Q5R6T", "田野"),
             basis("白仲裁字(2026)第58号", BasisKind.ARBITRAL_AWARD, issued_by="白银仲裁委员会"),
             "210000.00",
             World(report=PropertyReport(day=5), assets=(asset(
                 Channel.DEPOSITS, "acct-28", AssetKind.DEPOSIT, "一般存款账户", "90000.00"),),
                 acts=(ScheduledAct(day=4, act=a.SuspendEnforcement(
                     actor=JUDGE, reason=SuspensionReason.OBJECTION,
                     note="被执行人申请不予执行仲裁裁决")),
                       ScheduledAct(day=45, act=a.CloseCase(
                           actor=JUDGE, mode="not_enforced",
                           reason="仲裁庭的组成违反法定程序, 裁定不予执行 (民诉法 art.248)")),))),
        # 29 the mediation agreement orders nothing to be paid or done: 驳回申请.
        case(29, CaseCategory.OTHER, person("卢静", "19900120", 311),
             person("姚刚", "19820909", 323), basis("(2026)甘0402民初1201号",
                                                  BasisKind.MEDIATION), "15000.00",
             World(report=PropertyReport(day=5), acts=(ScheduledAct(day=9, act=a.CloseCase(
                 actor=JUDGE, mode="rejected",
                 reason="调解书无给付内容, 不符合执行立案条件, 裁定驳回执行申请")),))),
        # 30 nothing found; 终本; on day 300 the applicant asks to resume (the debtor has a new
        # job): 执恢30 is opened and the debtor pays.
        case(30, CaseCategory.LOAN, person("钟敏", "19810817", 337),
             person("顾涛", "19770505", 349), basis("(2026)甘0402民初1260号"), "33000.00",
             World(report=PropertyReport(day=6), payments=(pay(330, "33000.00"),),
                   court=CourtConduct(restriction_day=20, hearing_day=92, termination_day=95),
                   acts=(ScheduledAct(day=300, act=a.RequestResumption(
                       actor=JUDGE, reason="申请执行人称被执行人已在外地就业, 申请恢复执行")),))),
        # 31 nothing found; the debtor has left before the 终本 ruling is served (address
        # unknown): the audit classes the 终本 待完善 (ruling not served).
        case(31, CaseCategory.OTHER, person("雷鸣", "19760321", 353),
             person("方圆", "19880808", 367), basis("(2026)甘0402民初1277号"), "27000.00",
             World(report=PropertyReport(day=7), notice=NoticeService(ruling_served=False),
                   court=CourtConduct(
                 restriction_day=20, hearing_day=95, termination_day=100))),
    ]


def sanctions() -> list[DocketCase]:
    """失信 listing and a fine, both on the president's approval (asked and given on
    ``approval_day`` as acts of their own); an extension of time."""
    return [
        # 32 the company refuses to report: restricted, listed as dishonest and its legal
        # representative fined; it pays; the listing is deleted and the restriction lifted.
        case(32, CaseCategory.CONTRACT, company("白银某汽车销售有限公司", "MA15R6T7U", "江涛"),
             company("白银某运输有限公司", "MA16T7U8W", "侯亮"),
             basis("(2026)甘0402民初1302号"), "160000.00",
             World(report=PropertyReport(day=8, status="refused"), payments=(
                 pay(40, "160000.00"),), acts=(
                 ScheduledAct(day=12, approval_day=12, act=a.RestrictConsumption(
                     actor=OFFICER, bound_persons=("法定代表人侯亮",))),
                 ScheduledAct(day=14, approval_day=13, act=a.ListDishonest(
                     actor=OFFICER, ground=DishonestGround.REPORT_VIOLATION,
                     note="拒不申报财产")),
                 ScheduledAct(day=14, approval_day=13, act=a.OrderMeasure(
                     actor=JUDGE, measure=a.Fine(
                         amount=Decimal("20000.00"), subject="法定代表人侯亮",
                         subject_kind=PartyKind.PERSON),
                     note="拒不申报财产, 罚款")),))),
        # 33 monthly instalments over eight months, the deadline extended by 3 months with the
        # president's approval: closed late, but within the extended period.
        case(33, CaseCategory.LOAN, person("熊伟", "19840229", 379),
             person("秦川", "19850606", 383), basis("(2026)甘0402民初1333号"), "56000.00",
             World(report=PropertyReport(day=5), payments=tuple(
                 pay(30 * month, "7000.00") for month in range(1, 9)), acts=(
                 ScheduledAct(day=170, approval_day=170, act=a.RequestExtension(
                     actor=OFFICER, note="被执行人按月分期履行, 六个月内不能执行完毕")),))),
    ]


def contested() -> list[DocketCase]:
    """Security and postponement (执行担保, 暂缓执行: docs/rules.md §8) and criminal proceedings
    for refusing to enforce (拒执罪: §9)."""
    guarantor = person("韩梅", "19700312", 389)
    return [
        # 34 a guarantor secures ¥60,000 with her car and the judge postpones enforcement for six
        # months; on day 40 she sells the car: the judge ends the postponement, rules against the
        # security and ¥60,000 is collected from her (no more: the security's amount); the
        # debtor pays the rest.
        case(34, CaseCategory.CONTRACT, person("潘婷", "19860707", 397),
             person("郝建", "19810919", 401), basis("(2026)甘0402民初1340号"), "100000.00",
             World(report=PropertyReport(day=5), payments=(pay(70, "40000.00"),), acts=(
                 ScheduledAct(day=8, act=a.RecordSecurity(
                     actor=OFFICER, security_id="S-34", form=SecurityForm.PROPERTY,
                     provider=SecurityProvider.THIRD_PARTY, guarantor=guarantor,
                     amount=Decimal("60000.00"), secured_property="小型轿车 甘D·A3412, 韩梅所有",
                     applicant_consents=True, note="执行担保书; 申请执行人书面同意暂缓执行")),
                 ScheduledAct(day=9, act=a.PostponeEnforcement(
                     actor=JUDGE, security_ids=("S-34",), months=6)),
                 ScheduledAct(day=40, act=a.RecordSecurityBreach(
                     actor=OFFICER, security_id="S-34", description="担保人将担保车辆出售他人")),
                 ScheduledAct(day=41, act=a.EndPostponement(actor=JUDGE)),
                 ScheduledAct(day=43, act=a.RuleAgainstSecurity(actor=JUDGE,
                                                                security_id="S-34")),
                 ScheduledAct(day=50, act=a.CollectFromSecurity(
                     actor=OFFICER, security_id="S-34", amount=Decimal("60000.00"))),))),
        # 35 a company guarantees ¥50,000 (保证) for a three-month postponement; the term runs
        # out and the workflow resumes enforcement by itself; the judge rules against the
        # guarantor, who pays; the debtor had paid ¥30,000 meanwhile.
        case(35, CaseCategory.LOAN, person("丁一", "19880202", 409),
             person("马良", "19790404", 419), basis("(2026)甘0402民初1351号"), "80000.00",
             World(report=PropertyReport(day=5), payments=(pay(60, "30000.00"),), acts=(
                 ScheduledAct(day=10, act=a.RecordSecurity(
                     actor=OFFICER, security_id="S-35", form=SecurityForm.GUARANTEE,
                     provider=SecurityProvider.THIRD_PARTY,
                     guarantor=company("白银某商贸有限公司", "MA17U8W9X", "魏东"),
                     amount=Decimal("50000.00"), security_months=6, applicant_consents=True)),
                 ScheduledAct(day=11, act=a.PostponeEnforcement(
                     actor=JUDGE, security_ids=("S-35",), months=3)),
                 ScheduledAct(day=110, act=a.RuleAgainstSecurity(actor=JUDGE,
                                                                 security_id="S-35")),
                 ScheduledAct(day=120, act=a.CollectFromSecurity(
                     actor=OFFICER, security_id="S-35", amount=Decimal("50000.00"))),))),
        # 36 the debtor refuses to report and hides a car: fined and listed; the judge finds the
        # conduct calls for criminal proceedings and transfers the case to the police; only
        # then the 终本 (终本规定 art.1(5)); the police open a case after it.
        case(36, CaseCategory.CONTRACT, person("白露", "19900909", 421),
             person("常胜", "19750101", 431), basis("(2026)甘0402民初1362号"), "90000.00",
             World(report=PropertyReport(day=6, status="refused"),
                   court=CourtConduct(restriction_day=20, hearing_day=92, termination_day=100),
                   acts=(
                 ScheduledAct(day=12, approval_day=12, act=a.OrderMeasure(
                     actor=JUDGE, measure=a.Fine(
                         amount=Decimal("10000.00"), subject="常胜",
                         subject_kind=PartyKind.PERSON), note="拒不申报财产, 罚款")),
                 ScheduledAct(day=13, approval_day=13, act=a.ListDishonest(
                     actor=OFFICER, ground=DishonestGround.REPORT_VIOLATION,
                     note="拒不申报财产")),
                 ScheduledAct(day=30, act=a.FindRefusalToEnforce(
                     actor=JUDGE, conduct="拒不申报财产, 经罚款仍拒不履行, 将车辆转移至他人名下")),
                 ScheduledAct(day=95, act=a.ReferRefusalToEnforce(
                     actor=JUDGE, referral_id="R-36", route=ReferralRoute.COURT_TRANSFER,
                     subject="常胜", facts="拒不申报财产, 转移车辆, 经罚款仍拒不履行")),
                 ScheduledAct(day=130, act=a.RecordReferralOutcome(
                     actor=CLERK, referral_id="R-36", outcome=ReferralOutcome.ACCEPTED)),))),
        # 37 a false report: fined and listed; the applicant's complaint to the police is
        # declined, his private prosecution (自诉) accepted and the debtor convicted; he pays.
        case(37, CaseCategory.LOAN, person("左岸", "19830303", 433),
             person("石磊", "19780808", 439), basis("(2026)甘0402民初1373号"), "45000.00",
             World(report=PropertyReport(day=6, status="false"), payments=(
                 pay(90, "45000.00"),), acts=(
                 ScheduledAct(day=12, approval_day=12, act=a.OrderMeasure(
                     actor=JUDGE, measure=a.Fine(
                         amount=Decimal("5000.00"), subject="石磊",
                         subject_kind=PartyKind.PERSON), note="虚假申报财产, 罚款")),
                 ScheduledAct(day=13, approval_day=13, act=a.ListDishonest(
                     actor=OFFICER, ground=DishonestGround.REPORT_VIOLATION,
                     note="虚假申报财产")),
                 ScheduledAct(day=20, act=a.ReferRefusalToEnforce(
                     actor=CLERK, referral_id="C-37", route=ReferralRoute.APPLICANT_COMPLAINT,
                     subject="石磊", facts="虚假申报财产, 隐匿存款")),
                 ScheduledAct(day=50, act=a.RecordReferralOutcome(
                     actor=CLERK, referral_id="C-37", outcome=ReferralOutcome.DECLINED)),
                 ScheduledAct(day=55, act=a.ReferRefusalToEnforce(
                     actor=CLERK, referral_id="P-37",
                     route=ReferralRoute.PRIVATE_PROSECUTION, subject="石磊",
                     facts="公安机关不予立案; 申请执行人提起自诉")),
                 ScheduledAct(day=60, act=a.RecordReferralOutcome(
                     actor=CLERK, referral_id="P-37", outcome=ReferralOutcome.ACCEPTED)),
                 ScheduledAct(day=85, act=a.RecordReferralOutcome(
                     actor=CLERK, referral_id="P-37", outcome=ReferralOutcome.CONVICTED)),))),
    ]


def objections() -> list[DocketCase]:
    """Objections and outsiders' claims (docs/rules.md §7), numbered from 41 (34-37 are
    ``contested()``; 38-40 are not used)."""
    return [
        # 41 an outsider claims the sealed flat on day 3: the car is auctioned, the flat waits;
        # the claim is rejected on day 10 and served on day 11; nobody sues within 15 days;
        # then the flat is auctioned.
        case(41, CaseCategory.LOAN, person("罗平", "19780315", 411),
             person("石磊", "19830920", 413), basis("(2026)甘0402民初1441号"), "750000.00",
             World(report=PropertyReport(day=5), assets=(
                 asset(Channel.REAL_ESTATE, "flat-41", AssetKind.REAL_ESTATE,
                       "住宅 白银区四龙路41号", "600000.00", indivisible=True,
                       rounds=(bids(("bidder-41f", "600000.00", 60)),)),
                 asset(Channel.VEHICLES, "car-41", AssetKind.VEHICLE, "轿车 甘D·41041",
                       "150000.00", rounds=(bids(("bidder-41c", "150000.00", 60)),))),
                 acts=(ScheduledAct(day=3, act=a.RecordOutsiderClaim(
                           actor=CLERK, objection_id="CL-41", claimant="王五",
                           asset_id="flat-41", grounds="该房屋系王五购买并付清全款, 未办理过户")),
                       ScheduledAct(day=10, act=a.RuleOnObjection(
                           actor=JUDGE, objection_id="CL-41",
                           outcome=ObjectionOutcome.REJECTED)),
                       ScheduledAct(day=11, act=a.RecordObjectionService(
                           actor=CLERK, objection_id="CL-41"))))),
        # 42 the debtor objects on day 3 that the frozen account holds his wages; upheld on
        # day 5: the freeze is released before its transfer; he pays on day 20.
        case(42, CaseCategory.LOAN, person("冯涛", "19800808", 421),
             person("韩冰", "19870101", 423), basis("(2026)甘0402民初1442号"), "50000.00",
             World(report=PropertyReport(day=5), payments=(pay(20, "50000.00"),), assets=(
                 asset(Channel.DEPOSITS, "acct-42", AssetKind.DEPOSIT, "工资账户 ****4242",
                       "30000.00"),), acts=(
                 ScheduledAct(day=3, act=a.RecordObjection(
                     actor=CLERK, objection_id="OB-42", objector="韩冰",
                     standing=Standing.PARTY, act=ObjectedAct.CONTROL, asset_id="acct-42",
                     grounds="被冻结账户为工资账户, 系本人及家属生活所必需")),
                 ScheduledAct(day=5, act=a.RuleOnObjection(
                     actor=JUDGE, objection_id="OB-42", outcome=ObjectionOutcome.UPHELD)),
                 ScheduledAct(day=5, act=a.RecordObjectionService(
                     actor=CLERK, objection_id="OB-42"))))),
        # 43 an outsider claims the seized car on day 2 (upheld on day 14, served on day 15:
        # the applicant does not sue, the car is released); the debtor objects to the freeze
        # on day 3 and the judge stays its transfer on day 4; rejected on day 12, 复议 on
        # day 15, maintained on day 40; the deposit is transferred, the debtor pays the rest.
        case(43, CaseCategory.CONTRACT, company("白银某商贸有限公司", "MA43C4D5E", "邓超"),
             person("易峰", "19790909", 431), basis("(2026)甘0402民初1443号"), "60000.00",
             World(report=PropertyReport(day=5), payments=(pay(50, "40000.00"),), assets=(
                 asset(Channel.DEPOSITS, "acct-43", AssetKind.DEPOSIT, "银行账户 ****4343",
                       "20000.00"),
                 asset(Channel.VEHICLES, "car-43", AssetKind.VEHICLE, "货车 甘D·43043",
                       "100000.00", rounds=(bids(("bidder-43", "80000.00", 60)),))), acts=(
                 ScheduledAct(day=2, act=a.RecordOutsiderClaim(
                     actor=CLERK, objection_id="CL-43", claimant="某物流有限公司",
                     asset_id="car-43", grounds="车辆系某物流有限公司所有, 挂靠登记在被执行人名下")),
                 ScheduledAct(day=3, act=a.RecordObjection(
                     actor=CLERK, objection_id="OB-43", objector="易峰",
                     standing=Standing.PARTY, act=ObjectedAct.CONTROL, asset_id="acct-43",
                     grounds="冻结前未送达执行通知")),
                 ScheduledAct(day=4, act=a.OrderObjectionStay(
                     actor=JUDGE, objection_id="OB-43", reason="被执行人提供了同等数额的担保")),
                 ScheduledAct(day=12, act=a.RuleOnObjection(
                     actor=JUDGE, objection_id="OB-43", outcome=ObjectionOutcome.REJECTED)),
                 ScheduledAct(day=12, act=a.RecordObjectionService(
                     actor=CLERK, objection_id="OB-43")),
                 ScheduledAct(day=14, act=a.RuleOnObjection(
                     actor=JUDGE, objection_id="CL-43", outcome=ObjectionOutcome.UPHELD)),
                 ScheduledAct(day=15, act=a.RecordObjectionService(
                     actor=CLERK, objection_id="CL-43")),
                 ScheduledAct(day=15, act=a.ApplyForReview(
                     actor=CLERK, objection_id="OB-43", applicant="易峰")),
                 ScheduledAct(day=40, act=a.RecordReviewDecision(
                     actor=CLERK, objection_id="OB-43", outcome=ReviewOutcome.MAINTAINED))))),
    ]


def garnishments() -> list[DocketCase]:
    """A wage garnished as a standing order to the employer (docs/rules.md §11)."""
    return [
        case(44, CaseCategory.LOAN, person("钱多", "19850404", 441),
             person("孙工", "19900404", 442), basis("(2026)甘0402民初1544号"), "31000.00",
             World(report=PropertyReport(day=5), assets=(
                 WorldAsset(channel=Channel.DEPOSITS, asset=AssetFinding(
                     asset_id="wage-44", kind=AssetKind.WAGES,
                     description="某某建材有限公司 月工资", value=Decimal("6000.00"))),),
                 acts=(ScheduledAct(day=75, act=a.AdjustLivingAllowance(
                     actor=JUDGE, asset_id="wage-44", allowance=Decimal("2500.00"),
                     panel_decision="(2026)甘0402执44号之一 合议庭决定：被执行人患病，"
                                    "生活费提高至2500元")),))),
    ]


SHARED_DEBTOR = person("吴穷", "19800505", 451)
PLAN = "(2026)甘0402执分1号"


def shared_debtor() -> list[DocketCase]:
    """Two creditors of one natural person share the proceeds of his seized property (参与分配,
    docs/rules.md §12); the rest of each claim is paid by the debtor later."""
    return [
        case(45, CaseCategory.LOAN, person("冯一", "19750101", 452), SHARED_DEBTOR,
             basis("(2026)甘0402民初1545号"), "30000.00",
             World(report=PropertyReport(day=5), payments=(pay(120, "15714.29"),))),
        case(46, CaseCategory.CONTRACT, person("陈二", "19760202", 453), SHARED_DEBTOR,
             basis("(2026)甘0402民初1546号"), "10000.00",
             World(report=PropertyReport(day=5), payments=(pay(120, "4285.71"),))),
    ]


def distributions() -> tuple[DocketDistribution, ...]:
    """¥20,000.00 from the debtor's seized car shared by cases 45 and 46; case 46's creditor
    objects that ¥5,000 of case 45's claim was paid, nobody opposes, so the plan is carried out
    with ¥25,000.00 for case 45 (¥14,285.71 and ¥5,714.29: the fen to the larger remainder)."""
    def step(day: int, kind: str, actor: Actor = OFFICER, **fields: str) -> PlanStep:
        return PlanStep(day=day, act=PlanAct(kind=kind, actor=actor,  # type: ignore[arg-type]
                                             fields=fields))

    return (DocketDistribution(
        plan_number=PLAN, debtor=SHARED_DEBTOR.name, first_seized_case="(2026)甘0402执45号",
        drawn_by=JUDGE, draw_day=1, steps=(
            step(2, "join", case_number="(2026)甘0402执45号", creditor="冯一",
                 claim="30000.00", claim_class="ordinary"),
            step(2, "join", case_number="(2026)甘0402执46号", creditor="陈二",
                 claim="10000.00", claim_class="ordinary"),
            step(3, "record_amount", amount="20000.00"),
            step(4, "serve"),
            step(10, "object", CLERK, objection_id="O1", objector="陈二",
                 disputed_case="(2026)甘0402执45号", proposed_claim="25000.00",
                 reason="被执行人已向冯一清偿5000元"))),)


def docket() -> Docket:
    cases = [*first_four(), *livelihood(), *disposal(), *settlements(), *terminations(),
             *others(), *endings(), *sanctions(), *contested(), *objections(), *garnishments(),
             *shared_debtor()]
    return Docket(cases=tuple(sorted(cases, key=lambda c: int(c.case_number[12:-1]))),
                  distributions=distributions())


if __name__ == "__main__":
    OUT.write_text(docket().model_dump_json(indent=1) + "\n", "utf-8")
    print(f"wrote {OUT} ({len(docket().cases)} cases)")
