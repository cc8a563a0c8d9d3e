"""CSV cells a spreadsheet will not run: formula prefixes neutralised (CSV injection).

docs/operations.md "Exports: CSV cells" is the rule. A cell whose text begins with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return is read by Excel, LibreOffice and Google Sheets as a
formula (``=HYPERLINK(…)``, ``=2+5``, ``@SUM(…)``, ``-2+3``); such a cell is written with a
leading apostrophe, as OWASP's CSV injection guidance advises: the spreadsheet shows the text,
and a reader of the file sees at once that it was escaped. Negative numbers are cells like any
other (``-1`` → ``'-1``): the engine's exports hold no negative amount, and a rule with one
exception is a rule someone forgets.
"""

from __future__ import annotations

from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet evaluate a cell (OWASP, "CSV Injection")."""


def csv_cell(value: Any) -> Any:
    """The value to hand ``csv.writer``: None as empty, text starting a formula prefixed with
    ``'``; other values unchanged."""
    if value is None:
        return ""
    text = str(value)  # what csv.writer would write
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return value


def csv_row(values: list[Any]) -> list[Any]:
    """Every cell of a row through :func:`csv_cell`."""
    return [csv_cell(v) for v in values]
