"""The FileCase command of a filing: built by one function, the same in the case workflow and
at the door (``engine/filing_check.py``), so that whatever the workflow would refuse to
build is refused before anything reaches Temporal.

Pure pydantic (workflow code imports it): a filing that cannot become a valid command raises
``InvalidInputError`` (``input.invalid``) naming the filing's own field (``basis.effective_on``,
not the command's ``enforcement_basis``) and the rule's source.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from domain import commands as c
from domain.errors import InvalidInputError
from workflows.messages import Filing

FILE_STEP = "file"
"""The step of the filing command (its command id is ``<workflow id>/file``)."""
SOURCE = "domain/commands.py FileCase; docs/workflows.md (Filing)"

_FIELDS = {"enforcement_basis": "basis", "applied_on": "applied_days_before_filing",
           "filed_on": "(business date)"}
"""The command's fields as the filing names them (the rest have the same name)."""


def basis_of(filing: Filing, filed_on: date) -> dict[str, Any]:
    """The fields of the enforcement basis (``domain.models.Basis``) with absolute dates (the
    relative form counts back from filing)."""
    b = filing.basis
    effective = b.effective_on or filed_on - timedelta(days=b.effective_days_before_filing or 0)
    deadline = b.performance_deadline or filed_on - timedelta(
        days=b.performance_days_before_filing or 0)
    return {"kind": b.kind, "document_number": b.document_number, "issued_by": b.issued_by,
            "effective_on": effective, "performance_deadline": deadline}


def filing_command(case_number: str, filing: Filing, today: date,
                   envelope: Mapping[str, Any]) -> c.FileCase:
    """The FileCase command that files ``filing`` as ``case_number`` on the business date
    ``today``; ``envelope``: command id, actor, business time and basis (``CaseContext
    .envelope``). Raises InvalidInputError naming each field of the filing at fault."""
    try:
        return c.FileCase(**envelope, category=filing.category,
                          applicants=filing.applicants, respondents=filing.respondents,
                          enforcement_basis=basis_of(filing, today), claim=filing.claim,
                          applied_on=today - timedelta(days=filing.applied_days_before_filing),
                          filed_on=today)
    except ValidationError as err:
        named = "; ".join(_named(filing, e) for e in err.errors())
        raise InvalidInputError("input.invalid", f"invalid filing of {case_number}: {named}",
                                SOURCE) from None


def _named(filing: Filing, error: ErrorDetails) -> str:
    """One error with the filing's field name."""
    if error["type"] == "dates.applied_before_effective":
        relative = filing.basis.effective_on is None
        field = "basis.effective_days_before_filing" if relative else "basis.effective_on"
        return f"{field}: the basis must have taken effect by the application date " \
               f"({error['msg']})"
    loc = [str(x) for x in error["loc"]]
    if loc:
        loc[0] = _FIELDS.get(loc[0], loc[0])
    if loc[:1] == ["basis"] and len(loc) == 2 and loc[1] in ("effective_on",
                                                            "performance_deadline"):
        relative = getattr(filing.basis, loc[1]) is None
        if relative:
            loc[1] = {"effective_on": "effective_days_before_filing",
                      "performance_deadline": "performance_days_before_filing"}[loc[1]]
    return f"{'.'.join(loc) or '(filing)'}: {error['msg']}"
