"""Server-rendered SVG charts of the 12-month trends: no JavaScript, styled by CSS classes,
readable in print, with a title and a description for screen readers (the page also shows
the numbers as a table)."""

from dataclasses import dataclass

from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from common.numbers import format_percent
from reports.selectors import MonthPoint

# Presentation attributes carry the colours too (CSS classes may restyle them on screen):
# the PDF renderer draws inline SVG from its attributes. They are not style attributes, so
# the Content-Security-Policy allows them.
COLOURS = {"bar-ok": "#0f6b36", "bar-warn": "#c98a00", "bar-bad": "#a4001a", "bar-muted": "#b8bcc4"}
LINE, GRID, BAND = "#8a0015", "#d9dbe0", "#8b8f98"
WIDTH, HEIGHT = 720, 280
LEFT, RIGHT, TOP, BOTTOM = 58, 12, 14, 36


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    description: str
    svg: str


def _x(index: int, count: int) -> float:
    step = (WIDTH - LEFT - RIGHT) / count
    return LEFT + step * index + step / 2


def _y(percent) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - float(percent) / 100)


def _frame(points: list[MonthPoint]) -> list[str]:
    parts = []
    for tick in (0, 25, 50, 75, 100):
        y = _y(tick)
        parts.append(f'<line class="chart-grid" x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
                     f'stroke="{GRID}"/>')
        parts.append(f'<text class="chart-axis" x="{LEFT - 6}" y="{y + 5:.1f}" text-anchor="end" '
                     f'font-size="17" fill="#545861">{tick}%</text>')
    for i, point in enumerate(points):
        parts.append(
            f'<text class="chart-axis" x="{_x(i, len(points)):.1f}" y="{HEIGHT - 10}" '
            f'text-anchor="middle" font-size="17" fill="#545861">{point.month:%m/%y}</text>'
        )
    return parts


def _svg(chart_id: str, title: str, description: str, parts: list[str]) -> str:
    return (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" preserveAspectRatio="xMidYMid meet">'
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(description)}</desc>'
        + "".join(parts) + "</svg>"
    )


def attendance_chart(points: list[MonthPoint], *, chart_id: str = "chart-attendance") -> Chart:
    title = _("Attendance rate by month")
    parts = _frame(points)
    for band in settings.HANDBOOK_RULES["attendance_bands"]:
        y = _y(band)
        parts.append(f'<line class="chart-band" x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
                     f'stroke="{BAND}" stroke-dasharray="4 3"/>')
    path, said = [], []
    for i, point in enumerate(points):
        rate = point.figures.attendance_rate
        if rate is None:
            continue
        x, y = _x(i, len(points)), _y(rate)
        path.append(f"{'M' if not path else 'L'}{x:.1f},{y:.1f}")
        label = f"{point.month:%m/%Y}: {format_percent(rate)}"
        said.append(label)
        parts.append(f'<circle class="chart-dot band-{point.figures.band.number}" cx="{x:.1f}" cy="{y:.1f}" r="5" '
                     f'fill="{LINE}">'
                     f"<title>{escape(label)}</title></circle>")
    if path:
        parts.insert(len(parts) - len(said), f'<path class="chart-line" d="{" ".join(path)}" fill="none" '
                                             f'stroke="{LINE}" stroke-width="2.5"/>')
    description = "; ".join(said) if said else _("No roll call was recorded in these months.")
    return Chart(chart_id, title, description, mark_safe(_svg(chart_id, title, description, parts)))


def compliance_chart(points: list[MonthPoint], *, chart_id: str = "chart-compliance") -> Chart:
    """Per month, the share of cells that met on schedule, late, missed or not yet."""
    title = _("Regular meetings by month")
    parts = _frame(points)
    step = (WIDTH - LEFT - RIGHT) / len(points)
    said = []
    for i, point in enumerate(points):
        f = point.figures
        if not f.cells_due:
            continue
        x = _x(i, len(points)) - step * 0.3
        top = 100.0
        segments = [
            ("bar-ok", f.regular_on_time, _("on schedule")), ("bar-warn", f.regular_late, _("late")),
            ("bar-bad", f.regular_missed, _("missed")), ("bar-muted", f.pending, _("not yet due")),
        ]
        words = []
        for css, count, word in segments:
            if not count:
                continue
            share = 100.0 * count / f.cells_due
            y0, y1 = _y(top), _y(top - share)
            label = f"{point.month:%m/%Y}, {word}: {count}/{f.cells_due} ({format_percent(share)})"
            parts.append(f'<rect class="{css}" fill="{COLOURS[css]}" x="{x:.1f}" y="{y0:.1f}" width="{step * 0.6:.1f}" '
                         f'height="{max(y1 - y0, 0.5):.1f}"><title>{escape(label)}</title></rect>')
            words.append(f"{word} {count}")
            top -= share
        said.append(f"{point.month:%m/%Y}: " + ", ".join(words))
    description = "; ".join(said) if said else _("No regular meeting was due in these months.")
    return Chart(chart_id, title, description, mark_safe(_svg(chart_id, title, description, parts)))
