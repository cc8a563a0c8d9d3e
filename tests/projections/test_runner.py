"""The runner applies every event exactly once: across a SIGKILL before the commit, across
interruptions at random pages, and always to the same rows as a rebuild from position 0."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from domain.application import EnforcementCases
from domain.rules import Channel, RuleSet
from engine.processes import die_with_parent
from projections.__main__ import main as projections_cli
from projections.read_store import ReadModelMismatchError, SQLiteReadModelStore
from projections.runner import PageInfo, ReadModelRunner, rebuild
from projections.settings import ProjectionSettings
from projections.timeline import TimelineProjection
from tests.projections.compare import assert_same_read_models
from tests.projections.dockets import live_docket
from tests.support import KEY, new_app

ROOT = Path(__file__).resolve().parents[2]


class Interrupted(Exception):
    pass


def _runner_process(*args: object) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "tests.projections.killable_runner",
                             *map(str, args)], cwd=ROOT,
                            preexec_fn=die_with_parent())  # never outlives the tests


def _wait_for(path: Path, proc: subprocess.Popen[bytes]) -> str:
    deadline = time.monotonic() + 120  # a bound against a hung test, not a timing assertion
    while not path.exists():
        assert proc.poll() is None, "the runner exited before reaching the page"
        assert time.monotonic() < deadline, "the runner never reached the page"
        time.sleep(0.02)
    return path.read_text()


def test_runner_killed_between_processing_and_commit_applies_each_event_exactly_once(
        tmp_path: Path) -> None:
    events = tmp_path / "events.db"
    app = EnforcementCases.sqlite(events, chain_key=KEY)
    for step in live_docket(app, 12, seed=4):
        step()
    total = app.recorder.max_notification_id()
    assert total is not None and total > 100
    views, marker = tmp_path / "views.db", tmp_path / "paused"

    proc = _runner_process(events, views, 25, 3, marker)
    first, last = map(int, _wait_for(marker, proc).split())
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert (first, last) == (51, 75)

    store = SQLiteReadModelStore(views)
    name = f"{app.name}.timeline"
    assert store.position(name) == 50  # the killed page left no position …
    assert store.query("SELECT COUNT(*), MAX(position) FROM timeline") == [(50, 50)]  # … or rows

    subprocess.run([sys.executable, "-m", "tests.projections.killable_runner", str(events),
                    str(views), "25"], cwd=ROOT, check=True)
    assert store.position(name) == total
    assert store.query("SELECT COUNT(*) FROM timeline") == [(total,)]
    rebuild(app, tmp_path / "rebuilt.db", page_size=40, progress=False)
    assert_same_read_models(store, SQLiteReadModelStore(tmp_path / "rebuilt.db"))


def test_incremental_runner_interrupted_at_random_pages_equals_a_rebuild(tmp_path: Path) -> None:
    app = EnforcementCases.sqlite(tmp_path / "events.db", chain_key=KEY)
    store = SQLiteReadModelStore(tmp_path / "views.db")
    rng = random.Random(7)
    runner: ReadModelRunner | None = None
    interruptions = aborted = 0
    for step in live_docket(app, 30, seed=11):
        step()  # new events keep arriving while the runner works
        if rng.random() > 0.3:
            continue
        runner = runner or ReadModelRunner(app, store, page_size=7)
        runner.catch_up(max_pages=rng.randint(1, 3))
        behind = (app.recorder.max_notification_id() or 0) > runner.position
        if behind and rng.random() < 0.25:  # a page fails after its rows were written
            def fail(info: PageInfo) -> None:
                raise Interrupted(info)
            runner.before_commit = fail
            with pytest.raises(Interrupted):
                runner.process_page()
            runner.before_commit = None
            aborted += 1
        if rng.random() < 0.3:  # the runner stops; a new one resumes from the stored position
            runner, interruptions = None, interruptions + 1
    ReadModelRunner(app, store, page_size=7).catch_up()
    assert interruptions > 3 and aborted > 3

    report = rebuild(app, tmp_path / "rebuilt.db", page_size=50, progress=False)
    assert report.position == app.recorder.max_notification_id()
    assert_same_read_models(store, SQLiteReadModelStore(tmp_path / "rebuilt.db"))


def test_rebuild_replaces_a_store_with_a_fresh_one_from_position_zero(tmp_path: Path) -> None:
    app = new_app()
    for step in live_docket(app, 5, seed=1):
        step()
    target = tmp_path / "views.db"
    first = rebuild(app, target, page_size=10, progress=False)
    again = rebuild(app, target, page_size=3, progress=True)
    assert first.events == again.events == first.position == app.recorder.max_notification_id()
    assert not (tmp_path / "views.db.rebuild").exists()


def test_a_store_built_with_other_settings_or_code_asks_for_a_rebuild(tmp_path: Path) -> None:
    app = new_app()
    for step in live_docket(app, 3, seed=2):
        step()
    store = SQLiteReadModelStore(tmp_path / "views.db")
    ReadModelRunner(app, store).catch_up()
    fewer = ProjectionSettings(rules=RuleSet(required_channels=frozenset({Channel.DEPOSITS})))
    with pytest.raises(ReadModelMismatchError, match="rebuild"):
        ReadModelRunner(app, store, settings=fewer)
    with pytest.raises(ReadModelMismatchError, match="new to a store"):
        ReadModelRunner(app, store, projections=[_RenamedTimeline()])


def test_wait_returns_once_the_read_models_hold_an_event(tmp_path: Path) -> None:
    app = new_app()
    for step in live_docket(app, 2, seed=3):
        step()
    runner = ReadModelRunner(app, SQLiteReadModelStore(tmp_path / "views.db"))
    head = app.recorder.max_notification_id()
    with pytest.raises(TimeoutError):
        runner.wait(head, timeout=0.01)
    runner.catch_up()
    runner.wait(head, timeout=0.01)


def test_the_runner_follows_the_log_while_the_engine_runs(tmp_path: Path) -> None:
    app = EnforcementCases.sqlite(tmp_path / "events.db", chain_key=KEY)
    store = SQLiteReadModelStore(tmp_path / "views.db")
    runner = ReadModelRunner(app, store, page_size=5)
    stop = threading.Event()
    follower = threading.Thread(target=runner.run_forever, args=(stop, 0.01))
    follower.start()
    try:
        for step in live_docket(app, 4, seed=9):
            step()
        head = app.recorder.max_notification_id()
        runner.wait(head, timeout=60)
    finally:
        stop.set()
        follower.join()
    assert store.query("SELECT COUNT(*), MAX(position) FROM timeline") == [(head, head)]


def test_command_line_catches_up_and_rebuilds(tmp_path: Path) -> None:
    events = tmp_path / "events.db"
    app = EnforcementCases.sqlite(events, chain_key=KEY)
    for step in live_docket(app, 3, seed=5):
        step()
    projections_cli(["run", "--events", str(events), "--views", str(tmp_path / "a.db"),
                     "--once", "--page-size", "4"])
    projections_cli(["rebuild", "--events", str(events), "--views", str(tmp_path / "b.db")])
    assert_same_read_models(SQLiteReadModelStore(tmp_path / "a.db"),
                            SQLiteReadModelStore(tmp_path / "b.db"))
    assert not (tmp_path / "events.chainkey").exists()



class _RenamedTimeline(TimelineProjection):
    name = "timeline_v2"
