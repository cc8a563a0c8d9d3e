"""Read-model tables and the projection base classes.

The SQL is kept portable (SQLite now, PostgreSQL later): types TEXT, INTEGER and BIGINT only;
money as BIGINT fen (分, exact and summable); dates as ISO ``YYYY-MM-DD`` text (ordered
lexicographically); flags as INTEGER 0/1; no upserts — rows of a case are deleted and written
again. Statements use ``?`` placeholders; a store for another database translates them.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

from domain.events import CaseEvent
from domain.values import CENT
from projections.facts import CaseFacts
from projections.settings import ProjectionSettings

Row = tuple[Any, ...]
Rows = dict[str, list[Row]]


@dataclass(frozen=True)
class Table:
    """A read-model table: columns (name, SQL type), primary key and indexes."""

    name: str
    columns: tuple[tuple[str, str], ...]
    key: tuple[str, ...]
    indexes: tuple[tuple[str, ...], ...] = ()
    by_case: bool = True  # its rows are derived from one case's facts (keyed by case_id)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.columns)

    def create_statement(self) -> str:
        cols = ", ".join(f"{name} {kind}" for name, kind in self.columns)
        return (f"CREATE TABLE IF NOT EXISTS {self.name} ({cols}, "
                f"PRIMARY KEY ({', '.join(self.key)}))")

    def index_statements(self) -> list[str]:
        return [f"CREATE INDEX IF NOT EXISTS {self.name}_{'_'.join(index)} "
                f"ON {self.name} ({', '.join(index)})" for index in self.indexes]


def columns(spec: str) -> tuple[tuple[str, str], ...]:
    """``"a TEXT, b INTEGER"`` → ``(("a", "TEXT"), ("b", "INTEGER"))``."""
    return tuple((part.split()[0], part.split()[1]) for part in spec.split(","))


def fen(amount: Decimal | None) -> int | None:
    """Yuan → integer fen (分)."""
    return None if amount is None else int((amount * 100).to_integral_value())


def yuan(fen_amount: int | None) -> Decimal | None:
    return None if fen_amount is None else (Decimal(fen_amount) / 100).quantize(CENT)


def iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def day_of(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


class ReadModelProjection(ABC):
    """A projection writing a ``<ReadModel>View`` made of ``tables``."""

    name: ClassVar[str]
    version: ClassVar[int] = 1  # bump when the rows change: the store then asks for a rebuild
    tables: ClassVar[tuple[Table, ...]]


class CaseProjection(ReadModelProjection):
    """Rows derived from a case's facts; written again whenever the case changes."""

    @abstractmethod
    def case_rows(self, facts: CaseFacts, settings: ProjectionSettings) -> Rows:
        """Every row of this read model for the case."""


class EventProjection(ReadModelProjection):
    """Rows appended per event (never rewritten)."""

    @abstractmethod
    def event_rows(self, position: int, event: CaseEvent, data: dict[str, Any],
                   facts: CaseFacts, day: date) -> Rows:
        """The rows this event adds (``data``: its stored JSON form; ``day``: business date)."""


CASE_TOPICS = "domain.events:"
"""Topic prefix of a case's events; any other stored topic is of another aggregate (a court's
suspense account, ``domain/suspense.py``) and never folded into a case's facts."""


class StreamProjection(ReadModelProjection):
    """Rows appended per event of an aggregate that is not a case (never rewritten): fed by the
    runner in log order, in the same transaction as the case read models."""

    @abstractmethod
    def stream_rows(self, position: int, topic: str, event: Any, data: dict[str, Any],
                    day: date) -> Rows:
        """The rows this event adds (``topic``: its stored topic; ``data``: its JSON form)."""
