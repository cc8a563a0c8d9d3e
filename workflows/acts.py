"""Operator acts: the payload of every update (and of the ``act`` signal) of the case workflow.

Each model is a stable JSON contract (docs/workflows.md): ``kind`` names the update, ``actor``
says who acts, ``request_id`` (optional) makes a re-sent act idempotent, ``note`` is recorded as
the act's basis. Dates of the act (``paid_on`` …) default to the business date on which the
workflow applies it; an explicit date may not lie after it.

A measure that needs an approval (docs/rules.md, "Approvals") names an approved request by
``approval_id``: ``request_approval`` (by whoever needs it), then ``give_approval`` or
``refuse_approval`` (by the approver). The ``approval`` object those acts once carried is still
read (recorded histories hold it); the case refuses it (``approval.typed_not_accepted``).
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal, TypeVar

from pydantic import Field

from domain.models import (
    ApprovalMeasure,
    ApprovalMode,
    AssetFinding,
    DishonestGround,
    SettlementChoice,
    ShortId,
    SuspensionReason,
    Text,
)
from domain.values import Actor, Approval, CheckedText, Money, PartyKind, PositiveMoney
from workflows.messages import Message

RequestId = Annotated[str, Field(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9_.:\-]+$")]
Note = Annotated[str, Field(max_length=500)]


class ActBase(Message, CheckedText):
    actor: Actor
    request_id: RequestId | None = None
    note: Note | None = None


ADDED_LATER = ("approval_id", "respondent")
"""Optional act fields added after acts were first journaled."""


def fingerprint(act: ActBase) -> str:
    """What makes two acts sent with one key the same act (its JSON, hashed). A field added
    later (``ADDED_LATER``) is left out while None: acts journaled before it existed keep their
    fingerprint."""
    exclude: dict[str, Any] = {}
    for name in ADDED_LATER:
        if getattr(act, name, "") is None:
            exclude[name] = True
    measure = getattr(act, "measure", None)
    if isinstance(measure, Message) and getattr(measure, "approval_id", "") is None:
        exclude["measure"] = {"approval_id": True}
    return hashlib.sha256(act.model_dump_json(exclude=exclude or None).encode()).hexdigest()[:24]


ApprovalRef = Annotated[ShortId | None, Field(
    description="the approved request (request_approval, give_approval) the measure rests on")]
LegacyApproval = Annotated[Approval | None, Field(
    description="read in recorded histories only; a new act carrying it is refused "
                "(approval.typed_not_accepted)")]


class RecordPayment(ActBase):
    """The debtor paid into the case account (or directly to the applicant, who confirms it)."""

    kind: Literal["record_payment"] = "record_payment"
    amount: PositiveMoney
    paid_on: date | None = None
    direct_to_applicant: bool = False


class SubmitLead(ActBase):
    """The applicant gives a lead to property; the workflow has it verified within 7 (3) days."""

    kind: Literal["submit_lead"] = "submit_lead"
    lead_id: ShortId
    description: Text
    urgent: bool = False
    submitted_on: date | None = None


class VerifyLead(ActBase):
    """An officer reports the verification of a lead (otherwise the workflow verifies it)."""

    kind: Literal["verify_lead"] = "verify_lead"
    lead_id: ShortId
    finding: AssetFinding | None = None
    verified_on: date | None = None


class RecordNoticeService(ActBase):
    kind: Literal["record_notice_service"] = "record_notice_service"
    served_on: date | None = None


class RecordPropertyReport(ActBase):
    """The debtor's property report (assets it lists are registered with source ``report``)."""

    kind: Literal["record_property_report"] = "record_property_report"
    status: Literal["filed", "refused", "false"]
    reported_on: date | None = None
    assets: Annotated[tuple[AssetFinding, ...], Field(max_length=50)] = ()


class AnnounceAuction(ActBase):
    """An officer announces an auction round on terms of their choosing (else the workflow does)."""

    kind: Literal["announce_auction"] = "announce_auction"
    asset_id: ShortId
    start_price: PositiveMoney
    deposit: PositiveMoney
    opens_at: datetime | None = None  # default: the legal announcement period, 10:00
    closes_at: datetime | None = None  # default: 24 hours after opening


class RecordBid(ActBase):
    kind: Literal["record_bid"] = "record_bid"
    asset_id: ShortId
    bidder: ShortId
    amount: PositiveMoney
    bid_at: datetime


class RecordAuctionResult(ActBase):
    """Close a round as the platform reports it (the workflow also closes it at its end)."""

    kind: Literal["record_auction_result"] = "record_auction_result"
    asset_id: ShortId
    closed_at: datetime | None = None


class RecordBuyerDefault(ActBase):
    kind: Literal["record_buyer_default"] = "record_buyer_default"
    asset_id: ShortId
    costs: Money = Decimal("0.00")
    defaulted_on: date | None = None


class SellAsset(ActBase):
    """Sale 变卖 after the second failed auction."""

    kind: Literal["sell_asset"] = "sell_asset"
    asset_id: ShortId
    price: PositiveMoney
    buyer: ShortId
    sold_on: date | None = None


class TransferInLieu(ActBase):
    """Transfer 以物抵债 to the applicant, who consents, at the failed round's reserve price."""

    kind: Literal["transfer_in_lieu"] = "transfer_in_lieu"
    asset_id: ShortId
    transferred_on: date | None = None


class ReachSettlement(ActBase):
    kind: Literal["reach_settlement"] = "reach_settlement"
    amount: PositiveMoney
    due_on: date
    terms: Text
    reached_on: date | None = None


class RecordSettlementPayment(ActBase):
    kind: Literal["record_settlement_payment"] = "record_settlement_payment"
    amount: PositiveMoney
    paid_on: date | None = None


class RecordSettlementDefault(ActBase):
    """The debtor defaulted on the settlement; the applicant chose to resume or to sue."""

    kind: Literal["record_settlement_default"] = "record_settlement_default"
    choice: SettlementChoice
    defaulted_on: date | None = None


class RequestExtension(ActBase):
    kind: Literal["request_extension"] = "request_extension"
    approval_id: ApprovalRef = None
    approval: LegacyApproval = None
    requested_on: date | None = None


class RestrictConsumption(ActBase):
    kind: Literal["restrict_consumption"] = "restrict_consumption"
    approval_id: ApprovalRef = None
    approval: LegacyApproval = None
    bound_persons: Annotated[tuple[Annotated[str, Field(min_length=1, max_length=100)], ...],
                             Field(max_length=20)] = ()


class ListDishonest(ActBase):
    """List as 失信: the respondent named (by name or identity-document number), or every
    respondent when none is named (docs/rules.md §1.9)."""

    kind: Literal["list_dishonest"] = "list_dishonest"
    ground: DishonestGround
    approval_id: ApprovalRef = None
    approval: LegacyApproval = None
    extra_years: Annotated[int, Field(ge=0, le=3)] = 0
    respondent: Annotated[str, Field(min_length=1, max_length=100)] | None = None


class Fine(Message, CheckedText):
    type: Literal["fine"] = "fine"
    amount: PositiveMoney
    subject: Text
    subject_kind: PartyKind
    approval_id: ApprovalRef = None
    approval: LegacyApproval = None


class Detention(Message, CheckedText):
    type: Literal["detention"] = "detention"
    days: Annotated[int, Field(ge=1, le=100)]
    subject: Text
    approval_id: ApprovalRef = None
    approval: LegacyApproval = None


class Summons(Message):
    type: Literal["summons"] = "summons"
    hours: Annotated[int, Field(ge=1, le=100)]
    detention_likely: bool = False


class ExitBan(Message, CheckedText):
    type: Literal["exit_ban"] = "exit_ban"
    subject: Text


Measure = Annotated[Fine | Detention | Summons | ExitBan, Field(discriminator="type")]


class OrderMeasure(ActBase):
    """A coercive measure: fine, detention, summons or exit ban."""

    kind: Literal["order_measure"] = "order_measure"
    measure: Measure
    ordered_on: date | None = None


class RecordApplicantHearing(ActBase):
    kind: Literal["record_applicant_hearing"] = "record_applicant_hearing"
    record: Text
    heard_on: date | None = None


class ApproveTermination(ActBase):
    """The judge rules 终本: with the applicant's signature, or panel review + president (an
    approved request named by ``approval_id``)."""

    kind: Literal["approve_termination"] = "approve_termination"
    approval_mode: ApprovalMode
    approval_id: ApprovalRef = None
    approval: LegacyApproval = None
    ruling_number: Annotated[str, Field(min_length=1, max_length=80)] | None = None


class RequestApproval(ActBase):
    """Ask for the approval a measure needs: its kind and particulars (a fine's subject and
    amount, a detention's subject and days). ``approval_id``: the request's id (default
    ``AR-<n>``, answered in the result); the measure names it once approved."""

    kind: Literal["request_approval"] = "request_approval"
    measure: ApprovalMeasure
    approval_id: ShortId | None = None
    subject: Text | None = None
    amount: PositiveMoney | None = None
    days: Annotated[int, Field(ge=1, le=100)] | None = None


class GiveApproval(ActBase):
    """The approver (the role the measure's rule names, never the requester) approves."""

    kind: Literal["give_approval"] = "give_approval"
    approval_id: ShortId


class RefuseApproval(ActBase):
    """The approver refuses the request: no measure may rest on it."""

    kind: Literal["refuse_approval"] = "refuse_approval"
    approval_id: ShortId
    reason: Text


class WithdrawApplication(ActBase):
    """The applicant withdraws: controls are released and enforcement ends (终结执行)."""

    kind: Literal["withdraw_application"] = "withdraw_application"
    reason: Text


class CloseCase(ActBase):
    """The court closes the case otherwise than by performance or 终本: 销案 (filing withdrawn),
    不予执行 (enforcement refused) or 驳回申请 (application rejected); controls are released."""

    kind: Literal["close_case"] = "close_case"
    mode: Literal["withdrawn_filing", "not_enforced", "rejected"]
    reason: Text


class RequestResumption(ActBase):
    """After 终本: the applicant asks to resume (a new 执恢 case is opened)."""

    kind: Literal["request_resumption"] = "request_resumption"
    reason: Text


class SuspendEnforcement(ActBase):
    kind: Literal["suspend_enforcement"] = "suspend_enforcement"
    reason: Literal[SuspensionReason.OBJECTION, SuspensionReason.AUDIT, SuspensionReason.SECURITY,
                    SuspensionReason.OTHER]


class EndSuspension(ActBase):
    kind: Literal["end_suspension"] = "end_suspension"


class RaiseLimitationObjection(ActBase):
    """The debtor objects that the application came after the 2-year application period
    (民诉法解释 art.481): recorded from its written objection (docs/rules.md §1.13)."""

    kind: Literal["raise_limitation_objection"] = "raise_limitation_objection"
    grounds: Text
    raised_on: date | None = None


class RuleOnLimitationObjection(ActBase):
    """The court rules on the limitation objection: upheld, the case ends as 不予执行 (controls
    released, restriction lifted, 失信 entries deleted); rejected, enforcement goes on."""

    kind: Literal["rule_on_limitation_objection"] = "rule_on_limitation_objection"
    upheld: bool
    reason: Text


Act = Annotated[
    RecordPayment | SubmitLead | VerifyLead | RecordNoticeService | RecordPropertyReport
    | AnnounceAuction | RecordBid | RecordAuctionResult | RecordBuyerDefault | SellAsset
    | TransferInLieu
    | ReachSettlement | RecordSettlementPayment | RecordSettlementDefault | RequestExtension
    | RestrictConsumption | ListDishonest | OrderMeasure | RecordApplicantHearing
    | ApproveTermination | WithdrawApplication | CloseCase | RequestResumption
    | SuspendEnforcement
    | EndSuspension | RequestApproval | GiveApproval | RefuseApproval
    | RaiseLimitationObjection | RuleOnLimitationObjection,
    Field(discriminator="kind"),
]
"""Any act: the payload of the ``act`` signal (fire and forget; refusals are kept as problems)."""

ACT_TYPES: tuple[type[ActBase], ...] = (
    RecordPayment, SubmitLead, VerifyLead, RecordNoticeService, RecordPropertyReport,
    AnnounceAuction, RecordBid, RecordAuctionResult, RecordBuyerDefault, SellAsset,
    TransferInLieu, ReachSettlement,
    RecordSettlementPayment, RecordSettlementDefault, RequestExtension, RestrictConsumption,
    ListDishonest, OrderMeasure, RecordApplicantHearing, ApproveTermination, WithdrawApplication,
    CloseCase,
    RequestResumption, SuspendEnforcement, EndSuspension, RequestApproval, GiveApproval,
    RefuseApproval, RaiseLimitationObjection, RuleOnLimitationObjection,
)


def act_name(act: ActBase) -> str:
    """The update name of an act (its ``kind``)."""
    name: str = type(act).model_fields["kind"].default
    return name


AnyAct = TypeVar("AnyAct", bound=ActBase)


def approval_measure(act: ActBase) -> ApprovalMeasure | None:
    """The kind of approval ``act`` rests on (itself, or its coercive measure), or None."""
    if isinstance(act, ListDishonest):
        return ApprovalMeasure.DISHONEST
    if isinstance(act, RestrictConsumption):
        return ApprovalMeasure.RESTRICTION
    if isinstance(act, RequestExtension):
        return ApprovalMeasure.EXTENSION
    if isinstance(act, ApproveTermination):
        return ApprovalMeasure.TERMINATION \
            if act.approval_mode is ApprovalMode.PANEL_AND_PRESIDENT else None
    if isinstance(act, OrderMeasure) and isinstance(act.measure, Fine):
        return ApprovalMeasure.FINE
    if isinstance(act, OrderMeasure) and isinstance(act.measure, Detention):
        return ApprovalMeasure.DETENTION
    return None


def approval_request(act: ActBase, approval_id: str | None = None,
                     request_id: str | None = None) -> RequestApproval | None:
    """The request of the approval ``act`` rests on, by ``act``'s actor, with its particulars
    (``approval_id`` None: the case names it); None if it rests on none."""
    measure = approval_measure(act)
    if measure is None:
        return None
    inner = act.measure if isinstance(act, OrderMeasure) else None
    return RequestApproval(
        actor=act.actor, measure=measure, approval_id=approval_id, request_id=request_id,
        subject=getattr(inner, "subject", None), amount=getattr(inner, "amount", None),
        days=getattr(inner, "days", None))


def with_approval_id(act: AnyAct, approval_id: str) -> AnyAct:
    """``act`` resting on approval request ``approval_id`` (itself, or its coercive measure)."""
    if isinstance(act, OrderMeasure):
        return act.model_copy(update={"measure": act.measure.model_copy(
            update={"approval_id": approval_id})})
    return act.model_copy(update={"approval_id": approval_id})


def typed_approval(act: ActBase) -> Approval | None:
    """The approval typed into ``act`` (itself, or its coercive measure), if any."""
    typed = getattr(act, "approval", None)
    if typed is None and isinstance(act, OrderMeasure):
        typed = getattr(act.measure, "approval", None)
    return typed if isinstance(typed, Approval) else None
