"""The console against the real engine: one worker (tests/worker_process.py), the accounts of
the tests with console passwords, and ``enforce console`` on a free loopback port, for the whole
module; Debian's Chromium (installed here when missing and run as root: Playwright's own
browser download is not used) driven by Playwright."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from engine.runtime import free_port
from tests.cli.conftest import ENFORCE, Enforce, with_accounts
from tests.worker_process import ROOT, WorkerProcess, clean_env

CHROMIUM = Path("/usr/bin/chromium")
PACKAGES = ("chromium", "fonts-wqy-zenhei")
"""Debian's Chromium, and a font with the Chinese characters for the screenshots."""
ARTEFACTS = ROOT / "data" / "artefacts" / "console"
PASSWORDS = {"officer-3": "officer-3 password", "clerk-9": "clerk-9 password!",
             "audit-1": "audit-1 password!", "president-1": "president-1 password"}
CONSOLE_START = 60.0
"""Seconds the console may take to answer its first request."""
PAGE_WAIT_MS = 60_000
"""How long an expectation waits for the page to show it (a loaded machine answers slowly;
an expectation met earlier returns at once)."""
expect.set_options(timeout=PAGE_WAIT_MS)


def chromium() -> Path:
    """Debian's Chromium, installed by the tests themselves when missing (as root)."""
    if not CHROMIUM.exists() and hasattr(os, "geteuid") and os.geteuid() == 0 \
            and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        install = ["apt-get", "install", "-y", "--no-install-recommends", *PACKAGES]
        done = subprocess.run(install, env=env, capture_output=True, timeout=900)
        if done.returncode != 0:
            subprocess.run(["apt-get", "update"], env=env, capture_output=True, timeout=900)
            subprocess.run(install, env=env, capture_output=True, timeout=900)
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing and could not be installed (apt-get, as root)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return CHROMIUM


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    path = chromium()
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as play:
        launched = play.chromium.launch(executable_path=str(path), headless=True,
                                        args=["--no-sandbox", "--disable-dev-shm-usage"])
        yield launched
        launched.close()


@dataclass
class Console:
    """A running ``enforce console`` and the engine behind it."""

    url: str
    enforce: Enforce
    process: subprocess.Popen[str]


def passwords(data: Path, names: list[str]) -> None:
    """``enforce users passwd`` for each account, the password on standard input."""
    for name in names:
        done = subprocess.run([str(ENFORCE), "users", "passwd", name],
                              input=PASSWORDS[name] + "\n",
                              env=clean_env(ENFORCEMENT_DATA_DIR=str(data)),
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr


@contextmanager
def serving(enforce: Enforce, *options: str) -> Iterator[Console]:
    """``enforce console`` on a free port for the data directory of ``enforce``, until the
    block ends."""
    port = free_port()
    log = enforce.data.parent / "console.log"
    with log.open("w") as out:
        process = subprocess.Popen([str(ENFORCE), "console", "--port", str(port), *options],
                                   env=clean_env(ENFORCEMENT_DATA_DIR=str(enforce.data)),
                                   cwd=enforce.data.parent, text=True, stdout=out,
                                   stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + CONSOLE_START
        while True:  # until the server answers (its start, not a result, is waited for)
            try:
                if httpx.get(f"{url}/login", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, f"no answer in {CONSOLE_START} s"
            time.sleep(0.2)
        yield Console(url, enforce, process)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    worker = WorkerProcess(tmp_path_factory.mktemp("engine") / "data")
    worker.start()
    try:
        enforce = with_accounts(worker)
        passwords(worker.data, list(PASSWORDS))
        with serving(enforce) as running:
            yield running
    finally:
        assert worker.stop(signal.SIGTERM) == 0, worker.text


def log_in(page: Page, console: Console, account: str, password: str | None = None) -> None:
    page.goto(f"{console.url}/login")
    page.fill("#account-input", account)
    page.fill("#password-input", password or PASSWORDS[account])
    page.click("#login-button")


def shot(page: Page, name: str) -> Path:
    path = ARTEFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
