"""Seeing the worker run (docs/operations.md "Seeing it run"): Prometheus metrics on a loopback
port and OpenTelemetry tracing, both off unless asked for.

- **Metrics** (``worker.py --metrics-port PORT`` or ``ENFORCEMENT_METRICS_PORT``): one
  endpoint, ``http://127.0.0.1:PORT/metrics``, serving the engine's instruments
  (``workflows/telemetry.py``: acts and refusals by code, act and command latency), the read
  models' gauges (:class:`RecordsGauges`: projection lag, deadline-watch counts) and the Temporal
  SDK's own runtime metrics (``temporal_*``: workflow and activity task latencies, sticky cache,
  pollers, slots …). The SDK serves those on a loopback port of its own
  (:func:`temporal_runtime`); the endpoint bridges them in at each scrape, so one scrape target
  sees everything.
- **Tracing** (``--tracing`` or ``ENFORCEMENT_TRACING=1``): Temporal's
  ``temporalio.contrib.opentelemetry.TracingInterceptor`` on the worker and its client: a span
  per workflow start, update, signal, query, workflow and activity run, propagated through
  Temporal headers. It needs the optional extra ``pip install -e '.[tracing]'``
  (opentelemetry-sdk); the spans go to the tracer provider the process has (a host that set
  one), else to an SDK provider exporting to ``OTEL_EXPORTER_OTLP_ENDPOINT`` when the OTLP
  exporter package is installed, else as JSON lines to ``<data>/traces.jsonl``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import urllib.request
from collections import Counter as Tally
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from prometheus_client import start_http_server
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.registry import Collector
from temporalio.runtime import (
    LoggingConfig,
    PrometheusConfig,
    Runtime,
    TelemetryConfig,
    TelemetryFilter,
)

from domain.calendar import COURT_ZONE
from engine.records import Records
from projections.watch import deadline_watch
from workflows.telemetry import LATENCY_BUCKETS, REGISTRY

METRICS_PORT_ENV = "ENFORCEMENT_METRICS_PORT"
TRACING_ENV = "ENFORCEMENT_TRACING"
FINE_HISTOGRAMS = ("workflow_task_schedule_to_start_latency", "workflow_task_execution_latency",
                   "workflow_task_replay_latency", "workflow_endtoend_latency",
                   "activity_schedule_to_start_latency", "activity_execution_latency",
                   "local_activity_execution_latency", "local_activity_total_execution_latency")
"""The SDK's latency histograms given the engine's finer buckets (its own are 50 ms wide and
more below a second)."""
GAUGE_INTERVAL = 30.0
"""Seconds between two readings of the read models' gauges (they read SQL, not the scrape)."""


@dataclass(frozen=True)
class TelemetrySettings:
    """What the worker serves: the metrics port (None: no metrics endpoint) and tracing."""

    metrics_port: int | None = None
    tracing: bool = False

    @classmethod
    def from_env(cls, metrics_port: int | None = None, tracing: bool | None = None,
                 env: dict[str, str] | None = None) -> TelemetrySettings:
        """The flags given, else ``ENFORCEMENT_METRICS_PORT`` and ``ENFORCEMENT_TRACING``."""
        env = dict(os.environ) if env is None else env
        port = metrics_port if metrics_port is not None else (
            int(env[METRICS_PORT_ENV]) if env.get(METRICS_PORT_ENV) else None)
        on = tracing if tracing else env.get(TRACING_ENV, "").lower() in ("1", "true", "yes")
        return cls(metrics_port=port, tracing=on)


def temporal_runtime(prometheus_address: str | None, *, quiet: bool = False) -> Runtime:
    """The SDK runtime for this process: its metrics on ``prometheus_address``
    (``127.0.0.1:PORT``, None: none), its core's log errors only when ``quiet``. Set it as the
    default before the first client connects (``Runtime.set_default``)."""
    logging = LoggingConfig(filter=TelemetryFilter(core_level="ERROR", other_level="ERROR")) \
        if quiet else LoggingConfig.default
    metrics = PrometheusConfig(
        bind_address=prometheus_address, counters_total_suffix=True, durations_as_seconds=True,
        histogram_bucket_overrides={name: LATENCY_BUCKETS for name in FINE_HISTOGRAMS},
    ) if prometheus_address else None
    return Runtime(telemetry=TelemetryConfig(logging=logging, metrics=metrics))


class TemporalBridge(Collector):
    """The Temporal SDK's Prometheus text, fetched from its loopback endpoint at each scrape
    and handed on as metric families (nothing if it does not answer)."""

    def __init__(self, address: str) -> None:
        self.url = f"http://{address}/metrics"

    def collect(self) -> Iterator[Metric]:
        try:
            with urllib.request.urlopen(self.url, timeout=2) as answer:
                text = answer.read().decode("utf-8")
        except OSError:
            return
        yield from text_string_to_metric_families(text)


@dataclass(eq=False)  # hashable: a registry keys its collectors
class RecordsGauges(Collector):
    """Gauges read from the records every :data:`GAUGE_INTERVAL` seconds by :meth:`run`:
    the projection lag (events stored that the read models have not applied: run ``python -m
    projections run`` or ``enforce projections catch-up``) and the deadline watch's items due
    today or overdue by watch (as of the read models' position, Asia/Shanghai date)."""

    records: Records
    head: int = 0
    position: int = 0
    due: dict[str, int] = field(default_factory=dict)
    overdue: dict[str, int] = field(default_factory=dict)
    readings: int = 0

    def read(self) -> None:
        """One reading (on the records thread)."""
        cases = self.records.cases
        self.head = cases.recorder.max_notification_id() or 0
        views = self.records.views
        if "case_facts" not in views.table_names():  # no read model built yet
            self.position, self.due, self.overdue = 0, {}, {}
        else:
            self.position = views.position(f"{cases.name}.case_facts")
            items = deadline_watch(views, datetime.now(COURT_ZONE).date(), 0)
            self.due = dict(Tally(i.watch for i in items if i.days_left == 0))
            self.overdue = dict(Tally(i.watch for i in items if i.days_left < 0))
        self.readings += 1

    async def run(self, interval: float = GAUGE_INTERVAL) -> None:
        """Read now and then every ``interval`` seconds until cancelled."""
        while True:
            with contextlib.suppress(Exception):  # a busy or missing store: next time
                await self.records.run(self.read)
            await asyncio.sleep(interval)

    def collect(self) -> Iterator[Metric]:
        lag = GaugeMetricFamily("enforcement_projection_lag_events", "Events in the event "
                                "store that the read models have not applied yet")
        lag.add_metric([], max(self.head - self.position, 0))
        yield lag
        head = GaugeMetricFamily("enforcement_event_store_position", "Notification id of the "
                                 "last stored event, and of the last one the read models "
                                 "applied", labels=["of"])
        head.add_metric(["event_store"], self.head)
        head.add_metric(["read_models"], self.position)
        yield head
        watch = GaugeMetricFamily("enforcement_deadline_watch_items", "Deadline-watch items "
                                  "due today or overdue, by watch (projections/watch.py)",
                                  labels=["watch", "state"])
        for state, counts in (("due_today", self.due), ("overdue", self.overdue)):
            for name, n in sorted(counts.items()):
                watch.add_metric([name, state], n)
        yield watch


@dataclass
class MetricsEndpoint:
    """The worker's ``/metrics`` on ``127.0.0.1:port`` (module docstring)."""

    port: int
    temporal_address: str | None
    gauges: RecordsGauges | None = None
    _stop: Callable[[], None] | None = None
    _task: asyncio.Task[None] | None = None
    _added: list[Collector] = field(default_factory=list)

    def start(self) -> None:
        if self.temporal_address:
            self._added.append(TemporalBridge(self.temporal_address))
        if self.gauges is not None:
            self._added.append(self.gauges)
            self._task = asyncio.ensure_future(self.gauges.run())
        for collector in self._added:
            REGISTRY.register(collector)
        server, thread = start_http_server(self.port, addr="127.0.0.1", registry=REGISTRY)

        def stop() -> None:
            server.shutdown()
            server.server_close()
            thread.join(5)

        self._stop = stop

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
        if self._stop is not None:
            self._stop()
            self._stop = None
        while self._added:
            REGISTRY.unregister(self._added.pop())


def tracing_interceptors(enabled: bool, data_dir: Path) -> Sequence[Any]:
    """``[TracingInterceptor]`` when tracing is on (for the client, which hands it to its
    workers), else ``[]``. Raises RuntimeError naming the extra when OpenTelemetry is missing."""
    if not enabled:
        return []
    try:
        from opentelemetry import trace
        from temporalio.contrib.opentelemetry import TracingInterceptor
    except ImportError as err:
        raise RuntimeError(f"tracing needs OpenTelemetry: pip install -e '.[tracing]' ({err})"
                           ) from None
    if not _has_provider(trace):
        trace.set_tracer_provider(_sdk_provider(data_dir))
    # workflow spans also for acts from clients that do not trace (the host's own process)
    return [TracingInterceptor(trace.get_tracer("court-enforcement-engine"),
                               always_create_workflow_spans=True)]


def flush_traces() -> None:
    """Export the spans still buffered (the worker calls it as it stops; its process then
    ends without the interpreter's teardown)."""
    with contextlib.suppress(ImportError):
        from opentelemetry import trace

        flush = getattr(trace.get_tracer_provider(), "force_flush", None)
        if flush is not None:
            flush(5000)


def _has_provider(trace: Any) -> bool:
    """Whether the process already has a real tracer provider (a host configured one)."""
    return type(trace.get_tracer_provider()).__name__ not in ("ProxyTracerProvider",
                                                               "NoOpTracerProvider")


def _sdk_provider(data_dir: Path) -> Any:
    """An SDK tracer provider: OTLP when configured and installed, else JSON lines in
    ``<data>/traces.jsonl``."""
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter

    provider = TracerProvider(resource=Resource.create({"service.name": os.environ.get(
        "OTEL_SERVICE_NAME", "enforcement-worker")}))
    exporter: Any = None
    if os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"):
        with contextlib.suppress(ImportError):
            from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import (  # type: ignore[import-not-found]
                OTLPSpanExporter,
            )
            exporter = OTLPSpanExporter()
    if exporter is None:
        data_dir.mkdir(parents=True, exist_ok=True)
        out = (data_dir / "traces.jsonl").open("a", encoding="utf-8")
        exporter = ConsoleSpanExporter(out=out, formatter=lambda span: span.to_json(
            indent=None) + "\n")
    provider.add_span_processor(BatchSpanProcessor(exporter, schedule_delay_millis=1000))
    return provider
