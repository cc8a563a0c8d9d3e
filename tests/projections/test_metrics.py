"""Quality metrics over a hand-built docket; every expected value is worked out by hand below.

The 2026 docket (court 甘0402 unless said otherwise):

| case | kind | officer | applied | recovered | filed → closed | how | payouts |
|---|---|---|---|---|---|---|---|
| A 执101 | 执 | 1 | 1,000,000 | 1,000,000 | 01-10 → 01-23 (13 d) | 执行完毕 | on time |
| B 执102 | 执 | 2 | 800,000 | 600,000 | 01-10 → 08-01 (203 d) | settlement | none |
| C 执103 | 执 | 1 | 560,000 | 220,000 | 01-10 → 05-20 (130 d) | 终本, 合规 | on time |
| D 执104 | 执 | 2 | 370,000 | 370,000 | 01-10 → 08-20 (222 d) | 执行完毕 | late (1) |
| F 执105 | 执 | 1 | 500,000 | 100,000 | 03-01 → open | — | on time |
| G 2025 甘0403执900 | 执 | 3 | 200,000 | 0 | 2025-12-01 → open | carried over | — |
| H 2025 执800 | 执 | 1 | 30,000 | 30,000 | 2025-11-03 → 2025-12-15 | left out | left out |
| E 执恢1 (from C) | 执恢 | 1 | 340,000 | 340,000 | 06-21 → 08-10 (50 d) | 执行完毕 (2) | on time |
| P 执保1 | 执保 | 3 | 50,000 | 0 | 02-01 → 03-01 (28 d) | 终结执行 | — |

(1) 70,000 paid directly to the applicant (no payout due); 300,000 paid out 35 days after it
arrived. (2) 168,000 by a vehicle taken in lieu after two failed auctions, 172,000 paid.
Payouts are due 30 days after arrival (执行款物规定); B was paid under its settlement.
B was suspended by its settlement from 01-12 to 08-01: 201 days excluded, so 203 days is within
6 months; D has nothing excluded and closed after its deadline (07-10).
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

import pytest

from domain.application import EnforcementCases
from domain.calendar import COURT_ZONE
from domain.models import AssetFinding, ControlMeasure, PriceMethod
from domain.rules import AssetKind, Channel
from projections.facts import FACTS
from projections.metrics import MetricDefinitions, Metrics, periods, quality_metrics
from projections.read_store import SQLiteReadModelStore
from projections.runner import ReadModelRunner
from tests.projections.dockets import Script, officer
from tests.support import CLERK, JUDGE, new_app

YEAR = (date(2026, 1, 1), date(2026, 12, 31))
NUMBERS = {k: f"(2026)甘0402执{n}号" for k, n in zip("ABCDF", (101, 102, 103, 104, 105),
                                                   strict=True)}


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=COURT_ZONE)


def _resumed_case_with_property_taken_in_lieu(app: EnforcementCases, day: date) -> None:
    """E: a vehicle fails at two auctions and is taken in lieu at 168,000; 172,000 paid."""
    e = Script.existing(app, "(2026)甘0402执恢1号", day, officer(1))
    car = AssetFinding(asset_id="car-1", kind=AssetKind.VEHICLE, description="小型轿车",
                       value=Decimal("300000.00"))
    e.inquire(Channel.VEHICLES, findings=(car,))
    on = e.at()
    e.send("ControlAsset", on, asset_id="car-1", measure=ControlMeasure.SEIZE,
           amount=Decimal("300000.00"), effective_on=on, expires_on=date(2028, 6, 1))
    on = e.at()
    e.send("SetReferencePrice", on, asset_id="car-1", method=PriceMethod.AGREEMENT,
           amount=Decimal("300000.00"), requested_on=on, determined_on=on)
    for start, announce, opens in (("210000.00", 0, 16), ("168000.00", 3, 8)):
        announced = e.at(after=1 + announce)
        e.send("AnnounceAuction", announced, asset_id="car-1", start_price=Decimal(start),
               deposit=Decimal(start) / 10, announced_on=announced,
               opens_at=_at(e.at(after=opens), 10), closes_at=_at(e.at(after=1), 10))
        e.send("CloseAuction", e.day, asset_id="car-1", closed_at=_at(e.day, 10))
    on = e.at(after=4)
    e.send("TransferInLieu", on, JUDGE, asset_id="car-1", transferred_on=on,
           applicant_consents=True)
    e.funds("172000.00").conclude()


@pytest.fixture
def docket(views: SQLiteReadModelStore) -> SQLiteReadModelStore:
    app = new_app()
    a, b, c, d, f = (NUMBERS[k] for k in "ABCDF")
    Script(app, a, principal="1000000.00", by=officer(1)).notice().funds("1000000.00").conclude()
    Script(app, b, principal="800000.00", by=officer(2)).notice().settle("600000.00") \
        .conclude(date(2026, 8, 1))
    c_case = Script(app, c, principal="560000.00", by=officer(1)).notice().report()
    c_case.freeze_and_transfer("acct-1", "220000.00").inquire().restrict()
    c_case.terminate(date(2026, 5, 20)).resume("(2026)甘0402执恢1号")
    Script(app, d, principal="370000.00", by=officer(2)).notice() \
        .funds("70000.00", pay_after=None, source="direct_to_applicant") \
        .funds("300000.00", pay_after=35, on=date(2026, 5, 6)).conclude(date(2026, 8, 20))
    Script(app, f, date(2026, 3, 1), principal="500000.00", by=officer(1)).notice() \
        .funds("100000.00")
    Script(app, "(2025)甘0403执900号", date(2025, 12, 1), principal="200000.00",
           by=officer(3)).notice().inquire(Channel.DEPOSITS)
    Script(app, "(2025)甘0402执800号", date(2025, 11, 3), principal="30000.00", by=officer(1)) \
        .notice().funds("30000.00").conclude(date(2025, 12, 15))
    _resumed_case_with_property_taken_in_lieu(app, date(2026, 6, 21))
    account = AssetFinding(asset_id="acct-p", kind=AssetKind.DEPOSIT, description="保全账户",
                           value=Decimal("50000.00"))
    p = Script(app, "(2026)甘0402执保1号", date(2026, 2, 1), principal="50000.00", by=officer(3))
    p.inquire(Channel.DEPOSITS, findings=(account,))
    on = p.at()
    p.send("ControlAsset", on, asset_id="acct-p", measure=ControlMeasure.FREEZE,
           amount=Decimal("50000.00"), effective_on=on, expires_on=date(2027, 2, 1))
    p.at(date(2026, 2, 28))
    p.end("other")
    ReadModelRunner(app, views, page_size=16).catch_up()
    return views


def _by_kind(store: SQLiteReadModelStore, **kwargs: object) -> dict[str, Metrics]:
    return {m.kind: m for m in quality_metrics(store, *YEAR, **kwargs)}  # type: ignore[arg-type]


def test_first_enforcement_metrics_of_the_docket(docket: SQLiteReadModelStore) -> None:
    m = _by_kind(docket)["执"]
    assert (m.new, m.carried_over, m.closed) == (5, 1, 4)  # H closed before the period
    assert (m.applied, m.recovered) == (Decimal("2730000.00"), Decimal("2190000.00"))
    assert m.rates() == {
        "执结率": Decimal("66.7"),  # 4 closed ÷ (1 carried over + 5 new)
        "执行完毕率": Decimal("50.0"),  # A, D ÷ 4 (B's performed settlement not counted)
        "实际执结率": Decimal("75.0"),  # A, B, D ÷ 4
        "执行到位率": Decimal("80.2"),  # 2,190,000 ÷ 2,730,000 over the closed A-D
        "终本率": Decimal("25.0"),  # C ÷ 4
        "终本合格率": Decimal("100.0"),  # C is 合规
        "法定期限内结案率": Decimal("75.0"),  # D late; B within thanks to its suspension
        "结收比": Decimal("80.0"),  # 4 closed ÷ 5 new
        "平均执行天数": Decimal("142.0"),  # (13 + 203 + 130 + 222) ÷ 4
        "案款发放及时率": Decimal("75.0"),  # A, C, F on time; D's 300,000 late
        "异议审查及时率": None,  # no objection ruled
    }


def test_resumed_and_preservation_cases_are_counted_apart(docket: SQLiteReadModelStore) -> None:
    kinds = _by_kind(docket)
    assert sorted(kinds) == ["执", "执保", "执恢"]
    e, p = kinds["执恢"], kinds["执保"]
    assert (e.new, e.closed, e.applied, e.recovered) == \
        (1, 1, Decimal("340000.00"), Decimal("340000.00"))  # 168,000 in lieu + 172,000 paid
    assert e.rates() == {"执结率": Decimal("100.0"), "执行完毕率": Decimal("100.0"),
                         "实际执结率": Decimal("100.0"), "执行到位率": Decimal("100.0"),
                         "终本率": Decimal("0.0"), "终本合格率": None,
                         "法定期限内结案率": Decimal("100.0"), "结收比": Decimal("100.0"),
                         "平均执行天数": Decimal("50.0"), "案款发放及时率": Decimal("100.0"),
                         "异议审查及时率": None}
    assert p.rates() == {"执结率": Decimal("100.0"), "执行完毕率": Decimal("0.0"),
                         "实际执结率": Decimal("0.0"), "执行到位率": Decimal("0.0"),
                         "终本率": Decimal("0.0"), "终本合格率": None,
                         "法定期限内结案率": Decimal("100.0"), "结收比": Decimal("100.0"),
                         "平均执行天数": Decimal("28.0"), "案款发放及时率": None,
                         "异议审查及时率": None}


def test_metrics_per_officer_and_per_court(docket: SQLiteReadModelStore) -> None:
    officers = {m.officer: m for m in quality_metrics(docket, *YEAR, by=("officer",))
                if m.kind == "执"}
    assert sorted(officers) == ["officer-1", "officer-2", "officer-3"]
    one, two, three = officers["officer-1"], officers["officer-2"], officers["officer-3"]
    assert (one.new, one.closed, one.recovery_rate) == (3, 2, Decimal("78.2"))  # 1.22M ÷ 1.56M
    assert (two.new, two.closed, two.recovery_rate) == (2, 2, Decimal("82.9"))  # 0.97M ÷ 1.17M
    assert (three.carried_over, three.closed, three.closure_rate) == (1, 0, Decimal("0.0"))
    courts = {(m.kind, m.court): m for m in quality_metrics(docket, *YEAR, by=("court",))}
    assert courts[("执", "甘0402")].closure_rate == Decimal("80.0")  # 4 ÷ 5 new
    assert courts[("执", "甘0403")].carried_over == 1


def test_metrics_per_quarter_and_configurable_definitions(docket: SQLiteReadModelStore) -> None:
    quarters = list(periods(*YEAR, months=3))
    assert quarters[1] == (date(2026, 4, 1), date(2026, 6, 30)) and len(quarters) == 4
    closed = [next(m for m in quality_metrics(docket, *q) if m.kind == "执").closed
              for q in quarters]
    assert closed == [1, 1, 2, 0]  # A in Q1; C in Q2; B and D in Q3
    lenient = MetricDefinitions(completion_includes_settlement=True)
    assert _by_kind(docket, definitions=lenient)["执"].completion_rate == Decimal("75.0")
    only_performed = MetricDefinitions(closed_modes=frozenset({"concluded"}))
    assert _by_kind(docket, definitions=only_performed)["执"].closed == 3
    with pytest.raises(ValueError, match="cannot group"):
        quality_metrics(docket, *YEAR, by=("category",))


def test_a_case_refused_on_the_debtors_limitation_objection_counts_as_closed_not_enforced(
        views: SQLiteReadModelStore) -> None:
    """民诉法解释 art.481: filed 2027-12-02 after the period ended 2027-12-01, ¥5,000.00 paid
    and paid out, the objection upheld on 12-20 → 不予执行 (docs/rules.md §1.13, §3): closed,
    not 执行完毕 nor 终本; its claim stays in 执行到位率's base (a court leaves it out with
    ``MetricDefinitions.closed_modes``)."""
    app = new_app()
    s = Script(app, "(2027)甘0402执9号", filed=date(2027, 12, 2), principal="100000.00",
               performance_deadline=date(2025, 12, 1)).notice()
    s.funds("5000.00")
    on = s.at()
    s.send("RaiseLimitationObjection", on, CLERK, raised_on=on, grounds="申请执行时效已届满")
    s.send("RuleOnLimitationObjection", date(2027, 12, 20), JUDGE, ruled_on=date(2027, 12, 20),
           upheld=True, reason="裁定不予执行")
    ReadModelRunner(app, views, page_size=10).catch_up()
    (m,) = quality_metrics(views, date(2027, 12, 1), date(2027, 12, 31))
    assert (m.new, m.closed, m.actually_closed, m.completed, m.terminated) == (1, 1, 0, 0, 0)
    assert (m.applied, m.recovered, m.recovery_rate) == (
        Decimal("100000.00"), Decimal("5000.00"), Decimal("5.0"))
    modes = MetricDefinitions(closed_modes=frozenset({"concluded", "terminated", "ended"}))
    (left_out,) = quality_metrics(views, date(2027, 12, 1), date(2027, 12, 31),
                                  definitions=modes)
    assert (left_out.closed, left_out.applied) == (0, Decimal("0.00"))
    (facts,) = [FACTS.validate_json(row[0]) for row in views.query(
        "SELECT facts FROM case_facts")]
    assert (facts.closure_mode, facts.application_period_passed,
            facts.limitation_objection) == ("not_enforced", True, "upheld")
