"""One writer per case at a time, on both stores (docs/operations.md, "Running several workers").

Twelve writers on one case — threads of four applications, then twelve OS processes, each with
a clock a little behind the others' — all succeed: versions 1..n without a gap, every command
stored once with its events together, business time never backwards, the chain verified. A
writer holding the case longer than another's wait leaves that one ``engine.busy`` with nothing
written; the same command sent again once the case is free is recorded.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from domain import commands as c
from domain.calendar import COURT_ZONE
from domain.case import CommandResult
from domain.caselock import percentile
from domain.errors import EngineBusyError
from domain.ids import case_id
from domain.models import FundsSource
from tests.postgres.conftest import CIPHER_KEY, Backend
from tests.support import KEY, NUMBER, OFFICER, Driver

ROOT = Path(__file__).resolve().parents[2]
WRITERS = 12
EACH = 10
"""Payments each writer records."""
AMOUNT = Decimal("7.00")
STAMP = datetime(2026, 2, 2, 12, 0, tzinfo=COURT_ZONE)
SKEW_MS = 97
"""Writer n's clock runs n × SKEW_MS milliseconds behind the first one's."""
PREFIXES = ("ENFORCEMENT_", "ENFORCE_", "TEMPORAL_", "POSTGRES_")
WAIT = 120.0


def payment(name: str, i: int, behind_ms: int = 0) -> c.RecordFundsReceived:
    at = STAMP - timedelta(milliseconds=behind_ms) + timedelta(milliseconds=i)
    return c.RecordFundsReceived(case_number=NUMBER, command_id=f"{name}:{i}", actor=OFFICER,
                                 recorded_at=at, amount=AMOUNT, received_on=at.date(),
                                 source=FundsSource.DEBTOR_PAYMENT)


def assert_all_recorded_once(backend: Backend, names: list[str]) -> None:
    """Versions 1..n, each command's event stored once, time never backwards, chain intact."""
    app = backend.cases()
    stored = app.case_events(NUMBER)
    assert [e.originator_version for e in stored] == list(range(1, len(stored) + 1))
    assert sorted(e.command_id for e in stored[1:]) == sorted(
        f"{name}:{i}" for name in names for i in range(EACH))
    times = [e.recorded_at for e in stored]
    assert times == sorted(times)
    assert app.state_at(NUMBER, date.max).received == len(names) * EACH * AMOUNT
    verification = app.verify(NUMBER)
    assert verification.ok and verification.events == len(stored), verification


def report(store: str, how: str, waits: list[float]) -> None:
    ms = [w * 1000 for w in waits]
    print(f"\n{store}, {WRITERS} {how} on one case: {len(ms)} commands, lock wait "
          f"p50 {percentile(ms, 50):.1f} ms, p99 {percentile(ms, 99):.1f} ms")


def test_twelve_threads_of_four_applications_all_succeed(backend: Backend) -> None:
    apps = [backend.cases() for _ in range(4)]
    Driver(apps[0]).file(date(2026, 1, 10))
    for app in apps[1:]:
        app.get_case(NUMBER)  # cached at version 1 everywhere: stale as soon as anyone writes
    results: list[CommandResult] = []
    errors: list[BaseException] = []
    start = threading.Barrier(WRITERS)

    def write(n: int) -> None:
        try:
            start.wait()
            for i in range(EACH):
                results.append(apps[n % 4].execute(payment(f"thread-{n}", i, n * SKEW_MS)))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(r.first_version for r in results) == list(range(2, 2 + WRITERS * EACH))
    assert not any(r.duplicate for r in results)
    assert_all_recorded_once(backend, [f"thread-{n}" for n in range(WRITERS)])
    report(backend.kind, "threads", [w for app in apps for w in app.lock_waits.seconds()])


def store_env(backend: Backend) -> dict[str, str]:
    """What a process needs to open this test's event store."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(PREFIXES)}
    env["ENFORCEMENT_CHAIN_KEY"] = KEY.hex()
    if backend.events is None:
        return {**env, "ENFORCEMENT_EVENT_STORE": "sqlite",
                "ENFORCEMENT_EVENTS_DB": str(backend.tmp / "events.sqlite")}
    return {**env, **backend.events.library_env(), "ENFORCEMENT_EVENT_STORE": "postgres",
            "ENFORCEMENT_CIPHER_KEY": CIPHER_KEY, "POSTGRES_POOL_SIZE": "1",
            "POSTGRES_MAX_OVERFLOW": "2"}


@contextmanager
def writer_processes(backend: Backend, go: Path) -> Iterator[list[subprocess.Popen[str]]]:
    """Twelve direct writers (tests/postgres/direct_writer.py), each ready and waiting for
    ``go``; killed at the end if still running."""
    env = store_env(backend)
    started = [subprocess.Popen(
        [sys.executable, "-m", "tests.postgres.direct_writer", NUMBER, f"process-{n}",
         str(EACH), str(AMOUNT), STAMP.isoformat(), str(go), str(n * SKEW_MS)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for n in range(WRITERS)]
    try:
        for process in started:
            assert read_line(process) == "ready"
        yield started
    finally:
        for process in started:
            if process.poll() is None:
                process.kill()
            process.wait()


def read_line(process: subprocess.Popen[str]) -> str:
    """The process's next line of output (failing with its errors if it ends first)."""
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], WAIT)
    line = process.stdout.readline() if ready else ""
    if not line:
        process.kill()
        _, errors = process.communicate()
        raise AssertionError(f"writer said nothing (exit {process.returncode}):\n{errors}")
    return line.strip()


def test_twelve_processes_all_succeed(backend: Backend) -> None:
    app = backend.cases()
    Driver(app).file(date(2026, 1, 10))
    go = backend.tmp / "go"
    with writer_processes(backend, go) as processes:
        go.touch()
        outputs = []
        for process in processes:
            out, errors = process.communicate(timeout=WAIT)
            assert process.returncode == 0, errors
            outputs.append(json.loads(out.splitlines()[-1]))
    assert [(o["commands"], o["busy"]) for o in outputs] == [(EACH, 0)] * WRITERS
    assert_all_recorded_once(backend, [f"process-{n}" for n in range(WRITERS)])
    report(backend.kind, "processes", [w for o in outputs for w in o["waits"]])


@pytest.mark.parametrize("holder", ["another process", "another thread"])
def test_a_writer_holding_the_case_past_the_wait_leaves_another_busy(
        backend: Backend, holder: str) -> None:
    caller = backend.cases(lock_wait=0.2)
    Driver(caller).file(date(2026, 1, 10))
    # another process: an application of its own (its own connection to the store)
    owner = backend.cases() if holder == "another process" else caller
    before = caller.recorder.max_notification_id()
    refused: list[BaseException] = []

    def send() -> None:
        try:
            caller.execute(payment("late", 0))
        except BaseException as exc:  # examined below
            refused.append(exc)

    with owner.case_locks([case_id(NUMBER)], time.monotonic() + WAIT):
        sender = threading.Thread(target=send)
        sender.start()
        sender.join()
    assert len(refused) == 1 and isinstance(refused[0], EngineBusyError), refused
    busy = refused[0]
    assert (busy.code, busy.retryable) == ("engine.busy", True)
    assert "nothing was written" in busy.message and NUMBER in busy.message
    assert caller.recorder.max_notification_id() == before
    assert caller.lock_waits.busy == 1
    again = caller.execute(payment("late", 0))  # the case is free: the same command is recorded
    assert (again.first_version, again.duplicate) == (2, False)
    assert caller.get_case(NUMBER).received == AMOUNT
