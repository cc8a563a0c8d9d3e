"""``enforce audit verify`` names truncated, deleted and rolled-back cases (the anchor log);
``enforce audit anchors export|verify --against`` and ``enforce keys init``; a missing chain
key is an error, never a new key (docs/operations.md, Anchors and Keys)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from domain.event_store_config import cases_from_env
from domain.ids import case_id
from tests.cli.conftest import Enforce
from tests.samples import sample_commands

FIRST, SECOND, THIRD = sample_commands()


@pytest.fixture
def store(offline: Enforce) -> Enforce:
    """``enforce`` on a data directory whose keys were made by ``keys init`` and whose store
    holds the three sample cases."""
    made = offline("keys", "init", "--json")
    assert made.code == 0, made.err
    assert sorted(Path(p).name for p in made.json()["created"]) == [
        "events.anchorkey", "events.chainkey"]
    app = cases_from_env({"ENFORCEMENT_DATA_DIR": str(offline.data)})
    for commands in sample_commands().values():
        for cmd in commands:
            app.execute(cmd)
    app.close()
    return offline


def delete(store: Enforce, where: str, *params: object) -> None:
    with sqlite3.connect(store.data / "events.sqlite") as db:
        db.execute(f"DELETE FROM stored_events WHERE {where}", params)
    db.close()


def last_version(store: Enforce, number: str) -> int:
    with sqlite3.connect(store.data / "events.sqlite") as db:
        (version,) = db.execute("SELECT MAX(originator_version) FROM stored_events WHERE "
                                "originator_id = ?", (case_id(number).hex,)).fetchone()
    db.close()
    return int(version)


def test_verify_names_a_truncated_and_a_deleted_case(store: Enforce) -> None:
    clean = store("audit", "verify", "--json")
    assert clean.code == 0, clean.err
    heads = clean.json()["heads"]
    assert len(heads) == 3 and all(h["version"] == h["anchored_version"] for h in heads)
    assert len(clean.json()["global_head"]) == 64

    delete(store, "originator_id = ? AND originator_version = ?", case_id(FIRST).hex,
           last_version(store, FIRST))
    delete(store, "originator_id = ?", case_id(SECOND).hex)
    found = store("audit", "verify")
    assert found.code == 1
    lines = found.err.splitlines()
    assert any(f"case {FIRST}: anchor.truncated" in line for line in lines), found.err
    assert any("anchor.deleted" in line and str(case_id(SECOND)) in line for line in lines)
    assert "1 of 3 case(s) verify" in found.out
    one = store("audit", "verify", FIRST, "--json")
    assert one.code == 1 and [f["code"] for f in one.json()["findings"]] == ["anchor.truncated"]
    codes = {h["case_id"]: h["findings"] for h in store("audit", "verify", "--json").json()[
        "heads"]}
    assert codes[str(case_id(SECOND))] == ["anchor.deleted"]


def test_anchors_exported_and_checked_against_a_cut_store(store: Enforce,
                                                          tmp_path: Path) -> None:
    exported = tmp_path / "anchors.json"
    done = store("audit", "anchors", "export", exported)
    assert done.code == 0, done.err
    checked = store("audit", "anchors", "verify", "--against", exported)
    assert checked.code == 0 and "0 finding(s)" in checked.out

    delete(store, "originator_id = ? AND originator_version > 3", case_id(THIRD).hex)
    behind = store("audit", "anchors", "verify", "--against", exported, "--json")
    assert behind.code == 1
    assert [(f["code"], f["case_id"]) for f in behind.json()["findings"]] == [
        ("anchor.behind_export", str(case_id(THIRD)))]

    forged = json.loads(exported.read_text())
    forged["heads"][0]["version"] -= 1  # lowered so that the cut case would pass
    (tmp_path / "forged.json").write_text(json.dumps(forged))
    refused = store("audit", "anchors", "verify", "--against", tmp_path / "forged.json")
    assert refused.code == 1 and "anchor.export_forged" in refused.error


def test_without_the_cipher_key_verify_still_names_a_truncated_case(store: Enforce) -> None:
    (store.data / "events.cipherkey").unlink()
    blind = store("audit", "verify")
    assert blind.code == 1 and "TAMPERED" not in blind.err
    assert "anchor.chain_unchecked" in blind.err and "no hash chain verified" in blind.err
    delete(store, "originator_id = ? AND originator_version = ?", case_id(FIRST).hex,
           last_version(store, FIRST))
    found = store("audit", "verify", "--json")
    assert found.code == 1 and found.json()["chains_verified"] is False
    assert [(h["case_id"], h["findings"]) for h in found.json()["heads"]
            if not h["ok"]] == [(str(case_id(FIRST)), ["anchor.truncated"])]
    one = store("audit", "verify", FIRST)
    assert one.code == 1 and f"case {FIRST}: anchor.truncated" in one.err
    other = store("audit", "verify", SECOND, "--json")
    assert other.code == 1 and other.json()["cases"] == 1 and not other.json()["broken"]


def test_a_missing_chain_key_is_an_error_and_no_key_is_written(store: Enforce) -> None:
    (store.data / "events.chainkey").unlink()
    before = sorted(p.name for p in store.data.iterdir())
    for args in (("audit", "verify"), ("audit", "history", FIRST)):
        refused = store(*args)
        assert refused.code == 1
        assert "chain.key_missing" in refused.error and "events.chainkey" in refused.error
    assert sorted(p.name for p in store.data.iterdir()) == before
    again = store("keys", "init")  # nor does keys init make one up for a store with events
    assert again.code == 1 and "holds events" in again.error
    assert not (store.data / "events.chainkey").exists()


def test_a_wrong_chain_key_is_named_wrong(store: Enforce) -> None:
    (store.data / "events.chainkey").write_text("ab" * 32 + "\n")
    refused = store("audit", "verify")
    assert refused.code == 1 and "chain.wrong_key" in refused.error
