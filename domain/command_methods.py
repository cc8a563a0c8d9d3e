"""One application method per command (each delegates to ``execute``)."""

from __future__ import annotations

from abc import ABC, abstractmethod

from domain import commands as c
from domain.case import CommandResult


class CommandMethods(ABC):
    """Named entry points (``app.control_asset(cmd)``); all go through ``execute``."""

    @abstractmethod
    def execute(self, cmd: c.Command) -> CommandResult:
        """Apply any command (implemented by the application)."""

    def file_case(self, cmd: c.FileCase) -> CommandResult:
        return self.execute(cmd)

    def issue_notice(self, cmd: c.IssueNotice) -> CommandResult:
        return self.execute(cmd)

    def record_notice_service(self, cmd: c.RecordNoticeService) -> CommandResult:
        return self.execute(cmd)

    def record_property_report(self, cmd: c.RecordPropertyReport) -> CommandResult:
        return self.execute(cmd)

    def assess_delay_interest(self, cmd: c.AssessDelayInterest) -> CommandResult:
        return self.execute(cmd)

    def record_network_inquiry(self, cmd: c.RecordNetworkInquiry) -> CommandResult:
        return self.execute(cmd)

    def register_asset(self, cmd: c.RegisterAsset) -> CommandResult:
        return self.execute(cmd)

    def submit_lead(self, cmd: c.SubmitLead) -> CommandResult:
        return self.execute(cmd)

    def verify_lead(self, cmd: c.VerifyLead) -> CommandResult:
        return self.execute(cmd)

    def record_onsite_investigation(self, cmd: c.RecordOnsiteInvestigation) -> CommandResult:
        return self.execute(cmd)

    def record_search(self, cmd: c.RecordSearch) -> CommandResult:
        return self.execute(cmd)

    def request_reward(self, cmd: c.RequestReward) -> CommandResult:
        return self.execute(cmd)

    def decide_reward(self, cmd: c.DecideReward) -> CommandResult:
        return self.execute(cmd)

    def request_audit(self, cmd: c.RequestAudit) -> CommandResult:
        return self.execute(cmd)

    def decide_audit(self, cmd: c.DecideAudit) -> CommandResult:
        return self.execute(cmd)

    def record_debtor_missing(self, cmd: c.RecordDebtorMissing) -> CommandResult:
        return self.execute(cmd)

    def record_debtor_search(self, cmd: c.RecordDebtorSearch) -> CommandResult:
        return self.execute(cmd)

    def record_obstruction(self, cmd: c.RecordObstruction) -> CommandResult:
        return self.execute(cmd)

    def control_asset(self, cmd: c.ControlAsset) -> CommandResult:
        return self.execute(cmd)

    def renew_control(self, cmd: c.RenewControl) -> CommandResult:
        return self.execute(cmd)

    def record_control_lapse(self, cmd: c.RecordControlLapse) -> CommandResult:
        return self.execute(cmd)

    def release_control(self, cmd: c.ReleaseControl) -> CommandResult:
        return self.execute(cmd)

    def advance_queue(self, cmd: c.AdvanceQueue) -> CommandResult:
        return self.execute(cmd)

    def adjust_living_allowance(self, cmd: c.AdjustLivingAllowance) -> CommandResult:
        return self.execute(cmd)

    def transfer_deposit(self, cmd: c.TransferDeposit) -> CommandResult:
        return self.execute(cmd)

    def set_reference_price(self, cmd: c.SetReferencePrice) -> CommandResult:
        return self.execute(cmd)

    def announce_auction(self, cmd: c.AnnounceAuction) -> CommandResult:
        return self.execute(cmd)

    def record_bid(self, cmd: c.RecordBid) -> CommandResult:
        return self.execute(cmd)

    def close_auction(self, cmd: c.CloseAuction) -> CommandResult:
        return self.execute(cmd)

    def record_buyer_default(self, cmd: c.RecordBuyerDefault) -> CommandResult:
        return self.execute(cmd)

    def sell_asset(self, cmd: c.SellAsset) -> CommandResult:
        return self.execute(cmd)

    def transfer_in_lieu(self, cmd: c.TransferInLieu) -> CommandResult:
        return self.execute(cmd)

    def record_funds_received(self, cmd: c.RecordFundsReceived) -> CommandResult:
        return self.execute(cmd)

    def pay_out(self, cmd: c.PayOut) -> CommandResult:
        return self.execute(cmd)

    def reach_settlement(self, cmd: c.ReachSettlement) -> CommandResult:
        return self.execute(cmd)

    def record_settlement_payment(self, cmd: c.RecordSettlementPayment) -> CommandResult:
        return self.execute(cmd)

    def record_settlement_performed(self, cmd: c.RecordSettlementPerformed) -> CommandResult:
        return self.execute(cmd)

    def record_settlement_default(self, cmd: c.RecordSettlementDefault) -> CommandResult:
        return self.execute(cmd)

    def restrict_consumption(self, cmd: c.RestrictConsumption) -> CommandResult:
        return self.execute(cmd)

    def lift_consumption_restriction(self, cmd: c.LiftConsumptionRestriction) -> CommandResult:
        return self.execute(cmd)

    def list_dishonest(self, cmd: c.ListDishonest) -> CommandResult:
        return self.execute(cmd)

    def delete_dishonest_entry(self, cmd: c.DeleteDishonestEntry) -> CommandResult:
        return self.execute(cmd)

    def impose_fine(self, cmd: c.ImposeFine) -> CommandResult:
        return self.execute(cmd)

    def order_detention(self, cmd: c.OrderDetention) -> CommandResult:
        return self.execute(cmd)

    def issue_summons(self, cmd: c.IssueSummons) -> CommandResult:
        return self.execute(cmd)

    def ban_exit(self, cmd: c.BanExit) -> CommandResult:
        return self.execute(cmd)

    def request_extension(self, cmd: c.RequestExtension) -> CommandResult:
        return self.execute(cmd)

    def suspend_enforcement(self, cmd: c.SuspendEnforcement) -> CommandResult:
        return self.execute(cmd)

    def end_suspension(self, cmd: c.EndSuspension) -> CommandResult:
        return self.execute(cmd)

    def record_applicant_hearing(self, cmd: c.RecordApplicantHearing) -> CommandResult:
        return self.execute(cmd)

    def terminate_current_procedure(self, cmd: c.TerminateCurrentProcedure) -> CommandResult:
        return self.execute(cmd)

    def record_termination_service(self, cmd: c.RecordTerminationService) -> CommandResult:
        return self.execute(cmd)

    def record_post_termination_inquiry(self, cmd: c.RecordPostTerminationInquiry) -> CommandResult:
        return self.execute(cmd)

    def resume_enforcement(self, cmd: c.ResumeEnforcement) -> CommandResult:
        return self.execute(cmd)

    def conclude_case(self, cmd: c.ConcludeCase) -> CommandResult:
        return self.execute(cmd)

    def end_enforcement(self, cmd: c.EndEnforcement) -> CommandResult:
        return self.execute(cmd)

    def close_case(self, cmd: c.CloseCase) -> CommandResult:
        return self.execute(cmd)

    def record_refused_act(self, cmd: c.RecordRefusedAct) -> CommandResult:
        return self.execute(cmd)
