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
