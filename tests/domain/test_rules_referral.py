"""Refusal to enforce (拒执罪, 刑法 art.313: docs/rules.md §9) through the public API: the
court's finding, the referral (the court's transfer, the applicant's complaint, the private
prosecution only after the police declined), its outcome, and the 终本 condition of 终本规定
art.1(5) that criminal proceedings were started where the conduct calls for them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from domain.application import EnforcementCases
from domain.errors import NotPermitted
from domain.models import ApprovalMode, DishonestGround, ReferralOutcome, ReferralRoute
from domain.state import Phase
from domain.values import Actor
from tests.domain.test_rules_termination import RULING, _ready
from tests.support import CLERK, JUDGE, NUMBER, Driver, refusal

SRC_CRIME = "刑法 art.313; 刑法313解释"
FACTS = "被执行人在执行期间将车辆过户给其亲属, 经罚款后仍拒不履行"


def _obstructed() -> tuple[EnforcementCases, Driver]:
    """The 终本-ready case of test_rules_termination (from 2026-04-11), with an obstruction on
    2026-04-09 met by a fine and a 失信 listing."""
    app, d = _ready()
    d.send("RecordObstruction", date(2026, 4, 9), occurred_on=date(2026, 4, 9),
           description="被执行人阻挠查封车辆")
    d.send("ImposeFine", date(2026, 4, 9), amount=Decimal("10000.00"),
           imposed_on=date(2026, 4, 9), subject="李四", subject_kind="person",
           approved=date(2026, 4, 9))
    d.send("ListDishonest", date(2026, 4, 10), ground=DishonestGround.OBSTRUCTION,
           listed_on=date(2026, 4, 10), approved=date(2026, 4, 10))
    return app, d


def _referral(on: date, route: ReferralRoute, referral_id: str = "R1") -> dict[str, Any]:
    """李四's conduct referred by ``route`` on ``on``: ReferRefusalToEnforce's fields."""
    return {"referral_id": referral_id, "route": route, "referred_on": on, "subject": "李四",
            "facts": FACTS}


def _refer(d: Driver, on: date, route: ReferralRoute, referral_id: str = "R1",
           actor: Actor = JUDGE) -> None:
    d.send("ReferRefusalToEnforce", on, actor, **_referral(on, route, referral_id))


def test_termination_waits_for_the_referral_the_courts_finding_calls_for() -> None:
    app, d = _obstructed()
    d.send("FindRefusalToEnforce", date(2026, 4, 12), JUDGE, found_on=date(2026, 4, 12),
           conduct=FACTS)
    refused = refusal(d, "TerminateCurrentProcedure", date(2026, 4, 15), JUDGE,
                      ruled_on=date(2026, 4, 15), ruling_number=RULING,
                      approval_mode=ApprovalMode.APPLICANT_SIGNED)
    assert (refused.code, refused.source) == ("termination.referral_missing",
                                              "终本规定 art.1(5); " + SRC_CRIME)
    _refer(d, date(2026, 4, 16), ReferralRoute.COURT_TRANSFER)
    d.send("TerminateCurrentProcedure", date(2026, 4, 16), JUDGE, ruled_on=date(2026, 4, 16),
           ruling_number=RULING, approval_mode=ApprovalMode.APPLICANT_SIGNED)
    assert app.get_case(NUMBER).phase is Phase.TERMINATED
    # the police's answer comes after the 终本: still recorded
    d.send("RecordReferralOutcome", date(2026, 5, 20), CLERK, referral_id="R1",
           outcome=ReferralOutcome.ACCEPTED, decided_on=date(2026, 5, 20))


def test_without_the_courts_finding_obstruction_alone_asks_for_no_referral() -> None:
    _, d = _obstructed()
    d.send("TerminateCurrentProcedure", date(2026, 4, 15), JUDGE, ruled_on=date(2026, 4, 15),
           ruling_number=RULING, approval_mode=ApprovalMode.APPLICANT_SIGNED)


def test_no_finding_or_referral_without_recorded_conduct() -> None:
    _, d = _ready()
    refused = refusal(d, "FindRefusalToEnforce", date(2026, 4, 12), JUDGE,
                      found_on=date(2026, 4, 12), conduct=FACTS)
    assert (refused.code, refused.source) == ("referral.no_conduct_recorded", SRC_CRIME)
    refused = refusal(d, "ReferRefusalToEnforce", date(2026, 4, 12), CLERK,
                      **_referral(date(2026, 4, 12), ReferralRoute.APPLICANT_COMPLAINT))
    assert (refused.code, refused.source) == ("referral.no_conduct_recorded", SRC_CRIME)
    d.send("RecordPropertyReport", date(2026, 4, 12), CLERK, status="false",
           reported_on=date(2026, 4, 12))  # a false report is such conduct
    d.send("FindRefusalToEnforce", date(2026, 4, 12), JUDGE, found_on=date(2026, 4, 12),
           conduct="虚假报告财产")


def test_only_a_judge_transfers_a_case_to_the_police() -> None:
    _, d = _obstructed()
    refused = refusal(d, "ReferRefusalToEnforce", date(2026, 4, 12), CLERK, error=NotPermitted,
                      **_referral(date(2026, 4, 12), ReferralRoute.COURT_TRANSFER))
    assert refused.code == "role.not_permitted"
    _refer(d, date(2026, 4, 12), ReferralRoute.APPLICANT_COMPLAINT, actor=CLERK)


def test_a_private_prosecution_only_after_the_police_declined() -> None:
    _, d = _obstructed()
    src = "拒执罪解释 art.14"
    refused = refusal(d, "ReferRefusalToEnforce", date(2026, 4, 12), CLERK,
                      **_referral(date(2026, 4, 12), ReferralRoute.PRIVATE_PROSECUTION, "P1"))
    assert (refused.code, refused.source) == ("referral.private_prosecution_premature", src)
    _refer(d, date(2026, 4, 13), ReferralRoute.APPLICANT_COMPLAINT, actor=CLERK)
    refused = refusal(d, "ReferRefusalToEnforce", date(2026, 4, 20), CLERK,
                      **_referral(date(2026, 4, 20), ReferralRoute.PRIVATE_PROSECUTION, "P1"))
    assert refused.code == "referral.private_prosecution_premature"  # still pending
    d.send("RecordReferralOutcome", date(2026, 5, 10), CLERK, referral_id="R1",
           outcome=ReferralOutcome.DECLINED, decided_on=date(2026, 5, 10))
    refused = refusal(d, "ReferRefusalToEnforce", date(2026, 5, 10), CLERK,
                      **_referral(date(2026, 5, 9), ReferralRoute.PRIVATE_PROSECUTION, "P1"))
    assert refused.code == "referral.private_prosecution_premature"  # dated before the decline
    _refer(d, date(2026, 5, 10), ReferralRoute.PRIVATE_PROSECUTION, "P1", actor=CLERK)


def test_a_referrals_outcomes_follow_the_steps_of_criminal_procedure() -> None:
    app, d = _obstructed()
    src = "docs/rules.md §9 (the referral's steps)"
    _refer(d, date(2026, 4, 12), ReferralRoute.COURT_TRANSFER)
    refused = refusal(d, "RecordReferralOutcome", date(2026, 4, 20), CLERK,
                      referral_id="R1", outcome=ReferralOutcome.CONVICTED,
                      decided_on=date(2026, 4, 20))
    assert (refused.code, refused.source) == ("referral.outcome_not_allowed", src)
    refused = refusal(d, "RecordReferralOutcome", date(2026, 4, 20), CLERK,
                      referral_id="R1", outcome=ReferralOutcome.ACCEPTED,
                      decided_on=date(2026, 4, 11))
    assert (refused.code, refused.source) == ("referral.outcome_before_referral", src)
    for on, outcome in ((date(2026, 4, 20), ReferralOutcome.ACCEPTED),
                        (date(2026, 6, 1), ReferralOutcome.PROSECUTED),
                        (date(2026, 8, 3), ReferralOutcome.CONVICTED)):
        d.send("RecordReferralOutcome", on, CLERK, referral_id="R1", outcome=outcome,
               decided_on=on)
    refused = refusal(d, "RecordReferralOutcome", date(2026, 8, 4), CLERK,
                      referral_id="R1", outcome=ReferralOutcome.ACQUITTED,
                      decided_on=date(2026, 8, 4))
    assert refused.code == "referral.outcome_not_allowed"
    referral = app.get_case(NUMBER).referrals["R1"]
    assert (referral.outcome, referral.decided_on) == (ReferralOutcome.CONVICTED,
                                                       date(2026, 8, 3))
