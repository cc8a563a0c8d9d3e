"""Value models shared by commands, events and state: claim, basis, assets, measures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import Field

from domain.rules import AssetKind
from domain.values import Frozen, Money, PositiveMoney

Text = Annotated[str, Field(min_length=1, max_length=500)]
ShortId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:\-]+$")]


class CaseCategory(StrEnum):
    """What the case is about; livelihood categories are served first (docs/rules.md §4)."""

    WAGES = "wages"  # migrant workers' wages
    SUPPORT = "support"  # support / alimony
    INJURY = "injury"  # traffic-injury and personal-injury compensation
    LOAN = "loan"
    CONTRACT = "contract"
    OTHER = "other"


LIVELIHOOD = frozenset({CaseCategory.WAGES, CaseCategory.SUPPORT, CaseCategory.INJURY})


class BasisKind(StrEnum):
    """Kind of effective legal document (生效法律文书) enforced."""

    JUDGMENT = "judgment"
    MEDIATION = "mediation"
    ARBITRAL_AWARD = "arbitral_award"
    NOTARISED_DEBT = "notarised_debt"
    ADMINISTRATIVE = "administrative"  # non-litigation administrative enforcement (非诉执行)


class Basis(Frozen):
    """The enforcement basis."""

    kind: BasisKind
    document_number: Annotated[str, Field(min_length=1, max_length=80)]
    issued_by: Annotated[str, Field(min_length=1, max_length=80)]
    effective_on: date
    performance_deadline: date
    limitation_restarted_on: date | None = None  # interruption of the application period

    @property
    def non_litigation(self) -> bool:
        return self.kind is BasisKind.ADMINISTRATIVE


class Claim(Frozen):
    """Amount applied for: principal + interest + fees (docs/rules.md §3, 执行到位率)."""

    principal: PositiveMoney
    interest: Money = Decimal("0.00")
    fees: Money = Decimal("0.00")

    @property
    def total(self) -> Decimal:
        return self.principal + self.interest + self.fees


class AssetFinding(Frozen):
    """An asset found by an inquiry, a lead, the report or an investigation."""

    asset_id: ShortId
    kind: AssetKind
    description: Text
    value: Money  # estimated value (deposit: balance)
    exempt: bool = False  # necessities / living costs (查封规定 art.3)
    necessary_home: bool = False  # debtor's necessary home (查封规定 art.4)
    indivisible: bool = False


class ControlMeasure(StrEnum):
    FREEZE = "freeze"  # 冻结
    SEIZE = "seize"  # 扣押
    SEAL = "seal"  # 查封


class PriceMethod(StrEnum):
    """Methods of fixing the reference price (参考价规定 art.2)."""

    AGREEMENT = "agreement"
    DIRECTED_INQUIRY = "directed_inquiry"
    NETWORK_INQUIRY = "network_inquiry"
    APPRAISAL = "appraisal"


class ReportStatus(StrEnum):
    """Outcome of the property-report order (财产调查规定 arts.5-10)."""

    FILED = "filed"
    LATE = "late"
    REFUSED = "refused"
    FALSE = "false"


class FundsSource(StrEnum):
    DEBTOR_PAYMENT = "debtor_payment"
    DEPOSIT_TRANSFER = "deposit_transfer"
    AUCTION_PROCEEDS = "auction_proceeds"
    SALE_PROCEEDS = "sale_proceeds"
    FORFEITED_DEPOSIT = "forfeited_deposit"
    SETTLEMENT_PAYMENT = "settlement_payment"
    DIRECT_TO_APPLICANT = "direct_to_applicant"  # confirmed by the applicant, no payout
    SECURITY = "security"  # collected from a security (执行担保): the guarantor or the property
    GARNISHEE_REMITTANCE = "garnishee_remittance"  # an employer's monthly remittance (民诉法 254)
    DISTRIBUTION = "distribution"  # the case's share of a 参与分配 plan (docs/rules.md §12)


NO_PAYOUT_SOURCES = frozenset({FundsSource.DIRECT_TO_APPLICANT})
SURPLUS_SOURCES = frozenset({FundsSource.AUCTION_PROCEEDS, FundsSource.SALE_PROCEEDS})
"""Receipts that may exceed what is owed: a price is paid in full and what is left after the
claim and the enforcement fee goes back to the debtor (docs/rules.md §1.7)."""


class PayeeKind(StrEnum):
    """Whom case money is due to (一案一账号: every entry of the case's ledger names one)."""

    APPLICANT = "applicant"  # 申请执行人: the claim
    COURT_FEE = "court_fee"  # the court: 执行申请费 (诉讼费用交纳办法 arts.14, 20, 38)
    DEBTOR_REFUND = "debtor_refund"  # 被执行人: the excess beyond the claim and the fee


class Allocation(Frozen):
    """The part of a receipt due to one payee, and the day its payout falls due (30 days after
    arrival, 执行款物规定)."""

    payee_kind: PayeeKind
    payee: Annotated[str, Field(min_length=1, max_length=100)] | None = None
    amount: Money
    due_on: date | None = None


class DishonestGround(StrEnum):
    """The six grounds of 失信规定 art.1."""

    ABLE_BUT_REFUSES = "able_but_refuses"
    OBSTRUCTION = "obstruction"
    FALSE_LITIGATION_OR_HIDING = "false_litigation_or_hiding"
    REPORT_VIOLATION = "report_violation"
    RESTRICTION_VIOLATION = "restriction_violation"
    SETTLEMENT_DEFAULT = "settlement_default"


class ApprovalMode(StrEnum):
    """How a 终本 ruling is approved (民诉法解释 art.517)."""

    APPLICANT_SIGNED = "applicant_signed"
    PANEL_AND_PRESIDENT = "panel_and_president"


class ApprovalMeasure(StrEnum):
    """A measure that needs an approval recorded before it is taken (docs/rules.md, Approvals)."""

    FINE = "fine"  # 罚款 (民诉法 art.119)
    DETENTION = "detention"  # 拘留 (民诉法 art.119)
    RESTRICTION = "restriction"  # 限制消费令 (限消规定 art.5)
    DISHONEST = "dishonest"  # 纳入失信名单 (失信规定 art.5)
    EXTENSION = "extension"  # 延长执行期限 (审限规定 art.5)
    TERMINATION = "termination"  # 终本 without the applicant's signature (民诉法解释 art.517)


class ClosureMode(StrEnum):
    """结案方式 (执行工作规定 art.64; 立案结案意见 arts.14-20)."""

    CONCLUDED = "concluded"  # 执行完毕
    TERMINATED = "terminated"  # 终结本次执行程序 (终本)
    ENDED = "ended"  # 终结执行 (民诉法 art.268)
    WITHDRAWN_FILING = "withdrawn_filing"  # 销案
    NOT_ENFORCED = "not_enforced"  # 不予执行
    REJECTED = "rejected"  # 驳回申请


class EndingGround(StrEnum):
    """Grounds of 终结执行 (民诉法 art.268)."""

    APPLICANT_WITHDREW = "applicant_withdrew"
    BASIS_REVOKED = "basis_revoked"
    DEBTOR_DIED_NO_ESTATE = "debtor_died_no_estate"
    SUPPORT_CLAIMANT_DIED = "support_claimant_died"
    DEBTOR_DESTITUTE = "debtor_destitute"
    APPLICANT_SUED_ON_SETTLEMENT = "applicant_sued_on_settlement"
    OTHER = "other"


class SettlementChoice(StrEnum):
    """After a settlement default the applicant chooses one, not both (和解规定 arts.9, 13)."""

    RESUME = "resume"
    SUE = "sue"


class SuspensionReason(StrEnum):
    """Why enforcement is suspended (民诉法 art.267) or a period excluded (审限规定 art.9)."""

    SETTLEMENT = "settlement"
    OBJECTION = "objection"
    AUDIT = "audit"
    SECURITY = "security"
    OTHER = "other"




class SecurityForm(StrEnum):
    """How enforcement is secured (执行担保规定 art.2): property, or a guarantee (保证) by a
    person other than the debtor."""

    PROPERTY = "property"  # 财产担保
    GUARANTEE = "guarantee"  # 保证


class SecurityProvider(StrEnum):
    """Who gives the security (执行担保规定 art.2): the debtor or another person (担保人)."""

    DEBTOR = "debtor"
    THIRD_PARTY = "third_party"


class PostponementEnd(StrEnum):
    """Why a postponement (暂缓执行) ends: its term ran out, or the security was breached
    (民诉法解释 art.467; 执行担保规定 art.11)."""

    PERIOD_ENDED = "period_ended"
    BREACH = "breach"


class ReferralRoute(StrEnum):
    """How criminal proceedings for refusing to enforce (拒执罪, 刑法 art.313) are started."""

    COURT_TRANSFER = "court_transfer"  # the court transfers the case to the police (移送公安机关)
    APPLICANT_COMPLAINT = "applicant_complaint"  # the applicant's complaint to the police (控告)
    PRIVATE_PROSECUTION = "private_prosecution"  # the applicant's private prosecution (自诉)


class ReferralOutcome(StrEnum):
    """What became of a referral (docs/rules.md §9: the allowed sequence)."""

    ACCEPTED = "accepted"  # 立案 (police) / 受理 (court, private prosecution)
    DECLINED = "declined"  # 不予立案 / 不予追究 / 不予受理
    PROSECUTED = "prosecuted"  # 提起公诉
    DROPPED = "dropped"  # 撤销案件 / 不起诉
    CONVICTED = "convicted"
    ACQUITTED = "acquitted"
    WITHDRAWN = "withdrawn"  # 自诉 withdrawn or reconciled before judgment


# --- objections (docs/rules.md §7) ------------------------------------------------------------

class ObjectedAct(StrEnum):
    """The enforcement act a 执行异议 objects to (民诉法 art.236; docs/rules.md §7.1). The acts
    about one asset name it (``asset_id``)."""

    CONTROL = "control"  # a freeze, seizure or seal of the asset
    TRANSFER = "transfer"  # a deposit transferred (划拨)
    VALUATION = "valuation"  # the asset's reference price
    AUCTION = "auction"  # an auction of the asset
    RESTRICTION = "restriction"  # the consumption restriction
    DISHONEST = "dishonest"  # the 失信 listing
    FINE = "fine"
    DETENTION = "detention"
    EXIT_BAN = "exit_ban"
    OTHER = "other"  # any other act (name it by its version in the record)


ASSET_ACTS = frozenset({ObjectedAct.CONTROL, ObjectedAct.TRANSFER, ObjectedAct.VALUATION,
                        ObjectedAct.AUCTION})
"""Acts about one asset: the objection names the asset; a stay stays its disposal."""


class Standing(StrEnum):
    """Who objects to an enforcement act (民诉法 art.236): a party, or an interested person
    (异议复议规定 art.5)."""

    PARTY = "party"
    INTERESTED = "interested"


class ObjectionOutcome(StrEnum):
    """The ruling on an objection or an outsider's claim (异议复议规定 art.17; 民诉法 art.238)."""

    UPHELD = "upheld"  # 理由成立: the act revoked or changed / the asset's enforcement stopped
    REJECTED = "rejected"  # 理由不成立: 裁定驳回


class ReviewOutcome(StrEnum):
    """The higher court's decision on a 复议 (民诉法 art.236)."""

    MAINTAINED = "maintained"  # the ruling stands
    REVERSED = "reversed"  # the ruling is reversed: an upheld objection becomes rejected, and
    # the other way round


class SuitJudgment(StrEnum):
    """The judgment of a 执行异议之诉 about the claimed asset (民诉法解释 arts.310-314)."""

    ENFORCEMENT_ALLOWED = "enforcement_allowed"  # 许可执行 / the outsider's claim dismissed
    ENFORCEMENT_EXCLUDED = "enforcement_excluded"  # 不得执行: the asset is the outsider's
