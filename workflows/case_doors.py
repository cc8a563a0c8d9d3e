"""How people reach a running case: one Update per act (with a validator), the ``act`` signal for
outside systems that need no answer, and the ``get_status`` query. Names and payloads are the
operators' stable contract (docs/workflows.md)."""

from __future__ import annotations

from datetime import date

from temporalio import workflow
from temporalio.exceptions import ApplicationError

from workflows import act_rules, objections
from workflows.agenda import Task
from workflows.context import CaseContext
from workflows.deadlines import open_deadlines
from workflows.security import security_deadlines, security_dues
from workflows.termination import termination_dues

with workflow.unsafe.imports_passed_through():
    from domain.rules import SRC_LIMITATION_OBJECTION
    from workflows import acts as a
    from workflows.acts import Act
    from workflows.messages import REFRESH, ActRecord, ActResult
    from workflows.principals import SIGNAL_TOKEN
    from workflows.status import CaseStatus, Due, Planned


def approvals_pending(ctx: CaseContext) -> list[Due]:
    """Approval requests that wait for the approver's decision."""
    return [Due(update="give_approval", since=x.requested_on, source="docs/rules.md, Approvals",
                reason=f"approval request {x.approval_id} ({x.measure}"
                       f"{', ' + x.subject if x.subject else ''}) asked by {x.requested_by}: "
                       "give_approval or refuse_approval")
            for x in (ctx.view.approvals if ctx.view else ()) if x.status == "pending"]


def limitation_objection_pending(ctx: CaseContext) -> list[Due]:
    """The debtor's limitation objection, waiting for the court's ruling."""
    view = ctx.view
    if view is None or view.limitation_objection != "pending" or view.closure_mode:
        return []
    return [Due(update="rule_on_limitation_objection", source=SRC_LIMITATION_OBJECTION,
                since=view.limitation_objection_raised_on or view.as_of,
                reason="the debtor objects that the application period had passed: rule on it "
                       "(upheld: 不予执行; rejected: enforcement goes on)")]


def _planned(ctx: CaseContext, t: Task) -> Planned:
    """An agenda entry; a deadline reminder is flagged when its deadline's year lies beyond
    the holiday calendar (docs/rules.md §1.14)."""
    beyond = t.kind == "deadline" and ctx.view is not None and _is_day(t.key) \
        and ctx.view.beyond_calendar(date.fromisoformat(t.key))
    return Planned(when=t.when, task=t.kind, key=t.key, beyond_calendar=beyond)


def _is_day(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def status(ctx: CaseContext) -> CaseStatus:
    """Where the case stands: phase, balance, open deadlines, what people owe, what comes next."""
    view = ctx.view
    dues = sorted([*ctx.memo.dues.values(), *termination_dues(ctx), *approvals_pending(ctx),
                   *limitation_objection_pending(ctx), *objections.dues(ctx),
                   *security_dues(ctx)], key=lambda d: (d.since, d.update))
    return CaseStatus(
        case_number=ctx.case_number, stage=ctx.stage, phase=view.phase if view else "unfiled",
        outstanding=view.outstanding if view else None,
        undisbursed=view.undisbursed if view else None,
        closure_deadline=view.closure_deadline if view and not view.closure_mode else None,
        deadlines=tuple(sorted([*open_deadlines(ctx), *security_deadlines(ctx)],
                               key=lambda d: (d.due_on, d.name))),
        approvals_due=tuple(dues),
        agenda=tuple(_planned(ctx, t) for t in ctx.agenda.tasks()),
        problems=tuple(ctx.memo.problems),
        monitoring_round=ctx.input.monitoring.round if ctx.input.monitoring else None,
        resumed_as=view.resumed_as if view else None,
        application_period_passed=view.application_period_passed if view else False,
        limitation_objection=view.limitation_objection if view else None,
        postponed_until=view.postponed_until if view else None,
        bound_persons=tuple(x.provider_name for x in view.securities
                            if x.ruled_on is not None and x.provider == "third_party")
        if view else ())


class OperatorHandlers:
    """Mixed into EnforcementCaseWorkflow: every handler works on ``self.ctx``."""

    ctx: CaseContext
    _signals: int

    async def _act(self, act: a.ActBase) -> ActResult:
        await act_rules.decisions_taken(self.ctx)
        info = workflow.current_update_info()
        update_id = info.id if info else str(workflow.uuid4())
        base = f"request:{act.request_id}" if act.request_id else f"update:{update_id}"
        return await act_rules.receive(self.ctx, act, base, act.request_id or update_id, "update")

    def _check(self, act: a.ActBase) -> None:
        info = workflow.current_update_info()
        act_rules.validate(self.ctx, act, act.request_id or (info.id if info else None))

    @workflow.signal(name="act")
    async def act(self, act: Act) -> None:
        """Any act, fire and forget (outside systems, the simulated world); a refusal is kept
        in the status's problems and entered into the case's record. With the ``principals``
        marker the act is applied only by the principal its header proves."""
        self._signals += 1
        base = f"request:{act.request_id}" if act.request_id else \
            f"signal:{workflow.info().run_id}:{self._signals}"
        key = act.request_id or base
        token = SIGNAL_TOKEN.get()  # the header, as the worker's interceptor found it
        acted: a.ActBase = act
        await act_rules.decisions_taken(self.ctx)  # it may have come with the start
        try:
            if self.ctx.versions.principals:
                acted = await act_rules.verified_signal(self.ctx, act, token)
            if not self.ctx.versions.acts_as_facts:
                act_rules.validate(self.ctx, acted)
            await act_rules.receive(self.ctx, acted, base, key, "signal")
        except ApplicationError as err:
            self.ctx.problem(f"{a.act_name(act)}:{base}", err)
            await act_rules.record_refusal(self.ctx, act, key, err)

    @workflow.signal(name=REFRESH)
    async def refresh(self) -> None:
        """The case's record changed outside this workflow (a 参与分配 plan paid a share,
        joined or left the case: workflows/activities.py): read the view again."""
        await self.ctx.refresh()

    @workflow.query(name="get_status")
    def get_status(self) -> CaseStatus:
        return status(self.ctx)

    @workflow.query(name="get_act")
    def get_act(self, key: str) -> ActRecord | None:
        """The journal's entry of an act by its key (request_id), or None if never received."""
        return self.ctx.journal.get(key)

    @workflow.update(name="record_payment")
    async def record_payment(self, act: a.RecordPayment) -> ActResult:
        return await self._act(act)

    @record_payment.validator
    def _v_record_payment(self, act: a.RecordPayment) -> None:
        self._check(act)

    @workflow.update(name="submit_lead")
    async def submit_lead(self, act: a.SubmitLead) -> ActResult:
        return await self._act(act)

    @submit_lead.validator
    def _v_submit_lead(self, act: a.SubmitLead) -> None:
        self._check(act)

    @workflow.update(name="verify_lead")
    async def verify_lead(self, act: a.VerifyLead) -> ActResult:
        return await self._act(act)

    @verify_lead.validator
    def _v_verify_lead(self, act: a.VerifyLead) -> None:
        self._check(act)

    @workflow.update(name="record_notice_service")
    async def record_notice_service(self, act: a.RecordNoticeService) -> ActResult:
        return await self._act(act)

    @record_notice_service.validator
    def _v_record_notice_service(self, act: a.RecordNoticeService) -> None:
        self._check(act)

    @workflow.update(name="record_property_report")
    async def record_property_report(self, act: a.RecordPropertyReport) -> ActResult:
        return await self._act(act)

    @record_property_report.validator
    def _v_record_property_report(self, act: a.RecordPropertyReport) -> None:
        self._check(act)

    @workflow.update(name="announce_auction")
    async def announce_auction(self, act: a.AnnounceAuction) -> ActResult:
        return await self._act(act)

    @announce_auction.validator
    def _v_announce_auction(self, act: a.AnnounceAuction) -> None:
        self._check(act)

    @workflow.update(name="record_bid")
    async def record_bid(self, act: a.RecordBid) -> ActResult:
        return await self._act(act)

    @record_bid.validator
    def _v_record_bid(self, act: a.RecordBid) -> None:
        self._check(act)

    @workflow.update(name="record_auction_result")
    async def record_auction_result(self, act: a.RecordAuctionResult) -> ActResult:
        return await self._act(act)

    @record_auction_result.validator
    def _v_record_auction_result(self, act: a.RecordAuctionResult) -> None:
        self._check(act)

    @workflow.update(name="record_buyer_default")
    async def record_buyer_default(self, act: a.RecordBuyerDefault) -> ActResult:
        return await self._act(act)

    @record_buyer_default.validator
    def _v_record_buyer_default(self, act: a.RecordBuyerDefault) -> None:
        self._check(act)

    @workflow.update(name="sell_asset")
    async def sell_asset(self, act: a.SellAsset) -> ActResult:
        return await self._act(act)

    @sell_asset.validator
    def _v_sell_asset(self, act: a.SellAsset) -> None:
        self._check(act)

    @workflow.update(name="transfer_in_lieu")
    async def transfer_in_lieu(self, act: a.TransferInLieu) -> ActResult:
        return await self._act(act)

    @transfer_in_lieu.validator
    def _v_transfer_in_lieu(self, act: a.TransferInLieu) -> None:
        self._check(act)

    @workflow.update(name="reach_settlement")
    async def reach_settlement(self, act: a.ReachSettlement) -> ActResult:
        return await self._act(act)

    @reach_settlement.validator
    def _v_reach_settlement(self, act: a.ReachSettlement) -> None:
        self._check(act)

    @workflow.update(name="record_settlement_payment")
    async def record_settlement_payment(self, act: a.RecordSettlementPayment) -> ActResult:
        return await self._act(act)

    @record_settlement_payment.validator
    def _v_record_settlement_payment(self, act: a.RecordSettlementPayment) -> None:
        self._check(act)

    @workflow.update(name="record_settlement_default")
    async def record_settlement_default(self, act: a.RecordSettlementDefault) -> ActResult:
        return await self._act(act)

    @record_settlement_default.validator
    def _v_record_settlement_default(self, act: a.RecordSettlementDefault) -> None:
        self._check(act)

    @workflow.update(name="request_extension")
    async def request_extension(self, act: a.RequestExtension) -> ActResult:
        return await self._act(act)

    @request_extension.validator
    def _v_request_extension(self, act: a.RequestExtension) -> None:
        self._check(act)

    @workflow.update(name="restrict_consumption")
    async def restrict_consumption(self, act: a.RestrictConsumption) -> ActResult:
        return await self._act(act)

    @restrict_consumption.validator
    def _v_restrict_consumption(self, act: a.RestrictConsumption) -> None:
        self._check(act)

    @workflow.update(name="list_dishonest")
    async def list_dishonest(self, act: a.ListDishonest) -> ActResult:
        return await self._act(act)

    @list_dishonest.validator
    def _v_list_dishonest(self, act: a.ListDishonest) -> None:
        self._check(act)

    @workflow.update(name="order_measure")
    async def order_measure(self, act: a.OrderMeasure) -> ActResult:
        return await self._act(act)

    @order_measure.validator
    def _v_order_measure(self, act: a.OrderMeasure) -> None:
        self._check(act)

    @workflow.update(name="record_applicant_hearing")
    async def record_applicant_hearing(self, act: a.RecordApplicantHearing) -> ActResult:
        return await self._act(act)

    @record_applicant_hearing.validator
    def _v_record_applicant_hearing(self, act: a.RecordApplicantHearing) -> None:
        self._check(act)

    @workflow.update(name="approve_termination")
    async def approve_termination(self, act: a.ApproveTermination) -> ActResult:
        return await self._act(act)

    @approve_termination.validator
    def _v_approve_termination(self, act: a.ApproveTermination) -> None:
        self._check(act)

    @workflow.update(name="withdraw_application")
    async def withdraw_application(self, act: a.WithdrawApplication) -> ActResult:
        return await self._act(act)

    @withdraw_application.validator
    def _v_withdraw_application(self, act: a.WithdrawApplication) -> None:
        self._check(act)

    @workflow.update(name="close_case")
    async def close_case(self, act: a.CloseCase) -> ActResult:
        return await self._act(act)

    @close_case.validator
    def _v_close_case(self, act: a.CloseCase) -> None:
        self._check(act)

    @workflow.update(name="request_resumption")
    async def request_resumption(self, act: a.RequestResumption) -> ActResult:
        return await self._act(act)

    @request_resumption.validator
    def _v_request_resumption(self, act: a.RequestResumption) -> None:
        self._check(act)

    @workflow.update(name="suspend_enforcement")
    async def suspend_enforcement(self, act: a.SuspendEnforcement) -> ActResult:
        return await self._act(act)

    @suspend_enforcement.validator
    def _v_suspend_enforcement(self, act: a.SuspendEnforcement) -> None:
        self._check(act)

    @workflow.update(name="end_suspension")
    async def end_suspension(self, act: a.EndSuspension) -> ActResult:
        return await self._act(act)

    @end_suspension.validator
    def _v_end_suspension(self, act: a.EndSuspension) -> None:
        self._check(act)

    @workflow.update(name="request_approval")
    async def request_approval(self, act: a.RequestApproval) -> ActResult:
        return await self._act(act)

    @request_approval.validator
    def _v_request_approval(self, act: a.RequestApproval) -> None:
        self._check(act)

    @workflow.update(name="give_approval")
    async def give_approval(self, act: a.GiveApproval) -> ActResult:
        return await self._act(act)

    @give_approval.validator
    def _v_give_approval(self, act: a.GiveApproval) -> None:
        self._check(act)

    @workflow.update(name="refuse_approval")
    async def refuse_approval(self, act: a.RefuseApproval) -> ActResult:
        return await self._act(act)

    @refuse_approval.validator
    def _v_refuse_approval(self, act: a.RefuseApproval) -> None:
        self._check(act)

    @workflow.update(name="record_security")
    async def record_security(self, act: a.RecordSecurity) -> ActResult:
        return await self._act(act)

    @record_security.validator
    def _v_record_security(self, act: a.RecordSecurity) -> None:
        self._check(act)

    @workflow.update(name="postpone_enforcement")
    async def postpone_enforcement(self, act: a.PostponeEnforcement) -> ActResult:
        return await self._act(act)

    @postpone_enforcement.validator
    def _v_postpone_enforcement(self, act: a.PostponeEnforcement) -> None:
        self._check(act)

    @workflow.update(name="record_security_breach")
    async def record_security_breach(self, act: a.RecordSecurityBreach) -> ActResult:
        return await self._act(act)

    @record_security_breach.validator
    def _v_record_security_breach(self, act: a.RecordSecurityBreach) -> None:
        self._check(act)

    @workflow.update(name="end_postponement")
    async def end_postponement(self, act: a.EndPostponement) -> ActResult:
        return await self._act(act)

    @end_postponement.validator
    def _v_end_postponement(self, act: a.EndPostponement) -> None:
        self._check(act)

    @workflow.update(name="rule_against_security")
    async def rule_against_security(self, act: a.RuleAgainstSecurity) -> ActResult:
        return await self._act(act)

    @rule_against_security.validator
    def _v_rule_against_security(self, act: a.RuleAgainstSecurity) -> None:
        self._check(act)

    @workflow.update(name="collect_from_security")
    async def collect_from_security(self, act: a.CollectFromSecurity) -> ActResult:
        return await self._act(act)

    @collect_from_security.validator
    def _v_collect_from_security(self, act: a.CollectFromSecurity) -> None:
        self._check(act)

    @workflow.update(name="find_refusal_to_enforce")
    async def find_refusal_to_enforce(self, act: a.FindRefusalToEnforce) -> ActResult:
        return await self._act(act)

    @find_refusal_to_enforce.validator
    def _v_find_refusal_to_enforce(self, act: a.FindRefusalToEnforce) -> None:
        self._check(act)

    @workflow.update(name="refer_refusal_to_enforce")
    async def refer_refusal_to_enforce(self, act: a.ReferRefusalToEnforce) -> ActResult:
        return await self._act(act)

    @refer_refusal_to_enforce.validator
    def _v_refer_refusal_to_enforce(self, act: a.ReferRefusalToEnforce) -> None:
        self._check(act)

    @workflow.update(name="record_referral_outcome")
    async def record_referral_outcome(self, act: a.RecordReferralOutcome) -> ActResult:
        return await self._act(act)

    @record_referral_outcome.validator
    def _v_record_referral_outcome(self, act: a.RecordReferralOutcome) -> None:
        self._check(act)

    @workflow.update(name="raise_limitation_objection")
    async def raise_limitation_objection(self, act: a.RaiseLimitationObjection) -> ActResult:
        return await self._act(act)

    @raise_limitation_objection.validator
    def _v_raise_limitation_objection(self, act: a.RaiseLimitationObjection) -> None:
        self._check(act)

    @workflow.update(name="rule_on_limitation_objection")
    async def rule_on_limitation_objection(self, act: a.RuleOnLimitationObjection
                                           ) -> ActResult:
        return await self._act(act)

    @rule_on_limitation_objection.validator
    def _v_rule_on_limitation_objection(self, act: a.RuleOnLimitationObjection) -> None:
        self._check(act)

    # --- doors to commands decided in the domain (docs/architecture.md) ---
    @workflow.update(name="assess_delay_interest")
    async def assess_delay_interest(self, act: a.AssessDelayInterest) -> ActResult:
        return await self._act(act)

    @assess_delay_interest.validator
    def _v_assess_delay_interest(self, act: a.AssessDelayInterest) -> None:
        self._check(act)

    @workflow.update(name="record_search")
    async def record_search(self, act: a.RecordSearch) -> ActResult:
        return await self._act(act)

    @record_search.validator
    def _v_record_search(self, act: a.RecordSearch) -> None:
        self._check(act)

    @workflow.update(name="request_reward")
    async def request_reward(self, act: a.RequestReward) -> ActResult:
        return await self._act(act)

    @request_reward.validator
    def _v_request_reward(self, act: a.RequestReward) -> None:
        self._check(act)

    @workflow.update(name="decide_reward")
    async def decide_reward(self, act: a.DecideReward) -> ActResult:
        return await self._act(act)

    @decide_reward.validator
    def _v_decide_reward(self, act: a.DecideReward) -> None:
        self._check(act)

    @workflow.update(name="request_audit")
    async def request_audit(self, act: a.RequestAudit) -> ActResult:
        return await self._act(act)

    @request_audit.validator
    def _v_request_audit(self, act: a.RequestAudit) -> None:
        self._check(act)

    @workflow.update(name="decide_audit")
    async def decide_audit(self, act: a.DecideAudit) -> ActResult:
        return await self._act(act)

    @decide_audit.validator
    def _v_decide_audit(self, act: a.DecideAudit) -> None:
        self._check(act)

    @workflow.update(name="record_debtor_missing")
    async def record_debtor_missing(self, act: a.RecordDebtorMissing) -> ActResult:
        return await self._act(act)

    @record_debtor_missing.validator
    def _v_record_debtor_missing(self, act: a.RecordDebtorMissing) -> None:
        self._check(act)

    @workflow.update(name="record_debtor_search")
    async def record_debtor_search(self, act: a.RecordDebtorSearch) -> ActResult:
        return await self._act(act)

    @record_debtor_search.validator
    def _v_record_debtor_search(self, act: a.RecordDebtorSearch) -> None:
        self._check(act)

    @workflow.update(name="record_obstruction")
    async def record_obstruction(self, act: a.RecordObstruction) -> ActResult:
        return await self._act(act)

    @record_obstruction.validator
    def _v_record_obstruction(self, act: a.RecordObstruction) -> None:
        self._check(act)

    @workflow.update(name="record_control_lapse")
    async def record_control_lapse(self, act: a.RecordControlLapse) -> ActResult:
        return await self._act(act)

    @record_control_lapse.validator
    def _v_record_control_lapse(self, act: a.RecordControlLapse) -> None:
        self._check(act)

    @workflow.update(name="adjust_living_allowance")
    async def adjust_living_allowance(self, act: a.AdjustLivingAllowance) -> ActResult:
        return await self._act(act)

    @adjust_living_allowance.validator
    def _v_adjust_living_allowance(self, act: a.AdjustLivingAllowance) -> None:
        self._check(act)

    @workflow.update(name="record_garnishee_remittance")
    async def record_garnishee_remittance(self, act: a.RecordGarnisheeRemittance) -> ActResult:
        return await self._act(act)

    @record_garnishee_remittance.validator
    def _v_record_garnishee_remittance(self, act: a.RecordGarnisheeRemittance) -> None:
        self._check(act)

    @workflow.update(name="record_garnishee_stopped")
    async def record_garnishee_stopped(self, act: a.RecordGarnisheeStopped) -> ActResult:
        return await self._act(act)

    @record_garnishee_stopped.validator
    def _v_record_garnishee_stopped(self, act: a.RecordGarnisheeStopped) -> None:
        self._check(act)

    @workflow.update(name="pay_out")
    async def pay_out(self, act: a.PayOutFunds) -> ActResult:
        return await self._act(act)

    @pay_out.validator
    def _v_pay_out(self, act: a.PayOutFunds) -> None:
        self._check(act)

    @workflow.update(name="claim_receipt")
    async def claim_receipt(self, act: a.ClaimReceipt) -> ActResult:
        return await self._act(act)

    @claim_receipt.validator
    def _v_claim_receipt(self, act: a.ClaimReceipt) -> None:
        self._check(act)

    @workflow.update(name="record_objection")
    async def record_objection(self, act: a.RecordObjection) -> ActResult:
        return await self._act(act)

    @record_objection.validator
    def _v_record_objection(self, act: a.RecordObjection) -> None:
        self._check(act)

    @workflow.update(name="record_outsider_claim")
    async def record_outsider_claim(self, act: a.RecordOutsiderClaim) -> ActResult:
        return await self._act(act)

    @record_outsider_claim.validator
    def _v_record_outsider_claim(self, act: a.RecordOutsiderClaim) -> None:
        self._check(act)

    @workflow.update(name="order_objection_stay")
    async def order_objection_stay(self, act: a.OrderObjectionStay) -> ActResult:
        return await self._act(act)

    @order_objection_stay.validator
    def _v_order_objection_stay(self, act: a.OrderObjectionStay) -> None:
        self._check(act)

    @workflow.update(name="rule_on_objection")
    async def rule_on_objection(self, act: a.RuleOnObjection) -> ActResult:
        return await self._act(act)

    @rule_on_objection.validator
    def _v_rule_on_objection(self, act: a.RuleOnObjection) -> None:
        self._check(act)

    @workflow.update(name="record_objection_service")
    async def record_objection_service(self, act: a.RecordObjectionService) -> ActResult:
        return await self._act(act)

    @record_objection_service.validator
    def _v_record_objection_service(self, act: a.RecordObjectionService) -> None:
        self._check(act)

    @workflow.update(name="apply_for_review")
    async def apply_for_review(self, act: a.ApplyForReview) -> ActResult:
        return await self._act(act)

    @apply_for_review.validator
    def _v_apply_for_review(self, act: a.ApplyForReview) -> None:
        self._check(act)

    @workflow.update(name="record_review_decision")
    async def record_review_decision(self, act: a.RecordReviewDecision) -> ActResult:
        return await self._act(act)

    @record_review_decision.validator
    def _v_record_review_decision(self, act: a.RecordReviewDecision) -> None:
        self._check(act)

    @workflow.update(name="record_objection_suit")
    async def record_objection_suit(self, act: a.RecordObjectionSuit) -> ActResult:
        return await self._act(act)

    @record_objection_suit.validator
    def _v_record_objection_suit(self, act: a.RecordObjectionSuit) -> None:
        self._check(act)

    @workflow.update(name="record_suit_judgment")
    async def record_suit_judgment(self, act: a.RecordSuitJudgment) -> ActResult:
        return await self._act(act)

    @record_suit_judgment.validator
    def _v_record_suit_judgment(self, act: a.RecordSuitJudgment) -> None:
        self._check(act)
