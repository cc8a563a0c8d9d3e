"""The filing check at the door: a filing the case workflow would refuse is refused before
anything reaches Temporal, with the same code and source as inside.

It builds the FileCase command with the function the workflow uses (``workflows/filing.py``)
and runs the aggregate's own decision for a new case on it (``domain.case.decide_new_case``:
the role may file, a 执恢 number …; an application after its period is accepted and
flagged, docs/rules.md §1.13) without saving anything. What it
cannot know at the door — whether the number is already in the record — the aggregate still
decides inside. The business date is today's in the court's zone: the workflow files a
moment later, never earlier, so the door is never stricter than the workflow.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache

from domain.calendar import COURT_ZONE, HolidayCalendar, legal_date
from domain.case import decide_new_case
from domain.commands import FileCase
from domain.decide import Context
from domain.rules import DEFAULT_RULES
from workflows.filing import FILE_STEP, filing_command
from workflows.messages import Filing, case_workflow_id


@cache
def _calendar() -> HolidayCalendar:
    """The holiday calendar the worker's store uses by default (``domain/holidays.json``)."""
    return HolidayCalendar.load()


def check_filing(case_number: str, filing: Filing, now: datetime | None = None) -> FileCase:
    """The FileCase command the workflow would run for ``filing`` (filed at ``now``, default
    the wall clock), or the refusal it would meet: ``InvalidInputError`` naming the filing's
    field, ``RuleViolationError``/``NotPermittedError`` with the rule's code and source."""
    moment = now or datetime.now(COURT_ZONE)
    today = legal_date(moment)
    envelope = {"case_number": case_number, "actor": filing.actor, "recorded_at": moment,
                "command_id": f"{case_workflow_id(case_number)}/{FILE_STEP}", "basis": None}
    command = filing_command(case_number, filing, today, envelope)
    decide_new_case(command, Context(rules=DEFAULT_RULES, calendar=_calendar(), today=today))
    return command
