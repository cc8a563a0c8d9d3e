"""Legal constants and pure rule functions, each citing its source (see docs/rules.md).

Values docs/rules.md marks C (confirmed) are module constants. Values it marks P or M (practice,
recollection) live in :class:`RuleSet`, which a court may override by configuration.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from domain.errors import RuleViolation
from domain.values import yuan

# --- sources ------------------------------------------------------------------------------
SRC_APPLICATION_PERIOD = "民诉法 art.250"
SRC_LIMITATION_OBJECTION = "民诉法解释 art.481"
"""A late application is accepted; the debtor's objection upheld → 不予执行 (docs/rules.md §1.13)."""
SRC_FILING_DECISION = "执行工作规定 art.16"
SRC_NOTICE_PERIOD = "执行工作规定 art.22"
SRC_REPORT_ORDER = "财产调查规定 art.3"
SRC_REPORT_SANCTION = "财产调查规定 art.9"
SRC_REPORT_DISHONEST = "财产调查规定 art.10"
SRC_DELAY_INTEREST = "民诉法 art.264; 迟延履行利息解释 art.1"
SRC_LEAD_VERIFICATION = "财产调查规定 art.2"
SRC_AUDIT = "财产调查规定 art.17"
SRC_REWARD = "财产调查规定 art.21"
SRC_CONTROL_PERIOD = "民诉法解释 art.485"
SRC_CONTROL_LAPSE = "查封规定 art.27"
SRC_QUEUED_SEIZURE = "查封规定 art.26"
SRC_OVER_SEIZURE = "查封规定 art.19; 民诉法 art.253"
SRC_EXEMPT = "查封规定 art.3"
SRC_NECESSARY_HOME = "查封规定 art.4"
SRC_LIVING_COSTS = "民诉法 art.254; 查封规定 art.3"
SRC_GARNISHMENT = "民诉法 art.254; 查封规定 art.3 (docs/rules.md §11)"
"""A wage control is a standing order to the employer, remitting monthly (docs/rules.md §11)."""
SRC_GOOD_FAITH = "善意执行意见 (法发〔2019〕35号)"
SRC_DEPOSIT_TRANSFER = "民诉法 art.253"
SRC_REFERENCE_PRICE = "参考价规定 arts.1, 27"
SRC_REFERENCE_VALIDITY = "参考价规定 art.27"
"""The price's year, and the six months an auction or sale announced within it may run over
(docs/rules.md §1.5)."""
SRC_AUCTION_FLOOR = "网拍规定 art.10"
SRC_AUCTION_NOTICE = "网拍规定 art.12"
SRC_AUCTION_DEPOSIT = "网拍规定 art.17"
SRC_BIDDING = "网拍规定 art.20"
SRC_BUYER_DEFAULT = "网拍规定 art.24"
SRC_REAUCTION = "网拍规定 art.26"
SRC_SALE = "网拍规定 art.26; 拍卖变卖规定"
SRC_IN_LIEU = "拍卖变卖规定 art.16"
SRC_PAYOUT = "执行款物规定 (about art.10)"
SRC_DISTRIBUTION_JOIN = "民诉法解释 arts.506, 507 (docs/rules.md §12)"
SRC_DISTRIBUTION_ORDER = "民诉法解释 art.508 (docs/rules.md §12)"
SRC_LEDGER = "执行款物规定; 法发〔2017〕6号 一案一账号 (docs/rules.md §1.7)"
SRC_SUSPENSE = "执行款物规定 (法发〔2017〕6号): 一案一账号, money identified to its case (docs/rules.md §10)"
"""Each case's money is a ledger of receipts and disbursements to named payees."""
SRC_FEE = "诉讼费用交纳办法 arts.14(1), 20, 38"
"""执行申请费: by the executed amount, paid after enforcement, borne by the debtor."""
SRC_REFUND = "拍卖变卖规定; 执行款物规定 (docs/rules.md §1.7)"
"""What is left of a price after the claim and the fee goes back to the debtor."""
SRC_SETTLEMENT = "和解规定 arts.2, 8"
SRC_SETTLEMENT_DEFAULT = "和解规定 arts.9, 13, 17"
SRC_FINE = "民诉法 arts.118, 119"
SRC_DETENTION = "民诉法 arts.118, 119"
SRC_SUMMONS = "民诉法解释 art.482"
SRC_EXIT_BAN = "民诉法 art.266"
SRC_RESTRICTION = "限消规定 arts.1, 3, 4"
SRC_RESTRICTION_NOTICE = "限消规定 art.1"
"""A restriction follows the enforcement notice's period passed unperformed (§1.9)."""
SRC_RESTRICTION_APPROVAL = "限消规定 art.5"
"""The restriction order is signed by the court president (限制消费令由人民法院院长签发, §1.9)."""
SRC_RESTRICTION_LIFT = "限消规定 art.9"
SRC_DISHONEST_GROUNDS = "失信规定 art.1"
SRC_DISHONEST_OBSTRUCTION_GROUND = "失信规定 art.1(2)"
"""以伪造证据、暴力、威胁等方法妨碍、抗拒执行 (docs/rules.md §1.9, §1.15)."""
SRC_DISHONEST_REPORT_GROUND = "失信规定 art.1(4)"
"""违反财产报告制度 (docs/rules.md §1.9)."""
SRC_DISHONEST_SETTLEMENT_GROUND = "失信规定 art.1(6)"
"""无正当理由拒不履行执行和解协议 (docs/rules.md §1.9)."""
SRC_DISHONEST_PERIOD = "失信规定 art.2"
SRC_DISHONEST_EXCLUSIONS = "失信规定 art.3"
SRC_DISHONEST_MINOR = "失信规定 art.4"
SRC_DISHONEST_APPROVAL = "失信规定 art.5"
"""The listing decision is signed by the court president (决定书由院长签发; §1.9, §1.15)."""
SRC_DISHONEST_NOTICE = "失信规定 arts.1, 5"
"""A listing follows the notice that warned of it, its period passed unperformed (§1.9)."""
SRC_DISHONEST_DELETION = "失信规定 art.10"
SRC_TERMINATION = "终本规定 art.1"
SRC_TERMINATION_REPORT = "终本规定 art.2"
SRC_TERMINATION_REPORT_SANCTION = "终本规定 art.2(3)"
"""A refused, late or false report met with 罚款、拘留等强制措施 (docs/rules.md §1.10)."""
SRC_TERMINATION_INQUIRY = "终本规定 art.3"
SRC_TERMINATION_APPROVAL = "民诉法解释 art.517"
SRC_TERMINATION_HEARING = "终本规定 art.5"
"""Before 终本 the applicant is told the case's state and heard (§1.10, §1.15)."""
SRC_POST_TERMINATION = "终本规定 art.9"
SRC_CLOSURE_LIMIT = "期限规定 art.1"
SRC_EXTENSION = "审限规定 art.5; 执行工作规定 art.63"
SRC_EXCLUDED_PERIODS = "审限规定 art.9"
SRC_CLOSURE_MODES = "执行工作规定 art.64; 立案结案意见 arts.14-20"
SRC_ENDING = "民诉法 art.268"
SRC_ENGINE = "engine invariant (docs/rules.md §5)"
SRC_SECURITY = "民诉法 art.242; 执行担保规定 art.2"
SRC_SECURITY_CONSENT = "民诉法 art.242; 执行担保规定 art.6"
SRC_POSTPONEMENT_PERIOD = "民诉法解释 art.467; 执行担保规定 art.10"
SRC_POSTPONEMENT_EFFECT = "民诉法 art.242; 执行担保规定 art.8"
SRC_POSTPONEMENT_END = "民诉法解释 art.467; 执行担保规定 art.11"
SRC_SECURITY_ENFORCEMENT = "民诉法 art.242; 民诉法解释 art.469; 执行担保规定 art.11"
SRC_SECURITY_PERIOD = "执行担保规定 arts.12, 13"
SRC_REFUSAL_CRIME = "刑法 art.313; 刑法313解释"
SRC_PRIVATE_PROSECUTION = "拒执罪解释 art.14"
SRC_REFERRAL_STEPS = "docs/rules.md §9 (the referral's steps)"

# --- confirmed constants (C) ----------------------------------------------------------------
APPLICATION_PERIOD_YEARS = 2
FILING_DECISION_DAYS = 7
NOTICE_DAYS = 10
LEAD_VERIFICATION_DAYS = 7
URGENT_LEAD_VERIFICATION_DAYS = 3
REWARD_DECISION_DAYS = 10
AUCTION_FLOOR = Decimal("0.70")
REAUCTION_MAX_CUT = Decimal("0.20")
DEPOSIT_MIN = Decimal("0.05")
DEPOSIT_MAX = Decimal("0.20")
ANNOUNCE_DAYS_MOVABLE = 15
ANNOUNCE_DAYS_IMMOVABLE = 30
REANNOUNCE_DAYS_MOVABLE = 7
REANNOUNCE_DAYS_IMMOVABLE = 15
REAUCTION_WITHIN_DAYS = 30
BIDDING_MIN = timedelta(hours=24)
BID_EXTENSION = timedelta(minutes=5)
REFERENCE_PRICE_VALID_YEARS = 1
PAYOUT_DAYS = 30

FEE_BANDS: tuple[tuple[Decimal, Decimal], ...] = (
    (Decimal("500000"), Decimal("0.015")),
    (Decimal("5000000"), Decimal("0.01")),
    (Decimal("10000000"), Decimal("0.005")),
)
"""诉讼费用交纳办法 art.14(1): up to ¥10,000 a flat ¥50; the part above, up to each band's upper
limit, at the band's rate; above ¥10,000,000 at 0.1%."""


def enforcement_fee(amount: Decimal) -> Decimal:
    """The 执行申请费 for an executed amount (诉讼费用交纳办法 art.14(1)), to the fen (half up)."""
    fee, lower = Decimal("50"), Decimal("10000")
    for upper, rate in FEE_BANDS:
        if amount > lower:
            fee += (min(amount, upper) - lower) * rate
        lower = upper
    if amount > lower:
        fee += (amount - lower) * Decimal("0.001")
    return fee.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
FINE_MAX_PERSON = Decimal("100000.00")
FINE_MIN_ORGANISATION = Decimal("50000.00")
FINE_MAX_ORGANISATION = Decimal("1000000.00")
DETENTION_MAX_DAYS = 15
SUMMONS_MAX_HOURS = 8
SUMMONS_MAX_HOURS_DETENTION_LIKELY = 24
DISHONEST_BASE_YEARS = 2
DISHONEST_MAX_EXTRA_YEARS = 3
DISHONEST_DELETION_WORKING_DAYS = 3
TERMINATION_MIN_MONTHS = 3
MONITORING_INTERVAL_MONTHS = 6
MONITORING_YEARS = 5
CLOSURE_LIMIT_MONTHS = 6
CLOSURE_LIMIT_MONTHS_NON_LITIGATION = 3
EXTENSION_MONTHS = 3
EXTENSION_REQUEST_DAYS_BEFORE = 5
ADULT_AGE = 18
POSTPONEMENT_MAX_YEARS = 1
SECURITY_PERIOD_DEFAULT_MONTHS = 12


class AssetKind(StrEnum):
    """Kinds of property; the control maximum depends on it (民诉法解释 art.485)."""

    DEPOSIT = "deposit"
    ONLINE_PAYMENT = "online_payment"
    WAGES = "wages"
    VEHICLE = "vehicle"
    MOVABLE = "movable"
    REAL_ESTATE = "real_estate"
    SECURITIES = "securities"
    EQUITY = "equity"
    INSURANCE = "insurance"
    OTHER_RIGHT = "other_right"


MONEY_KINDS = frozenset({AssetKind.DEPOSIT, AssetKind.ONLINE_PAYMENT, AssetKind.WAGES})
MOVABLE_KINDS = frozenset({AssetKind.VEHICLE, AssetKind.MOVABLE})

CONTROL_MAX_YEARS: dict[AssetKind, int] = {
    AssetKind.DEPOSIT: 1, AssetKind.ONLINE_PAYMENT: 1, AssetKind.WAGES: 1,
    AssetKind.VEHICLE: 2, AssetKind.MOVABLE: 2,
    AssetKind.REAL_ESTATE: 3, AssetKind.SECURITIES: 3, AssetKind.EQUITY: 3,
    AssetKind.INSURANCE: 3, AssetKind.OTHER_RIGHT: 3,
}
"""Maximum freeze/seize/seal period per kind: deposits 1 year, movables 2, real estate and other
property rights 3 (民诉法解释 art.485). Each renewal is capped the same."""


class Channel(StrEnum):
    """Network inquiry channels (网络执行查控) and the other investigation routes."""

    DEPOSITS = "deposits"
    VEHICLES = "vehicles"
    REAL_ESTATE = "real_estate"
    SECURITIES = "securities"
    EQUITY = "equity"
    ONLINE_PAYMENT = "online_payment"
    INSURANCE = "insurance"


class RuleSet(BaseModel):
    """Configurable legal parameters (docs/rules.md status P or M), with their defaults."""

    model_config = ConfigDict(frozen=True)

    required_channels: frozenset[Channel] = frozenset(
        {Channel.DEPOSITS, Channel.VEHICLES, Channel.REAL_ESTATE, Channel.SECURITIES}
    )
    """Network channels that must be queried before 终本 (终本规定 art.3; M: configurable)."""
    sale_window_days: int = 60
    """变卖 window after the second failed auction (practice, P)."""
    delay_interest_daily_rate: Decimal = Decimal("0.000175")
    """Double-rate part of delay interest: 日万分之一点七五 (迟延履行利息解释 art.1; M)."""
    minimum_living_allowance: Decimal = Decimal("1000.00")
    """Local minimum living standard per month left to a wage debtor (查封规定 art.3; M, local)."""
    hearing_required: bool = True
    """Applicant heard (约谈) before 终本 (P)."""
    renewal_lead_days: int = 30
    """How long before expiry a workflow starts renewing a control (configurable)."""
    reference_price_grace_months: int = 6
    """An auction or sale announced while the reference price was valid may still be held up to
    this many months after it lapsed (参考价规定 art.27; P)."""


DEFAULT_RULES = RuleSet()


def violation(code: str, message: str, source: str) -> RuleViolation:
    """Shorthand used by decisions: ``raise violation(...)``."""
    return RuleViolation(code, message, source)


def control_max_years(kind: AssetKind) -> int:
    """Maximum control period in years for this kind of property (民诉法解释 art.485)."""
    return CONTROL_MAX_YEARS[kind]


def auction_floor(reference: Decimal) -> Decimal:
    """Lowest first-round starting price: 70% of the reference price (网拍规定 art.10)."""
    return yuan(reference * AUCTION_FLOOR)


def reauction_floor(previous_start: Decimal) -> Decimal:
    """Lowest re-auction starting price: previous start cut by at most 20% (网拍规定 art.26)."""
    return yuan(previous_start * (1 - REAUCTION_MAX_CUT))


def deposit_bounds(start_price: Decimal) -> tuple[Decimal, Decimal]:
    """Bidding deposit range: 5%–20% of the starting price (网拍规定 art.17)."""
    return yuan(start_price * DEPOSIT_MIN), yuan(start_price * DEPOSIT_MAX)


def announcement_days(kind: AssetKind, reauction: bool) -> int:
    """Minimum days between announcement and opening (网拍规定 arts.12, 26)."""
    movable = kind in MOVABLE_KINDS
    if reauction:
        return REANNOUNCE_DAYS_MOVABLE if movable else REANNOUNCE_DAYS_IMMOVABLE
    return ANNOUNCE_DAYS_MOVABLE if movable else ANNOUNCE_DAYS_IMMOVABLE


class InterestPeriod(BaseModel):
    """One stretch of days over which the unperformed principal stayed the same."""

    model_config = ConfigDict(frozen=True)

    first: date
    last: date
    base: Decimal  # the principal not yet performed on these days
    days: int
    amount: Decimal  # base × daily rate × days, exact (rounded once, over the total)


def principal_unperformed(principal: Decimal, interest: Decimal, fees: Decimal,
                          recovered: Decimal) -> Decimal:
    """The principal not yet performed once ``recovered`` was received: what is recovered pays
    the claimed fees, then the claimed interest, then the principal (民法典 art.561), and the
    doubled interest only after the document's debt (迟延履行利息解释 art.4; docs/rules.md §1.2)."""
    paid = min(principal, max(Decimal("0.00"), recovered - fees - interest))
    return principal - paid


def delay_interest_periods(*, principal: Decimal, interest: Decimal, fees: Decimal,
                           recoveries: tuple[tuple[date, Decimal], ...], start: date, end: date,
                           rules: RuleSet) -> list[InterestPeriod]:
    """The doubled part of delay interest for the days after ``start`` up to ``end``, period by
    period (民诉法 art.264; 迟延履行利息解释 arts.1, 3): each day bears interest on the principal
    not yet performed when it begins, so an amount recovered on a day still bears interest on
    that day and no longer from the next (分次履行的, 计算至每次履行之日)."""
    def base(before: date) -> Decimal:
        got = sum((amount for day, amount in recoveries if day < before), Decimal("0.00"))
        return principal_unperformed(principal, interest, fees, got)

    cuts = sorted({day for day, _ in recoveries if start < day < end})
    out: list[InterestPeriod] = []
    first = start + timedelta(days=1)
    for last in (*cuts, end):
        days = (last - first).days + 1
        owed = base(first)
        if days > 0 and owed > 0:
            out.append(InterestPeriod(first=first, last=last, base=owed, days=days,
                                      amount=owed * rules.delay_interest_daily_rate * days))
        first = last + timedelta(days=1)
    return out


def delay_interest_total(periods: list[InterestPeriod]) -> Decimal:
    """The assessment: the periods' exact sum, rounded half up to the cent once."""
    return yuan(sum((p.amount for p in periods), Decimal("0")))


def age_on(birth: date, day: date) -> int:
    """Full years of age on ``day``."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


# --- objections, reviews, outsiders' claims (docs/rules.md §7) --------------------------------
SRC_OBJECTION = "民诉法 art.236"
SRC_OBJECTION_RULING = "民诉法 art.236; 异议复议规定 art.17"
SRC_OBJECTION_STAY = "执行程序解释 art.10"
SRC_REPEATED_OBJECTION = "异议复议规定 art.15"
SRC_CLAIM = "民诉法 art.238"
SRC_CLAIM_EXAMINATION = "民诉法 art.238; 执行程序解释 art.15"
SRC_CLAIM_TIMING = "民诉法解释 art.462"
SRC_CLAIM_REJECTED = "民诉法 art.238; 民诉法解释 art.463"
SRC_CLAIM_SUIT = "民诉法解释 art.313"
SRC_CLAIM_RELEASE = "民诉法解释 art.314"
OBJECTION_EXAMINATION_DAYS = 15  # 民诉法 arts.236, 238: examined within 15 days of receipt
REVIEW_APPLICATION_DAYS = 10  # 民诉法 art.236: 复议 within 10 days of service of the ruling
OBJECTION_SUIT_DAYS = 15  # 民诉法 art.238: 执行异议之诉 within 15 days of service
CLAIM_RELEASE_DAYS = 7  # 民诉法解释 art.314: release within 7 days after the suit period
