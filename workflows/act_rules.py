"""Operator acts → domain commands: validation (for update validators) and application.

``validate`` decides whether an act is well-formed — its dates are not after the business date
and it builds into valid domain commands — without writing anything (a rejected update leaves
no trace in history). ``receive`` journals an accepted act and applies it once per key
(``workflows/journal.py``); ``apply`` runs the commands; the aggregate decides whether they
stand, and its refusal reaches the caller as an ApplicationError with the rule's code and source.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any, Literal

from pydantic import ValidationError
from temporalio import workflow
from temporalio.exceptions import ApplicationError, ApplicationErrorCategory

from workflows import versions
from workflows.context import CaseContext
from workflows.termination import resume

with workflow.unsafe.imports_passed_through():
    from domain import commands as c
    from domain.calendar import add_months
    from domain.models import (
        ClosureMode,
        EndingGround,
        FundsSource,
        ObjectionOutcome,
        ReviewOutcome,
        SettlementChoice,
    )
    from domain.rules import SRC_OBJECTION_RULING, AssetKind, announcement_days
    from domain.values import Role
    from workflows import acts as a
    from workflows.messages import SYSTEM, ActRecord, ActResult, CommandOutcome, Filing
    from workflows.principals import (
        FILING,
        VERIFY_PRINCIPAL,
        VOUCHED_BY,
        SignalCheck,
        SignalVerdict,
        act_digest,
    )

Built = list[c.Command]
DATE_FIELDS = ("paid_on", "submitted_on", "verified_on", "served_on", "reported_on",
               "defaulted_on", "sold_on", "transferred_on", "reached_on", "requested_on",
               "ordered_on", "heard_on", "bid_at", "closed_at", "raised_on",
               # doors to commands decided in the domain (docs/architecture.md)
               "to_date", "searched_on", "decided_on", "recorded_on", "occurred_on",
               "lapsed_on", "received_on", "applied_on", "filed_on",
               # security, postponement, 拒执罪 (docs/rules.md §§8, 9)
               "given_on", "collected_on", "referred_on",
               # continuing garnishment (docs/rules.md §11)
               "stopped_on",
               # unidentified receipts (docs/rules.md §10)
               "claimed_on")
SRC_INPUT = "operator contract (docs/workflows.md)"
SRC_IDENTITY = "docs/operations.md (Identity)"


def invalid(message: str) -> ApplicationError:
    """A malformed act: refused before anything is recorded."""
    return refused("input.invalid", message, SRC_INPUT)


def refused(code: str, message: str, source: str) -> ApplicationError:
    """A refusal as Temporal carries it (type = code; details = code, message, source)."""
    return ApplicationError(message, {"code": code, "message": message, "source": source},
                            type=code, non_retryable=True)


def _detail(err: ApplicationError) -> tuple[str, str, str]:
    detail = err.details[0] if err.details and isinstance(err.details[0], dict) else {}
    return (str(detail.get("code") or err.type or "error"),
            str(detail.get("message") or err.message), str(detail.get("source") or ""))


class _Builder:
    def __init__(self, ctx: CaseContext, act: a.ActBase, base: str) -> None:
        self.ctx, self.act, self.base = ctx, act, base
        self.today = ctx.today()
        self.out: Built = []

    def env(self, sub: str = "") -> dict[str, Any]:
        step = f"{self.base}:{sub}" if sub else self.base
        return self.ctx.envelope(step, self.act.actor, self.act.note)

    def day(self, value: date | None) -> date:
        return value or self.today

    def add(self, cmd: c.Command) -> None:
        self.out.append(cmd)


def _funds(b: _Builder, x: a.RecordPayment) -> None:
    source = FundsSource.DIRECT_TO_APPLICANT if x.direct_to_applicant \
        else FundsSource.DEBTOR_PAYMENT
    b.add(c.RecordFundsReceived(**b.env(), amount=x.amount, received_on=b.day(x.paid_on),
                                source=source, payer=x.payer))


def _report(b: _Builder, x: a.RecordPropertyReport) -> None:
    b.add(c.RecordPropertyReport(**b.env(), status=x.status, reported_on=b.day(x.reported_on)))
    for finding in x.assets:
        b.add(c.RegisterAsset(**b.env(f"asset:{finding.asset_id}"), asset=finding,
                              found_on=b.day(x.reported_on), source="report"))


def _announce(b: _Builder, x: a.AnnounceAuction) -> None:
    asset = b.ctx.case.asset(x.asset_id) if b.ctx.view else None
    last = asset.last_round if asset else None
    reauction = last is not None and last.status == "failed"
    kind = AssetKind(asset.kind) if asset else AssetKind.REAL_ESTATE
    opens = x.opens_at or b.ctx.at(b.today + timedelta(days=announcement_days(kind, reauction)),
                                   10)
    b.add(c.AnnounceAuction(**b.env(), asset_id=x.asset_id, start_price=x.start_price,
                            deposit=x.deposit, announced_on=b.today, opens_at=opens,
                            closes_at=x.closes_at or opens + timedelta(hours=24)))


def _measure(b: _Builder, x: a.OrderMeasure) -> None:
    m, on = x.measure, b.day(x.ordered_on)
    if isinstance(m, a.Fine):
        b.add(c.ImposeFine(**b.env(), amount=m.amount, imposed_on=on, subject=m.subject,
                           subject_kind=m.subject_kind, approval_id=m.approval_id,
                           approval=m.approval))
    elif isinstance(m, a.Detention):
        b.add(c.OrderDetention(**b.env(), days=m.days, ordered_on=on, subject=m.subject,
                               approval_id=m.approval_id, approval=m.approval))
    elif isinstance(m, a.Summons):
        b.add(c.IssueSummons(**b.env(), hours=m.hours, issued_on=on,
                             detention_likely=m.detention_likely))
    else:
        b.add(c.BanExit(**b.env(), banned_on=on, subject=m.subject))


def _release_all(b: _Builder, why: str) -> None:
    for asset in b.ctx.case.assets if b.ctx.view else ():
        if asset.control in ("active", "queued"):
            b.add(c.ReleaseControl(**b.env(f"release:{asset.asset_id}"), asset_id=asset.asset_id,
                                   released_on=b.today, reason=why))


def _withdraw(b: _Builder, x: a.WithdrawApplication) -> None:
    _release_all(b, "the applicant withdrew")
    b.add(c.EndEnforcement(**b.env("end"), closed_on=b.today, reason=x.reason,
                           ground=EndingGround.APPLICANT_WITHDREW))


def _close(b: _Builder, x: a.CloseCase) -> None:
    _release_all(b, f"the case is closed ({x.mode})")
    b.add(c.CloseCase(**b.env("close"), mode=ClosureMode(x.mode), closed_on=b.today,
                      reason=x.reason))


def _simple(b: _Builder, x: a.ActBase) -> None:
    e = b.env
    if isinstance(x, a.SubmitLead):
        b.add(c.SubmitLead(**e(), lead_id=x.lead_id, description=x.description, urgent=x.urgent,
                           submitted_on=b.day(x.submitted_on)))
    elif isinstance(x, a.VerifyLead):
        b.add(c.VerifyLead(**e(), lead_id=x.lead_id, verified_on=b.day(x.verified_on),
                           finding=x.finding))
    elif isinstance(x, a.RecordNoticeService):
        b.add(c.RecordNoticeService(**e(), served_on=b.day(x.served_on)))
    elif isinstance(x, a.RecordBid):
        b.add(c.RecordBid(**e(), asset_id=x.asset_id, bidder=x.bidder, amount=x.amount,
                          bid_at=x.bid_at))
    elif isinstance(x, a.RecordAuctionResult):
        b.add(c.CloseAuction(**e(), asset_id=x.asset_id, closed_at=x.closed_at or b.ctx.now()))
    elif isinstance(x, a.RecordBuyerDefault):
        b.add(c.RecordBuyerDefault(**e(), asset_id=x.asset_id, costs=x.costs,
                                   defaulted_on=b.day(x.defaulted_on)))
    elif isinstance(x, a.SellAsset):
        b.add(c.SellAsset(**e(), asset_id=x.asset_id, price=x.price, buyer=x.buyer,
                          sold_on=b.day(x.sold_on)))
    elif isinstance(x, a.TransferInLieu):
        b.add(c.TransferInLieu(**e(), asset_id=x.asset_id, applicant_consents=True,
                               transferred_on=b.day(x.transferred_on)))
    elif isinstance(x, a.ReachSettlement):
        b.add(c.ReachSettlement(**e(), amount=x.amount, due_on=x.due_on, terms=x.terms,
                                reached_on=b.day(x.reached_on)))
    elif isinstance(x, a.RecordSettlementPayment):
        b.add(c.RecordSettlementPayment(**e(), amount=x.amount, paid_on=b.day(x.paid_on)))
    elif isinstance(x, a.RecordSettlementDefault):
        b.add(c.RecordSettlementDefault(**e(), choice=x.choice,
                                        defaulted_on=b.day(x.defaulted_on)))
    elif isinstance(x, a.RequestExtension):
        b.add(c.RequestExtension(**e(), requested_on=b.day(x.requested_on),
                                 approval_id=x.approval_id, approval=x.approval))
    elif isinstance(x, a.RestrictConsumption):
        b.add(c.RestrictConsumption(**e(), issued_on=b.today, bound_persons=x.bound_persons,
                                    approval_id=x.approval_id, approval=x.approval))
    elif isinstance(x, a.ListDishonest):
        b.add(c.ListDishonest(**e(), ground=x.ground, listed_on=b.today,
                              extra_years=x.extra_years, approval_id=x.approval_id,
                              approval=x.approval, respondent=x.respondent))
    elif isinstance(x, a.RecordApplicantHearing):
        b.add(c.RecordApplicantHearing(**e(), heard_on=b.day(x.heard_on), record=x.record))
    elif isinstance(x, a.ApproveTermination):
        b.add(c.TerminateCurrentProcedure(
            **e(), ruled_on=b.today, approval_mode=x.approval_mode, approval_id=x.approval_id,
            approval=x.approval, ruling_number=x.ruling_number or f"{b.ctx.case_number}之一"))
    elif isinstance(x, a.RequestApproval):
        b.add(c.RequestApproval(**e(), approval_id=x.approval_id or default_approval_id(b.ctx),
                                measure=x.measure, subject=x.subject, amount=x.amount,
                                days=x.days, requested_on=b.today))
    elif isinstance(x, a.GiveApproval):
        b.add(c.GiveApproval(**e(), approval_id=x.approval_id, given_on=b.today))
    elif isinstance(x, a.RefuseApproval):
        b.add(c.RefuseApproval(**e(), approval_id=x.approval_id, refused_on=b.today,
                               reason=x.reason))
    elif isinstance(x, a.SuspendEnforcement):
        b.add(c.SuspendEnforcement(**e(), suspended_on=b.today, reason=x.reason))
    elif isinstance(x, a.EndSuspension):
        b.add(c.EndSuspension(**e(), ended_on=b.today))
    elif isinstance(x, a.RaiseLimitationObjection):
        b.add(c.RaiseLimitationObjection(**e(), raised_on=b.day(x.raised_on), grounds=x.grounds))
    elif isinstance(x, a.RuleOnLimitationObjection):
        b.add(c.RuleOnLimitationObjection(**e(), ruled_on=b.today, upheld=x.upheld,
                                          reason=x.reason))
    else:
        raise invalid(f"{type(x).__name__} is not applied through commands")


def _security(b: _Builder, x: a.ActBase) -> None:
    """Security, postponement and refusal to enforce (docs/rules.md §§8, 9)."""
    e = b.env
    if isinstance(x, a.RecordSecurity):
        b.add(c.RecordSecurity(**e(), security_id=x.security_id, form=x.form,
                               provider=x.provider, guarantor=x.guarantor, amount=x.amount,
                               secured_property=x.secured_property,
                               security_months=x.security_months,
                               applicant_consents=x.applicant_consents,
                               given_on=b.day(x.given_on)))
    elif isinstance(x, a.PostponeEnforcement):
        until = x.until or add_months(b.today, x.months or 0)
        b.add(c.PostponeEnforcement(**e(), decided_on=b.today, until=until,
                                    security_ids=x.security_ids))
    elif isinstance(x, a.RecordSecurityBreach):
        b.add(c.RecordSecurityBreach(**e(), security_id=x.security_id,
                                     occurred_on=b.day(x.occurred_on), description=x.description))
    elif isinstance(x, a.EndPostponement):
        b.add(c.EndPostponement(**e(), ended_on=b.today, cause=x.cause))
    elif isinstance(x, a.RuleAgainstSecurity):
        b.add(c.RuleAgainstSecurity(**e(), security_id=x.security_id, ruled_on=b.today))
    elif isinstance(x, a.CollectFromSecurity):
        b.add(c.CollectFromSecurity(**e(), security_id=x.security_id, amount=x.amount,
                                    collected_on=b.day(x.collected_on)))
    elif isinstance(x, a.FindRefusalToEnforce):
        b.add(c.FindRefusalToEnforce(**e(), found_on=b.today, conduct=x.conduct))
    elif isinstance(x, a.ReferRefusalToEnforce):
        b.add(c.ReferRefusalToEnforce(**e(), referral_id=x.referral_id, route=x.route,
                                      referred_on=b.day(x.referred_on), subject=x.subject,
                                      facts=x.facts))
    elif isinstance(x, a.RecordReferralOutcome):
        b.add(c.RecordReferralOutcome(**e(), referral_id=x.referral_id, outcome=x.outcome,
                                      decided_on=b.day(x.decided_on)))


def _objection(b: _Builder, x: a.ActBase) -> None:
    """Objections, reviews, outsiders' claims and suits (docs/rules.md §7)."""
    e, today = b.env, b.today
    if isinstance(x, a.RecordObjection):
        b.add(c.RecordObjection(**e(), objection_id=x.objection_id or default_objection_id(b.ctx),
                                objector=x.objector, standing=x.standing, act=x.act,
                                asset_id=x.asset_id, act_version=x.act_version,
                                grounds=x.grounds, received_on=b.day(x.received_on)))
    elif isinstance(x, a.RecordOutsiderClaim):
        b.add(c.RecordOutsiderClaim(**e(), objection_id=x.objection_id
                                    or default_objection_id(b.ctx), claimant=x.claimant,
                                    asset_id=x.asset_id, grounds=x.grounds,
                                    received_on=b.day(x.received_on)))
    elif isinstance(x, a.OrderObjectionStay):
        b.add(c.OrderObjectionStay(**e(), objection_id=x.objection_id, ordered_on=today,
                                   reason=x.reason))
    elif isinstance(x, a.RuleOnObjection):
        b.add(c.RuleOnObjection(**e(), objection_id=x.objection_id, outcome=x.outcome,
                                ruled_on=today, served_on=x.served_on))
        if x.outcome is ObjectionOutcome.UPHELD:
            _revoke(b, x.objection_id)
    elif isinstance(x, a.RecordObjectionService):
        b.add(c.RecordObjectionService(**e(), objection_id=x.objection_id,
                                       served_on=b.day(x.served_on)))
    elif isinstance(x, a.ApplyForReview):
        b.add(c.ApplyForReview(**e(), objection_id=x.objection_id, applicant=x.applicant,
                               applied_on=b.day(x.applied_on)))
    elif isinstance(x, a.RecordReviewDecision):
        b.add(c.RecordReviewDecision(**e(), objection_id=x.objection_id, outcome=x.outcome,
                                     decided_on=b.day(x.decided_on)))
        known = b.ctx.case.objection(x.objection_id) if b.ctx.view else None
        if known is not None and known.outcome == ObjectionOutcome.REJECTED.value \
                and x.outcome is ReviewOutcome.REVERSED:
            _revoke(b, x.objection_id)
    elif isinstance(x, a.RecordObjectionSuit):
        b.add(c.RecordObjectionSuit(**e(), objection_id=x.objection_id,
                                    filed_on=b.day(x.filed_on)))
    elif isinstance(x, a.RecordSuitJudgment):
        b.add(c.RecordSuitJudgment(**e(), objection_id=x.objection_id, judgment=x.judgment,
                                   decided_on=b.day(x.decided_on)))
        # enforcement excluded: the workflow releases the asset (workflows/objections.py)


def _revoke(b: _Builder, objection_id: str) -> None:
    """An objection upheld: the workflow revokes the act objected to through its existing path,
    naming the objection (docs/rules.md §7.1; 异议复议规定 art.17). Acts it has no command
    for stay recorded in the ruling."""
    view = b.ctx.view
    known = view.objection(objection_id) if view else None
    if view is None or known is None or known.kind != "act":
        return
    step = f"revoke:{objection_id}"
    basis = f"{SRC_OBJECTION_RULING}: objection {objection_id} upheld"
    asset = view.asset(known.asset_id) if known.asset_id else None
    if known.act == "control" and asset is not None and asset.control in ("active", "queued"):
        b.add(c.ReleaseControl(**b.ctx.envelope(step, SYSTEM, basis), asset_id=asset.asset_id,
                               released_on=b.today, reason=f"objection {objection_id} upheld: "
                               "the control is revoked", objection_id=objection_id))
    elif known.act == "restriction" and view.restriction_active:
        b.add(c.LiftConsumptionRestriction(**b.ctx.envelope(step, SYSTEM, basis),
                                           lifted_on=b.today, reason="objection_upheld",
                                           objection_id=objection_id))
    elif known.act == "dishonest" and view.dishonest_active:
        b.add(c.DeleteDishonestEntry(**b.ctx.envelope(step, SYSTEM, basis), deleted_on=b.today,
                                     reason="objection_upheld", objection_id=objection_id))


def default_objection_id(ctx: CaseContext) -> str:
    """The id of an objection or claim sent without one: ``OB-`` and the version its event
    will have (unique within the case; the result answers it)."""
    return f"OB-{ctx.case.version + 1 if ctx.view else 1}"


def default_approval_id(ctx: CaseContext) -> str:
    """The id of an approval request sent without one: ``AR-`` and the version its event will
    have (unique within the case; the result answers it)."""
    return f"AR-{ctx.case.version + 1 if ctx.view else 1}"


def _recorded(b: _Builder, x: a.ActBase) -> None:
    """The doors to commands the aggregate decided before any act sent them
    (docs/architecture.md, "What the checklists found"): one command each."""
    e, day = b.env, b.day
    if isinstance(x, a.AssessDelayInterest):
        b.add(c.AssessDelayInterest(**e(), to_date=day(x.to_date)))
    elif isinstance(x, a.RecordSearch):
        b.add(c.RecordSearch(**e(), searched_on=day(x.searched_on), findings=x.findings))
    elif isinstance(x, a.RequestReward):
        b.add(c.RequestReward(**e(), requested_on=day(x.requested_on)))
    elif isinstance(x, a.DecideReward):
        b.add(c.DecideReward(**e(), decided_on=day(x.decided_on), granted=x.granted))
    elif isinstance(x, a.RequestAudit):
        b.add(c.RequestAudit(**e(), requested_on=day(x.requested_on)))
    elif isinstance(x, a.DecideAudit):
        b.add(c.DecideAudit(**e(), decided_on=day(x.decided_on), granted=x.granted))
    elif isinstance(x, a.RecordDebtorMissing):
        b.add(c.RecordDebtorMissing(**e(), recorded_on=day(x.recorded_on)))
    elif isinstance(x, a.RecordDebtorSearch):
        b.add(c.RecordDebtorSearch(**e(), searched_on=day(x.searched_on), located=x.located))
    elif isinstance(x, a.RecordObstruction):
        b.add(c.RecordObstruction(**e(), occurred_on=day(x.occurred_on),
                                  description=x.description))
    elif isinstance(x, a.RecordControlLapse):
        b.add(c.RecordControlLapse(**e(), asset_id=x.asset_id, lapsed_on=day(x.lapsed_on)))
    elif isinstance(x, a.AdjustLivingAllowance):
        b.add(c.AdjustLivingAllowance(**e(), asset_id=x.asset_id, allowance=x.allowance,
                                      panel_decision=x.panel_decision,
                                      decided_on=day(x.decided_on)))
    elif isinstance(x, a.RecordGarnisheeRemittance):
        b.add(c.RecordFundsReceived(**e(), amount=x.amount, received_on=day(x.received_on),
                                    source=FundsSource.GARNISHEE_REMITTANCE,
                                    asset_id=x.asset_id))
    elif isinstance(x, a.RecordGarnisheeStopped):
        b.add(c.RecordGarnisheeStopped(**e(), asset_id=x.asset_id,
                                       stopped_on=day(x.stopped_on), reason=x.reason))
    elif isinstance(x, a.PayOutFunds):
        b.add(c.PayOut(**e(), amount=x.amount, paid_on=day(x.paid_on), payee_kind=x.payee_kind,
                       payee=x.payee))
    elif isinstance(x, a.ClaimReceipt):
        b.add(c.ClaimReceipt(**e(), receipt_id=x.receipt_id, claimed_on=day(x.claimed_on),
                             source=x.source))
    else:
        raise invalid(f"{type(x).__name__} is not applied through commands")


SECURITY_ACTS: tuple[type[a.ActBase], ...] = (
    a.RecordSecurity, a.PostponeEnforcement, a.RecordSecurityBreach, a.EndPostponement,
    a.RuleAgainstSecurity, a.CollectFromSecurity, a.FindRefusalToEnforce,
    a.ReferRefusalToEnforce, a.RecordReferralOutcome)
"""The acts ``_security`` translates."""

RECORDED: tuple[type[a.ActBase], ...] = (
    a.AssessDelayInterest, a.RecordSearch, a.RequestReward, a.DecideReward, a.RequestAudit,
    a.DecideAudit, a.RecordDebtorMissing, a.RecordDebtorSearch, a.RecordObstruction,
    a.RecordControlLapse, a.AdjustLivingAllowance, a.PayOutFunds, a.RecordGarnisheeRemittance,
    a.RecordGarnisheeStopped, a.ClaimReceipt)
"""The acts ``_recorded`` translates."""

BUILDERS: dict[type[a.ActBase], Callable[[_Builder, Any], None]] = {
    a.RecordPayment: _funds, a.RecordPropertyReport: _report,
    a.AnnounceAuction: _announce, a.OrderMeasure: _measure,
    a.WithdrawApplication: _withdraw, a.CloseCase: _close,
    **dict.fromkeys(RECORDED, _recorded), **dict.fromkeys(a.OBJECTION_ACTS, _objection),
    **dict.fromkeys(SECURITY_ACTS, _security)}


def build(ctx: CaseContext, act: a.ActBase, base: str) -> Built:
    """The commands an act stands for (malformed input raises ``input.invalid``)."""
    b = _Builder(ctx, act, base)
    try:
        BUILDERS.get(type(act), _simple)(b, act)
    except ValidationError as err:
        detail = "; ".join(f"{'.'.join(str(x) for x in e['loc'])}: {e['msg']}"
                           for e in err.errors())
        raise invalid(f"{a.act_name(act)}: {detail}") from None
    return b.out


def validate(ctx: CaseContext, act: a.ActBase, key: str | None = None) -> None:
    """Update validator: reject what is malformed; leave what is lawful to the aggregate."""
    facts = ctx.versions.acts_as_facts or not ctx.versions.taken  # validators never replay
    known = ctx.journal.get(key) if key and facts else None
    if known is not None and known.fingerprint != a.fingerprint(act):
        raise invalid(f"{a.act_name(act)}: request_id {key!r} was already used for another "
                      f"act ({known.act} received {known.received_at.isoformat()})")
    now, today = ctx.now(), ctx.today()
    for name in DATE_FIELDS:
        value = getattr(act, name, None)
        if isinstance(value, datetime) and value > now:
            raise invalid(f"{a.act_name(act)}: {name} {value.isoformat()} is in the future "
                          f"(business time {now.isoformat()})")
        if isinstance(value, date) and not isinstance(value, datetime) and value > today:
            raise invalid(f"{a.act_name(act)}: {name} {value} is after the business date {today}")
    if isinstance(act, a.RequestResumption):
        if ctx.view is None or ctx.view.closure_mode != "terminated" \
                or ctx.view.resumed_as is not None:
            raise invalid("request_resumption: only a 终本 case that is not resumed yet resumes")
        return
    if isinstance(act, a.WithdrawApplication | a.CloseCase) and act.actor.role not in (
            Role.JUDGE, Role.PRESIDENT):
        raise invalid(f"{a.act_name(act)}: a judge or the president "
                      + ("ends the enforcement" if isinstance(act, a.WithdrawApplication)
                         else "closes the case"))
    build(ctx, act, "validation")


def after(ctx: CaseContext, act: a.ActBase) -> None:
    """What the workflow remembers of an applied act."""
    memo = ctx.memo
    if isinstance(act, a.ReachSettlement):
        memo.settlement_due_on = act.due_on
    elif isinstance(act, a.RecordSettlementDefault):
        memo.dues.pop("settlement_overdue", None)
        if act.choice is SettlementChoice.RESUME:
            memo.inquiry_wanted = True
    elif isinstance(act, a.RecordBuyerDefault) and ctx.view is not None:
        asset = ctx.case.asset(act.asset_id)
        if asset is not None and asset.last_round is not None:
            memo.done.add(f"proceeds:{act.asset_id}:{asset.last_round.round}")
    elif isinstance(act, a.SellAsset):
        memo.sales[act.asset_id] = act.price
    elif isinstance(act, a.WithdrawApplication):
        memo.done.add("withdrawn")
    elif isinstance(act, a.RecordNoticeService):
        memo.dues.pop("notice_service", None)


async def decisions_taken(ctx: CaseContext) -> None:
    """Before an act's handler reads the run's version decisions: an act that came with the
    start runs before ``run`` took them, and waits (workflows/versions.py,
    ``ACTS_AWAIT_DECISIONS``); any other returns at once, without yielding."""
    if versions.awaits_decisions(ctx.versions):
        await workflow.wait_condition(lambda: ctx.versions.taken)


async def receive(ctx: CaseContext, act: a.ActBase, base: str, key: str,
                  via: Literal["update", "signal"]) -> ActResult:
    """Journal an accepted act, apply it once per key in arrival order once the notice is out,
    and journal its outcome; a key already decided answers its stored outcome."""
    if not ctx.versions.acts_as_facts:  # histories written before acts were facts
        return await _apply_any(ctx, act, base)
    if via == "signal":
        validate(ctx, act, key)
    ctx.journal.receive(key, a.act_name(act), act.actor, via, a.fingerprint(act),
                        VOUCHED_BY.get())
    await workflow.wait_condition(lambda: ctx.acts_open)
    async with ctx.act_lock:
        known = ctx.journal.get(key)
        if known is not None and known.state != "received":
            return stored(known)
        try:
            outcome = await _apply_any(ctx, act, base)
        except ApplicationError as err:
            ctx.journal.refused(key, *_detail(err))
            raise
        result = outcome.model_copy(update={"request_id": key, "duplicate": False})
        ctx.journal.applied(key, result)
        return result


def stored(record: ActRecord) -> ActResult:
    """A decided act's stored outcome: its result again, or its refusal raised again."""
    if record.state == "applied" and record.result is not None:
        return record.result.model_copy(update={"duplicate": True})
    raise refused(record.code or "error", record.message or "", record.source or "")


async def verified_signal(ctx: CaseContext, act: a.ActBase, token: str | None) -> a.ActBase:
    """An ``act`` signal's act by its verified principal (the header checked by the local
    activity ``verify_principal``, its verdict kept in history); else refused ``identity.*``."""
    check = SignalCheck(token=token, workflow_id=ctx.wid, name="act",
                        digest=act_digest(act.model_dump_json(exclude={"actor"})),
                        case_number=ctx.case_number, scenario=ctx.scenario,
                        fingerprint=a.fingerprint(act))
    verdict: SignalVerdict = await workflow.execute_local_activity(
        VERIFY_PRINCIPAL, check, result_type=SignalVerdict,
        start_to_close_timeout=timedelta(seconds=30))
    if verdict.actor is None:
        raise refused(verdict.code or "identity.required", verdict.message or "no principal",
                      SRC_IDENTITY)
    VOUCHED_BY.set(verdict.vouched_by)
    return act.model_copy(update={"actor": verdict.actor})


async def verified_filing(ctx: CaseContext, filing: Filing, token: str | None) -> Filing:
    """The filing by its verified principal (the start's header, checked by the local activity
    ``verify_principal``); else the workflow fails with ``identity.*`` before anything is
    recorded (docs/operations.md "Identity")."""
    check = SignalCheck(token=token, workflow_id=ctx.wid, name=FILING,
                        digest=act_digest(filing.model_dump_json(exclude={"actor"})))
    verdict: SignalVerdict = await workflow.execute_local_activity(
        VERIFY_PRINCIPAL, check, result_type=SignalVerdict,
        start_to_close_timeout=timedelta(seconds=30))
    if verdict.actor is None:
        err = refused(verdict.code or "identity.required", verdict.message or "no principal",
                      SRC_IDENTITY)
        raise ApplicationError(err.message, *err.details, type=err.type, non_retryable=True,
                               category=ApplicationErrorCategory.BENIGN)
    return filing.model_copy(update={"actor": verdict.actor})


async def record_refusal(ctx: CaseContext, act: a.ActBase, key: str,
                         err: ApplicationError) -> None:
    """Enter a refused signal act into the case's record (nobody else is told of it)."""
    if ctx.view is None or not ctx.versions.acts_as_facts:
        return
    code, message, source = _detail(err)
    await ctx.attempt(c.RecordRefusedAct(
        **ctx.envelope(f"refused:{key}", SYSTEM, basis=SRC_INPUT), act=a.act_name(act),
        key=key, submitted_by=act.actor, code=code, message=message[:1000],
        source=source[:300]))


async def _apply_any(ctx: CaseContext, act: a.ActBase, base: str) -> ActResult:
    if isinstance(act, a.RequestResumption):
        outcome = await resume(ctx, act.actor, act.reason, base)
        return result(ctx, [outcome])
    return await apply(ctx, act, base)


async def apply(ctx: CaseContext, act: a.ActBase, base: str) -> ActResult:
    """Run an act's commands in order; the first refusal stops and is raised to the caller."""
    await workflow.wait_condition(lambda: ctx.view is not None)
    outcomes: list[CommandOutcome] = []
    commands = build(ctx, act, base)
    for cmd in commands:
        outcomes.append(await ctx.execute(cmd))
    after(ctx, act)
    done = result(ctx, outcomes)
    asked = [cmd.approval_id for cmd in commands if isinstance(cmd, c.RequestApproval)]
    if asked:
        return done.model_copy(update={"approval_id": asked[0]})
    objected = [cmd.objection_id for cmd in commands
                if isinstance(cmd, c.RecordObjection | c.RecordOutsiderClaim)]
    return done.model_copy(update={"objection_id": objected[0]}) if objected else done


def result(ctx: CaseContext, outcomes: list[CommandOutcome]) -> ActResult:
    view = ctx.case
    return ActResult(case_number=ctx.case_number,
                     command_ids=tuple(o.command_id for o in outcomes),
                     events=tuple(e for o in outcomes for e in o.events),
                     duplicate=all(o.duplicate for o in outcomes),
                     phase=view.phase, outstanding=view.outstanding)
