"""Charts for QA's statistics, drawn on the server as inline SVG: no script, no image requests.

Each chart is 320 units wide and scales to its column, so it stays readable on a 375 px phone;
labels sit above their bars rather than beside them for the same reason. Colours pass 3:1
against white and every series also differs by pattern (solid, dashed, dotted), so colour is
never the only difference. Each chart is an image with a title and a text summary for screen
readers; the table beside it holds the same numbers.
"""

from collections.abc import Sequence
from itertools import count

from markupsafe import Markup, escape

WIDTH = 320
_COLOURS = ("#1d70b8", "#00703c", "#505a5f")
_DASHES = ("", "6 4", "2 3")
_ROW = 46
_LEGEND_LINE = 22
_ids = count(1)

Values = Sequence[tuple[str, Sequence[int | str]]]


def _number(value: int | str) -> int:
    return value if isinstance(value, int) else 0


def _summary(columns: Sequence[str], rows: Values) -> str:
    parts = []
    for label, values in rows:
        if len(columns) == 1:
            parts.append(f"{label}: {values[0]}")
        else:
            each = ", ".join(
                f"{column} {value}" for column, value in zip(columns, values, strict=True)
            )
            parts.append(f"{label}: {each}")  # fmt: skip
    return "; ".join(parts) + "." if parts else "Nothing to show for this period."


def _open(title: str, summary: str, height: int) -> tuple[str, list[str]]:
    chart_id = f"chart-{next(_ids)}"
    return chart_id, [
        f'<svg class="app-chart" width="100%" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(summary)}</desc>',
    ]


def _legend_height(columns: Sequence[str]) -> int:
    return _LEGEND_LINE * len(columns) + 6 if len(columns) > 1 else 0


def _legend(columns: Sequence[str]) -> list[str]:
    """One line a series, each with its colour and pattern, one under another."""
    parts = []
    for n, column in enumerate(columns):
        y = _LEGEND_LINE * n + 12
        parts.append(
            f'<line x1="0" y1="{y}" x2="28" y2="{y}" stroke="{_COLOURS[n]}" '
            f'stroke-width="6" stroke-dasharray="{_DASHES[n]}"/>'
            f'<text x="36" y="{y + 5}" font-size="14">{escape(column)}</text>'
        )
    return parts


def bar_chart(title: str, columns: Sequence[str], rows: Values) -> Markup:
    """Horizontal bars, one a row; with several columns each bar is split, one part a column."""
    legend = _legend_height(columns)
    height = max(legend + _ROW * len(rows), 30)
    _, parts = _open(title, _summary(columns, rows), height)
    if len(columns) > 1:
        parts += _legend(columns)
    largest = max((sum(_number(v) for v in values) for _, values in rows), default=0) or 1
    room = WIDTH - 90
    for n, (label, values) in enumerate(rows):
        top = legend + n * _ROW
        parts.append(f'<text x="0" y="{top + 16}" font-size="14">{escape(label)}</text>')
        x = 0.0
        for column, value in enumerate(values):
            length = room * _number(value) / largest
            if length:
                parts.append(
                    f'<rect x="{x:.1f}" y="{top + 22}" width="{length:.1f}" height="16" '
                    f'fill="{_COLOURS[column]}" stroke="#ffffff" stroke-width="1"'
                    + (' fill-opacity="0.85"' if column else "")
                    + "/>"
                )
                if _DASHES[column]:
                    parts.append(
                        f'<line x1="{x:.1f}" y1="{top + 30}" x2="{x + length:.1f}" '
                        f'y2="{top + 30}" stroke="#ffffff" stroke-width="2" '
                        f'stroke-dasharray="{_DASHES[column]}"/>'
                    )
            x += length
        shown = " + ".join(str(value) for value in values)
        parts.append(f'<text x="{x + 6:.1f}" y="{top + 35}" font-size="14">{escape(shown)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above is escaped


def line_chart(title: str, columns: Sequence[str], rows: Values) -> Markup:
    """One line a column across the rows (months), with the rows' labels below."""
    left, bottom, top = 34, 40, _legend_height(columns) + 8
    height = top + 150 + bottom
    _, parts = _open(title, _summary(columns, rows), height)
    parts += _legend(columns)
    largest = max((_number(v) for _, values in rows for v in values), default=0)
    ceiling = max(5, -(-largest // 5) * 5)
    plot_width, plot_height = WIDTH - left - 8, height - bottom - top
    step = plot_width / max(len(rows) - 1, 1)
    for tick in range(0, ceiling + 1, ceiling // 5):
        y = top + plot_height * (1 - tick / ceiling)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{WIDTH - 8}" y2="{y:.1f}" stroke="#b1b4b6"/>'
            f'<text x="{left - 4}" y="{y + 4:.1f}" font-size="11" text-anchor="end">{tick}</text>'
        )
    every = max(1, -(-len(rows) // 6))
    for n, (label, _values) in enumerate(rows):
        if n % every == 0:
            short = label[:3] + " " + label[-2:]
            parts.append(
                f'<text x="{left + n * step:.1f}" y="{height - bottom + 18}" font-size="11" '
                f'text-anchor="middle">{escape(short)}</text>'
            )
    for column in range(len(columns)):
        heights = [_number(values[column]) / ceiling for _label, values in rows]
        points = " ".join(
            f"{left + n * step:.1f},{top + plot_height * (1 - share):.1f}"
            for n, share in enumerate(heights)
        )
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{_COLOURS[column]}" '
            f'stroke-width="3" stroke-dasharray="{_DASHES[column]}"/>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above is escaped
