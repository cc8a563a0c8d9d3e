"""Acts that gave commands decided in the domain a door (docs/architecture.md, "What the
checklists found"), through `enforce case do` against the real engine: a reward request and
the court's decision on it, a search with what it found."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import Enforce
from tests.workflows.dockets import case
from workflows.docket import World

NUMBER = "(2026)甘0402执841号"


def test_a_reward_request_is_decided_by_the_court_and_a_search_records_its_finding(
        own_engine: Enforce, tmp_path: Path) -> None:
    enforce = own_engine
    path = tmp_path / "case.json"
    path.write_text(case(NUMBER, World(), principal="90000.00").model_dump_json(), "utf-8")
    assert (filed := enforce("case", "file", path)).code == 0, filed.err
    officer = {"ENFORCE_TOKEN": enforce.token("officer-3")}
    president = {"ENFORCE_TOKEN": enforce.token("president-1")}

    asked = enforce("case", "do", NUMBER, "request_reward")  # the clerk, the OS user's account
    assert asked.code == 0, asked.err
    assert f"request_reward applied to {NUMBER}: RewardRequested" in asked.out
    before = enforce.events()
    refused = enforce("case", "do", NUMBER, "decide_reward", "--field", "granted=true", **officer)
    assert refused.code == 1
    assert refused.error == (f"error: decide_reward refused for {NUMBER}: role.not_permitted: a "
                             "officer may not give DecideReward [permissions table "
                             "(docs/design.md, Actor)]")
    assert enforce.events() == before
    decided = enforce("case", "do", NUMBER, "decide_reward", "--field", "granted=true",
                      **president)
    assert decided.code == 0, decided.err
    assert "RewardDecided" in decided.out

    finding = {"asset_id": "safe-1", "kind": "movable", "description": "保险柜内的金条",
               "value": "30000.00"}
    searched = enforce("case", "do", NUMBER, "record_search", "--json",
                       json.dumps({"findings": [finding]}, ensure_ascii=False), **officer)
    assert searched.code == 0, searched.err
    assert "SearchConducted, AssetFound" in searched.out

    history = enforce("audit", "history", NUMBER, "--json").json()
    acted = [(e["event"], e["actor"]["id"]) for e in history
             if e["event"] in ("RewardRequested", "RewardDecided", "SearchConducted")]
    assert acted == [("RewardRequested", "clerk-7"), ("RewardDecided", "president-1"),
                     ("SearchConducted", "officer-3")]
