"""参与分配 (docs/rules.md §12): the DistributionPlan aggregate, its split to the fen, the 15-day
objection window, the suit that holds back a disputed share, and the cases' links to the plan."""

from __future__ import annotations

import itertools
import random
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from domain import distribution as dp
from domain import events as ev
from domain.application import EnforcementCases
from domain.distribution_split import ClaimClass, pro_rata, split
from domain.errors import NotPermittedError, RuleViolationError
from domain.models import FundsSource, PayeeKind
from domain.values import PartyKind
from tests.support import CLERK, DEBTOR, JUDGE, OFFICER, Driver, at, new_app

PLAN = "(2026)甘0402执分1号"
FIRST = "(2026)甘0402执123号"
SECOND = "(2026)甘0402执124号"
THIRD = "(2026)甘0403执7号"
DRAWN = date(2026, 4, 1)
SERVED = date(2026, 4, 10)  # a Friday; the 15th day after, 25 April, is a Saturday
Y = Decimal


class Plan:
    """Sends plan commands with fresh ids."""

    def __init__(self, app: EnforcementCases) -> None:
        self.app = app
        self._ids = itertools.count(1)

    def send(self, name: str, on: date, actor: Any = JUDGE, **fields: Any) -> dp.PlanResult:
        cmd = dp.PLAN_COMMANDS[name](plan_number=fields.pop("plan_number", PLAN),
                                     command_id=f"plan:{next(self._ids)}", actor=actor,
                                     recorded_at=at(on, 18), **fields)
        return self.app.execute_plan(cmd)

    def refused(self, code: str, name: str, on: date, actor: Any = JUDGE, **fields: Any) -> str:
        before = self.app.recorder.max_notification_id()
        with pytest.raises(RuleViolationError) as refusal:
            self.send(name, on, actor, **fields)
        assert refusal.value.code == code
        assert "docs/rules.md §12" in refusal.value.source
        assert self.app.recorder.max_notification_id() == before
        return refusal.value.message


def _drawn(app: EnforcementCases | None = None) -> Plan:
    p = Plan(app or new_app())
    p.send("DrawPlan", DRAWN, debtor=DEBTOR.name, debtor_kind=PartyKind.PERSON,
           first_seized_case=FIRST, drawn_on=DRAWN)
    return p


def _served(amount: str = "100000.00", claims: tuple[tuple[str, str, ClaimClass], ...] = (
        (FIRST, "60000.00", ClaimClass.SECURED), (SECOND, "50000.00", ClaimClass.ORDINARY),
        (THIRD, "70000.00", ClaimClass.ORDINARY))) -> Plan:
    p = _drawn()
    for number, claim, cls in claims:
        p.send("JoinPlan", DRAWN, OFFICER, case_number=number, creditor=f"creditor of {number}",
               claim=Y(claim), claim_class=cls, joined_on=DRAWN)
    p.send("RecordDistributable", DRAWN, OFFICER, amount=Y(amount), recorded_on=DRAWN)
    p.send("ServePlan", SERVED, OFFICER, served_on=SERVED)
    return p


# --- the split ------------------------------------------------------------------------------

def test_costs_then_secured_then_priority_then_ordinary_pro_rata() -> None:
    shares = split(Y("100000.00"), [
        (ClaimClass.ORDINARY, Y("50000.00")), (ClaimClass.SECURED, Y("60000.00")),
        (ClaimClass.COSTS, Y("1000.00")), (ClaimClass.PRIORITY, Y("9000.00")),
        (ClaimClass.ORDINARY, Y("70000.00"))])
    # 1,000 costs, 60,000 secured, 9,000 priority; 30,000 left for 120,000 of ordinary claims
    assert shares == [Y("12500.00"), Y("60000.00"), Y("1000.00"), Y("9000.00"), Y("17500.00")]


def test_a_class_the_money_runs_out_in_shares_pro_rata_and_the_rest_gets_nothing() -> None:
    shares = split(Y("50000.00"), [(ClaimClass.SECURED, Y("60000.00")),
                                   (ClaimClass.SECURED, Y("40000.00")),
                                   (ClaimClass.ORDINARY, Y("10000.00"))])
    assert shares == [Y("30000.00"), Y("20000.00"), Y("0.00")]


def test_the_fen_left_over_goes_to_the_largest_remainders_then_the_first_to_join() -> None:
    assert pro_rata(100, [1, 1, 1]) == [34, 33, 33]  # equal remainders: the first joined
    assert pro_rata(10, [3, 3, 4]) == [3, 3, 4]
    assert pro_rata(1, [2, 5, 3]) == [0, 1, 0]  # 0.5 is the largest remainder


def test_the_pro_rata_split_never_loses_or_makes_a_fen_over_many_amounts() -> None:
    """Property-style: 3,000 seeded random plans; the shares add up to the amount distributed
    exactly (or to every claim, if the amount covers them all), none exceeds its claim, and no
    ordinary share differs from its exact pro-rata value by a fen or more."""
    rng = random.Random(509)
    classes = list(ClaimClass)
    for _ in range(3000):
        claims = [(rng.choice(classes), Y(rng.randint(1, 10_000_000)) / 100)
                  for _ in range(rng.randint(1, 9))]
        amount = Y(rng.randint(1, 10_000_000)) / 100
        shares = split(amount, claims)
        total = sum((c for _, c in claims), Y(0))
        assert sum(shares, Y(0)) == min(amount, total)
        assert all(Y(0) <= s <= c for s, (_, c) in zip(shares, claims, strict=True))
        assert all(s == s.quantize(Y("0.01")) for s in shares)
        ordinary = [(s, c) for s, (k, c) in zip(shares, claims, strict=True)
                    if k is ClaimClass.ORDINARY]
        pot = sum((s for s, _ in ordinary), Y(0))
        claimed = sum((c for _, c in ordinary), Y(0))
        for s, c in ordinary:
            assert abs(s - pot * c / claimed) < Y("0.01")


# --- drawing and joining --------------------------------------------------------------------

def test_an_organisation_debtor_has_no_distribution() -> None:
    p = Plan(new_app())
    p.refused("distribution.debtor_not_natural_person", "DrawPlan", DRAWN,
              debtor="某某建设有限公司", debtor_kind=PartyKind.ORGANISATION,
              first_seized_case=FIRST, drawn_on=DRAWN)


def test_only_the_court_that_first_seized_the_property_draws_the_plan() -> None:
    p = Plan(new_app())
    message = p.refused("distribution.not_first_seizing_court", "DrawPlan", DRAWN,
                        debtor=DEBTOR.name, debtor_kind=PartyKind.PERSON,
                        first_seized_case=THIRD, drawn_on=DRAWN)
    assert "甘0403" in message


def test_a_clerk_may_not_draw_a_plan() -> None:
    p = Plan(new_app())
    with pytest.raises(NotPermittedError):
        p.send("DrawPlan", DRAWN, CLERK, debtor=DEBTOR.name, debtor_kind=PartyKind.PERSON,
               first_seized_case=FIRST, drawn_on=DRAWN)


def test_property_that_covers_every_claim_is_not_shared() -> None:
    p = _drawn()
    for number in (FIRST, SECOND):
        p.send("JoinPlan", DRAWN, OFFICER, case_number=number, creditor="x", claim=Y("100.00"),
               claim_class=ClaimClass.ORDINARY, joined_on=DRAWN)
    p.send("RecordDistributable", DRAWN, OFFICER, amount=Y("200.00"), recorded_on=DRAWN)
    p.refused("distribution.property_sufficient", "ServePlan", SERVED, OFFICER,
              served_on=SERVED)


def test_the_served_plan_records_each_share_and_the_objection_deadline() -> None:
    plan = _served().app.get_plan(PLAN)
    assert [(s.case_number, s.amount) for s in plan.shares] == [
        (FIRST, Y("60000.00")), (SECOND, Y("16666.67")), (THIRD, Y("23333.33"))]
    assert plan.objection_due_on == date(2026, 4, 27)  # 25 April is a Saturday: rolls forward


# --- objections, counter-objections, the suit -----------------------------------------------

@pytest.mark.parametrize(("received", "late"), [(date(2026, 4, 25), False),
                                                (date(2026, 4, 27), False),
                                                (date(2026, 4, 28), True)])
def test_an_objection_is_due_within_15_days_of_service(received: date, late: bool) -> None:
    p = _served()
    fields = {"objection_id": "O1", "objector": "creditor of (2026)甘0402执124号",
              "disputed_case": FIRST, "proposed_claim": Y("0.00"), "received_on": received,
              "reason": "the mortgage was never registered"}
    if late:
        p.refused("distribution.objection_late", "RecordPlanObjection", received, CLERK,
                  **fields)
    else:
        p.send("RecordPlanObjection", received, CLERK, **fields)


def test_day_15_vs_16_on_working_days() -> None:
    """Served on a Monday: day 15 (a Tuesday) is in time, day 16 is late."""
    p = _drawn()
    for number in (FIRST, SECOND):
        p.send("JoinPlan", DRAWN, OFFICER, case_number=number, creditor="x", claim=Y("100.00"),
               claim_class=ClaimClass.ORDINARY, joined_on=DRAWN)
    p.send("RecordDistributable", DRAWN, OFFICER, amount=Y("100.00"), recorded_on=DRAWN)
    served = date(2026, 4, 13)
    p.send("ServePlan", served, OFFICER, served_on=served)
    base = {"objector": "x", "disputed_case": FIRST, "proposed_claim": Y("50.00"),
            "reason": "paid in part"}
    p.refused("distribution.objection_late", "RecordPlanObjection", date(2026, 4, 29), CLERK,
              objection_id="late", received_on=date(2026, 4, 29), **base)
    p.send("RecordPlanObjection", date(2026, 4, 28), CLERK, objection_id="O1",
           received_on=date(2026, 4, 28), **base)


def _objected(opposed: bool = True, sued: bool = True) -> Plan:
    p = _served()
    p.send("RecordPlanObjection", date(2026, 4, 20), CLERK, objection_id="O1",
           objector="creditor of (2026)甘0402执124号", disputed_case=FIRST,
           proposed_claim=Y("0.00"), received_on=date(2026, 4, 20),
           reason="the mortgage was never registered")
    if opposed:
        p.send("RecordCounterObjection", date(2026, 4, 30), CLERK, objection_id="O1",
               opponent=f"creditor of {FIRST}", received_on=date(2026, 4, 30))
    if sued:
        p.send("RecordPlanSuit", date(2026, 5, 8), CLERK, objection_id="O1",
               filed_on=date(2026, 5, 8))
    return p


def test_a_share_held_back_by_a_suit_is_not_paid_and_its_judgment_releases_it_exactly() -> None:
    p = _objected()
    p.send("FinalizePlan", date(2026, 5, 20), finalized_on=date(2026, 5, 20))
    plan = p.app.get_plan(PLAN)
    assert [s.case_number for s in plan.payable] == [SECOND, THIRD]
    assert [(s.case_number, s.amount) for s in plan.held_back] == [(FIRST, Y("60000.00"))]
    p.send("RecordPlanSuitJudgment", date(2026, 8, 3), objection_id="O1",
           judged_claim=Y("20000.00"), judged_on=date(2026, 8, 3))
    releases = p.app.get_plan(PLAN).releases["O1"]
    # the secured claim is 20,000 as judged; the other 40,000 goes to the ordinary creditors
    # pro rata to what the plan left unpaid of their claims (33,333.33 and 46,666.67)
    assert [(r.case_number, r.amount) for r in releases] == [
        (FIRST, Y("20000.00")), (SECOND, Y("16666.67")), (THIRD, Y("23333.33"))]
    assert sum((r.amount for r in releases), Y(0)) == Y("60000.00")


def test_an_unopposed_objection_revises_the_plan_as_it_asks() -> None:
    p = _objected(opposed=False, sued=False)
    # received 20 April: the 15th day, 5 May, is in the May Day holiday: 6 May is the last
    p.refused("distribution.counter_window_open", "FinalizePlan", date(2026, 5, 6),
              finalized_on=date(2026, 5, 6))
    p.send("FinalizePlan", date(2026, 5, 7), finalized_on=date(2026, 5, 7))
    plan = p.app.get_plan(PLAN)
    assert not plan.held_back
    assert [(s.case_number, s.amount) for s in plan.payable] == [
        (SECOND, Y("41666.67")), (THIRD, Y("58333.33"))]


def test_opposed_but_no_suit_in_time_the_plan_stands() -> None:
    p = _objected(sued=False)
    p.refused("distribution.suit_window_open", "FinalizePlan", date(2026, 5, 15),
              finalized_on=date(2026, 5, 15))
    p.refused("distribution.suit_late", "RecordPlanSuit", date(2026, 5, 18), CLERK,
              objection_id="O1", filed_on=date(2026, 5, 18))
    p.send("FinalizePlan", date(2026, 5, 18), finalized_on=date(2026, 5, 18))
    plan = p.app.get_plan(PLAN)
    assert [s.amount for s in plan.payable] == [s.amount for s in plan.shares]


def test_nothing_is_paid_while_the_objection_window_is_open() -> None:
    p = _served()
    p.refused("distribution.objection_window_open", "FinalizePlan", date(2026, 4, 27),
              finalized_on=date(2026, 4, 27))


# --- the record -----------------------------------------------------------------------------

def test_the_plan_is_sealed_in_the_hash_chain_and_anchored() -> None:
    p = _objected()
    report = p.app.verify_plan(PLAN)
    assert report.ok and report.events == 9  # drawn, 3 joined, amount, served, 3 on O1
    assert all(v.ok for v in p.app.verify_all())
    assert dp.plan_id(PLAN) not in set(p.app.case_ids())  # a plan is not listed as a case
    assert dp.plan_id(PLAN) in set(p.app.originator_ids())


def test_a_repeated_plan_command_is_answered_not_applied_twice() -> None:
    p = _drawn()
    cmd = dp.JoinPlan(plan_number=PLAN, command_id="join-1", actor=OFFICER,
                      recorded_at=at(DRAWN, 18), case_number=FIRST, creditor="x",
                      claim=Y("1.00"), claim_class=ClaimClass.ORDINARY, joined_on=DRAWN)
    first = p.app.execute_plan(cmd)
    again = p.app.execute_plan(cmd)
    assert again.duplicate and again.last_version == first.last_version


# --- the cases ------------------------------------------------------------------------------

def _case(number: str = FIRST) -> Driver:
    d = Driver(new_app(), number)
    d.file(date(2026, 1, 10), principal="100000.00")
    return d


def test_a_case_joins_and_its_share_arrives_and_is_paid_out_linked_to_the_plan() -> None:
    d = _case()
    d.send("JoinDistribution", DRAWN, plan_number=PLAN, debtor=DEBTOR.name,
           claim=Y("60000.00"), claim_class=ClaimClass.SECURED, joined_on=DRAWN)
    d.send("PayOut", date(2026, 5, 20), plan_number=PLAN, share_of="final",
           amount=Y("16666.67"), paid_on=date(2026, 5, 20))
    events = d.app.case_events(FIRST)
    names = [type(e).__name__ for e in events[-3:]]
    assert names == ["FundsReceived", "FundsPaidOut", "DistributionSharePaid"]
    receipt = events[-3]
    assert isinstance(receipt, ev.FundsReceived) and receipt.source is FundsSource.DISTRIBUTION
    state = d.app.get_case(FIRST)
    assert state.undisbursed == 0 and state.recovered > 0
    assert state.distributions[PLAN].paid == {"final": Y("16666.67")}
    assert [type(e).__name__ for e in events].count("DistributionJoined") == 1
    with pytest.raises(RuleViolationError) as refused:
        d.send("PayOut", date(2026, 5, 21), plan_number=PLAN, share_of="final",
               amount=Y("1.00"), paid_on=date(2026, 5, 21))
    assert refused.value.code == "distribution.share_already_paid"


def test_money_held_for_a_distribution_is_not_paid_out_without_the_plan() -> None:
    d = _case()
    d.send("JoinDistribution", DRAWN, plan_number=PLAN, debtor=DEBTOR.name,
           claim=Y("60000.00"), claim_class=ClaimClass.ORDINARY, joined_on=DRAWN)
    d.send("RecordFundsReceived", date(2026, 4, 2), CLERK, amount=Y("500.00"),
           received_on=date(2026, 4, 2), source=FundsSource.DEBTOR_PAYMENT)
    with pytest.raises(RuleViolationError) as refused:
        d.send("PayOut", date(2026, 4, 3), amount=Y("500.00"), paid_on=date(2026, 4, 3),
               payee_kind=PayeeKind.APPLICANT)
    assert refused.value.code == "payout.held_for_distribution"
    assert refused.value.source == "民诉法解释 art.508 (docs/rules.md §12)"
    d.send("LeaveDistribution", date(2026, 4, 3), plan_number=PLAN, left_on=date(2026, 4, 3))
    d.send("PayOut", date(2026, 4, 3), amount=Y("500.00"), paid_on=date(2026, 4, 3),
           payee_kind=PayeeKind.APPLICANT)  # the plan is done with the case: its own again
    with pytest.raises(RuleViolationError) as refused:
        d.send("LeaveDistribution", date(2026, 4, 4), plan_number=PLAN,
               left_on=date(2026, 4, 4))
    assert refused.value.code == "distribution.already_left"


def test_a_case_joins_only_against_its_own_debtor_and_within_what_it_is_owed() -> None:
    d = _case()
    with pytest.raises(RuleViolationError) as refused:
        d.send("JoinDistribution", DRAWN, plan_number=PLAN, debtor="王五",
               claim=Y("1.00"), claim_class=ClaimClass.ORDINARY, joined_on=DRAWN)
    assert refused.value.code == "distribution.not_the_debtor"
    with pytest.raises(RuleViolationError) as refused:
        d.send("JoinDistribution", DRAWN, plan_number=PLAN, debtor=DEBTOR.name,
               claim=Y("999999.00"), claim_class=ClaimClass.ORDINARY, joined_on=DRAWN)
    assert refused.value.code == "distribution.claim_exceeds_balance"


def test_the_read_models_skip_a_plan_and_count_the_cases_it_paid(tmp_path: Any) -> None:
    from projections.read_store import SQLiteReadModelStore
    from projections.runner import ReadModelRunner

    d = _case()
    d.send("JoinDistribution", DRAWN, plan_number=PLAN, debtor=DEBTOR.name,
           claim=Y("60000.00"), claim_class=ClaimClass.SECURED, joined_on=DRAWN)
    _drawn(d.app)  # the plan's events share the store's notification log
    d.send("PayOut", date(2026, 5, 20), plan_number=PLAN, share_of="final",
           amount=Y("60000.00"), paid_on=date(2026, 5, 20))
    views = SQLiteReadModelStore(tmp_path / "views.db")
    runner = ReadModelRunner(d.app, views)
    assert runner.catch_up() == d.app.recorder.max_notification_id()
    facts = runner._cache[str(d.app.get_case(FIRST).id)]
    assert facts.recovered == Y("60000.00")
    assert str(dp.plan_id(PLAN)) not in runner._cache
