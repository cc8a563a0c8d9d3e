"""Asset inquiry: network channels, leads, on-site, search, reward, audit, missing debtor."""

from __future__ import annotations

from domain import commands as c
from domain import events as ev
from domain import rules as r
from domain.state import CaseState
from domain.values import PartyKind

from . import Context, Pending, decides
from .common import found, require


@decides(c.RecordNetworkInquiry)
def network_inquiry(s: CaseState, cmd: c.RecordNetworkInquiry, ctx: Context) -> list[Pending]:
    return [(ev.NetworkInquiryMade, {"channel": cmd.channel, "queried_on": cmd.queried_on}),
            *found(s, cmd.findings, cmd.queried_on, cmd.channel.value)]


@decides(c.RegisterAsset)
def register_asset(s: CaseState, cmd: c.RegisterAsset, ctx: Context) -> list[Pending]:
    return found(s, (cmd.asset,), cmd.found_on, cmd.source)


@decides(c.SubmitLead)
def submit_lead(s: CaseState, cmd: c.SubmitLead, ctx: Context) -> list[Pending]:
    require(cmd.lead_id not in s.leads, "lead.duplicate", f"lead {cmd.lead_id!r} exists",
            r.SRC_ENGINE)
    days = r.URGENT_LEAD_VERIFICATION_DAYS if cmd.urgent else r.LEAD_VERIFICATION_DAYS
    return [(ev.LeadSubmitted, {"lead_id": cmd.lead_id, "description": cmd.description,
                                "urgent": cmd.urgent, "submitted_on": cmd.submitted_on,
                                "due_on": ctx.calendar.period_end(cmd.submitted_on, days)})]


@decides(c.VerifyLead)
def verify_lead(s: CaseState, cmd: c.VerifyLead, ctx: Context) -> list[Pending]:
    lead = s.leads.get(cmd.lead_id)
    require(lead is not None, "lead.unknown", f"no lead {cmd.lead_id!r}", r.SRC_ENGINE)
    assert lead is not None
    require(lead.verified_on is None, "lead.already_verified", "the lead was verified already",
            r.SRC_LEAD_VERIFICATION)
    require(cmd.verified_on >= lead.submitted_on, "lead.verified_before_submitted",
            "a lead is verified after it is submitted", r.SRC_LEAD_VERIFICATION)
    findings = (cmd.finding,) if cmd.finding else ()
    return [(ev.LeadVerified, {"lead_id": cmd.lead_id, "verified_on": cmd.verified_on,
                               "found": bool(findings), "late": cmd.verified_on > lead.due_on}),
            *found(s, findings, cmd.verified_on, "lead")]


@decides(c.RecordOnsiteInvestigation)
def onsite(s: CaseState, cmd: c.RecordOnsiteInvestigation, ctx: Context) -> list[Pending]:
    return [(ev.OnsiteInvestigated, {"investigated_on": cmd.investigated_on,
                                     "found": bool(cmd.findings)}),
            *found(s, cmd.findings, cmd.investigated_on, "onsite")]


@decides(c.RecordSearch)
def search(s: CaseState, cmd: c.RecordSearch, ctx: Context) -> list[Pending]:
    return [(ev.SearchConducted, {"searched_on": cmd.searched_on, "found": bool(cmd.findings)}),
            *found(s, cmd.findings, cmd.searched_on, "search")]


@decides(c.RequestReward)
def request_reward(s: CaseState, cmd: c.RequestReward, ctx: Context) -> list[Pending]:
    require(s.reward_requested_on is None, "reward.already_requested",
            "a reward notice was already requested", r.SRC_REWARD)
    return [(ev.RewardRequested, {"requested_on": cmd.requested_on})]


@decides(c.DecideReward)
def decide_reward(s: CaseState, cmd: c.DecideReward, ctx: Context) -> list[Pending]:
    requested = s.reward_requested_on
    require(requested is not None and s.reward_decided_on is None, "reward.nothing_to_decide",
            "no undecided reward request", r.SRC_REWARD)
    assert requested is not None
    require(cmd.decided_on >= requested, "reward.decided_before_request",
            "a decision follows the request", r.SRC_REWARD)
    due = ctx.calendar.period_end(requested, r.REWARD_DECISION_DAYS)
    return [(ev.RewardDecided, {"decided_on": cmd.decided_on, "granted": cmd.granted,
                                "late": cmd.decided_on > due})]


@decides(c.RequestAudit)
def request_audit(s: CaseState, cmd: c.RequestAudit, ctx: Context) -> list[Pending]:
    require(any(p.kind is PartyKind.ORGANISATION for p in s.respondents),
            "audit.debtor_not_organisation", "an audit is ordered only against a debtor that is "
            "a legal person or other organisation", r.SRC_AUDIT)
    require(s.audit_requested_on is None, "audit.already_requested",
            "an audit was already requested", r.SRC_AUDIT)
    return [(ev.AuditRequested, {"requested_on": cmd.requested_on})]


@decides(c.DecideAudit)
def decide_audit(s: CaseState, cmd: c.DecideAudit, ctx: Context) -> list[Pending]:
    requested = s.audit_requested_on
    require(requested is not None and s.audit_decided_on is None, "audit.nothing_to_decide",
            "no undecided audit request", r.SRC_AUDIT)
    assert requested is not None
    require(cmd.decided_on >= requested, "audit.decided_before_request",
            "a decision follows the request", r.SRC_AUDIT)
    return [(ev.AuditDecided, {"decided_on": cmd.decided_on, "granted": cmd.granted})]


@decides(c.RecordDebtorMissing)
def debtor_missing(s: CaseState, cmd: c.RecordDebtorMissing, ctx: Context) -> list[Pending]:
    return [(ev.DebtorMissingRecorded, {"recorded_on": cmd.recorded_on})]


@decides(c.RecordDebtorSearch)
def debtor_search(s: CaseState, cmd: c.RecordDebtorSearch, ctx: Context) -> list[Pending]:
    return [(ev.DebtorSearched, {"searched_on": cmd.searched_on, "located": cmd.located})]


@decides(c.RecordObstruction)
def obstruction(s: CaseState, cmd: c.RecordObstruction, ctx: Context) -> list[Pending]:
    return [(ev.ObstructionRecorded, {"occurred_on": cmd.occurred_on,
                                      "description": cmd.description})]
