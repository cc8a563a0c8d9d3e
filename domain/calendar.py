"""Legal period counting (民诉法 art.85) over a configurable holiday calendar (data, not code)."""

from __future__ import annotations

import calendar as _cal
import json
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field

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


class HolidayCalendar(BaseModel):
    """Public holidays and adjusted working days (调休). Loaded from JSON; courts keep it current."""

    model_config = ConfigDict(frozen=True)

    holidays: frozenset[date] = Field(default_factory=frozenset)
    working_weekends: frozenset[date] = Field(default_factory=frozenset)

    @classmethod
    def load(cls, path: Path | None = None) -> HolidayCalendar:
        """Load a calendar file (default: the one shipped in ``domain/holidays.json``)."""
        return cls.model_validate(json.loads((path or _DEFAULT_FILE).read_text("utf-8")))

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
