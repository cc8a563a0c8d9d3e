"""The read side of the Engine facade: the legal record (event store) and the read models.

Mixed into :class:`engine.facade.Engine`; the synchronous work runs on the records thread of
:class:`engine.records.Records`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Literal, TypeVar
from uuid import UUID

from domain.anchor_export import AnchorExport
from domain.anchors import Head
from domain.calendar import COURT_ZONE
from domain.errors import EnforcementError, InvalidInputError
from domain.state import CaseState
from domain.tamper import CaseVerification
from domain.values import CaseNumber
from engine.errors import SOURCE, parse
from engine.records import (
    AnchorCheck,
    CaseHistory,
    CaseSummary,
    Order,
    ReadModelsRun,
    Records,
)
from projections.audit_view import AuditedTermination
from projections.auditor import StoreVerification
from projections.campaign import CampaignReport, campaign_report
from projections.caselist import CaseRow, case_rows, closed_counts, closures_by_mode
from projections.metrics import Metrics
from projections.timeline import TimelineEntry, timeline
from projections.watch import WatchItem
from workflows.messages import Message

T = TypeVar("T")


class _CaseRef(Message):
    case_number: CaseNumber


def valid_number(case_number: str) -> str:
    """A case number as the engine writes it; InvalidInputError if it is not one."""
    number: str = parse(_CaseRef, {"case_number": case_number}, "case").case_number
    return number


def _names(value: str | Sequence[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


class RecordsDoor:
    """List, replay, verify, audit and measure (README, "Embedding")."""

    records: Records

    @staticmethod
    def _number(case_number: str) -> str:
        return valid_number(case_number)

    # --- the record and the read models --------------------------------------------------------------
    async def list_cases(self, *, phase: str | Sequence[str] = (),
                         category: str | Sequence[str] = (), deadline_within: int | None = None,
                         as_of: date | None = None, order: Order = "filed") -> list[CaseSummary]:
        """Cases in the event store by phase (``inquiry``, ``terminated`` …), category
        (``wages`` …) and/or closure deadline within ``deadline_within`` days of ``as_of``
        (default today; overdue included); ``order``: filed, priority or deadline."""
        today = as_of or datetime.now(COURT_ZONE).date()
        by = None if deadline_within is None else today + timedelta(days=deadline_within)
        return await self._records(lambda: self.records.list_cases(
            phases=_names(phase), categories=_names(category), deadline_by=by, today=today,
            order=order))

    async def case(self, case_number: str) -> CaseSummary:
        """One case's line, from the event store."""
        case_number = self._number(case_number)
        today = datetime.now(COURT_ZONE).date()
        return await self._records(lambda: self.records.summary(
            self.records.cases.get_case(case_number), today))

    async def history(self, case_number: str, *, on: date | None = None,
                      version: int | None = None) -> CaseHistory:
        """The case replayed from its events as it stood at the end of business date ``on``,
        or after event ``version`` (default: now), with the events up to there."""
        case_number = self._number(case_number)
        return await self._records(lambda: self.records.history(case_number, on=on,
                                                                version=version))

    async def state(self, case_number: str) -> CaseState:
        """The case's current state in the event store (the legal record)."""
        case_number = self._number(case_number)
        return await self._records(lambda: self.records.cases.get_case(case_number))

    async def verify(self, case_number: str) -> CaseVerification:
        """Recompute the case's keyed hash chain; ``first_break`` names a tampered event."""
        case_number = self._number(case_number)
        return await self._records(lambda: self.records.verify(case_number))

    async def verify_all(self) -> StoreVerification:
        """Recompute every case's hash chain and check the store against the anchor log
        (truncated, deleted, rolled-back cases named)."""
        return await self._records(self.records.verify_all)

    async def verify_heads(self, case_number: str | None = None) -> StoreVerification:
        """Without the cipher key (``cipher.key_missing`` from ``verify``): every case's (or
        one case's) version against the anchor log; no chain is verified, so it is never a
        success (docs/operations.md, Anchors)."""
        number = None if case_number is None else self._number(case_number)
        return await self._records(lambda: self.records.verify_heads(number))

    async def case_numbers(self, case_ids: Sequence[UUID]) -> dict[UUID, str]:
        """The number of each case id a verification names (a case whose events do not load,
        or are gone, keeps its id)."""
        return await self._records(lambda: self.records.case_numbers(case_ids))

    # --- the anchor log (docs/operations.md, Anchors) -----------------------------------------------
    async def export_anchors(self) -> AnchorExport:
        """The anchor log's global head and every case's head, signed with the anchor key: a
        file for a third party."""
        return await self._records(self.records.export_anchors)

    async def check_anchors(self, export: str | bytes, *, origin: str = "the export"
                            ) -> AnchorCheck:
        """The store against an exported anchor file (its signature checked first,
        ``anchor.export_*``): every case behind the export named."""
        return await self._records(lambda: self.records.check_anchors(export, origin))

    async def adopt_anchors(self) -> list[Head]:
        """Anchor what the anchor log does not hold yet (a store written before it, or whose
        log was lost); refused while any chain is broken. Stop the workers first."""
        return await self._records(self.records.adopt_anchors)

    # --- the read models ----------------------------------------------------------------------------
    async def refresh_read_models(self, *, progress: bool = False) -> ReadModelsRun:
        """Catch the read models up with the event store (the queries below do it first);
        ``progress``: a progress bar on the terminal."""
        return await self._records(lambda: self.records.catch_up(progress))

    async def rebuild_read_models(self, *, progress: bool = False) -> ReadModelsRun:
        """Rebuild every read model from the first event (stop other projection runners
        first): a fresh store replaces the old one when complete."""
        return await self._records(lambda: self.records.rebuild(progress))

    async def termination_audit(self, *, classes: Sequence[str] = (), court: str | None = None,
                                imported: bool | None = None, limit: int | None = None,
                                offset: int = 0) -> list[AuditedTermination]:
        """Every 终本 classified 合规/不合规/待完善/误报结 with its findings (``classes``: by
        value ``compliant`` … or label ``合规`` …; ``imported``: only imported legacy or only
        live cases; ``limit``/``offset``: one page of them, by case number)."""
        return await self._records(lambda: self.records.termination_audit(
            classes, court, imported, limit, offset))

    async def audit_summary(self) -> dict[str, int]:
        """How many 终本 per audit class (by label)."""
        return await self._records(self.records.audit_summary)

    async def metrics_period(self, start: date | None = None, end: date | None = None
                             ) -> tuple[date, date]:
        """The period of ``metrics``: ``start`` and ``end``, by default the record's first
        filing and its last filing or closure; an end before the start is invalid input."""
        today = datetime.now(COURT_ZONE).date()
        return await self._records(lambda: self.records.period(start, end, today))

    async def metrics(self, start: date, end: date, *, by: Sequence[str] = ()) -> list[Metrics]:
        """Quality metrics (执结率, 执行到位率 … via ``Metrics.rates()``) over [start, end],
        per kind and the groups in ``by`` (court, officer)."""
        return await self._records(lambda: self.records.metrics(start, end, by))

    async def campaign(self, start: date, end: date) -> CampaignReport:
        """The campaign report over [start, end]: cases handled and closed, settlements
        reached, detentions and fines ordered, amounts recovered and 执行到位率
        (docs/projections.md "Campaign report")."""
        def read() -> CampaignReport:
            self.records.refresh()
            return campaign_report(self.records.views, start, end)
        return await self._records(read)

    async def case_rows(self, *, officer: str | Sequence[str] | None = None,
                        court: str | None = None,
                        statuses: Sequence[str] = (), live_only: bool = False,
                        limit: int | None = None) -> list[CaseRow]:
        """Cases from the read models by officer, court and status (``open``, ``suspended``,
        ``settlement``, ``terminated``, ``closed``), the earliest filed first: the list of a
        worklist, without loading any aggregate (docs/projections.md "Case list")."""
        def read() -> list[CaseRow]:
            self.records.refresh()
            return case_rows(self.records.views, officer=officer, court=court,
                             statuses=statuses, live_only=live_only, limit=limit)
        return await self._records(read)

    async def closed_counts(self, spans: Sequence[tuple[date, date]]) -> list[int]:
        """Cases closed within each (start, end) span, from the read models."""
        def read() -> list[int]:
            self.records.refresh()
            return closed_counts(self.records.views, spans)
        return await self._records(read)

    async def closures(self, start: date, end: date) -> dict[str, int]:
        """Cases closed within [start, end] per closure mode, from the read models."""
        def read() -> dict[str, int]:
            self.records.refresh()
            return closures_by_mode(self.records.views, start, end)
        return await self._records(read)

    async def timeline(self, case_number: str) -> list[TimelineEntry]:
        """The case's timeline from the read models: every event in log order with its
        business day, actor, basis and amount (identity numbers masked; docs/projections.md)."""
        number = self._number(case_number)

        def read() -> list[TimelineEntry]:
            self.records.refresh()
            return timeline(self.records.views, case_number=number)
        return await self._records(read)

    async def deadlines(self, *, as_of: date | None = None, within_days: int = 30,
                        live_only: bool = False) -> list[WatchItem]:
        """What falls due within ``within_days`` of ``as_of`` (default today), overdue first;
        ``live_only``: not of imported legacy histories (no workflow takes their acts)."""
        today = as_of or datetime.now(COURT_ZONE).date()
        return await self._records(lambda: self.records.deadlines(today, within_days,
                                                                  live_only))

    async def export(self, directory: Path | str, *, fmt: Literal["csv", "json"] = "csv",
                     read_model: str | None = None) -> dict[str, int]:
        """Write every read model (or one) to ``directory``; rows per file written."""
        return await self._records(lambda: self.records.export(Path(directory), fmt,
                                                               read_model))

    async def _imported(self, case_number: str) -> bool:
        """Whether the event store holds an imported legacy case of that number (best effort:
        False when the store cannot be read here)."""
        return await self.records.run(lambda: self.records.imported(case_number))

    async def _records(self, work: Callable[[], T]) -> T:
        try:
            return await self.records.run(work)
        except EnforcementError:
            raise
        except ValueError as err:
            raise InvalidInputError("input.invalid", str(err), SOURCE) from None
