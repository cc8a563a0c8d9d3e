"""Helpers shared by the decision modules."""

from __future__ import annotations

from datetime import date

from domain.errors import RuleViolation
from domain.events import AssetFound
from domain.models import AssetFinding
from domain.rules import SRC_ENGINE
from domain.state import AssetState, CaseState

from . import Pending


def asset_of(state: CaseState, asset_id: str) -> AssetState:
    """The asset with that id, or a refusal naming it."""
    try:
        return state.assets[asset_id]
    except KeyError:
        raise RuleViolation("asset.unknown", f"no asset {asset_id!r} in this case",
                            SRC_ENGINE) from None


def found(state: CaseState, findings: tuple[AssetFinding, ...], on: date,
          source: str) -> list[Pending]:
    """AssetFound events for new findings (an id already known is refused)."""
    seen: set[str] = set()
    for finding in findings:
        if finding.asset_id in state.assets or finding.asset_id in seen:
            raise RuleViolation("asset.duplicate",
                                f"asset {finding.asset_id!r} is already registered", SRC_ENGINE)
        seen.add(finding.asset_id)
    return [(AssetFound, {"asset": f, "found_on": on, "source": source}) for f in findings]


def require(condition: bool, code: str, message: str, source: str) -> None:
    """Refuse with a rule violation unless ``condition`` holds."""
    if not condition:
        raise RuleViolation(code, message, source)
