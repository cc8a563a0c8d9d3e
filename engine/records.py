"""The records side of the Engine facade: the event store (the legal record) and the read models.

:class:`Records` answers what the Temporal side cannot: the list of cases by phase, category or
closure deadline, a case's history at a date or version, the hash-chain verification, the 终本
audit, the quality metrics, the deadline watch and exports. It reads the event store the
environment configures (``domain.event_store_config``: the embedded ``<data>/events.sqlite`` by default)
and keeps the read models of ``projections.read_store_config`` (``<data>/views.sqlite``) caught up before
each question. All of it is synchronous library code run on one thread of its own, so that the
async facade never blocks its loop and each SQLite connection stays on its thread.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, TypeVar
from uuid import UUID

from pydantic import BaseModel

from domain.anchor_export import AnchorExport, export_anchors, read_export, verify_against
from domain.anchors import Head
from domain.application import EnforcementCases
from domain.calendar import COURT_ZONE, legal_date
from domain.deadlines import closure_deadline
from domain.errors import EnforcementError
from domain.event_store_config import (
    DATA_DIR_ENV,
    StoreConfigurationError,
    cases_from_env,
    cases_without_cipher,
    event_store_kind,
    sqlite_events_path,
)
from domain.ids import case_id
from domain.keys import load_anchor_key
from domain.models import LIVELIHOOD, CaseCategory
from domain.state import CaseState
from domain.tamper import AnchorFinding, CaseVerification
from projections.audit import AuditClass
from projections.audit_view import AuditedTermination, audit_summary, termination_audit
from projections.auditor import (
    READ_MODELS,
    StoreVerification,
    export_all,
    export_read_model,
    state_as_of,
    store_report,
    verify_store,
)
from projections.metrics import Metrics, quality_metrics
from projections.read_store import ReadModelStore
from projections.read_store_config import ReadStoreConfig, open_read_store, rebuild_read_store
from projections.runner import ReadModelRunner, RebuildReport
from projections.watch import WatchItem, deadline_watch

T = TypeVar("T")
SIMPLE_CLAIM = 100_000
"""Claims up to this amount (yuan) count as simple cases: served before other ordinary ones."""
Order = Literal["filed", "priority", "deadline"]


class AnchorCheck(BaseModel):
    """The store checked against an exported anchor file (``Engine.check_anchors``)."""

    export: AnchorExport
    findings: list[AnchorFinding]
    """Every case (or the anchor log) behind the export; none: the store holds the export."""


class ReadModelsRun(RebuildReport):
    """What a catch-up or a rebuild of the read models did: events applied, the position (the
    notification id of the last event applied), how long it took, and where they are."""

    store: str
    """``SQLite <path>`` or ``PostgreSQL … schema …``."""


class EngineConfigurationError(EnforcementError):
    """A setting (store, key, address, TLS) is missing or invalid; the message names it."""


def priority_of(category: CaseCategory, claim_total: Decimal | int) -> int:
    """Temporal priority key (1 = first): livelihood 1, simple 2, other cases 3 (docs/rules.md §4)."""
    if category in LIVELIHOOD:
        return 1
    return 2 if claim_total <= SIMPLE_CLAIM else 3


class CaseSummary(BaseModel):
    """One line of the case list, from the event store."""

    case_number: str
    kind: str
    category: CaseCategory
    priority: int
    phase: str
    closure_mode: str | None
    filed_on: date
    closed_on: date | None
    closure_deadline: date | None
    """Open cases: the last day to close, net of excluded periods up to today."""
    claim: Decimal
    recovered: Decimal
    outstanding: Decimal
    resumed_from: str | None
    resumed_as: str | None
    imported: bool = False
    """An imported legacy history (docs/legacy-format.md), not a live case."""


class HistoryEntry(BaseModel):
    """One stored event of a case, as the legal record holds it."""

    version: int
    recorded_at: datetime
    business_date: date
    event: str
    actor_id: str
    role: str
    basis: str | None
    imported: bool
    data: dict[str, Any] = {}
    """The event as the record holds it (every field, JSON values)."""


class CaseHistory(BaseModel):
    """A case as it stood at a date or version (or now), and the events up to there."""

    case_number: str
    on: date | None
    version: int
    state: CaseState
    events: list[HistoryEntry]


def _entry(event: object) -> HistoryEntry:
    from domain.events import CaseEvent

    assert isinstance(event, CaseEvent)
    return HistoryEntry(version=event.originator_version, recorded_at=event.recorded_at,
                        business_date=legal_date(event.recorded_at), event=type(event).__name__,
                        actor_id=event.actor.id, role=event.actor.role.value, basis=event.basis,
                        imported=event.imported, data=event.model_dump(mode="json"))


def store_env(data_dir: Path | None) -> dict[str, str]:
    """The environment the stores are chosen by, with ``data_dir`` as the data directory."""
    env = dict(os.environ)
    if data_dir is not None:
        env[DATA_DIR_ENV] = str(data_dir)
    return env


def open_reader(env: Mapping[str, str]) -> EnforcementCases:
    """The configured event store, opened to read what other processes (the workers) write.

    Its aggregate cache is off: a cached case would not see the workers' later events."""
    try:
        kind = event_store_kind(env)
        if kind == "memory":
            raise EngineConfigurationError(
                "store.unreadable", "ENFORCEMENT_EVENT_STORE=memory keeps nothing another "
                "process could read: use sqlite or postgres", "README (Stores)")
        if kind == "sqlite" and not sqlite_events_path(env).exists():
            raise EngineConfigurationError(
                "store.missing", f"no event store at {sqlite_events_path(env)}: start the worker "
                "first (make run, or python worker.py), or set ENFORCEMENT_DATA_DIR / "
                "ENFORCEMENT_EVENTS_DB", "README (Stores)")
        app = cases_from_env(env)
    except StoreConfigurationError as err:
        raise EngineConfigurationError("store.config", str(err), "README (Stores)") from None
    app.repository.cache = None
    return app


class Records:
    """Event store and read models behind the facade (see the module docstring)."""

    def __init__(self, env: Mapping[str, str], *, cases: EnforcementCases | None = None,
                 views: ReadModelStore | None = None) -> None:
        self._env = dict(env)
        self._cases, self._views = cases, views
        self._own_cases, self._own_views = cases is None, views is None
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="engine-records")

    async def run(self, work: Callable[[], T]) -> T:
        """Run ``work`` on the records thread."""
        return await asyncio.get_running_loop().run_in_executor(self._thread, work)

    def close(self) -> None:
        def shut() -> None:
            if self._own_views and self._views is not None:
                self._views.close()
            if self._own_cases and self._cases is not None:
                self._cases.close()
            self._cases = self._views = None

        self._thread.submit(shut).result()
        self._thread.shutdown()

    # --- the stores (opened on first use, on the records thread) --------------------------------
    @property
    def cases(self) -> EnforcementCases:
        if self._cases is None:
            self._cases = open_reader(self._env)
        return self._cases

    @property
    def views(self) -> ReadModelStore:
        if self._views is None:
            self._views = open_read_store(self._read_config())
        return self._views

    def refresh(self) -> int:
        """Bring every read model up to date with the event store; events applied."""
        return ReadModelRunner(self.cases, self.views).catch_up()

    # --- cases ------------------------------------------------------------------------------------
    def summary(self, state: CaseState, today: date) -> CaseSummary:
        return CaseSummary(
            case_number=state.case_number, kind=state.kind, category=state.category,
            priority=priority_of(state.category, state.claim_total), phase=state.phase.value,
            closure_mode=state.closure_mode.value if state.closure_mode else None,
            filed_on=state.filed_on, closed_on=state.closed_on,
            closure_deadline=None if state.closure_mode else closure_deadline(
                state, today, self.cases.calendar),
            claim=state.claim_total, recovered=state.recovered, outstanding=state.outstanding,
            resumed_from=state.resumed_from, resumed_as=state.resumed_as,
            imported=state.imported)

    def list_cases(self, *, phases: Sequence[str] = (), categories: Sequence[str] = (),
                   deadline_by: date | None = None, today: date | None = None,
                   order: Order = "filed") -> list[CaseSummary]:
        """Cases in the event store, filtered; ``deadline_by``: open cases that must close by
        that day (overdue included)."""
        today = today or datetime.now(COURT_ZONE).date()
        found = []
        for ref in self.cases.case_ids():
            state: CaseState = self.cases.repository.get(ref).state
            if (phases and state.phase.value not in phases) or \
                    (categories and state.category.value not in categories):
                continue
            line = self.summary(state, today)
            if deadline_by is not None and (line.closure_deadline is None
                                            or line.closure_deadline > deadline_by):
                continue
            found.append(line)
        if order == "priority":
            found.sort(key=lambda s: (s.priority, s.filed_on))
        elif order == "deadline":
            found.sort(key=lambda s: (s.closure_deadline or date.max, s.priority))
        return found

    def history(self, number: str, *, on: date | None = None,
                version: int | None = None) -> CaseHistory:
        """The case replayed from its events at the end of ``on`` / after ``version`` (or now)."""
        if on is not None and version is not None:
            raise ValueError("give on= or version=, not both")
        events = self.cases.case_events(number)
        if on is None and version is None:
            version = events[-1].originator_version
        state = state_as_of(self.cases, number, on=on, version=version)
        return CaseHistory(case_number=number, on=on, version=state.version, state=state,
                           events=[_entry(e) for e in events
                                   if e.originator_version <= state.version])

    def imported(self, number: str) -> bool:
        """Whether the store holds an imported legacy case of that number (False if it holds
        none, or cannot be read: a best-effort answer for an error message)."""
        try:
            return self.cases.get_case(number).imported
        except Exception:
            return False

    def case_numbers(self, refs: Sequence[UUID]) -> dict[UUID, str]:
        """Each case id's number (a case whose events do not load, or are gone: its id)."""
        found = {}
        for ref in refs:
            try:
                found[ref] = str(self.cases.repository.get(ref).state.case_number)
            except Exception:
                found[ref] = str(ref)
        return found

    def verify(self, number: str) -> CaseVerification:
        return self.cases.verify(number)

    def verify_all(self) -> StoreVerification:
        return verify_store(self.cases)

    def verify_heads(self, number: str | None) -> StoreVerification:
        """Every case's (or one case's) version against the anchor log, from the store opened
        without its cipher key: no chain verified (docs/operations.md, Anchors)."""
        try:
            app = cases_without_cipher(self._env)
        except StoreConfigurationError as err:
            raise EngineConfigurationError("store.config", str(err), "README (Stores)") from None
        try:
            anchored = app.verify_anchored(chains=False)
        finally:
            app.close()
        if number is not None:
            anchored.cases = [v for v in anchored.cases if v.case_id == case_id(number)]
        return store_report(anchored)

    # --- the anchor log ---------------------------------------------------------------------------
    def _anchor_key(self) -> bytes:
        sqlite = event_store_kind(self._env) == "sqlite"
        return load_anchor_key(sqlite_events_path(self._env) if sqlite else None, self._env)

    def export_anchors(self) -> AnchorExport:
        return export_anchors(self.cases, self._anchor_key())

    def check_anchors(self, text: str | bytes, origin: str) -> AnchorCheck:
        export = read_export(text, self._anchor_key(), origin)
        return AnchorCheck(export=export, findings=verify_against(self.cases, export))

    def adopt_anchors(self) -> list[Head]:
        return self.cases.adopt_anchors()

    # --- read models ------------------------------------------------------------------------------
    def catch_up(self, progress: bool) -> ReadModelsRun:
        started = time.perf_counter()
        runner = ReadModelRunner(self.cases, self.views)
        applied = runner.catch_up(progress=progress)
        return ReadModelsRun(store=self._read_config().describe(), events=applied,
                             position=runner.position, seconds=time.perf_counter() - started)

    def rebuild(self, progress: bool) -> ReadModelsRun:
        """Every read model rebuilt from the first event into the configured store (this
        engine's own connection to it closed first; stop other projection runners)."""
        config = self._read_config()
        if self._own_views and self._views is not None:
            self._views.close()
            self._views = None
        report = rebuild_read_store(self.cases, config, progress=progress)
        return ReadModelsRun(store=config.describe(), **report.model_dump())

    def _read_config(self) -> ReadStoreConfig:
        try:
            return ReadStoreConfig.from_env(self._env)
        except StoreConfigurationError as err:
            raise EngineConfigurationError("store.config", str(err), "README (Stores)") from None

    def termination_audit(self, classes: Sequence[str], court: str | None,
                          imported: bool | None = None, limit: int | None = None,
                          offset: int = 0) -> list[AuditedTermination]:
        self.refresh()
        return termination_audit(self.views, classes=[_audit_class(c) for c in classes],
                                 court=court, imported=imported, limit=limit, offset=offset)

    def period(self, start: date | None, end: date | None, today: date) -> tuple[date, date]:
        """``start`` and ``end``, by default the first filing and the last filing or closure
        in the record (an empty record: today)."""
        self.refresh()
        row = self.views.query("SELECT MIN(filed_on), MAX(filed_on), MAX(closed_on) "
                               "FROM cases")[0]
        known = [date.fromisoformat(str(v)) for v in row if v is not None]
        start = start or (date.fromisoformat(str(row[0])) if row[0] else today)
        end = end or (max(known) if known else start)
        if end < start:
            raise ValueError(f"invalid period: it ends on {end}, before it starts on {start}")
        return start, end

    def audit_summary(self) -> dict[str, int]:
        self.refresh()
        return {cls.label: n for cls, n in audit_summary(self.views).items()}

    def metrics(self, start: date, end: date, by: Sequence[str]) -> list[Metrics]:
        self.refresh()
        return quality_metrics(self.views, start, end, by=by)

    def deadlines(self, as_of: date, within_days: int, live_only: bool = False
                  ) -> list[WatchItem]:
        self.refresh()
        return deadline_watch(self.views, as_of, within_days, live_only=live_only)

    def export(self, directory: Path, fmt: Literal["csv", "json"], read_model: str | None
               ) -> dict[str, int]:
        self.refresh()
        if read_model is not None and read_model not in READ_MODELS:
            raise ValueError(f"no read model {read_model!r}; choose from {sorted(READ_MODELS)}")
        written = export_all(self.views, directory, fmt) if read_model is None else \
            export_read_model(self.views, read_model, directory, fmt)
        return {str(path): rows for path, rows in written.items()}


def _audit_class(name: str) -> AuditClass:
    """An audit class by value (``compliant``) or label (``合规``)."""
    for cls in AuditClass:
        if name in (cls.value, cls.label):
            return cls
    raise ValueError(f"no audit class {name!r}; choose from "
                     f"{', '.join(f'{c.value} ({c.label})' for c in AuditClass)}")
