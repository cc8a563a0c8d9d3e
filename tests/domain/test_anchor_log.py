"""The anchor log itself: a store that lost it refuses saves until its cases are adopted; an
edited log is named; the legacy import and every save are anchored (docs/operations.md,
Anchors)."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from pathlib import Path

import pytest

from domain.application import EnforcementCases
from domain.calendar import COURT_ZONE
from domain.errors import AnchorError
from tests.samples import sample_commands
from tests.support import KEY, NUMBER, Driver

LOG = "events.anchors.sqlite"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "events.sqlite"
    app = EnforcementCases.sqlite(path, chain_key=KEY)
    for commands in sample_commands().values():
        for cmd in commands:
            app.execute(cmd)
    app.close()
    return path


def count(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        (n,) = conn.execute("SELECT COUNT(*) FROM stored_events").fetchone()
    conn.close()
    return int(n)


def test_a_lost_anchor_log_refuses_saves_until_the_cases_are_adopted(db: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        (db.parent / (LOG + suffix)).unlink(missing_ok=True)
    app = EnforcementCases.sqlite(db, chain_key=KEY)
    assert not (db.parent / LOG).exists()  # not silently recreated
    report = app.verify_anchored()
    assert [f.code for f in report.findings] == ["anchor.log_missing"]
    before = count(db)
    with pytest.raises(AnchorError) as refused:
        Driver(app, "(2026)甘0402执9号").file(date(2026, 2, 1))
    assert refused.value.code == "anchor.log_missing" and count(db) == before

    heads = app.adopt_anchors()
    assert len(heads) == 3
    report = app.verify_anchored()
    assert not report.findings and all(v.ok for v in report.cases)
    Driver(app, "(2026)甘0402执9号").file(date(2026, 2, 1))
    assert app.verify_anchored().anchor_entries == 4
    assert app.adopt_anchors() == []  # nothing left to adopt


def test_an_act_refused_for_the_missing_log_leaves_no_trace_in_the_cached_case(db: Path) -> None:
    """The refusal comes at the save, after the case decided and applied its events: the cached
    case must not keep them, or the case would show an act that is not in the record and the
    same command, sent again once the cases are adopted, would be answered as a duplicate with
    nothing written (found with tests/fixtures/store_ae57571, a store older than the log)."""
    terminated = "(2026)甘0402执3号"
    for suffix in ("", "-wal", "-shm"):
        (db.parent / (LOG + suffix)).unlink(missing_ok=True)
    app = EnforcementCases.sqlite(db, chain_key=KEY)
    version = app.get_case(terminated).version  # the case is cached
    driver = Driver(app, terminated)
    with pytest.raises(AnchorError) as refused:
        driver.send("RecordTerminationService", date(2026, 4, 17), command_id="serve-1",
                    served_on=date(2026, 4, 17))
    assert refused.value.code == "anchor.log_missing"
    assert app.get_case(terminated).version == version
    assert app.get_case(terminated).termination_served_on is None

    app.adopt_anchors()
    result = driver.send("RecordTerminationService", date(2026, 4, 17), command_id="serve-1",
                         served_on=date(2026, 4, 17))
    assert not result.duplicate
    assert len(app.case_events(terminated)) == version + 1
    assert app.get_case(terminated).termination_served_on == date(2026, 4, 17)


def test_adopting_refuses_a_store_whose_chains_are_broken(db: Path) -> None:
    (db.parent / LOG).unlink()
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM stored_events WHERE rowid = 2")
    conn.close()
    app = EnforcementCases.sqlite(db, chain_key=KEY)
    with pytest.raises(AnchorError) as refused:
        app.adopt_anchors()
    assert refused.value.code == "anchor.adopt_refused"


def test_an_edited_anchor_log_is_named(db: Path) -> None:
    with sqlite3.connect(db.parent / LOG) as conn:
        conn.execute("UPDATE anchor_entries SET version = version - 1 WHERE seq = 2")
    conn.close()
    report = EnforcementCases.sqlite(db, chain_key=KEY).verify_anchored()
    assert [f.code for f in report.findings] == ["anchor.log_altered"]
    assert "entry 2" in report.findings[0].message


def test_every_save_and_the_legacy_import_are_anchored() -> None:
    from tests.projections.legacy import LegacyCase

    app = EnforcementCases.in_memory(chain_key=KEY)
    Driver(app).file(date(2026, 1, 10))
    lines = LegacyCase("(2018)甘0402执15号", date(2018, 3, 1)).compliant_termination().lines
    app.import_legacy(lines, datetime(2026, 1, 1, tzinfo=COURT_ZONE))
    report = app.verify_anchored()
    assert report.anchor_entries == 2 and not report.findings
    assert {v.events for v in report.cases} == {v.anchored_version for v in report.cases}
    assert all(v.ok for v in report.cases) and len(report.cases) == 2
    assert app.verify(NUMBER).anchored_version == 1
