"""An imported legacy case named where a live case was expected: it has no workflow, so a
query or an act finds none; say so instead of "never filed" (docs/legacy-format.md)."""

from __future__ import annotations


def imported_case_line(number: str) -> str | None:
    """The error line for a query or an act on an imported legacy case, or None if the event
    store holds no imported case of that number (or cannot be read: a best-effort hint)."""
    from cli.common import events

    try:
        with events() as app:
            imported = app.get_case(number).imported
    except Exception:  # no store, no such case, no key: the caller's own error stands
        return None
    if not imported:
        return None
    return (f"case.imported: case {number} is an imported legacy history: no workflow runs "
            "it and no act is recorded on it; read it with `enforce audit history` "
            "[docs/legacy-format.md § Live cases]")
