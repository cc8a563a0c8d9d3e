"""The auditors' commands end to end on an SQLite store of the sample cases, with no engine
running: each calls the records side of the Engine facade (``Engine.offline``; the facade's
own tests: tests/engine/test_records_door.py)."""

from __future__ import annotations

import pytest

from tests.cli.conftest import Enforce
from tests.samples import INTEREST, sample_store

FIRST, SECOND, THIRD = "(2026)甘0402执1号", "(2026)甘0402执2号", "(2026)甘0402执3号"


@pytest.fixture
def store(offline: Enforce) -> Enforce:
    sample_store(offline.data)
    return offline


def test_the_case_list_ranks_by_claim_with_delay_interest(store: Enforce) -> None:
    listed = store("case", "list", "--json").json()
    assert [c["case_number"] for c in listed] == [FIRST, SECOND, THIRD, INTEREST]
    ranked = store("case", "list", "--priority", "--json").json()
    assert [(c["case_number"], c["priority"]) for c in ranked] == [
        (FIRST, 1), (THIRD, 3), (SECOND, 3), (INTEREST, 3)]
    assert (ranked[-1]["claim"], ranked[-1]["imported"]) == ("100559.25", False)
    table = store("case", "list", "--priority")
    assert table.code == 0 and "¥100,559.25" in table.out


def test_metrics_cover_the_record_unless_told_and_refuse_a_backward_period(
        store: Enforce) -> None:
    whole = store("audit", "metrics")
    assert whole.code == 0, whole.err
    assert "quality metrics 2026-01-05 – " in whole.out
    backwards = store("audit", "metrics", "--to", "2025-01-01")
    assert backwards.code == 2
    assert backwards.error.startswith("error: input.invalid: invalid period: it ends on "
                                      "2025-01-01, before it starts on 2026-01-05")
    both = store("audit", "metrics", "--from", "2026-02-01", "--to", "2026-01-01")
    assert (both.code, both.error) == (
        2, "error: invalid period: --to 2026-01-01 is before --from 2026-02-01")


def test_the_termination_audit_by_origin(store: Enforce) -> None:
    live = store("audit", "termination", "--live", "--json")
    assert [a["case_number"] for a in live.json()] == [THIRD]
    assert store("audit", "termination", "--imported", "--json").json() == []


def test_read_models_caught_up_then_rebuilt(store: Enforce) -> None:
    caught = store("projections", "catch-up", "--json")
    assert caught.code == 0, caught.err
    applied, position = caught.json()["applied"], caught.json()["position"]
    assert applied > 0
    assert store("projections", "catch-up", "--json").json() == {"applied": 0,
                                                                  "position": position}
    rebuilt = store("projections", "rebuild", "--json").json()
    assert (rebuilt["events"], rebuilt["position"]) == (applied, position)
    assert rebuilt["store"] == f"SQLite {store.data / 'views.sqlite'}"
    printed = store("projections", "catch-up")
    assert printed.out.splitlines()[-1] == f"caught up: 0 events applied, position {position}"


def test_a_lost_anchor_log_is_adopted(store: Enforce) -> None:
    (store.data / "events.anchors.sqlite").unlink()
    lost = store("audit", "verify")
    assert lost.code == 1 and "anchor.log_missing" in lost.error
    adopted = store("audit", "anchors", "adopt", "--json")
    assert adopted.code == 0, adopted.err
    assert len(adopted.json()) == 4
    assert store("audit", "verify").code == 0


def test_settings_and_stores_that_do_not_fit_are_one_line_with_their_exit_code(
        offline: Enforce) -> None:
    missing = offline("case", "list")
    assert missing.code == 1 and missing.error.startswith(
        f"error: store.missing: no event store at {offline.data / 'events.sqlite'}")
    memory = offline("audit", "history", FIRST, ENFORCEMENT_EVENT_STORE="memory")
    assert memory.code == 2 and memory.error.startswith("error: store.unreadable: ")
    half_tls = offline("case", "show", FIRST, TEMPORAL_TLS_CERT="cert.pem")
    assert (half_tls.code, half_tls.error) == (
        2, "error: config.invalid: TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY make one mTLS client "
           "pair: set both or neither [docs/operations.md]")
