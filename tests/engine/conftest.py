"""Fixtures of the front-door tests: ``python worker.py`` in embedded mode (dev server, codec
server, SQLite stores, payload encryption) in a temporary data directory on free ports, run in
its own process like a deployment; and the README, whose examples the tests execute.

One worker per module; it is stopped with SIGINT (its graceful path) at the end. Every
subprocess gets an environment cleared of the engine's variables.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from workflows.runtime import EmbeddedServer, free_port

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
PREFIXES = ("ENFORCEMENT_", "ENFORCE_", "TEMPORAL_", "POSTGRES_")


def clean_env(**extra: str) -> dict[str, str]:
    """The inherited environment without the engine's settings, plus ``extra``."""
    return {**{k: v for k, v in os.environ.items() if not k.startswith(PREFIXES)}, **extra}


def readme_block(marker: str) -> str:
    """The fenced code block that follows ``<!-- marker -->`` in the README."""
    text = README.read_text("utf-8")
    found = re.search(rf"<!-- {re.escape(marker)} -->\s*```\w*\n(.*?)```", text, re.S)
    assert found, f"README has no block marked <!-- {marker} -->"
    return found.group(1)


def ports(*options: str) -> list[str]:
    """``option port`` pairs with distinct free loopback ports."""
    chosen: list[int] = []
    for _ in options:
        chosen.append(free_port(avoid=chosen))
    return [str(x) for pair in zip(options, chosen, strict=True) for x in pair]


@dataclass
class WorkerProcess:
    """``python worker.py [args]`` in ``data``; its output lines as they come."""

    data: Path
    args: list[str] = field(default_factory=list)
    output: list[str] = field(default_factory=list)
    process: subprocess.Popen[str] | None = None

    def start(self, ready: str = "worker ready", timeout: float = 120) -> None:
        seen = threading.Event()
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "worker.py"), "--data-dir", str(self.data),
             *ports("--port", "--ui-port", "--codec-port"), *self.args],
            env=clean_env(), cwd=self.data.parent, text=True, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT)

        def drain() -> None:
            assert self.process is not None and self.process.stdout is not None
            for line in iter(self.process.stdout.readline, ""):
                self.output.append(line)
                if ready in line:
                    seen.set()
            seen.set()

        threading.Thread(target=drain, daemon=True).start()
        seen.wait(timeout)
        assert ready in self.text, self.text

    @property
    def text(self) -> str:
        return "".join(self.output)

    @property
    def server(self) -> EmbeddedServer:
        found = EmbeddedServer.read(self.data)
        assert found is not None, self.text
        return found

    def wait(self, timeout: float = 180) -> int:
        assert self.process is not None
        return self.process.wait(timeout)

    def stop(self) -> int:
        """SIGINT (Ctrl-C) and wait; killed if it does not stop."""
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise


@pytest.fixture(scope="module")
def worker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WorkerProcess]:
    running = WorkerProcess(tmp_path_factory.mktemp("engine") / "data")
    running.start()
    try:
        yield running
    finally:
        assert running.stop() == 0, running.text
        assert "worker stopped" in running.text
