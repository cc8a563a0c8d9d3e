"""An event store written by the engine at commit ae57571 loads, verifies, replays and projects
with today's code (issue 12: the record outlives the code that wrote it).

The fixture (tests/fixtures/store_ae57571, README there) is the embedded default store of
ae57571 — SQLite, encrypted at rest, hash-chained, no anchor log yet (anchors came later) — with
nine cases driven through filing, notice, inquiry, freezes and seals, an auction with a snapshot
at version 100, payouts, sanctions with approvals typed into their commands, a settlement, a
终本 and its resumption as 执恢, 终结执行 and 销案, and ``summary.json``: what ae57571's own code
read back from it. Each test works on a copy in ``tmp_path``; the committed files never change.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from eventsourcing.utils import resolve_topic

from domain import commands as c
from domain.application import EnforcementCases
from domain.calendar import COURT_ZONE
from domain.case import EnforcementCase
from domain.errors import AnchorError
from domain.event_store_config import cases_from_env
from domain.ids import case_id
from domain.models import FundsSource
from domain.persistence import CaseSnapshot, PydanticMapper
from domain.state import CaseState
from domain.tamper import topic_of
from domain.values import Actor, Role
from projections.read_store import SQLiteReadModelStore
from projections.runner import rebuild

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "store_ae57571"
SUMMARY: dict[str, Any] = json.loads((FIXTURE / "summary.json").read_text())
CASES: dict[str, dict[str, Any]] = {case["case_number"]: case for case in SUMMARY["cases"]}
AUCTIONED = "(2025)甘0402执105号"  # 107 events: ae57571 snapshotted it at version 100
TERMINATED = "(2025)甘0402执102号"  # 终本, resumed as 执恢12号
OPEN = "(2025)甘0402执106号"  # still in control: the case a new command goes to


def _copy(data: Path) -> Path:
    """The fixture as a data directory: the store and its keys under the names the engine
    looks for beside ``events.sqlite`` (the committed keys are named TEST_ONLY)."""
    data.mkdir()
    shutil.copyfile(FIXTURE / "events.sqlite", data / "events.sqlite")
    shutil.copyfile(FIXTURE / "TEST_ONLY-events.chainkey", data / "events.chainkey")
    shutil.copyfile(FIXTURE / "TEST_ONLY-events.cipherkey", data / "events.cipherkey")
    return data


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return _copy(tmp_path / "data")


@pytest.fixture
def app(data: Path) -> Iterator[EnforcementCases]:
    """The store opened as the worker opens its embedded default (domain/event_store_config.py)."""
    opened = cases_from_env({"ENFORCEMENT_DATA_DIR": str(data)})
    yield opened
    opened.close()


def _notifications(app: EnforcementCases) -> list[Any]:
    """Every stored event in the order of the log, a page at a time (as the runner reads)."""
    rows: list[Any] = []
    while page := app.recorder.select_notifications(start=rows[-1].id if rows else 0,
                                                    limit=100, inclusive_of_start=False):
        rows.extend(page)
    return rows


def test_the_fixture_is_what_its_readme_says() -> None:
    """Small, from ae57571, the store alone (no anchor log, no WAL left beside it)."""
    files = sorted(p.name for p in FIXTURE.iterdir() if p.name != "__pycache__")
    assert files == ["README.md", "TEST_ONLY-events.chainkey", "TEST_ONLY-events.cipherkey",
                     "events.sqlite", "make_store.py", "summary.json"]
    assert sum(p.stat().st_size for p in FIXTURE.iterdir() if p.is_file()) < 1_000_000
    assert SUMMARY["written_by"] == "ae57571"
    assert len(CASES) == 9


def test_every_stored_event_and_snapshot_resolves_and_decodes(app: EnforcementCases) -> None:
    """Every row's topic still names a class and every row still decodes into it: an event
    class moved, renamed or removed since ae57571 fails here, naming its topic."""
    mapper = app.mapper
    assert isinstance(mapper, PydanticMapper)
    rows = _notifications(app)
    assert len(rows) == SUMMARY["events_total"]
    failures: list[str] = []
    for row in rows:
        try:
            resolve_topic(row.topic)
        except Exception as exc:
            failures.append(f"topic {row.topic} (event {row.id}) does not resolve: {exc!r}")
            continue
        try:
            event = mapper.to_domain_event(row)
        except Exception as exc:
            failures.append(f"{row.topic} v{row.originator_version} does not load: {exc!r}")
            continue
        if topic_of(type(event)) != row.topic:
            failures.append(f"{row.topic} loads as {topic_of(type(event))}")
    conn = sqlite3.connect(app.env["SQLITE_DBNAME"])
    snapshot_topics = {t for (t,) in conn.execute("SELECT DISTINCT topic FROM stored_snapshots")}
    conn.close()
    for topic in snapshot_topics:
        try:
            assert resolve_topic(topic) is CaseSnapshot, topic
        except Exception as exc:
            failures.append(f"snapshot topic {topic} does not resolve to CaseSnapshot: {exc!r}")
    assert not failures, "events written at ae57571 no longer load:\n" + "\n".join(failures)

    by_case: dict[str, Counter[str]] = {}
    for row in rows:
        by_case.setdefault(str(row.originator_id), Counter())[row.topic] += 1
    assert {ref: dict(counts) for ref, counts in by_case.items()} == {
        case["aggregate_id"]: case["topics"] for case in SUMMARY["cases"]}


@pytest.mark.parametrize("number", sorted(CASES))
def test_every_case_loads_as_ae57571_read_it(app: EnforcementCases, number: str) -> None:
    expected = CASES[number]
    assert str(case_id(number)) == expected["aggregate_id"]  # ids derived as before
    state = app.get_case(number)
    events = app.case_events(number)
    assert str(state.id) == expected["aggregate_id"]
    assert (state.version, len(events)) == (expected["version"], expected["events"])
    assert [e.originator_version for e in events] == list(range(1, expected["version"] + 1))
    assert dict(Counter(topic_of(type(e)) for e in events)) == expected["topics"]
    assert str(state.phase) == expected["phase"]
    closure = None if state.closure_mode is None else str(state.closure_mode)
    assert closure == expected["closure_mode"]
    figures = {"claim_total": state.claim_total, "received": state.received,
               "paid_out": state.paid_out, "recovered": state.recovered,
               "outstanding": state.outstanding, "settlement_paid": state.settlement_paid}
    assert figures == {name: Decimal(expected[name]) for name in figures}
    assert all(isinstance(value, Decimal) for value in figures.values())
    assert (state.resumed_as, state.resumed_from) == (expected["resumed_as"],
                                                      expected["resumed_from"])
    assert state.chain_head == expected["chain_head"]
    replayed: EnforcementCase | None = None
    for event in events:  # the state is the fold of its events, whatever the cache did
        replayed = EnforcementCase.project(replayed, event)
    assert replayed is not None and replayed.state.model_dump() == state.model_dump()


def test_the_unsealed_snapshot_of_ae57571_is_passed_over_and_still_decodes(
        app: EnforcementCases) -> None:
    """ae57571 took snapshots without a seal: today's repository passes them over and rebuilds
    the case from its events (docs/domain.md, "Tamper evidence"); the snapshot itself still
    decodes into the state the events give at its version."""
    ref = case_id(AUCTIONED)
    assert CASES[AUCTIONED]["snapshot_version"] == 100
    assert app.snapshots is not None
    (snapshot,) = app.snapshots.get(ref)
    assert isinstance(snapshot, CaseSnapshot) and snapshot.originator_version == 100
    assert (snapshot.chain, snapshot.seal) == ("", "")
    assert app.get_case(AUCTIONED).version == 107
    assert app.snapshots_rejected == 1
    at_100 = app.get_case(AUCTIONED, version=100)
    assert CaseState.model_validate(snapshot.state).model_dump() == at_100.model_dump()


def test_every_chain_verifies_and_the_store_is_adopted_into_an_anchor_log(
        app: EnforcementCases, data: Path) -> None:
    """The hash chains written at ae57571 verify under today's code with the store's key; the
    store predates the anchor log: verification says so, writes are refused until the cases
    are adopted (docs/operations.md, "Anchors"), then the store verifies whole and takes new
    commands."""
    report = app.verify_anchored()
    assert [f.code for f in report.findings] == ["anchor.log_missing"]
    heads = {str(v.case_id): (v.ok, v.events, v.head, v.first_break) for v in report.cases}
    assert heads == {case["aggregate_id"]: (True, case["version"], case["chain_head"], None)
                     for case in SUMMARY["cases"]}
    one = app.verify(TERMINATED)
    assert one.first_break is None and [f.code for f in one.findings] == ["anchor.log_missing"]

    payment = c.RecordFundsReceived(
        case_number=OPEN, command_id=f"case:{OPEN}/request:receipt-after-upgrade",
        actor=Actor(id="clerk-7", role=Role.CLERK),
        recorded_at=datetime.combine(date(2026, 1, 12), time(16), tzinfo=COURT_ZONE),
        amount=Decimal("4650.00"), received_on=date(2026, 1, 12),
        source=FundsSource.DEBTOR_PAYMENT)
    with pytest.raises(AnchorError) as refused:
        app.execute(payment)
    assert refused.value.code == "anchor.log_missing"
    assert app.get_case(OPEN).version == CASES[OPEN]["version"]  # nothing written

    adopted = app.adopt_anchors()
    assert {str(h.case_id): (h.version, h.chain) for h in adopted} == {
        case["aggregate_id"]: (case["version"], case["chain_head"]) for case in SUMMARY["cases"]}
    result = app.execute(payment)
    assert not result.duplicate
    after = app.verify_anchored()
    assert after.findings == [] and all(v.ok and not v.findings for v in after.cases)
    assert app.get_case(OPEN).received == Decimal(CASES[OPEN]["received"]) + Decimal("4650.00")
    assert (data / "events.anchors.sqlite").exists()


def test_a_changed_event_is_named_by_verification(data: Path) -> None:
    """The chain is keyed over each event's topic: an event relabelled in the old store is
    the first break of its case (its ciphertext untouched, so only the chain can tell)."""
    conn = sqlite3.connect(data / "events.sqlite")
    with conn:
        changed = conn.execute(
            "UPDATE stored_events SET topic = 'domain.events:TerminationRulingServed' "
            "WHERE originator_id = ? AND originator_version = 2",
            (case_id(TERMINATED).hex,)).rowcount
    conn.close()
    assert changed == 1
    app = cases_from_env({"ENFORCEMENT_DATA_DIR": str(data)})
    try:
        verification = app.verify(TERMINATED)
        assert verification.first_break is not None
        assert verification.first_break.version == 2
        assert all(v.ok for v in app.verify_anchored().cases
                   if v.case_id != case_id(TERMINATED))
    finally:
        app.close()


def test_the_read_models_rebuild_from_the_old_store(app: EnforcementCases,
                                                    tmp_path: Path) -> None:
    """Every read model rebuilds from the ae57571 store, and a few of their figures are the
    ones ae57571's own rebuild made (amounts in fen, the 终本 audit's class, timeline rows)."""
    views_path = tmp_path / "views.sqlite"
    report = rebuild(app, views_path, progress=False)
    assert report.events == SUMMARY["events_total"]
    views = SQLiteReadModelStore(views_path)
    try:
        for number, case in CASES.items():
            ref, expected = case["aggregate_id"], case["read_models"]
            (row,) = views.query("SELECT status, closure_mode, applied_fen, recovered_fen "
                                 "FROM cases WHERE case_id = ?", (ref,))
            # recovered (quality_metrics v2) is what reached the applicants: ae57571's figure
            # (money received) less what the court still holds (docs/projections.md, 执行到位率)
            held = app.get_case(number).undisbursed
            assert row == (expected["cases.status"], expected["cases.closure_mode"],
                           expected["cases.applied_fen"],
                           expected["cases.recovered_fen"] - int(held * 100)), number
            assert Decimal(row[3]) / 100 == Decimal(case["recovered"]) - held, number
            assert views.query("SELECT COUNT(*) FROM timeline WHERE case_id = ?",
                               (ref,)) == [(case["version"],)], number
            audit = views.query("SELECT audit_class FROM termination_audit WHERE case_id = ?",
                                (ref,))
            assert [a for (a,) in audit] == ([] if expected["termination_audit.audit_class"]
                                             is None else
                                             [expected["termination_audit.audit_class"]]), number
        (terminated,) = views.query("SELECT audit_class FROM termination_audit")
        assert terminated == ("compliant",)  # the one 终本, compliant then and now
    finally:
        views.close()
