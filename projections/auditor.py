"""Auditor tools (library functions; the CLI exposes them later).

- ``state_as_of``: a case as it stood at a business date or a version, replayed from its events
  in the event store — never from a read model or a snapshot;
- ``verify_case`` / ``verify_store``: recompute the keyed hash chain of one case or every case
  and check them against the anchor log (truncation, deletion, rollback);
- ``export_read_model`` / ``export_all``: every table of a read model to CSV or JSON. Money
  columns (stored as fen) are written in yuan with two decimals under their name without
  ``_fen``; the timeline's ``details`` stay JSON text in CSV and become objects in JSON. CSV is
  UTF-8 with a byte-order mark so that spreadsheet programs read the Chinese text correctly; a
  cell that would start a formula (``=``, ``+``, ``-``, ``@``, tab, CR) gets a leading ``'``
  (projections/csv_cells.py; docs/operations.md "Exports: CSV cells").
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any, Literal
from uuid import UUID

import orjson
from pydantic import BaseModel

from domain.application import EnforcementCases
from domain.calendar import legal_date
from domain.case import EnforcementCase
from domain.errors import UnknownCase
from domain.private import open_private, private_dir
from domain.state import CaseState
from domain.tamper import AnchoredVerification, AnchorFinding, CaseVerification
from projections.csv_cells import csv_row
from projections.read_store import ReadModelStore
from projections.runner import CASE_FACTS, default_projections
from projections.schema import Row, Table, yuan

Format = Literal["csv", "json"]

READ_MODELS: dict[str, tuple[Table, ...]] = {
    **{p.name: p.tables for p in default_projections()}, "case_facts": (CASE_FACTS,)}
"""Every read model by name with its tables (``case_facts`` is the projections' own input)."""


def state_as_of(app: EnforcementCases, number: str, *, on: date | None = None,
                version: int | None = None) -> CaseState:
    """The case at the end of business date ``on``, or right after event ``version``."""
    if (on is None) == (version is None):
        raise ValueError("give exactly one of on= or version=")
    case: EnforcementCase | None = None
    for event in app.case_events(number):
        if (version is not None and event.originator_version > version) or \
                (on is not None and legal_date(event.recorded_at) > on):
            break
        case = EnforcementCase.project(case, event)
    if case is None:
        raise UnknownCase(f"{number} {'on ' + str(on) if on else 'at version ' + str(version)}")
    return case.state


def verify_case(app: EnforcementCases, number: str) -> CaseVerification:
    """Recompute one case's hash chain; names the first event that does not verify."""
    return app.verify(number)


class CaseHead(BaseModel):
    """A case's head in the store beside its head in the anchor log."""

    case_id: UUID
    version: int
    head: str
    anchored_version: int | None
    anchored_head: str | None
    ok: bool
    findings: list[str]
    """The codes of what is wrong (``chain.broken``, ``anchor.truncated`` …)."""


class StoreVerification(BaseModel):
    cases: int
    events: int
    ok: bool
    broken: list[CaseVerification]
    findings: list[AnchorFinding] = []
    """About the store as a whole: ``anchor.log_missing``, ``anchor.log_altered``."""
    global_head: str = ""
    """The anchor log's global head (docs/operations.md, Anchors)."""
    anchor_entries: int = 0
    heads: list[CaseHead] = []


def verify_store(app: EnforcementCases) -> StoreVerification:
    """Recompute the hash chain of every case and check the store against its anchor log:
    truncated, deleted and rolled-back cases are named (docs/operations.md, Anchors)."""
    return store_report(app.verify_anchored())


def store_report(report: AnchoredVerification) -> StoreVerification:
    """The store's verification as reported (broken cases, per-case heads, findings)."""
    results = report.cases
    broken = [v for v in results if not v.ok]
    heads = [CaseHead(case_id=v.case_id, version=v.events, head=v.head,
                      anchored_version=v.anchored_version, anchored_head=v.anchored_head,
                      ok=v.ok, findings=(["chain.broken"] if v.first_break else [])
                      + [f.code for f in v.findings]) for v in results]
    return StoreVerification(cases=len(results), events=sum(v.events for v in results),
                             ok=not broken and not any(f.breaks for f in report.findings),
                             broken=broken, findings=report.findings,
                             global_head=report.global_head,
                             anchor_entries=report.anchor_entries, heads=heads)


def _header(table: Table) -> list[str]:
    return [name[:-4] if name.endswith("_fen") else name for name in table.column_names]


def _converters(table: Table, fmt: Format) -> list[Any]:
    def money(value: Any) -> Any:
        return None if value is None else str(yuan(value))

    def details(value: Any) -> Any:
        return orjson.loads(value) if fmt == "json" and value is not None else value

    return [money if name.endswith("_fen") else details if name in ("details", "facts")
            else None for name in table.column_names]


def _rows(store: ReadModelStore, table: Table, fmt: Format) -> Iterator[list[Any]]:
    convert = _converters(table, fmt)
    order = ", ".join(table.key)
    row: Row
    for row in store.stream(f"SELECT {', '.join(table.column_names)} FROM {table.name} "
                            f"ORDER BY {order}"):
        yield [f(v) if f else v for f, v in zip(convert, row, strict=True)]


def export_table(store: ReadModelStore, table: Table, path: Path, fmt: Format) -> int:
    """Write one table; the number of rows written."""
    count, header = 0, _header(table)
    if fmt == "csv":
        with open_private(path, "w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(header)
            for values in _rows(store, table, fmt):
                writer.writerow(csv_row(values))
                count += 1
        return count
    with open_private(path, "wb") as out:
        out.write(b"[")
        for values in _rows(store, table, fmt):
            out.write((b",\n" if count else b"\n") + orjson.dumps(dict(zip(header, values,
                                                                         strict=True))))
            count += 1
        out.write(b"\n]\n")
    return count


def export_read_model(store: ReadModelStore, name: str, directory: Path | str,
                      fmt: Format = "csv") -> dict[Path, int]:
    """Every table of read model ``name`` as ``<directory>/<table>.<fmt>``; rows per file."""
    if name not in READ_MODELS:
        raise ValueError(f"no read model {name!r}; choose from {sorted(READ_MODELS)}")
    target = private_dir(Path(directory))
    return {target / f"{t.name}.{fmt}": export_table(store, t, target / f"{t.name}.{fmt}", fmt)
            for t in READ_MODELS[name]}


def export_all(store: ReadModelStore, directory: Path | str, fmt: Format = "csv"
               ) -> dict[Path, int]:
    """Every read model for auditors (all but the internal case facts)."""
    written: dict[Path, int] = {}
    for name in READ_MODELS:
        if name != "case_facts":
            written.update(export_read_model(store, name, directory, fmt))
    return written
