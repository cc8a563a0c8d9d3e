"""Settings the projections are built with (a change needs a rebuild of the read models).

Values docs/rules.md marks M or P are configurable here; the store records a fingerprint of the
settings it was built with and the runner refuses to continue a store built with other ones.
"""

from __future__ import annotations

import hashlib
from typing import Any

import orjson
from pydantic import BaseModel, ConfigDict, Field

from domain.calendar import HolidayCalendar
from domain.rules import DEFAULT_RULES, RuleSet

EXCLUDED_KINDS = frozenset({"suspension", "auction", "valuation", "audit"})
"""Periods not counted towards the closure deadline (审限规定 art.9, C): audit, valuation,
suspension (incl. settlement), the auction period."""


class ProjectionSettings(BaseModel):
    """Rules of the audit and deadline projections."""

    model_config = ConfigDict(frozen=True)

    rules: RuleSet = DEFAULT_RULES
    """Required network channels before 终本 and whether the applicant must be heard (M/P)."""
    calendar: HolidayCalendar = Field(default_factory=HolidayCalendar.load)
    """Working days for payout due dates and 失信 deletion (民诉法 art.85)."""
    excluded_periods: frozenset[str] = EXCLUDED_KINDS
    """Which kinds of period 法定期限内结案率 and the deadline watch leave out (M)."""
    officer_roles: tuple[str, ...] = ("officer",)
    """Roles whose first acting member is taken as the case's officer (承办人, M)."""

    def fingerprint(self) -> str:
        """Stable digest (sets serialise in hash order, so every list is sorted first)."""
        canonical = orjson.dumps(_sorted(self.model_dump(mode="json")),
                                 option=orjson.OPT_SORT_KEYS)
        return hashlib.sha256(canonical).hexdigest()[:16]


def _sorted(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _sorted(v) for k, v in value.items()}
    if isinstance(value, list):
        return sorted((_sorted(v) for v in value), key=str)
    return value


DEFAULT_SETTINGS = ProjectionSettings()
