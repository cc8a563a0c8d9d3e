"""The application period after filing: the debtor's objection that it had passed and the
court's ruling (民诉法解释 art.481; docs/rules.md §1.13).

A late application is accepted and flagged (``CaseFiled.application_period_passed``): the period
is the debtor's defence, not a bar the court raises. Upheld, the objection ends the case as
不予执行 in one transaction: the ruling, every control released, the restriction lifted, the
失信 entries deleted, the closure."""

from __future__ import annotations

from domain import commands as c
from domain import events as ev
from domain import rules as r
from domain.models import ClosureMode
from domain.state import CaseState

from . import Context, Pending, decides
from .common import require

NOT_ENFORCED = "not_enforced"
"""The reason recorded on what an upheld objection undoes (不予执行)."""


@decides(c.RaiseLimitationObjection)
def raise_objection(s: CaseState, cmd: c.RaiseLimitationObjection, ctx: Context
                    ) -> list[Pending]:
    require(s.limitation_objection != "pending", "limitation.objection_pending",
            f"the objection of {s.limitation_objection_raised_on} awaits its ruling",
            r.SRC_LIMITATION_OBJECTION)
    return [(ev.LimitationObjectionRaised, {"raised_on": cmd.raised_on,
                                            "grounds": cmd.grounds})]


@decides(c.RuleOnLimitationObjection)
def rule_on_objection(s: CaseState, cmd: c.RuleOnLimitationObjection, ctx: Context
                      ) -> list[Pending]:
    require(s.limitation_objection == "pending", "limitation.no_objection",
            "no limitation objection awaits a ruling", r.SRC_LIMITATION_OBJECTION)
    raised = s.limitation_objection_raised_on
    assert raised is not None
    require(cmd.ruled_on >= raised, "limitation.ruled_before_objection",
            f"the objection was raised on {raised}", r.SRC_LIMITATION_OBJECTION)
    ruled: list[Pending] = [(ev.LimitationObjectionRuled, {
        "ruled_on": cmd.ruled_on, "upheld": cmd.upheld, "reason": cmd.reason})]
    if not cmd.upheld:
        return ruled
    require(s.application_period_passed, "limitation.period_not_passed",
            f"the application of {s.applied_on} came within the 2-year period (it ended on "
            f"{s.application_period_ended_on or 'a day the filing did not record'})",
            f"{r.SRC_APPLICATION_PERIOD}; {r.SRC_LIMITATION_OBJECTION}")
    require(s.undisbursed == 0, "closure.funds_unpaid",
            f"{s.undisbursed} must be paid out first", r.SRC_PAYOUT)
    why = f"不予执行: limitation objection upheld ({r.SRC_LIMITATION_OBJECTION})"
    undone: list[Pending] = [
        (ev.ControlReleased, {"asset_id": asset_id, "released_on": cmd.ruled_on, "reason": why})
        for asset_id, a in s.assets.items() if a.under_control]
    if s.restriction_on is not None and s.restriction_lifted_on is None:
        undone.append((ev.ConsumptionRestrictionLifted, {"lifted_on": cmd.ruled_on,
                                                         "reason": NOT_ENFORCED}))
    if s.dishonest_active is not None:
        undone.append((ev.DishonestEntryDeleted, {"deleted_on": cmd.ruled_on,
                                                  "reason": NOT_ENFORCED, "late": False}))
    return [*ruled, *undone, (ev.CaseClosed, {"mode": ClosureMode.NOT_ENFORCED,
                                              "closed_on": cmd.ruled_on, "ground": None,
                                              "reason": cmd.reason})]
