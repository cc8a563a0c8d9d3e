"""Labels of the legal terms in Chinese (zh-CN, the default) and English, in one place.

The console (console/) shows every phase, closure mode, act, finding, metric, deadline and role
through :func:`label`; the CLI can take the same module. A term without a label shows its code
(never an error), so that a new act or phase is visible before it is translated
(tests/console/test_labels.py checks that every act, phase and closure mode has both).
"""

from __future__ import annotations

import re
from typing import Literal

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")

PHASES: dict[str, tuple[str, str]] = {
    "filed": ("立案", "filed"), "notice": ("执行通知", "notice"),
    "inquiry": ("财产调查", "property inquiry"), "control": ("控制财产", "control"),
    "disposal": ("处置财产", "disposal"), "settlement": ("执行和解", "settlement"),
    "suspended": ("中止执行", "suspended"), "terminated": ("终本（监控中）", "终本 (monitored)"),
    "closed": ("结案", "closed"),
}
STATUSES: dict[str, tuple[str, str]] = {
    "open": ("执行中", "open"), "suspended": ("中止执行", "suspended"),
    "settlement": ("执行和解", "settlement"), "terminated": ("终本", "终本"),
    "closed": ("已结案", "closed"),
}
STAGES: dict[str, tuple[str, str]] = {
    "filing": ("立案中", "filing"), "procedure": ("执行中", "in procedure"),
    "closing": ("结案中", "closing"), "monitoring": ("终本监控", "monitoring"),
    "ended": ("已结束", "ended"),
}
CLOSURE_MODES: dict[str, tuple[str, str]] = {
    "concluded": ("执行完毕", "concluded (performed)"),
    "terminated": ("终结本次执行程序（终本）", "终本 (current procedure terminated)"),
    "ended": ("终结执行", "enforcement ended"), "withdrawn_filing": ("销案", "filing withdrawn"),
    "not_enforced": ("不予执行", "not enforced"), "rejected": ("驳回申请", "application rejected"),
}
ROLES: dict[str, tuple[str, str]] = {
    "clerk": ("书记员", "clerk"), "officer": ("执行员", "officer"), "judge": ("执行法官", "judge"),
    "president": ("院长", "president"), "auditor": ("审计/督查", "auditor"),
    "system": ("系统", "system"),
}
ACTS: dict[str, tuple[str, str]] = {
    "record_payment": ("登记被执行人付款", "record a payment"),
    "submit_lead": ("申请人提供财产线索", "submit a lead"),
    "verify_lead": ("核查财产线索", "verify a lead"),
    "record_notice_service": ("登记执行通知送达", "record service of the notice"),
    "record_property_report": ("登记财产报告", "record the property report"),
    "announce_auction": ("发布拍卖公告", "announce an auction"),
    "record_bid": ("登记竞价", "record a bid"),
    "record_auction_result": ("登记拍卖结果", "record an auction result"),
    "record_buyer_default": ("登记买受人悔拍", "record a buyer's default"),
    "sell_asset": ("变卖财产", "sell an asset"),
    "transfer_in_lieu": ("以物抵债", "transfer in lieu of payment"),
    "reach_settlement": ("达成执行和解", "record a settlement"),
    "record_settlement_payment": ("登记和解履行款", "record a settlement payment"),
    "record_settlement_default": ("登记不履行和解协议", "record a settlement default"),
    "request_extension": ("申请延长执行期限", "request an extension"),
    "restrict_consumption": ("限制消费", "restrict consumption"),
    "list_dishonest": ("纳入失信被执行人名单", "list as dishonest"),
    "order_measure": ("决定强制措施（罚款、拘留、传唤、限制出境）", "order a coercive measure"),
    "record_applicant_hearing": ("登记约谈申请人", "record the applicant's hearing"),
    "approve_termination": ("裁定终结本次执行程序", "rule 终本"),
    "withdraw_application": ("申请人撤回申请", "withdraw the application"),
    "close_case": ("结案（销案、不予执行等）", "close the case"),
    "request_resumption": ("申请恢复执行", "request resumption"),
    "suspend_enforcement": ("裁定中止执行", "suspend enforcement"),
    "end_suspension": ("中止事由消失，恢复执行", "end the suspension"),
    "request_approval": ("提请审批", "request an approval"),
    "give_approval": ("批准", "give the approval"),
    "refuse_approval": ("不予批准", "refuse the approval"),
    "record_security": ("登记执行担保", "record a security"),
    "postpone_enforcement": ("决定暂缓执行", "postpone enforcement"),
    "record_security_breach": ("登记担保财产被处分", "record a breach of the security"),
    "end_postponement": ("终止暂缓执行", "end the postponement"),
    "rule_against_security": ("裁定执行担保财产", "rule against the security"),
    "collect_from_security": ("登记担保财产执行款", "collect from the security"),
    "find_refusal_to_enforce": ("认定拒不执行判决、裁定", "find a refusal to enforce"),
    "refer_refusal_to_enforce": ("移送拒执罪追究", "refer a refusal to enforce"),
    "record_referral_outcome": ("登记移送结果", "record a referral's outcome"),
    "raise_limitation_objection": ("登记申请执行时效异议", "record a limitation objection"),
    "rule_on_limitation_objection": ("裁定申请执行时效异议", "rule on a limitation objection"),
    "assess_delay_interest": ("计算迟延履行利息", "assess delay interest"),
    "record_search": ("登记搜查", "record a search"),
    "request_reward": ("申请悬赏", "request a reward notice"),
    "decide_reward": ("决定悬赏", "decide the reward request"),
    "request_audit": ("申请审计", "request an audit"),
    "decide_audit": ("决定审计", "decide the audit request"),
    "record_debtor_missing": ("登记被执行人下落不明", "record the debtor missing"),
    "record_debtor_search": ("登记查找被执行人", "record a search for the debtor"),
    "record_obstruction": ("登记妨碍执行", "record an obstruction"),
    "record_control_lapse": ("登记控制措施到期失效", "record a control's lapse"),
    "adjust_living_allowance": ("调整生活费", "adjust the living allowance"),
    "pay_out": ("发放案款", "pay out"),
    "record_garnishee_remittance": ("登记协助执行人扣划", "record a garnishee's remittance"),
    "record_garnishee_stopped": ("登记协助执行人停止支付", "record a garnishee stopped"),
    "claim_receipt": ("认领暂存款", "claim a suspense receipt"),
    "record_objection": ("登记执行异议", "record an objection"),
    "record_outsider_claim": ("登记案外人异议", "record an outsider's claim"),
    "order_objection_stay": ("决定停止处分", "stay the disposal"),
    "rule_on_objection": ("裁定异议", "rule on an objection"),
    "record_objection_service": ("登记异议裁定送达", "record service of the ruling"),
    "apply_for_review": ("登记申请复议", "record an application for review"),
    "record_review_decision": ("登记复议决定", "record the review decision"),
    "record_objection_suit": ("登记执行异议之诉", "record an objection suit"),
    "record_suit_judgment": ("登记异议之诉判决", "record the suit's judgment"),
}
WATCHES: dict[str, tuple[str, str]] = {
    "control_expiry": ("控制措施到期", "control expiring"),
    "closure_deadline": ("结案期限", "closure deadline"),
    "payout": ("案款发放", "payout"), "lead": ("线索核查", "lead verification"),
    "reinquiry": ("终本后定期查询", "re-inquiry after 终本"),
    "dishonest_deletion": ("失信信息删除", "失信 deletion"),
    "postponement_end": ("暂缓执行期满", "postponement ends"),
    "objection": ("异议审查", "objection examination"),
    "objection_suit_window": ("异议之诉期间", "objection suit window"),
    "claim_release": ("解除控制（案外人异议）", "release of a claimed asset"),
    "approval": ("待审批/待办", "to do"),
}
AUDIT_CLASSES: dict[str, tuple[str, str]] = {
    "compliant": ("合规", "compliant"), "non_compliant": ("不合规", "non-compliant"),
    "pending": ("待完善", "to be completed"), "misreported": ("误报结", "misreported"),
}
FINDING_CATEGORIES: dict[str, tuple[str, str]] = {
    "misreport": ("误报结", "misreport"), "substantive": ("实质性问题", "substantive"),
    "procedural": ("程序性问题", "procedural"),
}
METRICS: dict[str, tuple[str, str]] = {
    "执结率": ("执结率", "closure rate"), "执行完毕率": ("执行完毕率", "completion rate"),
    "实际执结率": ("实际执结率", "actual closure rate"),
    "执行到位率": ("执行到位率", "recovery rate"), "终本率": ("终本率", "终本 rate"),
    "终本合格率": ("终本合格率", "终本 compliance rate"),
    "法定期限内结案率": ("法定期限内结案率", "on-time closure rate"),
    "结收比": ("结收比", "closed to new"), "平均执行天数": ("平均执行天数", "mean days"),
    "案款发放及时率": ("案款发放及时率", "payout timeliness"),
    "异议审查及时率": ("异议审查及时率", "objection timeliness"),
}
LEDGER_ENTRIES: dict[str, tuple[str, str]] = {
    "receipt": ("收款", "receipt"), "direct": ("直接支付申请人", "paid to the applicant"),
    "settlement": ("和解履行", "settlement"), "payout": ("发放", "payout"),
    "waiver": ("放弃", "waiver"),
}
WORDS: dict[str, tuple[str, str]] = {
    "console": ("执行案件管理台", "Enforcement console"),
    "login": ("登录", "Log in"), "logout": ("退出", "Log out"),
    "account": ("账号", "Account"), "password": ("密码", "Password"),
    "worklist": ("工作清单", "Worklist"), "cases": ("案件", "Cases"),
    "overdue": ("已逾期", "Overdue"), "today": ("今日到期", "Due today"),
    "week": ("本周到期", "Due this week"), "later": ("之后", "Later"),
    "case": ("案件", "Case"), "phase": ("阶段", "Phase"), "claim": ("申请执行标的", "Claim"),
    "outstanding": ("未执行到位", "Outstanding"), "recovered": ("已执行到位", "Recovered"),
    "filed_on": ("立案日期", "Filed on"), "closure_deadline": ("结案期限", "Closure deadline"),
    "closure_mode": ("结案方式", "Closure mode"), "applicants": ("申请执行人", "Applicants"),
    "respondents": ("被执行人", "Respondents"), "id_number": ("证件号码", "ID number"),
    "ledger": ("案款台账", "Ledger"), "assets": ("控制财产", "Controlled assets"),
    "timeline": ("案件时间线", "Timeline"), "acts": ("办理", "Acts"),
    "agenda": ("待办日程", "Agenda"), "dues": ("待人工办理", "To do"),
    "deadlines": ("法定期限", "Deadlines"), "due_on": ("到期日", "Due on"),
    "subject": ("事项", "Subject"), "source": ("依据", "Source"), "amount": ("金额", "Amount"),
    "held": ("法院暂存", "Held"), "owed": ("尚欠", "Owed"), "day": ("日期", "Day"),
    "entry": ("类别", "Entry"), "payee": ("收款人", "Payee"), "event": ("事件", "Event"),
    "actor": ("操作人", "Actor"), "asset": ("财产", "Asset"), "measure": ("措施", "Measure"),
    "expires_on": ("到期日", "Expires on"), "control": ("控制状态", "Control"),
    "submit": ("提交", "Submit"), "refused": ("被拒绝", "Refused"),
    "applied": ("已办理", "Applied"), "code": ("代码", "Code"), "message": ("说明", "Message"),
    "nothing_written": ("未写入任何记录。", "Nothing was written."),
    "invalid": ("填写有误，请按字段提示更正；未写入任何记录。",
                "Please correct the fields marked; nothing was written."),
    "signed_in_as": ("当前用户", "Signed in as"), "role": ("角色", "Role"),
    "events": ("写入事件", "Events written"), "chain": ("哈希链校验", "Chain verification"),
    "intact": ("完整", "intact"), "verify": ("校验", "verify"), "broken": ("已损坏", "broken"),
    "none": ("无", "none"),
    "audit": ("终本核查", "终本 audit"), "metrics": ("质效指标", "Quality metrics"),
    "campaign": ("专项活动报告", "Campaign report"), "no_items": ("暂无", "Nothing"),
    "imported": ("历史导入", "imported"), "act_to_take": ("应办事项", "Act to take"),
    "bad_login": ("账号或密码错误。", "Wrong account or password."),
    "locked": ("账号已锁定：连续输错密码，请联系管理员解锁（enforce users enable）。",
               "The login is locked after repeated wrong passwords: an administrator "
               "unlocks it (enforce users enable)."),
    "problems": ("系统办理中遇到的拒绝", "Refusals met by the workflow"),
    "version": ("版本", "Version"), "court": ("法院", "Court"), "officer": ("承办人", "Officer"),
    "finding": ("问题", "Finding"), "class": ("核查结论", "Class"),
    "party": ("当事人", "Party"), "mine": ("我的案件", "My cases"),
    "team": ("团队案件", "My team's cases"), "all": ("全部案件", "All cases"), "status": ("状态", "Status"),
    "closures": ("结案方式分布", "Closures by mode"), "trend_week": ("结案数（按周）", "Closed per week"),
    "trend_month": ("结案数（按月）", "Closed per month"),
    "trend_quarter": ("结案数（按季度）", "Closed per quarter"),
    "trend_year": ("结案数（按年）", "Closed per year"),
    "value": ("数值", "Value"), "period": ("统计期间", "Period"),
    "handled": ("办理案件数", "Cases handled"), "new": ("新收", "New"),
    "closed": ("结案", "Closed"), "settlements": ("达成执行和解", "Settlements reached"),
    "detentions": ("司法拘留", "Detentions ordered"), "fines": ("罚款", "Fines ordered"),
    "fined": ("罚款金额", "Fines' total"), "applied_total": ("申请执行标的（已结案件）",
                                                      "Applied (closed cases)"),
    "start": ("起", "From"), "end": ("止", "To"), "download_csv": ("下载 CSV", "Download CSV"),
    "print": ("打印", "Print"), "image": ("图片（SVG）", "Image (SVG)"), "any": ("全部", "All"),
    "ruled_on": ("裁定日期", "Ruled on"),
    "by_officer": ("按承办人", "By officer"), "by_court": ("按法院", "By court"), "kind": ("类型", "Kind"),
}
TASKS: dict[str, tuple[str, str]] = {
    "notice_check": ("核查执行通知送达", "check service of the notice"),
    "report_check": ("核查财产报告", "check the property report is in"),
    "inquire": ("网络查控", "network inquiry"), "verify_lead": ("核查线索", "verify the lead"),
    "onsite": ("现场调查", "on-site investigation"), "control": ("控制财产", "control an asset"),
    "transfer": ("划拨冻结款项", "transfer frozen money to the court"),
    "renew": ("续行控制", "renew a control"), "value": ("委托评估/询价", "ask for a reference "
                                                 "price"),
    "price": ("确定参考价", "collect the reference price"),
    "announce": ("发布拍卖公告", "announce the auction"),
    "close": ("拍卖结束", "close the auction round"), "buyer": ("核查买受人付款",
                                                          "check the buyer paid"),
    "sale_proceeds": ("登记拍卖款", "record sale proceeds"),
    "payout": ("发放案款", "pay out to the applicant"), "conclude": ("执行完毕结案",
                                                                "conclude the case"),
    "settlement_performed": ("和解履行完毕", "record the settlement performed"),
    "settlement_due": ("和解履行期满", "settlement due date"),
    "deadline": ("结案期限提醒", "closure-deadline reminder"),
    "remit": ("通知协助扣划工资", "ask the employer for the month's wage remittance"),
    "claim_release": ("解除被异议财产的控制", "release a claimed asset"),
    "hold_end": ("异议停止处分期满", "end of an objection's hold"),
    "objection_overdue": ("异议审查逾期提醒", "objection examination overdue"),
    "postponement_end": ("暂缓执行期满", "postponement ends"),
}
DEADLINES: dict[str, tuple[str, str]] = {
    "closure": ("结案期限", "closure"), "property report": ("财产报告期限", "property report"),
    "payout": ("案款发放期限", "payout"),
    "earliest 终本 ruling (after)": ("最早可裁定终本日", "earliest 终本 ruling (after)"),
    "settlement performance": ("和解履行期限", "settlement performance"),
}
DEADLINE_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^verify lead (.+)$"), "核查线索 {0}"),
    (re.compile(r"^control of (.+) expires$"), "{0} 控制措施到期"),
    (re.compile(r"^auction of (.+) opens$"), "{0} 拍卖开始"),
    (re.compile(r"^auction of (.+) closes$"), "{0} 拍卖结束"),
)
EVENTS: dict[str, tuple[str, str]] = {
    "ActRefused": ("拒绝受理的操作", "ActRefused"),
    "ApplicantHeard": ("约谈申请执行人", "ApplicantHeard"),
    "ApprovalGiven": ("审批通过", "ApprovalGiven"),
    "ApprovalRefused": ("审批不予通过", "ApprovalRefused"),
    "ApprovalRequested": ("提请审批", "ApprovalRequested"),
    "AssetControlled": ("控制财产（查封、扣押、冻结）", "AssetControlled"),
    "AssetFound": ("发现财产", "AssetFound"),
    "AssetSold": ("变卖财产", "AssetSold"),
    "AssetTransferredInLieu": ("以物抵债", "AssetTransferredInLieu"),
    "AuctionAnnounced": ("发布拍卖公告", "AuctionAnnounced"),
    "AuctionFailed": ("流拍", "AuctionFailed"),
    "AuctionSold": ("拍卖成交", "AuctionSold"),
    "AuditDecided": ("决定审计", "AuditDecided"),
    "AuditRequested": ("申请审计", "AuditRequested"),
    "BidPlaced": ("竞价", "BidPlaced"),
    "BuyerDefaulted": ("买受人悔拍", "BuyerDefaulted"),
    "CaseClosed": ("结案", "CaseClosed"),
    "CaseConcluded": ("执行完毕", "CaseConcluded"),
    "CaseFiled": ("立案", "CaseFiled"),
    "CaseResumed": ("恢复执行", "CaseResumed"),
    "ConsumptionRestricted": ("限制消费", "ConsumptionRestricted"),
    "ConsumptionRestrictionLifted": ("解除限制消费", "ConsumptionRestrictionLifted"),
    "ControlLapsed": ("控制措施失效", "ControlLapsed"),
    "ControlReleased": ("解除控制", "ControlReleased"),
    "ControlRenewed": ("续行控制", "ControlRenewed"),
    "CurrentProcedureTerminated": ("终结本次执行程序", "CurrentProcedureTerminated"),
    "DeadlineExtended": ("延长执行期限", "DeadlineExtended"),
    "DebtWaived": ("申请人放弃债权", "DebtWaived"),
    "DebtorListedDishonest": ("纳入失信被执行人名单", "DebtorListedDishonest"),
    "DebtorMissingRecorded": ("被执行人下落不明", "DebtorMissingRecorded"),
    "DebtorSearched": ("查找被执行人", "DebtorSearched"),
    "DelayInterestAssessed": ("计算迟延履行利息", "DelayInterestAssessed"),
    "DepositTransferred": ("划拨存款", "DepositTransferred"),
    "DetentionOrdered": ("司法拘留", "DetentionOrdered"),
    "DishonestEntryDeleted": ("删除失信信息", "DishonestEntryDeleted"),
    "DistributionJoined": ("参与分配", "DistributionJoined"),
    "DistributionLeft": ("退出参与分配", "DistributionLeft"),
    "DistributionSharePaid": ("分配款到账", "DistributionSharePaid"),
    "EnforcementPostponed": ("暂缓执行", "EnforcementPostponed"),
    "EnforcementSuspended": ("中止执行", "EnforcementSuspended"),
    "ExitBanned": ("限制出境", "ExitBanned"),
    "FineImposed": ("罚款", "FineImposed"),
    "ForfeitedDepositApplied": ("悔拍保证金充抵", "ForfeitedDepositApplied"),
    "FundsPaidOut": ("发放案款", "FundsPaidOut"),
    "FundsReceived": ("收到执行款", "FundsReceived"),
    "GarnisheeStopped": ("协助执行人停止支付", "GarnisheeStopped"),
    "GarnishmentOrdered": ("扣划收入", "GarnishmentOrdered"),
    "LeadSubmitted": ("提供财产线索", "LeadSubmitted"),
    "LeadVerified": ("核查财产线索", "LeadVerified"),
    "LimitationObjectionRaised": ("提出申请执行时效异议", "LimitationObjectionRaised"),
    "LimitationObjectionRuled": ("裁定时效异议", "LimitationObjectionRuled"),
    "LivingAllowanceAdjusted": ("调整生活费", "LivingAllowanceAdjusted"),
    "NetworkInquiryMade": ("网络查控", "NetworkInquiryMade"),
    "NoticeIssued": ("发出执行通知书", "NoticeIssued"),
    "NoticeServed": ("执行通知书送达", "NoticeServed"),
    "ObjectionReceived": ("收到执行异议", "ObjectionReceived"),
    "ObjectionRuled": ("裁定执行异议", "ObjectionRuled"),
    "ObjectionRulingServed": ("异议裁定送达", "ObjectionRulingServed"),
    "ObjectionStayOrdered": ("决定停止处分", "ObjectionStayOrdered"),
    "ObjectionSuitDecided": ("执行异议之诉判决", "ObjectionSuitDecided"),
    "ObjectionSuitFiled": ("提起执行异议之诉", "ObjectionSuitFiled"),
    "ObstructionRecorded": ("妨碍执行", "ObstructionRecorded"),
    "OnsiteInvestigated": ("现场调查", "OnsiteInvestigated"),
    "OutsiderClaimReceived": ("收到案外人异议", "OutsiderClaimReceived"),
    "PostTerminationInquiryMade": ("终本后定期查询", "PostTerminationInquiryMade"),
    "PostponementEnded": ("暂缓执行结束", "PostponementEnded"),
    "PropertyReportRecorded": ("财产报告", "PropertyReportRecorded"),
    "QueueAdvanced": ("轮候顺位提前", "QueueAdvanced"),
    "ReferencePriceSet": ("确定参考价", "ReferencePriceSet"),
    "ReferralOutcomeRecorded": ("移送结果", "ReferralOutcomeRecorded"),
    "RefusalToEnforceFound": ("认定拒不执行", "RefusalToEnforceFound"),
    "RefusalToEnforceReferred": ("移送拒执罪", "RefusalToEnforceReferred"),
    "ReviewApplied": ("申请复议", "ReviewApplied"),
    "ReviewDecided": ("复议决定", "ReviewDecided"),
    "RewardDecided": ("决定悬赏", "RewardDecided"),
    "RewardRequested": ("申请悬赏", "RewardRequested"),
    "SearchConducted": ("搜查", "SearchConducted"),
    "SecurityBreachRecorded": ("担保财产被处分", "SecurityBreachRecorded"),
    "SecurityCollected": ("执行担保财产", "SecurityCollected"),
    "SecurityEnforcementRuled": ("裁定执行担保", "SecurityEnforcementRuled"),
    "SecurityRecorded": ("执行担保", "SecurityRecorded"),
    "SettlementDefaulted": ("不履行和解协议", "SettlementDefaulted"),
    "SettlementPaymentRecorded": ("和解履行款", "SettlementPaymentRecorded"),
    "SettlementPerformed": ("和解履行完毕", "SettlementPerformed"),
    "SettlementReached": ("达成执行和解", "SettlementReached"),
    "SettlementResumed": ("恢复执行原生效法律文书", "SettlementResumed"),
    "SummonsIssued": ("传唤", "SummonsIssued"),
    "SuspensionEnded": ("中止执行结束", "SuspensionEnded"),
    "TerminationRulingServed": ("终本裁定送达", "TerminationRulingServed"),
}
"""Events of the record (their stored class names) as the timeline shows them."""
FINDINGS: dict[str, tuple[str, str]] = {
    "misreport.asset_disposable": ("尚有可处置财产", "asset disposable"),
    "misreport.asset_under_claim": ("财产处于案外人异议中", "asset under claim"),
    "misreport.asset_under_control": ("财产仍在控制中未处置", "asset under control"),
    "misreport.funds_undisbursed": ("案款未发放", "funds undisbursed"),
    "misreport.settlement_in_performance": ("和解协议履行期间", "settlement in performance"),
    "procedure.applicant_not_heard": ("未约谈申请执行人", "applicant not heard"),
    "procedure.approval_missing": ("缺少院长审批", "approval missing"),
    "procedure.ruling_not_served": ("终本裁定未送达", "ruling not served"),
    "termination.audit_undecided": ("审计申请未决定", "audit undecided"),
    "termination.channel_not_queried": ("网络查控渠道未查询", "channel not queried"),
    "termination.debtor_not_searched": ("下落不明的被执行人未查找", "debtor not searched"),
    "termination.dishonest_minor_listed": ("未成年人被纳入失信名单", "dishonest minor listed"),
    "termination.dishonest_required": ("应纳入失信名单而未纳入", "dishonest required"),
    "termination.filing_unknown": ("无立案记录", "filing unknown"),
    "termination.lead_unverified": ("财产线索未核查", "lead unverified"),
    "termination.no_notice": ("未发出执行通知", "no notice"),
    "termination.no_report_order": ("未责令报告财产", "no report order"),
    "termination.no_restriction": ("未限制消费", "no restriction"),
    "termination.objection_unanswered": ("执行异议未审查", "objection unanswered"),
    "termination.obstruction_unsanctioned": ("妨碍执行未予处罚", "obstruction unsanctioned"),
    "termination.referral_missing": ("拒执行为未移送", "referral missing"),
    "termination.report_breach_unsanctioned": ("违反报告财产义务未处罚", "report breach unsanctioned"),
    "termination.report_unverified": ("财产报告未核实", "report unverified"),
    "termination.restriction_lifted": ("限制消费已解除", "restriction lifted"),
    "termination.reward_undecided": ("悬赏申请未决定", "reward undecided"),
    "termination.security_unenforced": ("执行担保未执行", "security unenforced"),
    "termination.too_early": ("立案未满三个月即终本", "too early"),
}
"""The 终本 audit's findings by code (projections/audit.py), for the audit page."""
TABLES: dict[str, dict[str, tuple[str, str]]] = {
    "phase": PHASES, "status": STATUSES, "stage": STAGES, "closure": CLOSURE_MODES,
    "role": ROLES, "act": ACTS,
    "watch": WATCHES, "audit": AUDIT_CLASSES, "finding": FINDING_CATEGORIES,
    "metric": METRICS, "entry": LEDGER_ENTRIES, "word": WORDS, "task": TASKS,
    "deadline": DEADLINES, "event": EVENTS, "finding_code": FINDINGS,
}


def label(table: str, code: str | None, lang: Lang = "zh") -> str:
    """The label of ``code`` in the ``table`` (phase, closure, act …) in ``lang``; the code
    itself when it has none."""
    if code is None:
        return ""
    found = TABLES[table].get(code)
    if found is None:
        return code
    return found[0] if lang == "zh" else found[1]


def task_label(key: str, lang: Lang = "zh") -> str:
    """An agenda entry's task (its key's first part, ``payout:…``) in ``lang``."""
    return label("task", key.split(":")[0], lang)


def deadline_label(name: str, lang: Lang = "zh") -> str:
    """A status deadline's name in ``lang`` (the English name when no label fits it)."""
    if lang == "en" or name in DEADLINES:
        return label("deadline", name, lang)
    for pattern, text in DEADLINE_PATTERNS:
        found = pattern.match(name)
        if found:
            return text.format(*found.groups())
    return name


def lang_of(value: str | None) -> Lang:
    """``en`` if asked for, else the default ``zh``."""
    return "en" if value == "en" else "zh"
