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
from domain.models import LIVELIHOOD
from domain.state import Phase
from workflows.scenario import Docket
from workflows.simulate import simulate_docket

ROOT = Path(__file__).resolve().parents[2]
FULL = ROOT / "examples" / "full-docket.json"


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


async def test_simulated_it_gives_the_documented_figures(tmp_path: Path) -> None:
    report = await simulate_docket(docket(), tmp_path / "sim")
    assert report.closures == {"concluded": 21, "terminated": 4}
    assert report.audit_summary == {"合规": 4, "不合规": 0, "待完善": 0, "误报结": 0}
    outcomes = {c.case_number: c for c in report.cases}
    resumed = outcomes["(2026)甘0402执14号"].resumed_as
    assert resumed is not None and outcomes[resumed].closure_mode == "concluded"
    assert {n for n, c in outcomes.items() if c.closure_mode == "terminated"} == {
        f"(2026)甘0402执{n}号" for n in (3, 14, 16, 17)}
    assert all(c.chain_ok for c in report.cases)
    first, again = (line for line in report.metrics)
    assert (first.metrics.kind, first.metrics.closed, first.metrics.applied,
            first.metrics.recovered) == ("执", 24, Decimal("4339500.00"), Decimal("2760300.00"))
    assert {k: first.rates[k] for k in ("执行到位率", "执行完毕率", "实际执结率", "终本率",
                                        "终本合格率", "法定期限内结案率")} == {
        "执行到位率": Decimal("63.6"), "执行完毕率": Decimal("75.0"),
        "实际执结率": Decimal("83.3"), "终本率": Decimal("16.7"), "终本合格率": Decimal("100.0"),
        "法定期限内结案率": Decimal("95.8")}
    assert (again.metrics.kind, again.metrics.closed, again.rates["执行到位率"]) == (
        "执恢", 1, Decimal("100.0"))

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
