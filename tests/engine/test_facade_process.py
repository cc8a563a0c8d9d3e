"""The embedding facade from a fresh Python process, using only the documented API, against the
worker (embedded dev server) in its own process: the README's example runs as it is, and a
second script shows the typed errors a host application meets."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from engine.facade import Engine
from tests.engine.conftest import readme_block
from tests.worker_process import WorkerProcess, clean_env

ERRORS = '''
import asyncio
from decimal import Decimal

from domain.errors import EnforcementError
from workflows.acts import RecordPayment
from engine.facade import Engine
from engine.processes import leave

CLERK = {"id": "clerk-7", "role": "clerk"}


async def main() -> None:
    async with await Engine.connect(host="court-cms") as engine:
        clerk = engine.host.vouch("clerk-7", "clerk")
        attempts = {
            "unknown case": engine.act("(2026)甘0402执999号", RecordPayment(
                actor=CLERK, amount=Decimal("1.00")), principal=clerk),
            "malformed act": engine.act("(2026)甘0402执901号", {
                "kind": "record_payment", "amount": "10.005"}, principal=clerk),
            "unknown act": engine.act("(2026)甘0402执901号", {"kind": "pay"}, principal=clerk),
            "bad number": engine.status("901"),
            "auditor acts": engine.act("(2026)甘0402执901号", {
                "kind": "record_payment", "amount": "1.00"},
                principal=engine.host.vouch("a-1", "auditor")),
            "no principal": engine.act("(2026)甘0402执901号", RecordPayment(
                actor=CLERK, amount=Decimal("1.00"))),
        }
        for name, attempt in attempts.items():
            try:
                await attempt
                print(name, "| accepted")
            except EnforcementError as err:
                print(name, "|", type(err).__name__, "|", err.code, "|", err.message)
        print("inquiry:", [c.case_number for c in await engine.list_cases(
            phase=["notice", "inquiry", "control"], deadline_within=400)])
    try:
        await Engine.connect("127.0.0.1:1")
    except EnforcementError as err:
        print("no server", "|", type(err).__name__, "|", err.code, "|", err.message)


asyncio.run(main())
leave()  # docs/design.md, Known pitfalls
'''


def run_script(source: str, where: Path, data: Path) -> subprocess.CompletedProcess[str]:
    script = where / "host_app.py"
    script.write_text(source, "utf-8")
    return subprocess.run([sys.executable, str(script)], cwd=where, text=True,
                          capture_output=True, timeout=120,
                          env=clean_env(ENFORCEMENT_DATA_DIR=str(data)))


def test_the_readme_example_runs_in_a_fresh_process(worker: WorkerProcess,
                                                    tmp_path: Path) -> None:
    done = run_script(readme_block("engine-example"), tmp_path, worker.data)
    assert done.returncode == 0, done.stderr
    lines = dict(line.split(": ", 1) for line in done.stdout.splitlines())
    priority, phase, outstanding = lines["filed"].split()
    assert (priority, outstanding) == ("2", "50000.00") and phase in ("notice", "inquiry")
    assert lines["paid"] == "('FundsReceived',) 49000.00"
    assert lines["refused"].startswith("funds.exceed_balance | ")
    assert "'payout'" in lines["next"]  # the payment is paid out after its days
    assert lines["loans"] == "['(2026)甘0402执901号']"
    assert lines["record"].startswith("['CaseFiled', 'NoticeIssued', ")
    assert lines["chain intact"] == "True"
    assert lines["终本 audit"] == "{'合规': 0, '不合规': 0, '待完善': 0, '误报结': 0}"

    again = run_script(readme_block("engine-example"), tmp_path, worker.data)
    assert again.returncode != 0 and "CaseAlreadyFiledError: case.already_filed" in again.stderr


def test_a_host_application_meets_typed_errors(worker: WorkerProcess, tmp_path: Path) -> None:
    done = run_script(ERRORS, tmp_path, worker.data)
    assert done.returncode == 0, done.stderr
    lines = [line.split(" | ") for line in done.stdout.splitlines() if " | " in line]
    errors = {line[0]: line[1:] for line in lines}
    assert errors["unknown case"][:2] == ["UnknownCaseError", "case.unknown"]
    assert errors["malformed act"][:2] == ["InvalidInputError", "input.invalid"]
    assert "amount" in errors["malformed act"][2] and "decimal places" in \
        errors["malformed act"][2]
    assert errors["unknown act"][:2] == ["InvalidInputError", "input.invalid"]
    assert "kind" in errors["unknown act"][2]
    assert errors["bad number"][:2] == ["InvalidInputError", "input.invalid"]
    assert "case_number" in errors["bad number"][2]
    assert errors["auditor acts"][:2] == ["NotPermittedError", "role.not_permitted"]
    assert errors["no principal"][:2] == ["IdentityError", "identity.required"]
    assert errors["no server"][:2] == ["EngineUnavailableError", "engine.unavailable"]
    assert "127.0.0.1:1" in errors["no server"][2]
    assert "(2026)甘0402执901号" in next(line for line in done.stdout.splitlines()
                                       if line.startswith("inquiry:"))


async def test_connect_finds_the_server_and_task_queue_the_worker_recorded(
        worker: WorkerProcess, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without TEMPORAL_ADDRESS / ENFORCEMENT_TASK_QUEUE, ``Engine.connect`` takes both from
    ``<data>/server.json`` (``engine.runtime.served``; the CLI's pair:
    tests/cli/test_operators.py)."""
    for name in ("TEMPORAL_ADDRESS", "TEMPORAL_NAMESPACE", "ENFORCEMENT_TASK_QUEUE"):
        monkeypatch.delenv(name, raising=False)
    data = tmp_path / "data"
    worker.server.model_copy(update={"task_queue": "court-7"}).write(data)
    async with await Engine.connect(data_dir=data) as engine:
        assert engine.task_queue == "court-7"
        assert await engine.stuck_cases() == []  # the recorded server answers
