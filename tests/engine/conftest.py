"""Fixtures of the front-door tests: ``python worker.py`` in embedded mode (dev server, codec
server, SQLite stores, payload encryption) in a temporary data directory on free ports, run in
its own process like a deployment; and the README, whose examples the tests execute.

One worker per module; it is stopped with SIGINT (its graceful path) at the end. Every
subprocess gets an environment cleared of the engine's variables.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.worker_process import WorkerProcess

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"


def readme_block(marker: str) -> str:
    """The fenced code block that follows ``<!-- marker -->`` in the README."""
    text = README.read_text("utf-8")
    found = re.search(rf"<!-- {re.escape(marker)} -->\s*```\w*\n(.*?)```", text, re.S)
    assert found, f"README has no block marked <!-- {marker} -->"
    return found.group(1)



@pytest.fixture(scope="module")
def worker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WorkerProcess]:
    running = WorkerProcess(tmp_path_factory.mktemp("engine") / "data")
    running.start()
    try:
        yield running
    finally:
        assert running.stop() == 0, running.text
        assert "worker stopped" in running.text
