"""Legal period counting (民诉法 art.85) over a configurable holiday calendar (data, not code)."""

from __future__ import annotations

import calendar as _cal
import json
import os
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, ValidationError

COURT_ZONE = ZoneInfo("Asia/Shanghai")
_DEFAULT_FILE = Path(__file__).with_name("holidays.json")


def legal_date(moment: datetime) -> date:
    """The date of an instant in the court's zone (Asia/Shanghai)."""
    if moment.tzinfo is None:
        raise ValueError("business time must be timezone-aware")
    return moment.astimezone(COURT_ZONE).date()


def add_months(start: date, months: int) -> date:
    """Same day ``months`` later, clamped to the month's last day (e.g. Aug 31 + 6 → Feb 28)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, _cal.monthrange(year, month)[1]))


def add_years(start: date, years: int) -> date:
    """Same day ``years`` later (Feb 29 → Feb 28)."""
    return add_months(start, 12 * years)


HOLIDAYS_FILE_ENV = "ENFORCEMENT_HOLIDAYS_FILE"
"""A court's holiday file merged over the shipped one (docs/rules.md §1.14, "Holiday calendar")."""


class CalendarFileError(ValueError):
    """A holiday file that cannot be used; the message names the file and the field."""


class CalendarFile(BaseModel):
    """The JSON of a holiday file: the years it covers and, in them, the public holidays with
    their bridge days and the weekend days worked instead (调休)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    comment: str | None = Field(default=None, alias="_comment")
    years: list[Annotated[int, Field(ge=1949, le=2200)]] | None = None
    holidays: list[date] = Field(default_factory=list)
    working_weekends: list[date] = Field(default_factory=list)

    def problems(self) -> list[str]:
        """What is wrong beyond the types, each naming the field (``holidays.3: …``)."""
        if self.years is not None and not self.years:
            return ["years: declare at least one year the file covers"]
        years = set(self.covered())
        out = [f"holidays.{n}: {day} lies outside the years the file declares {sorted(years)}"
               for n, day in enumerate(self.holidays) if day.year not in years]
        out += [f"working_weekends.{n}: {day} lies outside the years the file declares "
                f"{sorted(years)}" for n, day in enumerate(self.working_weekends)
                if day.year not in years]
        out += [f"working_weekends.{n}: {day} is a {day.strftime('%A')}, not a weekend day"
                for n, day in enumerate(self.working_weekends) if day.weekday() < 5]
        both = set(self.holidays) & set(self.working_weekends)
        out += [f"working_weekends: {day} is also listed as a holiday" for day in sorted(both)]
        return out

    def covered(self) -> frozenset[int]:
        """The declared years, else the years of the dates listed."""
        if self.years is not None:
            return frozenset(self.years)
        return frozenset(d.year for d in (*self.holidays, *self.working_weekends))

    @classmethod
    def read(cls, path: Path, named: str = "") -> CalendarFile:
        """The file at ``path``, validated; a ``CalendarFileError`` names file and field."""
        where = named or str(path)
        try:
            raw = json.loads(path.read_text("utf-8"))
        except FileNotFoundError:
            raise CalendarFileError(f"holiday file {where}: not found") from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
            raise CalendarFileError(f"holiday file {where}: not readable JSON ({err})") from None
        try:
            parsed = cls.model_validate(raw)
        except ValidationError as err:
            detail = "; ".join(f"{'.'.join(str(x) for x in e['loc']) or 'file'}: {e['msg']}"
                               for e in err.errors())
            raise CalendarFileError(f"holiday file {where}: {detail}") from None
        problems = parsed.problems()
        if problems:
            raise CalendarFileError(f"holiday file {where}: " + "; ".join(problems))
        return parsed


class HolidayCalendar(BaseModel):
    """Public holidays and adjusted working days (调休). Loaded from JSON; courts keep it current.

    ``years``: the years the data covers; a period ending in another year is counted without
    holidays and flagged as such where it is shown (``covers``; docs/rules.md §1.14)."""

    model_config = ConfigDict(frozen=True)

    holidays: frozenset[date] = Field(default_factory=frozenset)
    working_weekends: frozenset[date] = Field(default_factory=frozenset)
    years: frozenset[int] = Field(default_factory=frozenset)

    @classmethod
    def load(cls, path: Path | None = None,
             env: Mapping[str, str] | None = None) -> HolidayCalendar:
        """Load a calendar file (default: the one shipped in ``domain/holidays.json``, with the
        court's file named by ``ENFORCEMENT_HOLIDAYS_FILE`` merged over it)."""
        calendar = cls.of(CalendarFile.read(path or _DEFAULT_FILE))
        if path is not None:
            return calendar
        extra = (os.environ if env is None else env).get(HOLIDAYS_FILE_ENV)
        if extra:
            calendar = calendar.merged(CalendarFile.read(
                Path(extra), f"{extra} ({HOLIDAYS_FILE_ENV})"))
        return calendar

    @classmethod
    def of(cls, data: CalendarFile) -> HolidayCalendar:
        return cls(holidays=frozenset(data.holidays),
                   working_weekends=frozenset(data.working_weekends), years=data.covered())

    def merged(self, data: CalendarFile) -> HolidayCalendar:
        """This calendar with ``data``'s years replaced by ``data`` (other years kept)."""
        years = data.covered()
        return HolidayCalendar(
            holidays=frozenset(d for d in self.holidays if d.year not in years)
            | frozenset(data.holidays),
            working_weekends=frozenset(d for d in self.working_weekends if d.year not in years)
            | frozenset(data.working_weekends),
            years=self.known_years | years)

    @property
    def known_years(self) -> frozenset[int]:
        """The years whose holidays are known (declared, else those of the dates listed)."""
        return self.years or frozenset(d.year for d in (*self.holidays, *self.working_weekends))

    def covers(self, day: date) -> bool:
        """Whether ``day``'s year is in the calendar: else holidays are unknown that year and a
        period ending then is counted over weekends only (flagged where shown)."""
        return day.year in self.known_years

    def is_working_day(self, day: date) -> bool:
        if day in self.working_weekends:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def period_end(self, trigger: date, days: int) -> date:
        """Last day of a period of ``days`` days (民诉法 art.85): the trigger day is not counted;
        a last day falling on a holiday moves to the next working day."""
        return self.roll_forward(trigger + timedelta(days=days))

    def roll_forward(self, day: date) -> date:
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def working_days_after(self, trigger: date, days: int) -> date:
        """The ``days``-th working day after ``trigger`` (e.g. 失信规定 art.10: 3 working days)."""
        day, left = trigger, days
        while left:
            day += timedelta(days=1)
            if self.is_working_day(day):
                left -= 1
        return day
