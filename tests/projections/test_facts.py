"""Case facts: every event class is accounted for, and irregular histories never raise."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from uuid import uuid5

from domain import events as ev
from domain.calendar import COURT_ZONE
from domain.ids import CASE_NAMESPACE
from domain.legacy import EVENT_TYPES
from projections.evidence import HANDLERS, IGNORED, apply
from projections.facts import FACTS, CaseFacts
from projections.settings import DEFAULT_SETTINGS
from tests.support import OFFICER

CASE = uuid5(CASE_NAMESPACE, "irregular")


def _event(cls: type[ev.CaseEvent], version: int, day: date, **fields: Any) -> ev.CaseEvent:
    return cls(originator_id=CASE, originator_version=version, command_id=f"x:{version}",
               recorded_at=datetime.combine(day, time(10), COURT_ZONE), actor=OFFICER,
               imported=True, **fields)


def test_every_event_class_is_handled_or_deliberately_ignored() -> None:
    assert set(HANDLERS) | IGNORED == set(EVENT_TYPES.values())
    assert not set(HANDLERS) & IGNORED


def test_an_irregular_imported_history_still_yields_facts() -> None:
    day = date(2018, 5, 1)
    history = [
        _event(ev.LeadVerified, 1, day, lead_id="ghost", verified_on=day, found=False,
               late=False),  # before any filing, of a lead never submitted
        _event(ev.ControlReleased, 2, day, asset_id="never-found", released_on=day,
               reason="excess"),
        _event(ev.FundsPaidOut, 3, day, amount=Decimal("10.00"), paid_on=day, late=False),
        _event(ev.TerminationRulingServed, 4, day, served_on=day),  # no ruling to serve
        _event(ev.SuspensionEnded, 5, day, ended_on=day),
        _event(ev.CaseClosed, 6, day, mode="terminated", closed_on=day, ground=None,
               reason="终本"),
    ]
    facts: CaseFacts | None = None
    for event in history:
        facts = apply(facts, event, DEFAULT_SETTINGS)
    assert facts is not None and not facts.complete
    assert facts.leads["ghost"].submitted_on is None
    assert facts.assets["never-found"].control == "released"
    assert facts.termination is not None and facts.termination.via == "closure"
    codes = [f.code for f in facts.termination.findings]
    assert "termination.filing_unknown" in codes and "termination.no_notice" in codes
    assert FACTS.validate_json(FACTS.dump_json(facts)) == facts
