"""The observatory's charts as inline SVG, written by hand.

A ranked bar chart or a column chart is a few rectangles and texts: a chart library (or a
JavaScript one from a CDN) would weigh more than all the charts of the page, and the page needs
no script. Colours come from the stylesheet through classes; a second series is hatched, never
told apart by colour alone, and every figure is written on the chart and in its table.

The SVG is well-formed XML, with role="img", a <title> naming the chart and a <desc> summing it
up; the data itself is read from the table that goes with it.
"""

from typing import TYPE_CHECKING

from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from grappe.web.observatory import Chart, Row

# Sizes in user units of the viewBox, which are CSS pixels where there is room: the stylesheet
# only shrinks a chart to fit a narrow screen, and its text with it.
BAR_WIDTH = 420
COLUMN_WIDTH = 560
BAR_ROW = 40  # a label line, then its bar with the value at its end
BAR_TOP = 20  # from the row's top to its bar
BAR_HEIGHT = 14
VALUE_ROOM = 72  # right of the longest bar, for its value
LEGEND_LINE = 24
LABEL_CHARS = 52  # longer labels are cut on the chart (never in the table)
COLUMN_TOP = 24  # above the highest column, for its value
COLUMN_BASE = 200  # the baseline of the columns
COLUMN_HEIGHT = 250  # with two lines of labels under the baseline
CHAR = 8  # rough width of a character of the legend, to place its second entry


def render(chart: "Chart") -> SafeString:
    rows = chart.drawn_rows
    if not any(sum(row.drawn) for row in rows):
        return _empty(chart)
    if chart.shape == "columns":
        return column_chart(chart)
    return bar_chart(chart)


def bar_chart(chart: "Chart") -> SafeString:
    """Horizontal bars, one per row, each under its label and followed by its value."""
    rows = chart.drawn_rows
    legend = _legend(chart) if len(chart.legend) > 1 else []
    top = (legend[-1][1] + LEGEND_LINE + 6) if legend else 0
    height = top + len(rows) * BAR_ROW
    largest = max(sum(row.drawn) for row in rows)
    scale = (BAR_WIDTH - VALUE_ROOM) / largest
    parts = [_open(chart, BAR_WIDTH, height, summary=_bars_summary(chart))]
    if legend:
        parts.append(_hatch(chart))
        for segment, (x, y, name) in enumerate(legend):
            parts.append(
                f'<rect {_fill(chart, segment)} x="{x}" y="{y + 4}" width="14" height="14"/>'
            )
            parts.append(f'<text x="{x + 20}" y="{y + 16}">{escape(name)}</text>')
    for index, row in enumerate(rows):
        y = top + index * BAR_ROW
        parts.append(f'<text x="0" y="{y + 15}">{escape(_cut(row.label))}</text>')
        x = 0.0
        for segment, value in enumerate(row.drawn):
            if not value:
                continue
            width = max(value * scale, 2)
            parts.append(
                f'<rect {_fill(chart, segment)} x="{_n(x)}" y="{y + BAR_TOP}" '
                f'width="{_n(width)}" height="{BAR_HEIGHT}"/>'
            )
            x += width
        parts.append(
            f'<text class="chart-value" x="{_n(x + 6)}" y="{y + BAR_TOP + 12}">'
            f"{_number(sum(row.drawn))}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def column_chart(chart: "Chart") -> SafeString:
    """Vertical columns over time, left to right, each topped by its value."""
    rows = chart.drawn_rows
    slot = COLUMN_WIDTH / len(rows)
    width = min(40.0, slot * 0.6)
    largest = max(row.drawn[0] for row in rows)
    scale = (COLUMN_BASE - COLUMN_TOP) / largest
    parts = [_open(chart, COLUMN_WIDTH, COLUMN_HEIGHT, summary=_columns_summary(chart))]
    parts.append(
        f'<line class="chart-axis" x1="0" y1="{COLUMN_BASE}" x2="{COLUMN_WIDTH}" '
        f'y2="{COLUMN_BASE}"/>'
    )
    for index, row in enumerate(rows):
        centre = _n(slot * index + slot / 2)
        value = row.drawn[0]
        height = max(value * scale, 2) if value else 0
        if height:
            parts.append(
                f'<rect class="chart-bar" x="{_n(slot * index + (slot - width) / 2)}" '
                f'y="{_n(COLUMN_BASE - height)}" width="{_n(width)}" height="{_n(height)}"/>'
            )
        parts.append(
            f'<text class="chart-value" x="{centre}" y="{_n(COLUMN_BASE - height - 6)}" '
            f'text-anchor="middle">{_number(value)}</text>'
        )
        lines = (row.tick or row.label).split("\n")
        spans = "".join(
            f'<tspan x="{centre}" dy="{16 if n else 0}">{escape(line)}</tspan>'
            for n, line in enumerate(lines)
        )
        parts.append(
            f'<text class="chart-tick" x="{centre}" y="{COLUMN_BASE + 18}" '
            f'text-anchor="middle">{spans}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def _open(chart: "Chart", width: int, height: int, summary: str) -> str:
    ident = f"chart-{chart.slug}"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-labelledby="{ident}-title" aria-describedby="{ident}-desc">'
        f'<title id="{ident}-title">{escape(chart.title)}</title>'
        f'<desc id="{ident}-desc">{escape(summary)}</desc>'
    )


def _empty(chart: "Chart") -> SafeString:
    return mark_safe(
        _open(chart, BAR_WIDTH, 32, summary=_("No figures yet."))
        + f'<text x="0" y="20">{escape(_("No figures yet."))}</text></svg>'
    )


def _hatch(chart: "Chart") -> str:
    """The texture of the second series: diagonal lines, told apart without colour."""
    return (
        f'<defs><pattern id="chart-{chart.slug}-hatch" width="6" height="6" '
        f'patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        f'<rect class="chart-hatch-ground" width="6" height="6"/>'
        f'<line class="chart-hatch-line" x1="0" y1="0" x2="0" y2="6"/></pattern></defs>'
    )


def _fill(chart: "Chart", segment: int) -> str:
    if segment == 0:
        return 'class="chart-bar"'
    return f'class="chart-bar-alt" fill="url(#chart-{chart.slug}-hatch)"'


def _legend(chart: "Chart") -> list[tuple[int, int, str]]:
    """(x, y, name) of each entry: side by side, or one under the other when too long."""
    entries, x, y = [], 0, 0
    for name in chart.legend[:2]:
        width = 20 + len(name) * CHAR
        if x and x + width > BAR_WIDTH:
            x, y = 0, y + LEGEND_LINE
        entries.append((x, y, name))
        x += width + 24
    return entries


def _cut(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "…"


def _bars_summary(chart: "Chart") -> str:
    rows = chart.drawn_rows
    first: Row = max(rows, key=lambda row: sum(row.drawn))
    return _(
        "Bar chart of %(count)s values; the largest is %(label)s: %(value)s. The table that "
        "goes with it gives every figure."
    ) % {"count": len(rows), "label": first.label, "value": _number(sum(first.drawn))}


def _columns_summary(chart: "Chart") -> str:
    rows = chart.drawn_rows
    return _(
        "Column chart from %(first)s (%(first_value)s) to %(last)s (%(last_value)s). The "
        "table that goes with it gives every figure."
    ) % {
        "first": rows[0].label,
        "first_value": _number(rows[0].drawn[0]),
        "last": rows[-1].label,
        "last_value": _number(rows[-1].drawn[0]),
    }


def _number(value: int) -> str:
    """Grouped by thousands the way the page's language writes them (1 234 / 1,234)."""
    return str(intcomma(value))


def _n(value: float) -> str:
    """A coordinate with one decimal at most: 12, 12.5."""
    return f"{value:.1f}".removesuffix(".0")
