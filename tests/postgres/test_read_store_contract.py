"""The read-model half of the contract, on SQLite and on PostgreSQL: the runner applies every
event exactly once across failed pages and restarts, two runners on one store never count an
event twice, and a rebuild from position 0 equals the incremental store row for row."""

from __future__ import annotations

import random
import threading

import pytest

from projections.read_store import ReadModelStore
from projections.read_store_config import rebuild_read_store
from projections.runner import PageInfo, ReadModelRunner
from tests.postgres.conftest import Backend
from tests.projections.compare import assert_same_read_models
from tests.projections.dockets import live_docket


class Interrupted(Exception):
    pass


def _fail(info: PageInfo) -> None:
    raise Interrupted(info)


def _timeline_counts(store: ReadModelStore) -> list[tuple[object, ...]]:
    return store.query("SELECT COUNT(*), COUNT(DISTINCT position), MAX(position) FROM timeline")


def test_each_event_is_applied_once_across_failed_pages_and_equals_a_rebuild(
        backend: Backend) -> None:
    app = backend.cases()
    store = backend.read_store()
    rng = random.Random(17)
    runner: ReadModelRunner | None = None
    restarts = aborted = 0
    for step in live_docket(app, 14, seed=23):
        step()  # new events keep arriving while the runner works
        if rng.random() > 0.35:
            continue
        runner = runner or ReadModelRunner(app, store, page_size=6)
        runner.catch_up(max_pages=rng.randint(1, 3))
        position = runner.position
        if (app.recorder.max_notification_id() or 0) > position and rng.random() < 0.4:
            runner.before_commit = _fail  # the page's rows are written, then it fails
            with pytest.raises(Interrupted):
                runner.process_page()
            runner.before_commit = None
            aborted += 1
            assert runner.position == position  # nothing of the failed page remains …
            assert _timeline_counts(store)[0][0] == position  # … neither rows nor position
        if rng.random() < 0.3:  # the runner stops; a new one resumes from the stored position
            runner, restarts = None, restarts + 1
    ReadModelRunner(app, store, page_size=6).catch_up()
    assert restarts >= 2 and aborted >= 2
    head = app.recorder.max_notification_id()
    assert head is not None and head > 80
    assert _timeline_counts(store) == [(head, head, head)]

    report, rebuilt = backend.rebuild(app, page_size=50)
    assert report.position == report.events == head
    assert_same_read_models(store, rebuilt)


def test_two_runners_on_one_store_never_apply_an_event_twice(backend: Backend) -> None:
    app = backend.cases()
    for step in live_docket(app, 12, seed=31):
        step()
    head = app.recorder.max_notification_id()
    assert head is not None
    backend.read_store()  # create the tables before the runners race
    runners = [ReadModelRunner(app, backend.read_store(), page_size=4) for _ in range(2)]
    applied: list[int] = []
    errors: list[BaseException] = []

    def run(runner: ReadModelRunner) -> None:
        try:
            applied.append(runner.catch_up())
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(runner,)) for runner in runners]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(applied) == head  # between them, every event once
    store = backend.read_store()
    assert _timeline_counts(store) == [(head, head, head)]
    _, rebuilt = backend.rebuild(app)
    assert_same_read_models(store, rebuilt)


def test_a_rebuild_replaces_the_store_it_rebuilds(backend: Backend) -> None:
    app = backend.cases()
    for step in live_docket(app, 4, seed=5):
        step()
    config = backend.read_config()
    store = backend.read_store(config)
    ReadModelRunner(app, store, page_size=3).catch_up(max_pages=2)
    assert _timeline_counts(store)[0][0] == 6
    store.close()  # stop the incremental runner's store first (one writer)
    backend.opened.remove(store)

    report = rebuild_read_store(app, config, page_size=10, progress=False)
    head = app.recorder.max_notification_id()
    assert report.position == head
    reopened = backend.read_store(config)
    assert _timeline_counts(reopened) == [(head, head, head)]
    assert ReadModelRunner(app, reopened).catch_up() == 0  # nothing left to apply
