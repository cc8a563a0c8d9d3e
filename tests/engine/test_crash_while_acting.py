"""Acts survive a worker killed with SIGKILL at a random moment while they arrive (issue 10):
against an uninterrupted run, the same acts are recorded, each once, refusals included, and a
client that retries with the act's key never has it applied twice.

The worker (``python worker.py`` with its embedded dev server on a data directory) is killed
and started again on the same data; the client keeps sending each act with its key until it
gets an answer, as an operator re-running ``enforce case do --request-id KEY`` would.
"""

from __future__ import annotations

import asyncio
import random
import signal
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from domain.application import EnforcementCases
from domain.errors import EnforcementError, RuleViolationError
from domain.event_store_config import cases_from_env
from domain.events import ActRefused, FundsReceived
from engine.facade import ActNotConfirmedError, Engine, EngineUnavailableError
from tests.worker_process import WorkerProcess, clean_env
from workflows.acts import ActBase, RecordPayment
from workflows.messages import FILING_OFFICE
from workflows.principals import Principal

CLERK = {"id": "clerk-7", "role": "clerk"}
FILING = {
    "category": "loan",
    "applicants": [{"name": "张三", "kind": "person",
                    "document": {"type": "resident_id", "number": "11010519491231002X"}}],
    "respondents": [{"name": "李四", "kind": "person",
                     "document": {"type": "resident_id", "number": "620402198001010013"}}],
    "basis": {"kind": "judgment", "document_number": "(2026)甘0402民初88号",
              "issued_by": "甘肃省白银市白银区人民法院",
              "effective_days_before_filing": 60, "performance_days_before_filing": 30},
    "claim": {"principal": "5000.00"},
}
PAYMENTS = 8
SEEDS = (11, 23, 37, 41, 59)


def acts() -> list[tuple[str, ActBase]]:
    """What arrives, in order: payments by update, one too large sent by the bank's feed (a
    signal: refused, nobody waits), and more payments."""
    out: list[tuple[str, ActBase]] = [
        ("update", RecordPayment.model_validate({"actor": CLERK, "amount": "100.00",
                                                 "request_id": f"pay-{i}"}))
        for i in range(PAYMENTS)]
    out.insert(3, ("signal", RecordPayment.model_validate(
        {"actor": CLERK, "amount": "900000.00", "request_id": "feed-big"})))
    return out


async def connect(worker: WorkerProcess) -> Engine:
    """The facade on the worker's engine, as the host system ``test-host``."""
    return await Engine.connect(worker.address, data_dir=worker.data, host="test-host")


def vouched(engine: Engine, act: ActBase | None = None) -> Principal:
    """The act's actor (else the filing office) as the test host vouches for it."""
    assert engine.host is not None
    actor = act.actor if act is not None else FILING_OFFICE
    return engine.host.vouch(actor.id, actor.role)


async def send_until_answered(worker: WorkerProcess, number: str, how: str,
                              act: ActBase) -> None:
    """Send ``act`` with its key until the engine answers (a refusal is an answer)."""
    for _ in range(120):
        try:
            async with await connect(worker) as engine:
                if how == "signal":
                    await engine.notify(number, act, principal=vouched(engine, act))
                else:
                    await engine.act(number, act, wait=5.0, principal=vouched(engine, act))
                return
        except RuleViolationError:
            return
        except (ActNotConfirmedError, EngineUnavailableError, AssertionError):
            pass  # not confirmed, or the worker/server is restarting: the same key again
        except EnforcementError as err:
            if err.code not in ("engine.error", "engine.query_failed"):
                raise
        await asyncio.sleep(0.5)
    raise AssertionError(f"{act.request_id} never answered")


async def decided(worker: WorkerProcess, number: str, key: str) -> str:
    """The journal's state of ``key`` once it is applied or refused."""
    for _ in range(240):
        try:
            async with await connect(worker) as engine:
                record = await engine.act_status(number, key)
            if record is not None and record.state != "received":
                return record.state
        except (EnforcementError, AssertionError):
            pass
        await asyncio.sleep(0.5)
    raise AssertionError(f"{key} was never decided")


def act_facts(data: Path, number: str) -> Counter[tuple[str, str]]:
    """The act-derived events of the record: (event, key) with their counts."""
    app: EnforcementCases = cases_from_env(clean_env(ENFORCEMENT_DATA_DIR=str(data)))
    try:
        facts: Counter[tuple[str, str]] = Counter()
        for event in app.case_events(number):
            if isinstance(event, FundsReceived) and "/request:" in event.command_id:
                facts[("FundsReceived", event.command_id.rsplit("request:", 1)[-1])] += 1
            elif isinstance(event, ActRefused):
                facts[("ActRefused", event.key)] += 1
        return facts
    finally:
        app.close()


async def run_acts(worker: WorkerProcess, number: str, kill_after: float | None) -> None:
    """File the case, send every act; SIGKILL the worker ``kill_after`` s in and restart it."""
    async with await connect(worker) as engine:
        await engine.file(number, FILING, principal=vouched(engine))

    async def killer() -> None:
        if kill_after is None:
            return
        await asyncio.sleep(kill_after)
        worker.stop(signal.SIGKILL)
        await asyncio.to_thread(worker.start)

    kill = asyncio.create_task(killer())
    for how, act in acts():
        await send_until_answered(worker, number, how, act)
    await kill
    for _, act in acts():
        await decided(worker, number, act.request_id or "")


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory: pytest.TempPathFactory) -> Counter[tuple[str, str]]:
    worker = WorkerProcess(tmp_path_factory.mktemp("calm") / "data")
    worker.start()
    try:
        asyncio.run(run_acts(worker, "(2026)甘0402执970号", None))
    finally:
        worker.stop()
    return act_facts(worker.data, "(2026)甘0402执970号")


def test_the_uninterrupted_run_records_every_act_once(
        uninterrupted: Counter[tuple[str, str]]) -> None:
    assert uninterrupted == Counter(
        {("FundsReceived", f"pay-{i}"): 1 for i in range(PAYMENTS)}
        | {("ActRefused", "feed-big"): 1})


@pytest.fixture
def killed_worker(tmp_path: Path) -> Iterator[WorkerProcess]:
    worker = WorkerProcess(tmp_path / "data")
    worker.start()
    try:
        yield worker
    finally:
        worker.stop()


@pytest.mark.parametrize("seed", SEEDS)
def test_a_worker_killed_while_acts_arrive_loses_and_repeats_nothing(
        seed: int, killed_worker: WorkerProcess,
        uninterrupted: Counter[tuple[str, str]]) -> None:
    kill_after = random.Random(seed).uniform(0.1, 3.0)
    number = f"(2026)甘0402执97{SEEDS.index(seed) + 1}号"
    asyncio.run(run_acts(killed_worker, number, kill_after))
    assert "worker ready" in killed_worker.text
    assert act_facts(killed_worker.data, number) == uninterrupted, f"killed at {kill_after:.2f} s"
    app = cases_from_env(clean_env(ENFORCEMENT_DATA_DIR=str(killed_worker.data)))
    try:
        assert app.get_case(number).received == Decimal("100.00") * PAYMENTS
        assert app.verify(number).ok
    finally:
        app.close()
