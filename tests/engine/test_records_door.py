"""The records side of the Engine facade without Temporal (``Engine.offline``), on an SQLite
store of the sample cases: what the auditors' CLI commands call (their end-to-end pair:
tests/cli/test_records.py). Also where a client finds the engine (``engine.runtime.served``)."""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from domain.errors import AnchorError, CipherKeyError, InvalidInputError
from domain.ids import case_id
from engine.errors import EngineUnavailableError
from engine.facade import Engine
from engine.runtime import EmbeddedServer, served
from tests.samples import INTEREST, sample_store
from workflows.messages import TASK_QUEUE

FIRST, SECOND, THIRD = "(2026)甘0402执1号", "(2026)甘0402执2号", "(2026)甘0402执3号"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A data directory holding the sample store (cases 1–3 and INTEREST, filed in that
    order)."""
    sample_store(tmp_path / "data")
    return tmp_path / "data"


def cut(data: Path, number: str, after: int) -> None:
    """Delete the case's events after version ``after`` (a rolled-back copy)."""
    with sqlite3.connect(data / "events.sqlite") as db:
        db.execute("DELETE FROM stored_events WHERE originator_id = ? AND originator_version > ?",
                   (case_id(number).hex, after))
    db.close()


async def test_cases_are_listed_by_priority_with_their_delay_interest(data: Path) -> None:
    async with Engine.offline(data) as engine:
        listed = await engine.list_cases()
        assert [c.case_number for c in listed] == [FIRST, SECOND, THIRD, INTEREST]
        interest = listed[-1]
        assert interest.claim == Decimal("100559.25")  # ¥99,000 + 90 days of delay interest
        assert (interest.priority, interest.imported) == (3, False)  # not simple any more
        ranked = await engine.list_cases(order="priority")  # then by filing date
        assert [(c.case_number, c.priority) for c in ranked] == [
            (FIRST, 1), (THIRD, 3), (SECOND, 3), (INTEREST, 3)]


async def test_history_carries_each_event_as_recorded(data: Path) -> None:
    async with Engine.offline(data) as engine:
        history = await engine.history(FIRST)
        paid = next(e for e in history.events if e.event == "FundsReceived")
        assert (paid.data["amount"], paid.data["originator_version"]) == ("38000.00",
                                                                          paid.version)
        assert paid.data["actor"] == {"id": "clerk-demo", "role": "clerk"}


async def test_an_offline_engine_reads_but_reaches_no_running_case(data: Path) -> None:
    async with Engine.offline(data) as engine:
        for attempt in (engine.status(FIRST), engine.stuck_cases(),
                        engine.act_status(FIRST, "key-1")):
            with pytest.raises(EngineUnavailableError) as offline:
                await attempt
            assert offline.value.code == "engine.offline"
        assert len(await engine.list_cases(phase="terminated")) == 1


async def test_metrics_default_to_the_period_of_the_record(data: Path) -> None:
    async with Engine.offline(data) as engine:
        first, last = await engine.metrics_period()
        assert first == date(2026, 1, 5) and last >= date(2026, 4, 15)
        assert await engine.metrics_period(date(2026, 2, 1)) == (date(2026, 2, 1), last)
        with pytest.raises(InvalidInputError) as backwards:
            await engine.metrics_period(end=date(2025, 1, 1))
        assert "before it starts on 2026-01-05" in backwards.value.message
        [metrics] = await engine.metrics(first, last)
        assert metrics.new == 4


async def test_termination_audit_by_origin(data: Path) -> None:
    async with Engine.offline(data) as engine:
        assert [a.case_number for a in await engine.termination_audit(imported=False)] == [
            THIRD]
        assert await engine.termination_audit(imported=True) == []


async def test_read_models_are_caught_up_and_rebuilt(data: Path) -> None:
    async with Engine.offline(data) as engine:
        first = await engine.refresh_read_models()
        assert first.events > 0 and first.store == f"SQLite {data / 'views.sqlite'}"
        again = await engine.refresh_read_models()
        assert (again.events, again.position) == (0, first.position)
        summary = await engine.audit_summary()
        assert sum(summary.values()) == 1
        rebuilt = await engine.rebuild_read_models()
        assert (rebuilt.events, rebuilt.position) == (first.events, first.position)
        assert await engine.audit_summary() == summary  # read from the rebuilt store


async def test_verify_and_the_anchor_log_through_the_facade(data: Path, tmp_path: Path) -> None:
    async with Engine.offline(data) as engine:
        assert (await engine.verify_all()).ok
        exported = (await engine.export_anchors()).model_dump_json()
        assert (await engine.check_anchors(exported)).findings == []
    cut(data, THIRD, 3)
    async with Engine.offline(data) as engine:
        checked = await engine.check_anchors(exported, origin="anchors.json")
        assert [(f.code, f.case_id) for f in checked.findings] == [
            ("anchor.behind_export", case_id(THIRD))]
        assert await engine.case_numbers([case_id(THIRD)]) == {case_id(THIRD): THIRD}
        report = await engine.verify_all()
        assert not report.ok and [b.case_id for b in report.broken] == [case_id(THIRD)]
        forged = json.loads(exported)
        forged["heads"][0]["version"] -= 1
        with pytest.raises(AnchorError) as refused:
            await engine.check_anchors(json.dumps(forged), origin="forged.json")
        assert refused.value.code == "anchor.export_forged"


async def test_without_the_cipher_key_only_the_heads_are_checked(data: Path) -> None:
    cut(data, FIRST, 3)
    (data / "events.cipherkey").unlink()
    async with Engine.offline(data) as engine:
        with pytest.raises(CipherKeyError) as missing:
            await engine.verify_all()
        assert missing.value.code == "cipher.key_missing"
        heads = await engine.verify_heads()
        assert not heads.ok and heads.cases == 4
        assert [(h.case_id, h.findings) for h in heads.heads if not h.ok] == [
            (case_id(FIRST), ["anchor.truncated"])]
        one = await engine.verify_heads(SECOND)
        assert one.cases == 1 and one.broken == []


async def test_a_store_whose_anchor_log_was_lost_is_adopted(data: Path) -> None:
    (data / "events.anchors.sqlite").unlink()
    async with Engine.offline(data) as engine:
        lost = await engine.verify_all()
        assert [f.code for f in lost.findings] == ["anchor.log_missing"]
        heads = await engine.adopt_anchors()
        assert sorted(h.case_id for h in heads) == sorted(
            case_id(n) for n in (FIRST, SECOND, THIRD, INTEREST))
        assert (await engine.verify_all()).ok


def test_a_client_finds_the_engine_where_its_worker_recorded_it(tmp_path: Path) -> None:
    """``Engine.connect`` (and so the CLI) takes the address, namespace and task queue from
    the environment, else from the embedded worker's ``server.json`` while it runs."""
    assert served(tmp_path, {}) == ("127.0.0.1:7233", "default", TASK_QUEUE)
    record = EmbeddedServer(address="127.0.0.1:7999", namespace="court", task_queue="court-7",
                            pid=os.getpid())
    record.write(tmp_path)
    assert served(tmp_path, {}) == ("127.0.0.1:7999", "court", "court-7")
    assert served(tmp_path, {"ENFORCEMENT_TASK_QUEUE": "other", "TEMPORAL_ADDRESS": "h:1"}) == (
        "h:1", "court", "other")
    record.model_copy(update={"pid": 2 ** 22 + 1}).write(tmp_path)  # its worker is gone
    assert served(tmp_path, {}) == ("127.0.0.1:7233", "default", TASK_QUEUE)


async def test_the_distribution_plans_are_read_with_their_state(data: Path) -> None:
    """参与分配 (docs/rules.md §12): a plan drawn into the store, served and objected to, with
    the objector's suit pending, as the auditors' `enforce audit plans` reads it."""
    from domain.event_store_config import cases_from_env
    from tests.domain.test_rules_distribution import PLAN, Plan, _drawn

    app = cases_from_env({"ENFORCEMENT_DATA_DIR": str(data)})
    try:
        p: Plan = _drawn(app)
        p.send("JoinPlan", date(2026, 4, 1), case_number=FIRST, creditor="张三",
               claim=Decimal("38000.00"), claim_class="ordinary", joined_on=date(2026, 4, 1))
    finally:
        app.close()
    async with Engine.offline(data) as engine:
        (plan,) = await engine.distribution_plans()
        assert (plan.plan_number, plan.state, plan.cases, plan.claims) == (
            PLAN, "drawn", [FIRST], Decimal("38000.00"))
        assert await engine.distribution_plans(court="甘0403") == []


async def test_payout_timeliness_per_payee(data: Path) -> None:
    """案款发放及时率 per kind of payee (`enforce audit metrics --by-payee`): the sample cases'
    two receipts are the applicants' and were paid out within their 30 days."""
    async with Engine.offline(data) as engine:
        (applicants,) = await engine.payout_timeliness(date(2026, 1, 1), date(2026, 12, 31))
        assert (applicants.payee_kind, applicants.due, applicants.on_time, applicants.rate) == (
            "applicant", 2, 2, Decimal("100.0"))
        assert await engine.payout_timeliness(date(2026, 1, 1), date(2026, 12, 31),
                                              court="甘0403") == []
