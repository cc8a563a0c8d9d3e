"""Output to a terminal that never obeys the record's text.

Input refuses control, format and bidirectional characters (docs/domain.md "Text fields"), but
the record may hold them: events written before the rule, imports, refusal messages quoting a
payload. Whatever the CLI prints goes through :class:`SafeConsole`, which shows each such
character as a visible escape (ESC → ``\\x1b``, U+202E → ``\\u202e``) instead of letting the
terminal clear the screen, retitle the window or reorder a line; ``--json`` output escapes them
as ``\\uXXXX`` (the same JSON value).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.console import Console, ConsoleOptions, RenderableType
from rich.segment import Segment
from rich.text import Text

from domain.text import json_printable, printable

__all__ = ["SafeConsole", "json_printable", "printable", "safe_cell"]


def safe_cell(value: Any) -> Text:
    """A table cell: the value as text, unsafe characters escaped before the table's layout."""
    return Text("" if value is None else printable(str(value)))


class SafeConsole(Console):
    """A rich console that escapes unsafe characters in everything it renders.

    Strings are escaped before they become rich text (their width is then measured right);
    every rendered segment is escaped again as a safety net (rich's own control segments —
    colours, cursor moves — are left alone: they carry no record text).
    """

    def render_str(self, text: str, **kwargs: Any) -> Text:
        """As rich's, of the text with its unsafe characters escaped."""
        return super().render_str(printable(text), **kwargs)

    def render(self, renderable: RenderableType, options: ConsoleOptions | None = None
               ) -> Iterable[Segment]:
        """As rich's, with every text segment's unsafe characters escaped."""
        for segment in super().render(renderable, options):
            if segment.control or segment.text.isprintable():
                yield segment
            else:
                yield Segment(printable(segment.text), segment.style, segment.control)
