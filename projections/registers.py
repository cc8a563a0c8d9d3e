"""Asset register and sanctions register.

AssetRegisterView: every asset found or controlled, with its control, queue position (轮候,
查封规定 art.26) and expiry (民诉法解释 art.485). SanctionsRegisterView: every restriction order,
失信 entry, fine, detention, summons and exit ban, with when it ends — for a 失信 entry also when
its deletion is due (3 working days after the debt is performed, 失信规定 art.10).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import ClassVar

from pydantic import BaseModel

from domain import rules as r
from projections.facts import CaseFacts, SanctionFact
from projections.masking import scrub_text
from projections.metrics_view import IMPORTED, ORIGIN
from projections.read_store import ReadModelStore
from projections.schema import CaseProjection, Rows, Table, columns, day_of, fen, iso, yuan
from projections.settings import ProjectionSettings

ASSETS = Table("assets", columns(
    "case_id TEXT, asset_id TEXT, case_number TEXT, court TEXT, kind TEXT, description TEXT, "
    "value_fen BIGINT, found_on TEXT, source TEXT, control TEXT, measure TEXT, "
    "amount_fen BIGINT, effective_on TEXT, expires_on TEXT, queue_position INTEGER, "
    "renewals INTEGER, failed_rounds INTEGER, disposed_how TEXT, ended_on TEXT"),
    ("case_id", "asset_id"), indexes=(("control", "expires_on"),))
SANCTIONS = Table("sanctions", columns(
    "case_id TEXT, seq INTEGER, case_number TEXT, court TEXT, kind TEXT, subject TEXT, "
    "ground TEXT, started_on TEXT, ends_on TEXT, ended_on TEXT, end_reason TEXT, "
    "deletion_due_on TEXT, amount_fen BIGINT, late INTEGER"), ("case_id", "seq"),
    indexes=(("kind", "ended_on"),))

LASTING = ("restriction", "dishonest", "exit_ban", "detention")


class AssetRegisterProjection(CaseProjection):
    name: ClassVar[str] = "asset_register"
    version: ClassVar[int] = 3  # 2: numbers in descriptions masked; 3: spaced, full-width
    tables: ClassVar[tuple[Table, ...]] = (ASSETS,)

    def case_rows(self, facts: CaseFacts, settings: ProjectionSettings) -> Rows:
        return {"assets": [(
            facts.case_id, a.asset_id, facts.case_number, facts.court, a.kind,
            scrub_text(a.description),
            fen(a.value), iso(a.found_on), a.source, a.control, a.measure, fen(a.amount),
            iso(a.effective_on), iso(a.expires_on), a.queue_position, a.renewals,
            a.failed_rounds, a.disposed_how, iso(a.ended_on)) for a in facts.assets.values()]}


def deletion_due(f: CaseFacts, s: SanctionFact, settings: ProjectionSettings) -> date | None:
    """When an active 失信 entry must be deleted: its period's end, or 3 working days after the
    case closed as performed (执行完毕 or settlement performed) — 失信规定 arts.2, 10."""
    if s.kind != "dishonest" or s.ended_on is not None:
        return None
    dues = [s.ends_on] if s.ends_on else []
    if f.closure_mode == "concluded" and f.closed_on is not None:
        dues.append(settings.calendar.working_days_after(f.closed_on,
                                                         r.DISHONEST_DELETION_WORKING_DAYS))
    return min(dues) if dues else None


class SanctionsRegisterProjection(CaseProjection):
    name: ClassVar[str] = "sanctions_register"
    version: ClassVar[int] = 3  # 2: numbers in subjects masked; 3: spaced, full-width
    tables: ClassVar[tuple[Table, ...]] = (SANCTIONS,)

    def case_rows(self, facts: CaseFacts, settings: ProjectionSettings) -> Rows:
        return {"sanctions": [(
            facts.case_id, s.seq, facts.case_number, facts.court, s.kind, scrub_text(s.subject),
            s.ground,
            iso(s.started_on), iso(s.ends_on), iso(s.ended_on), s.end_reason,
            iso(deletion_due(facts, s, settings)), fen(s.amount), int(s.late))
            for s in facts.sanctions]}


class RegisteredAsset(BaseModel):
    case_number: str
    court: str
    asset_id: str
    kind: str | None
    description: str
    value: Decimal | None
    control: str
    measure: str | None
    amount: Decimal | None
    effective_on: date | None
    expires_on: date | None
    queue_position: int
    renewals: int
    imported: bool = False  # of an imported legacy case (docs/legacy-format.md)


def asset_register(store: ReadModelStore, *, under_control_only: bool = True
                   ) -> list[RegisteredAsset]:
    """Assets (by default only those under control: effective or queued), by case."""
    where = "WHERE t.control IN ('active', 'queued')" if under_control_only else ""
    return [RegisteredAsset(
        case_number=row[0], court=row[1], asset_id=row[2], kind=row[3], description=row[4],
        value=yuan(row[5]), control=row[6], measure=row[7], amount=yuan(row[8]),
        effective_on=day_of(row[9]), expires_on=day_of(row[10]), queue_position=row[11],
        renewals=row[12], imported=bool(row[13])) for row in store.query(
            "SELECT t.case_number, t.court, t.asset_id, t.kind, t.description, t.value_fen, "
            "t.control, t.measure, t.amount_fen, t.effective_on, t.expires_on, t.queue_position, "
            f"t.renewals, {IMPORTED} FROM assets t {ORIGIN} {where} "
            "ORDER BY t.case_number, t.asset_id")]


class RegisteredSanction(BaseModel):
    case_number: str
    court: str
    kind: str
    subject: str
    ground: str | None
    started_on: date
    ends_on: date | None  # fixed end, if any
    deletion_due_on: date | None
    imported: bool = False  # of an imported legacy case (docs/legacy-format.md)


def sanctions_register(store: ReadModelStore, as_of: date,
                       kinds: Sequence[str] = LASTING) -> list[RegisteredSanction]:
    """Measures in force on ``as_of`` and when each ends."""
    day = as_of.isoformat()
    rows = store.query(
        "SELECT t.case_number, t.court, t.kind, t.subject, t.ground, t.started_on, t.ends_on, "
        f"t.deletion_due_on, {IMPORTED} FROM sanctions t {ORIGIN} "
        f"WHERE t.kind IN ({','.join('?' * len(kinds))}) AND t.started_on <= ? AND "
        "(t.ended_on IS NULL OR t.ended_on > ?) AND (t.ends_on IS NULL OR t.ends_on >= ?) "
        "ORDER BY t.case_number, t.seq", (*kinds, day, day, day))
    return [RegisteredSanction(case_number=row[0], court=row[1], kind=row[2], subject=row[3],
                               ground=row[4], started_on=day_of(row[5]), ends_on=day_of(row[6]),
                               deletion_due_on=day_of(row[7]), imported=bool(row[8]))
            for row in rows]
