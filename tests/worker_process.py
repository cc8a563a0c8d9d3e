"""A ``python worker.py`` subprocess for the tests that drive the engine from outside (the CLI
and the front-door tests): distinct free loopback ports, output collected as it comes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

from engine.runtime import EmbeddedServer, free_port

ROOT = Path(__file__).resolve().parents[1]
PREFIXES = ("ENFORCEMENT_", "ENFORCE_", "TEMPORAL_", "POSTGRES_")


def clean_env(**extra: str) -> dict[str, str]:
    """The inherited environment without the engine's settings, plus ``extra``."""
    return {**{k: v for k, v in os.environ.items() if not k.startswith(PREFIXES)}, **extra}


def ports(*options: str) -> list[str]:
    """``option port`` pairs with distinct free loopback ports."""
    chosen: list[int] = []
    for _ in options:
        chosen.append(free_port(avoid=chosen))
    return [str(x) for pair in zip(options, chosen, strict=True) for x in pair]


@dataclass
class WorkerProcess:
    """``python worker.py [args]`` in ``data`` (``env``: settings beside a clean environment);
    its output lines as they come."""

    data: Path
    args: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    output: list[str] = field(default_factory=list)
    process: subprocess.Popen[str] | None = None

    ended: bool = False
    _changed: threading.Condition = field(default_factory=threading.Condition, repr=False)

    def start(self, ready: str = "worker ready", timeout: float = 120) -> None:
        self.data.parent.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "worker.py"), "--data-dir", str(self.data),
             *ports("--port", "--ui-port", "--codec-port"), *self.args],
            env=clean_env(**self.env), cwd=self.data.parent, text=True, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT)

        def drain() -> None:
            assert self.process is not None and self.process.stdout is not None
            for line in iter(self.process.stdout.readline, ""):
                with self._changed:
                    self.output.append(line)
                    self._changed.notify_all()
            with self._changed:
                self.ended = True
                self._changed.notify_all()

        threading.Thread(target=drain, daemon=True).start()
        self.wait_for(ready, timeout)

    def wait_for(self, text: str, timeout: float = 120) -> None:
        """Until ``text`` appears in the output (fails if the worker ends or ``timeout``
        seconds pass first)."""
        with self._changed:
            self._changed.wait_for(lambda: text in self.text or self.ended, timeout)
        assert text in self.text, self.text

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

    @property
    def address(self) -> str:
        """The embedded Temporal dev server's address."""
        return self.server.address

    def stop(self, sig: signal.Signals = signal.SIGINT) -> int:
        """Send ``sig`` (Ctrl-C by default) and wait; killed if it does not stop."""
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            return self.process.wait(60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise
