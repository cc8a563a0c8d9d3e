"""Seeing it run (docs/operations.md): a real worker (``python worker.py`` with the embedded dev
server) started with ``--metrics-port`` and ``--tracing`` serves Prometheus metrics on loopback —
the engine's acts, refusals, command and act latency histograms, the read models' gauges and the
Temporal SDK's own runtime metrics — and the counters move with one act and one refusal. With
tracing on, the worker's spans of the act reach ``<data>/traces.jsonl``."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from domain.errors import EnforcementError
from engine.facade import Engine
from engine.runtime import free_port
from tests.worker_process import WorkerProcess
from workflows.acts import RecordPayment

CASE = "(2026)甘0402执931号"
FILING = {
    "category": "loan",
    "applicants": [{"name": "张三", "kind": "person",
                    "document": {"type": "resident_id", "number": "11010519491231002X"}}],
    "respondents": [{"name": "李四", "kind": "person",
                     "document": {"type": "resident_id", "number": "620402198001010013"}}],
    "basis": {"kind": "judgment", "document_number": "(2026)甘0402民初931号",
              "issued_by": "甘肃省白银市白银区人民法院",
              "effective_days_before_filing": 60, "performance_days_before_filing": 30},
    "claim": {"principal": "50000.00"},
}
Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


@pytest.fixture(scope="module")
def observed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[WorkerProcess, int]]:
    port = free_port()
    running = WorkerProcess(tmp_path_factory.mktemp("metrics") / "data",
                            args=["--metrics-port", str(port), "--tracing"])
    running.start()
    try:
        yield running, port
    finally:
        assert running.stop() == 0, running.text


def scrape(port: int) -> Samples:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as answer:
        text = answer.read().decode("utf-8")
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def total(samples: Samples, name: str, **labels: str) -> float:
    """The sum over every sample of ``name`` whose labels include ``labels``."""
    wanted = set(labels.items())
    return sum(v for (n, ls), v in samples.items() if n == name and wanted <= set(ls))


async def test_one_act_and_one_refusal_move_the_counters(
        observed: tuple[WorkerProcess, int]) -> None:
    worker, port = observed
    before = scrape(port)
    assert "metrics: http://127.0.0.1:" in worker.text
    async with await Engine.connect(data_dir=worker.data, host="court-cms") as engine:
        assert engine.host is not None
        clerk = engine.host.vouch("clerk-7", "clerk")
        await engine.file(CASE, FILING, principal=clerk)
        await engine.act(CASE, RecordPayment(actor=clerk.actor, request_id="metrics-pay",
                                             amount=Decimal("1000.00")), principal=clerk)
        with pytest.raises(EnforcementError) as refused:
            await engine.act(CASE, {"kind": "record_payment", "amount": "900000.00"},
                             principal=clerk)
    assert refused.value.code == "funds.exceed_balance"
    after = scrape(port)

    def moved(name: str, **labels: str) -> float:
        return total(after, name, **labels) - total(before, name, **labels)

    assert moved("enforcement_acts_total", kind="record_payment", outcome="applied") == 1
    assert moved("enforcement_acts_total", kind="record_payment", outcome="refused") == 1
    assert moved("enforcement_refusals_total", code="funds.exceed_balance", where="act") == 1
    assert moved("enforcement_refusals_total", code="funds.exceed_balance",
                 where="command") == 1
    assert moved("enforcement_act_seconds_count", kind="record_payment") == 2
    assert moved("enforcement_commands_total", command="RecordFundsReceived",
                 outcome="written") == 1
    assert moved("enforcement_commands_total", command="FileCase", outcome="written") == 1
    assert moved("enforcement_command_seconds_count", command="RecordFundsReceived") == 2
    # the histogram's buckets are cumulative: +Inf holds every observation
    assert value(after, "enforcement_command_seconds_bucket", command="RecordFundsReceived",
                 le="+Inf") == value(after, "enforcement_command_seconds_count",
                                     command="RecordFundsReceived")
    # the read models' gauges and the Temporal SDK's own metrics, bridged into one endpoint
    assert ("enforcement_projection_lag_events", ()) in after
    assert any(name.startswith("temporal_") for name, _ in after), sorted(
        {n for n, _ in after})[:40]
    assert total(after, "temporal_workflow_task_execution_latency_count") > total(
        before, "temporal_workflow_task_execution_latency_count")


def test_tracing_writes_the_spans_of_the_act(observed: tuple[WorkerProcess, int]) -> None:
    worker, _ = observed
    assert worker.stop() == 0, worker.text
    traces = Path(worker.data) / "traces.jsonl"
    spans = [json.loads(line) for line in traces.read_text("utf-8").splitlines() if line]
    names = {span["name"] for span in spans}
    assert "HandleUpdate:record_payment" in names, sorted(names)
    assert any(name.startswith("RunActivity:") for name in names), sorted(names)
