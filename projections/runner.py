"""The read-model runner: pages of the notification log → rows + tracking, one transaction each.

eventsourcing's ``ProjectionRunner`` needs a recorder with subscriptions (PostgreSQL has them;
SQLite raises NotImplementedError), and its ``Projection`` commits one event at a time. Here the
runner pulls pages with ``recorder.select_notifications(start=…, limit=…,
inclusive_of_start=False)``, decodes each event once, folds it into the case's facts, asks every
projection for its rows, and writes the rows of the whole page together with each read model's
``Tracking`` position in ONE transaction of the store (an eventsourcing tracking recorder). A
crash before the commit leaves the previous page's position and rows; the next run redoes the
page: every event is applied exactly once. Incremental catch-up and a rebuild from position 0
run the same code, so they produce the same rows.

One writer per store: a second runner on the same store is detected (the position moved under
it) and resynchronises, but the design is one projection process per read-model file.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import Notification
from eventsourcing.utils import resolve_topic
from pydantic import BaseModel
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from domain.calendar import legal_date
from domain.events import CaseEvent
from domain.persistence import PydanticMapper
from domain.values import READ_AS_RECORDED
from projections.audit_view import TerminationAuditProjection
from projections.evidence import apply
from projections.facts import FACTS, CaseFacts
from projections.ledger import DistributionPlansProjection, LedgerProjection, SuspenseProjection
from projections.masking import scrub_text
from projections.metrics_view import QualityMetricsProjection
from projections.read_store import PageWriter, ReadModelMismatchError, ReadModelStore, SQLiteReadModelStore
from projections.registers import AssetRegisterProjection, SanctionsRegisterProjection
from projections.schema import (
    CASE_TOPICS,
    CaseProjection,
    EventProjection,
    ReadModelProjection,
    Row,
    Rows,
    StreamProjection,
    Table,
    columns,
)
from projections.settings import DEFAULT_SETTINGS, ProjectionSettings
from projections.timeline import TimelineProjection
from projections.watch import DeadlineWatchProjection

CASE_FACTS = Table("case_facts", columns("case_id TEXT, case_number TEXT, facts TEXT"),
                   ("case_id",))


class CaseFactsProjection(CaseProjection):
    """The facts every case projection reads, kept with the rows built from them."""

    name: ClassVar[str] = "case_facts"
    version: ClassVar[int] = 4  # 2: numbers in free text masked; 3: spaced, full-width;
    # 4: the ledger's payee entries and what reached the applicants
    tables: ClassVar[tuple[Table, ...]] = (CASE_FACTS,)

    def case_rows(self, facts: CaseFacts, settings: ProjectionSettings) -> Rows:
        return {"case_facts": [(facts.case_id, facts.case_number,
                                scrub_text(FACTS.dump_json(facts).decode()))]}


def default_projections() -> list[ReadModelProjection]:
    """Every read model: timeline, 终本 audit, quality metrics, registers, deadline watch, the
    case ledgers, the courts' suspense lists and the distribution plans."""
    return [TimelineProjection(), TerminationAuditProjection(), QualityMetricsProjection(),
            AssetRegisterProjection(), SanctionsRegisterProjection(), DeadlineWatchProjection(),
            LedgerProjection(), SuspenseProjection(), DistributionPlansProjection()]


@dataclass(frozen=True)
class PageInfo:
    """A page about to be committed (passed to ``before_commit``)."""

    first: int
    last: int
    events: int
    cases: int


class RebuildReport(BaseModel):
    events: int
    position: int
    seconds: float

    @property
    def events_per_second(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0


class ReadModelRunner:
    """Feeds read models from an application's notification log, page by page."""

    def __init__(self, app: Application[UUID], store: ReadModelStore, *,
                 projections: Sequence[ReadModelProjection] | None = None,
                 settings: ProjectionSettings = DEFAULT_SETTINGS, page_size: int = 1000,
                 cache_size: int = 20_000,
                 before_commit: Callable[[PageInfo], None] | None = None) -> None:
        if not isinstance(app.mapper, PydanticMapper):
            raise TypeError("the runner reads events stored by domain.persistence.PydanticMapper")
        self.app, self.store, self.settings = app, store, settings
        self.mapper: PydanticMapper = app.mapper
        self.page_size, self.cache_size, self.before_commit = page_size, cache_size, before_commit
        chosen = list(default_projections() if projections is None else projections)
        self.projections: list[ReadModelProjection] = [CaseFactsProjection(), *chosen]
        self._events = [p for p in self.projections if isinstance(p, EventProjection)]
        self._cases = [p for p in self.projections if isinstance(p, CaseProjection)]
        self._streams = [p for p in self.projections if isinstance(p, StreamProjection)]
        self._tables = [t for p in self.projections for t in p.tables]
        self._case_tables = [t for t in self._tables if t.by_case]
        self._names = [f"{app.name}.{p.name}" for p in self.projections]
        self._cache: dict[str, CaseFacts] = {}
        self._classes: dict[str, type[CaseEvent]] = {}
        self._position = -1
        store.setup(self._tables)
        self._check_store()

    def _check_store(self) -> None:
        """Refuse a store built by other projection code or settings (it needs a rebuild)."""
        meta, fingerprint = self.store.meta(), self.settings.fingerprint()
        positions = {name: self.store.position(name) for name in self._names}
        for projection in self.projections:
            recorded = meta.get(projection.name)
            if recorded is None and any(positions.values()):
                raise ReadModelMismatchError(f"read model {projection.name} is new to a store "
                                             f"at position {max(positions.values())}: rebuild it")
            if recorded is not None and recorded != (projection.version, fingerprint):
                raise ReadModelMismatchError(
                    f"read model {projection.name} was built by version {recorded[0]} with "
                    f"settings {recorded[1]}; this is version {projection.version} with "
                    f"settings {fingerprint}: rebuild it")
            if recorded is None:
                self.store.set_meta(projection.name, projection.version, fingerprint)
        if len(set(positions.values())) > 1:
            raise ReadModelMismatchError(f"read models stand at different positions {positions}")

    @property
    def tables(self) -> list[Table]:
        return list(self._tables)

    @property
    def position(self) -> int:
        """Notification id of the last event applied to the read models."""
        return self.store.position(self._names[0])

    def catch_up(self, *, max_pages: int | None = None, progress: bool = False) -> int:
        """Apply every event recorded so far (or ``max_pages`` pages); the number applied."""
        done, pages = 0, 0
        with _progress(progress) as bar:
            task = bar.add_task("read models", total=None, rate="")
            started = time.perf_counter()
            while max_pages is None or pages < max_pages:
                head = self.app.recorder.max_notification_id() or 0
                bar.update(task, total=head, completed=self._position if self._position > 0
                           else self.position)
                applied = self.process_page()
                if not applied:
                    break
                done, pages = done + applied, pages + 1
                rate = done / max(time.perf_counter() - started, 1e-9)
                bar.update(task, completed=self._position, rate=f"{rate:,.0f} events/s")
        return done

    def run_forever(self, stop: threading.Event, poll_interval: float = 0.5) -> None:
        """Catch up, then poll for new events until ``stop`` is set."""
        while not stop.is_set():
            if not self.catch_up():
                stop.wait(poll_interval)

    def wait(self, notification_id: int | None, timeout: float = 5.0) -> None:
        """Block until the read models include ``notification_id`` (TimeoutError if not)."""
        self.store.wait(self._names[0], notification_id, timeout=timeout)

    def process_page(self) -> int:
        """Apply the next page in one transaction; the number of events applied (0: none)."""
        try:
            with self.store.page() as tx:
                position = tx.position(self._names[0])
                if position != self._position:  # first page, or another writer moved it
                    self._cache.clear()
                    self._position = position
                page = self.app.recorder.select_notifications(
                    start=position, limit=self.page_size, inclusive_of_start=False)
                if not page:
                    return 0
                touched = self._write(tx, page)
                info = PageInfo(first=page[0].id, last=page[-1].id, events=len(page),
                                cases=len(touched))
                if self.before_commit is not None:
                    self.before_commit(info)
                for name in self._names:
                    tx.track(name, info.last)
        except BaseException:
            self._cache.clear()  # facts in memory may hold the uncommitted page
            self._position = -1
            raise
        self._position = info.last
        self._keep(touched)
        return info.events

    def _write(self, tx: PageWriter, page: Sequence[Notification]) -> list[str]:
        rows: dict[str, list[Row]] = {t.name: [] for t in self._tables}
        streams = [n for n in page if not n.topic.startswith(CASE_TOPICS)]
        page = [n for n in page if n.topic.startswith(CASE_TOPICS)] if streams else page
        for n in streams:  # another aggregate's event (a suspense account, a distribution
            # plan): never folded into a case's facts
            data = self.mapper.decode(n)
            event = self._class(n.topic).model_validate(data, context=READ_AS_RECORDED)
            for sp in self._streams:
                _extend(rows, sp.stream_rows(n.id, n.topic, event, data,
                                             legal_date(event.recorded_at)))
        case_ids = [str(n.originator_id) for n in page]
        missing = set(case_ids) - self._cache.keys()
        stored = tx.load_facts(missing) if missing else {}
        for case_id, text in stored.items():
            self._cache[case_id] = FACTS.validate_json(text)
        new = missing - stored.keys()  # never stored: no rows to replace
        touched: dict[str, CaseFacts] = {}
        for n, case_id in zip(page, case_ids, strict=True):
            data = self.mapper.decode(n)
            event = self._class(n.topic).model_validate(data, context=READ_AS_RECORDED)
            day = legal_date(event.recorded_at)
            facts = apply(self._cache.get(case_id), event, self.settings, day)
            self._cache[case_id] = touched[case_id] = facts
            for ep in self._events:
                _extend(rows, ep.event_rows(n.id, event, data, facts, day))
        for cp in self._cases:
            for facts in touched.values():
                _extend(rows, cp.case_rows(facts, self.settings))
        tx.replace_cases(self._case_tables, touched.keys() - new)
        for table in self._tables:
            tx.insert(table, rows[table.name])
        return list(touched)

    def _class(self, topic: str) -> type[CaseEvent]:
        cls = self._classes.get(topic)
        if cls is None:
            cls = self._classes[topic] = resolve_topic(topic)
        return cls

    def _keep(self, touched: list[str]) -> None:
        """Bound the cache: recently touched cases stay, the oldest go (they are stored)."""
        for case_id in touched:
            self._cache[case_id] = self._cache.pop(case_id)
        excess = len(self._cache) - self.cache_size
        for case_id in list(self._cache)[:max(0, excess)]:
            del self._cache[case_id]


def _extend(rows: dict[str, list[Row]], more: Rows) -> None:
    for table, new in more.items():
        rows[table].extend(new)


def _progress(enabled: bool) -> Progress:
    return Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TextColumn("{task.fields[rate]}"), TimeRemainingColumn(),
                    disable=not enabled, transient=False)


def rebuild(app: Application[UUID], path: Path | str, *,
            projections: Sequence[ReadModelProjection] | None = None,
            settings: ProjectionSettings = DEFAULT_SETTINGS, page_size: int = 1000,
            progress: bool = True) -> RebuildReport:
    """Rebuild every read model from position 0 into a fresh store that then replaces ``path``.

    The store is built beside the target and moved over it when complete, so readers never see
    a half-built store. Stop the incremental runner of ``path`` first (one writer per file)."""
    target = Path(path)
    fresh = target.with_name(target.name + ".rebuild")
    _remove(fresh)
    store = SQLiteReadModelStore(fresh, bulk=True)
    started = time.perf_counter()
    try:
        runner = ReadModelRunner(app, store, projections=projections, settings=settings,
                                 page_size=page_size)
        events = runner.catch_up(progress=progress)
        store.create_indexes(runner.tables)
        position = runner.position
    finally:
        store.close()
    seconds = time.perf_counter() - started
    _remove(target, keep_main=True)  # an old WAL must never meet the new file
    os.replace(fresh, target)  # atomic: a new connection finds the old store or the new one
    return RebuildReport(events=events, position=position, seconds=seconds)


def _remove(db: Path, keep_main: bool = False) -> None:
    for suffix in ("-wal", "-shm", "-journal", *(() if keep_main else ("",))):
        Path(str(db) + suffix).unlink(missing_ok=True)


def open_store(path: Path | str) -> SQLiteReadModelStore:
    """Open (or create) a read-model store."""
    return SQLiteReadModelStore(path)


def catch_up(app: Application[UUID], path: Path | str, **kwargs: Any) -> int:
    """Open the store at ``path`` and bring every read model up to date."""
    store = SQLiteReadModelStore(path)
    try:
        return ReadModelRunner(app, store, **kwargs).catch_up()
    finally:
        store.close()
