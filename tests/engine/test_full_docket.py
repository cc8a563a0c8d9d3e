"""examples/full-docket.json: built by examples/full_docket.py, valid, varied, and simulated
end to end with the figures docs/docket.md states (closures, 终本 audit, 执行到位率 …) and
every phase of the procedure visited."""

from __future__ import annotations

import runpy
from collections import Counter
from decimal import Decimal
from pathlib import Path

from domain.application import EnforcementCases
from domain.case import EnforcementCase
from domain.events import CaseEvent
from domain.models import LIVELIHOOD
from domain.state import Phase
from engine.simulate import SimulationReport, simulate_docket
from workflows.docket import Docket

ROOT = Path(__file__).resolve().parents[2]
FULL = ROOT / "examples" / "full-docket.json"


def events(report: SimulationReport, number: str) -> list[CaseEvent]:
    app = EnforcementCases.sqlite(report.events_db)
    try:
        assert app.verify_plan("(2026)甘0402执分1号").ok
        return app.case_events(number)
    finally:
        app.close()


def docket() -> Docket:
    return Docket.model_validate_json(FULL.read_text("utf-8"))


def test_the_file_is_what_its_builder_writes() -> None:
    built = runpy.run_path(str(ROOT / "examples" / "full_docket.py"))["docket"]()
    assert built.model_dump_json(indent=1) + "\n" == FULL.read_text("utf-8")


def test_the_docket_is_varied() -> None:
    cases = docket().cases
    assert len(cases) >= 20
    assert {c.category for c in cases} & LIVELIHOOD == LIVELIHOOD
    worlds = [c.world for c in cases]
    acts = Counter(s.act.kind for w in worlds for s in w.acts)
    assert {"transfer_in_lieu", "sell_asset", "order_measure", "suspend_enforcement",
            "end_suspension"} <= set(acts)
    assert any(w.settlement and w.settlement.default_day for w in worlds)
    assert any(w.settlement and not w.settlement.default_day for w in worlds)
    assert any(lead.urgent for w in worlds for lead in w.leads)
    rounds = [r for w in worlds for a in w.assets for r in a.rounds]
    assert any(not r.bids for r in rounds) and any(not r.buyer_pays for r in rounds)
    assert any(f.exempt for w in worlds for f in w.onsite)
    assert any(w.report and w.report.status != "filed" for w in worlds)
    assert {"withdraw_application", "close_case", "request_resumption", "list_dishonest",
            "request_extension", "restrict_consumption"} <= set(acts)
    assert {s.act.mode for w in worlds for s in w.acts if s.act.kind == "close_case"} == {
        "withdrawn_filing", "not_enforced", "rejected"}
    assert any(s.approval_day is not None and s.act.kind == "order_measure"
               for w in worlds for s in w.acts)
    assert any(not w.notice.ruling_served for w in worlds)
    assert any(w.settlement and w.settlement.choice == "sue" for w in worlds)
    assert {"record_security", "postpone_enforcement", "record_security_breach",
            "end_postponement", "rule_against_security", "collect_from_security",
            "find_refusal_to_enforce", "refer_refusal_to_enforce",
            "record_referral_outcome"} <= set(acts)
    assert {s.act.route for w in worlds for s in w.acts
            if s.act.kind == "refer_refusal_to_enforce"} == {
        "court_transfer", "applicant_complaint", "private_prosecution"}
    assert {"record_objection", "record_outsider_claim", "order_objection_stay",
            "rule_on_objection", "record_objection_service", "apply_for_review",
            "record_review_decision"} <= set(acts)  # docs/rules.md §7
    assert "adjust_living_allowance" in acts  # a standing wage garnishment (docs/rules.md §11)
    assert any(x.asset.kind == "wages" for w in worlds for x in w.assets)
    plans = docket().distributions  # 参与分配 (docs/rules.md §12)
    assert [p.plan_number for p in plans] == ["(2026)甘0402执分1号"]
    assert {s.act.kind for s in plans[0].steps} >= {"join", "record_amount", "serve", "object"}


async def test_simulated_it_gives_the_documented_figures(tmp_path: Path) -> None:
    report = await simulate_docket(docket(), tmp_path / "sim")
    assert report.closures == {"concluded": 33, "terminated": 7, "ended": 2,
                               "withdrawn_filing": 1, "not_enforced": 1, "rejected": 1}
    assert report.audit_summary == {"合规": 6, "不合规": 0, "待完善": 1, "误报结": 0}
    outcomes = {c.case_number: c for c in report.cases}
    for old, new in (("14", "(2028)甘0402执恢14号"), ("30", "(2027)甘0402执恢30号")):
        assert outcomes[f"(2026)甘0402执{old}号"].resumed_as == new
        assert outcomes[new].closure_mode == "concluded"
    assert {n for n, c in outcomes.items() if c.closure_mode == "terminated"} == {
        f"(2026)甘0402执{n}号" for n in (3, 14, 16, 17, 30, 31, 36)}
    assert {n: c.closure_mode for n, c in outcomes.items() if c.closure_mode not in (
        "concluded", "terminated")} == {
        "(2026)甘0402执25号": "ended", "(2026)甘0402执26号": "ended",
        "(2026)甘0402执27号": "withdrawn_filing", "(2026)甘0402执28号": "not_enforced",
        "(2026)甘0402执29号": "rejected"}
    assert {outcomes[f"(2026)甘0402执{n}号"].closure_mode for n in (41, 42, 43, 44, 45, 46)} == {
        "concluded"}
    pending = [a for a in report.audit if a.label == "待完善"]
    assert [(a.case_number, [f.code for f in a.findings]) for a in pending] == [
        ("(2026)甘0402执31号", ["procedure.ruling_not_served"])]
    assert all(c.chain_ok for c in report.cases)
    shared = {n: [(type(e).__name__, getattr(e, "amount", None)) for e in events(report, n)
                  if "Distribution" in type(e).__name__]
              for n in ("(2026)甘0402执45号", "(2026)甘0402执46号")}
    assert shared == {  # the plan's shares reached both ledgers; the plan is done with both
        "(2026)甘0402执45号": [("DistributionJoined", None),
                             ("DistributionSharePaid", Decimal("14285.71")),
                             ("DistributionLeft", None)],
        "(2026)甘0402执46号": [("DistributionJoined", None),
                             ("DistributionSharePaid", Decimal("5714.29")),
                             ("DistributionLeft", None)]}
    first, again = (line for line in report.metrics)
    assert (first.metrics.kind, first.metrics.closed, first.metrics.applied,
            first.metrics.recovered) == ("执", 43, Decimal("6259500.00"), Decimal("4162300.00"))
    assert {k: first.rates[k] for k in ("执行到位率", "执行完毕率", "实际执结率", "终本率",
                                        "终本合格率", "法定期限内结案率", "异议审查及时率")} == {
        "执行到位率": Decimal("66.5"), "执行完毕率": Decimal("67.4"),
        "实际执结率": Decimal("72.1"), "终本率": Decimal("16.3"), "终本合格率": Decimal("85.7"),
        "法定期限内结案率": Decimal("95.3"), "异议审查及时率": Decimal("100.0")}
    assert (first.metrics.objections_answered, first.metrics.objections_on_time) == (4, 4)
    assert (again.metrics.kind, again.metrics.closed, again.rates["执行到位率"]) == (
        "执恢", 2, Decimal("100.0"))

    app = EnforcementCases.sqlite(report.events_db)
    try:
        visited = set()
        for number in outcomes:
            case = None
            for event in app.case_events(number):
                case = EnforcementCase.project(case, event)
                visited.add(case.state.phase)
    finally:
        app.close()
    assert visited == set(Phase)
