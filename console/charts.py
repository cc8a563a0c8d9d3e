"""Charts drawn on the server as SVG (no script, nothing fetched at run time): bars for one
series, each bar labelled with its value."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from markupsafe import Markup, escape

WIDTH = 640
BAR = 22
GAP = 8
LABEL = 170


def bars(title: str, items: Sequence[tuple[str, Decimal | int | None]], unit: str = "",
         chart_id: str = "") -> Markup:
    """A horizontal bar chart: one bar per (label, value); None draws no bar ("—")."""
    values = [float(v) for _, v in items if v is not None]
    top = max(values, default=0.0) or 1.0
    height = 28 + len(items) * (BAR + GAP)
    span = WIDTH - LABEL - 90
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{WIDTH}" '
             f'height="{height}" viewBox="0 0 {WIDTH} {height}"'
             + (f' id="{escape(chart_id)}"' if chart_id else "") + ">",
             f"<title>{escape(title)}</title>",
             f'<text x="0" y="16" font-weight="bold">{escape(title)}</text>']
    for i, (label, value) in enumerate(items):
        y = 28 + i * (BAR + GAP)
        parts.append(f'<text x="{LABEL - 6}" y="{y + BAR * 0.7:.0f}" text-anchor="end">'
                     f"{escape(label)}</text>")
        if value is None:
            parts.append(f'<text x="{LABEL + 4}" y="{y + BAR * 0.7:.0f}">—</text>')
            continue
        width = max(1.0, span * float(value) / top)
        parts.append(f'<rect x="{LABEL}" y="{y}" width="{width:.1f}" height="{BAR}" '
                     'fill="#7a1f1f"/>')
        parts.append(f'<text x="{LABEL + width + 4:.1f}" y="{y + BAR * 0.7:.0f}">'
                     f"{escape(str(value))}{escape(unit)}</text>")
    parts.append("</svg>")
    return Markup("".join(parts))


def card(title: str, rows: Sequence[tuple[str, str]]) -> str:
    """A table of figures as a standalone SVG image (the campaign report for a weekly
    report): a title and one line per (label, value)."""
    line = 26
    height = 50 + line * len(rows)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
             f'viewBox="0 0 {WIDTH} {height}" font-family="sans-serif">',
             f'<rect width="{WIDTH}" height="{height}" fill="#fff"/>',
             f'<text x="16" y="30" font-size="18" font-weight="bold">{escape(title)}</text>']
    for i, (name, value) in enumerate(rows):
        y = 50 + line * i
        if i % 2 == 0:
            parts.append(f'<rect x="8" y="{y}" width="{WIDTH - 16}" height="{line}" '
                         'fill="#f3eee6"/>')
        parts.append(f'<text x="16" y="{y + 18}" font-size="14">{escape(name)}</text>')
        parts.append(f'<text x="{WIDTH - 16}" y="{y + 18}" font-size="14" '
                     f'text-anchor="end">{escape(value)}</text>')
    parts.append("</svg>")
    return "".join(parts)
