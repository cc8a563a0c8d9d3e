"""A 参与分配 plan through `enforce distribution draw|do|show` against the real engine
(docs/rules.md §12): a clerk may not draw it, the president does; two cases join, the amount is
recorded and the plan served; `show` lists the shares to the fen and the objection deadline; an
organisation debtor's plan is refused with its source. (The 15-day windows and the payouts run
on the time-skipping server: tests/workflows/test_distribution.py.)"""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import Enforce
from tests.support import DEBTOR
from tests.workflows.dockets import case
from workflows.docket import World

PLAN = "(2026)甘0402执分7号"
FIRST, SECOND = "(2026)甘0402执871号", "(2026)甘0402执872号"


def test_a_plan_is_drawn_joined_served_and_shown(own_engine: Enforce, tmp_path: Path) -> None:
    enforce = own_engine
    for number in (FIRST, SECOND):
        path = tmp_path / "case.json"
        path.write_text(case(number, World(), principal="30000.00").model_dump_json(), "utf-8")
        assert (filed := enforce("case", "file", path)).code == 0, filed.err
    president = {"ENFORCE_TOKEN": enforce.token("president-1")}
    officer = {"ENFORCE_TOKEN": enforce.token("officer-3")}

    by_clerk = enforce("distribution", "draw", PLAN, "--debtor", DEBTOR.name,
                       "--first-seized", FIRST)
    assert by_clerk.code == 1 and "role.not_permitted" in by_clerk.error, by_clerk.err
    company = enforce("distribution", "draw", "(2026)甘0402执分8号", "--debtor", "某公司",
                      "--first-seized", FIRST, "--organisation", **president)
    assert company.code == 1
    assert "distribution.debtor_not_natural_person" in company.error
    assert "民诉法解释 arts.506, 507" in company.error
    drawn = enforce("distribution", "draw", PLAN, "--debtor", DEBTOR.name, "--first-seized",
                    FIRST, **president)
    assert drawn.code == 0, drawn.err
    for number, claim in ((FIRST, "30000.00"), (SECOND, "20000.00")):
        joined = enforce("distribution", "do", PLAN, "join", "-f", f"case_number={number}",
                         "-f", "creditor=张三", "-f", f"claim={claim}",
                         "-f", "claim_class=ordinary", **officer)
        assert joined.code == 0 and "PlanCaseJoined" in joined.out, joined.err
    assert enforce("distribution", "do", PLAN, "record_amount", "-f", "amount=10000.00",
                   **officer).code == 0
    served = enforce("distribution", "do", PLAN, "serve", **officer)
    assert served.code == 0 and "PlanServed" in served.out, served.err
    shown = enforce("distribution", "show", PLAN, "--json").json()
    view = shown["view"]
    assert view["phase"] == "served" and view["objection_due_on"]
    assert [(s["case_number"], s["amount"]) for s in view["shares"]] == [
        (FIRST, "6000.00"), (SECOND, "4000.00")]
    twice = enforce("distribution", "do", PLAN, "serve", **officer)
    assert twice.code == 1 and "distribution.already_served" in twice.error
