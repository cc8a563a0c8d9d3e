"""Fixtures of the CLI tests: the real engine (``python worker.py``: embedded Temporal dev server,
SQLite event store, payload encryption) in a temporary data directory on free ports, and a
runner of the installed ``enforce`` console script in subprocesses.

One worker for the whole session; it is stopped with SIGTERM at the end (the worker shuts down
through its own ``shutdown()``). The environment of every subprocess is cleared of the engine's
variables so that the tests see only their own stores.
"""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from cli.accounts import os_user
from engine.runtime import free_port
from tests.worker_process import WorkerProcess, clean_env

ROOT = Path(__file__).resolve().parents[2]
ENFORCE = Path(sys.executable).parent / "enforce"
@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)

    @property
    def error(self) -> str:
        """The one error line (asserting there is exactly one, and no traceback); the act's
        key, which ``case do`` prints on stderr before it sends the act, is not an error."""
        lines = [line for line in self.err.splitlines()
                 if line.strip() and not line.startswith("request id: ")]
        assert len(lines) == 1 and "Traceback" not in self.err, self.err
        return lines[0]

    @property
    def request_id(self) -> str:
        """The key ``case do`` printed for its act."""
        (line,) = [x for x in self.err.splitlines() if x.startswith("request id: ")]
        return line.removeprefix("request id: ")


@dataclass
class Enforce:
    """Runs ``enforce`` against one data directory (and, if given, one Temporal address)."""

    data: Path
    address: str | None = None
    env: dict[str, str] = field(default_factory=dict)

    def __call__(self, *args: str | Path, **env: str) -> Result:
        settings = {"ENFORCEMENT_DATA_DIR": str(self.data), **self.env, **env}
        if self.address:
            settings.setdefault("TEMPORAL_ADDRESS", self.address)
        done = subprocess.run([str(ENFORCE), *map(str, args)], env=clean_env(**settings),
                              cwd=self.data.parent, capture_output=True, text=True, timeout=180)
        return Result(done.returncode, done.stdout, done.stderr)

    def token(self, account: str) -> str:
        """A signed token of ``account`` (``enforce users token``, as an administrator)."""
        done = self("users", "token", account)
        assert done.code == 0, done.err
        return done.out.strip()

    def events(self) -> int:
        """Events stored so far (rows of the event table, read beside the worker)."""
        with sqlite3.connect(self.data / "events.sqlite") as db:
            count: int = db.execute("SELECT COUNT(*) FROM stored_events").fetchone()[0]
        return count


@pytest.fixture(scope="session")
def worker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WorkerProcess]:
    running = WorkerProcess(tmp_path_factory.mktemp("engine") / "data")
    running.start()
    yield running
    code = running.stop(signal.SIGTERM)  # graceful on SIGTERM too
    assert code == 0, running.text


OS_ACCOUNT = "clerk-7"
"""The account of the OS user running the tests (a clerk); other accounts act with tokens."""
ACCOUNTS = {"clerk-9": "clerk", "officer-3": "officer", "audit-1": "auditor",
            "president-1": "president"}


def with_accounts(worker: WorkerProcess) -> Enforce:
    """``enforce`` against a running engine (its data directory and dev server), with the
    accounts of the tests: the OS user is ``clerk-7``, the others act with tokens."""
    run = Enforce(worker.data, worker.address)
    added = run("users", "add", OS_ACCOUNT, "--role", "clerk", "--os-user", os_user())
    assert added.code == 0, added.err
    for name, role in ACCOUNTS.items():
        assert run("users", "add", name, "--role", role).code == 0
    return run


@pytest.fixture(scope="session")
def enforce(worker: WorkerProcess) -> Enforce:
    """``enforce`` against the session's engine: tests/cli/test_operators.py owns its store
    (it checks whole-store listings, verification and metrics), so other modules that file
    cases start an engine of their own (``own_engine``)."""
    return with_accounts(worker)


@pytest.fixture(scope="module")
def own_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Enforce]:
    """``enforce`` against an engine (worker, dev server, stores) of this test module alone."""
    running = WorkerProcess(tmp_path_factory.mktemp("engine") / "data")
    running.start()
    yield with_accounts(running)
    code = running.stop(signal.SIGTERM)
    assert code == 0, running.text


@pytest.fixture
def offline(tmp_path: Path) -> Enforce:
    """``enforce`` on a data directory of its own, with no engine running."""
    return Enforce(tmp_path / "data", f"127.0.0.1:{free_port()}")
