"""The worker makes the keys of a new store at its first start, and refuses to start on a store
whose chain key is missing (never a new key: docs/operations.md, Keys)."""

from __future__ import annotations

import signal
from pathlib import Path

from domain.event_store_config import cases_from_env, first_start_keys
from tests.samples import sample_commands
from tests.worker_process import WorkerProcess

EXIT_STORE_REFUSED = 5


def test_the_first_start_makes_the_keys(tmp_path: Path) -> None:
    worker = WorkerProcess(tmp_path / "data")
    worker.start()
    try:
        assert "worker: first start: created the key file" in worker.text
        assert (tmp_path / "data" / "events.chainkey").is_file()
        assert (tmp_path / "data" / "events.anchorkey").is_file()
    finally:
        assert worker.stop(signal.SIGTERM) == 0, worker.text


def store(data: Path) -> None:
    """A store made explicitly, holding one case."""
    env = {"ENFORCEMENT_DATA_DIR": str(data)}
    first_start_keys(env)
    app = cases_from_env(env)
    for cmd in next(iter(sample_commands().values())):
        app.execute(cmd)
    app.close()


def test_a_store_without_its_chain_key_does_not_start(tmp_path: Path) -> None:
    data = tmp_path / "data"
    store(data)
    (data / "events.chainkey").unlink()
    worker = WorkerProcess(data)
    worker.start(ready="chain.key_missing")
    assert worker.wait() == EXIT_STORE_REFUSED, worker.text
    assert "created the key file" not in worker.text
    assert not (data / "events.chainkey").exists()


def test_a_store_without_its_anchor_log_does_not_start(tmp_path: Path) -> None:
    data = tmp_path / "data"
    store(data)
    (data / "events.anchors.sqlite").unlink()
    worker = WorkerProcess(data)
    worker.start(ready="anchor.log_missing")
    assert worker.wait() == EXIT_STORE_REFUSED, worker.text
    assert not (data / "events.anchors.sqlite").exists()
