"""Inline SVG charts for the clinician pages, drawn on the server.

They print, they need no JavaScript, and each is an ``role="img"`` with a ``<title>`` and
``<desc>``; the page puts a visually hidden data table next to each as its text alternative.
Colours are presentation attributes (not only CSS) so that a printed page or a PDF looks the
same as the screen. Every text that reaches the SVG goes through ``format_html``; the per-day
cells (heat map, completeness strip), made of numbers and this module's colours only, are
plain f-strings, since a year of them is thousands of elements.

The DDS trend breaks its line wherever the 7-day DDS has no value (insufficient data), so a gap
is never bridged by a straight segment that suggests data that does not exist.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import cached_property, lru_cache

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

INK = "#1d2430"
MUTED = "#5b6575"
GRID = "#e6e9ee"
ACCENT = "#0b6e6e"
CONTROL = "#a4262c"
REMISSION = "#1e6b34"
GAP = "#eef0f3"
MARKER = "#6b3fa0"
STEROID = "#8a5a00"
# Item scores 0-4 in the heat map: a sequential scale that stays readable in greyscale.
HEAT = ("#cfe6e2", "#fbe3b5", "#f3a65a", "#d9583b", "#8f1d21")

Number = Fraction | Decimal | int | float


@dataclass(frozen=True)
class TrendDay:
    """One day of the DDS trend."""

    day: datetime.date
    value: Fraction | None  # the 7-day DDS, None when insufficient
    control: Fraction
    remission: Fraction
    filled: float  # share of the day's items scored: 0 without an entry (drawn only)


@dataclass(frozen=True)
class Marker:
    """A vertical mark on a date: treatment start (``kind="treatment"``) or a dose change."""

    day: datetime.date
    kind: str
    text: str


@dataclass(frozen=True)
class Point:
    """A value on a day; ``None`` (in a step line) means "not known from here on"."""

    day: datetime.date
    value: Number | None


@dataclass(frozen=True)
class Frame:
    """Maps days and values to SVG coordinates."""

    start: datetime.date
    end: datetime.date
    y_max: float
    width: int
    height: int
    left: int = 120
    right: int = 92
    top: int = 16
    bottom: int = 30

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    # Computed once: a chart maps thousands of points (a dashboard, 500 sparklines).
    @cached_property
    def step(self) -> float:
        return (self.width - self.left - self.right) / self.days

    @cached_property
    def _span(self) -> int:
        return self.height - self.top - self.bottom

    def x(self, day: datetime.date) -> float:
        """The centre of ``day``'s column."""
        return round(self.left + self.step * ((day - self.start).days + 0.5), 1)

    def x_edge(self, day: datetime.date) -> float:
        return round(self.left + self.step * (day - self.start).days, 1)

    def y(self, value: Number) -> float:
        clipped = min(max(float(value), 0.0), self.y_max)
        return round(self.top + self._span * (1 - clipped / self.y_max), 1)

    @property
    def plot_right(self) -> int:
        return self.width - self.right

    @property
    def base(self) -> float:
        return self.y(0)


def _svg(
    frame: Frame, chart_id: str, title: str, desc: str, body: str, css: str = ""
) -> SafeString:
    head = format_html(
        '<svg class="chart {}" id="{}" viewBox="0 0 {} {}" width="100%" role="img" '
        'aria-label="{}" aria-describedby="{}-d" xmlns="http://www.w3.org/2000/svg" '
        'font-family="system-ui, sans-serif"><title>{}</title><desc id="{}-d">{}</desc>',
        css,
        chart_id,
        frame.width,
        frame.height,
        title,
        chart_id,
        title,
        chart_id,
        desc,
    )
    return mark_safe(f"{head}{body}</svg>")  # noqa: S308 - head and body are escaped parts


def _y_ticks(frame: Frame, ticks: Sequence[float], fmt: str = "{:g}") -> str:
    return "".join(
        format_html(
            '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}"/>'
            '<text x="{}" y="{}" font-size="11" fill="{}" text-anchor="end">{}</text>',
            frame.left,
            frame.plot_right,
            frame.y(t),
            frame.y(t),
            GRID,
            frame.left - 5,
            frame.y(t) + 4,
            MUTED,
            fmt.format(t),
        )
        for t in ticks
    )


def _x_ticks(frame: Frame) -> str:
    """Date labels: weekly for a few weeks, monthly for longer, yearly for many years."""
    labels = []
    span = frame.days
    day = frame.start
    while day <= frame.end:
        # The label is formatted only for the days that show one (a few of 1,096).
        if span <= 45:
            show = day.weekday() == 0
        elif span <= 800:
            show = day.day == 1
        else:
            show = day.day == 1 and day.month in (1, 7)
        if show:
            if span <= 45:
                text = f"{day.day} {day:%b}"
            elif span <= 800 and day.month != 1:
                text = f"{day:%b}"
            else:
                text = f"{day:%b %Y}"
            x = frame.x_edge(day)
            labels.append(
                format_html(
                    '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}"/>'
                    '<text x="{}" y="{}" font-size="11" fill="{}" text-anchor="middle">{}</text>',
                    x,
                    x,
                    frame.base,
                    frame.base + 4,
                    MUTED,
                    x,
                    frame.height - 6,
                    MUTED,
                    text,
                )
            )
        day += datetime.timedelta(days=1)
    return "".join(labels)


def _runs(values: Sequence[tuple[datetime.date, Number | None]]) -> list[list[tuple]]:
    """Consecutive days with a value; a ``None`` (or a missing day) ends a run."""
    runs: list[list[tuple]] = []
    run: list[tuple] = []
    previous: int | None = None  # the day's ordinal: cheaper to compare than dates
    for day, value in values:
        if value is None:
            previous = None
            continue
        ordinal = day.toordinal()
        if previous is None or ordinal - previous != 1:
            run = []
            runs.append(run)
        run.append((day, value))
        previous = ordinal
    return runs


def _polylines(runs: list[list[tuple[float, float]]], css: str, colour: str, width: float) -> str:
    """A line per run of (x, y) points; a run of one point is a dot."""
    # Plain f-strings: every value is a number or one of this module's constants (escaped
    # once), and a dashboard draws 500 of these (format_html per point was most of its cost).
    css, colour = escape(css), escape(colour)
    parts = []
    for run in runs:
        if len(run) == 1:
            x, y = run[0]
            parts.append(
                f'<circle class="{css}" cx="{x}" cy="{y}" r="{max(width, 2)}" fill="{colour}"/>'
            )
            continue
        points = " ".join(f"{x},{y}" for x, y in run)
        parts.append(
            f'<polyline class="{css}" points="{points}" fill="none" stroke="{colour}" '
            f'stroke-width="{width}" stroke-linejoin="round" stroke-linecap="round"/>'
        )
    return "".join(parts)


def _threshold_segments(
    frame: Frame, days: Sequence[TrendDay], attr: str, css: str, colour: str, label: str
) -> str:
    """Horizontal threshold lines, one segment per run of days sharing the same threshold."""
    parts = []
    runs: list[tuple[Fraction, datetime.date, datetime.date]] = []
    for d in days:
        value = getattr(d, attr)
        # Days share their instrument's threshold object: identity first, then equality.
        if runs and (runs[-1][0] is value or runs[-1][0] == value):
            runs[-1] = (value, runs[-1][1], d.day)
        else:
            runs.append((value, d.day, d.day))
    for value, first, last in runs:
        y = frame.y(value)
        parts.append(
            format_html(
                '<line class="{}" data-value="{}" x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" '
                'stroke-width="1.3" stroke-dasharray="{}"/>',
                css,
                f"{float(value):g}",
                frame.x_edge(first),
                frame.x_edge(last) + frame.step,
                y,
                y,
                colour,
                "6 4" if css == "control-line" else "2 3",
            )
        )
    if runs:
        value = runs[-1][0]
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="11" fill="{}">{} {}</text>',
                frame.plot_right + 4,
                frame.y(value) + 4,
                colour,
                label,
                f"{float(value):g}",
            )
        )
    return "".join(parts)


def dds_trend(
    days: Sequence[TrendDay],
    markers: Sequence[Marker],
    *,
    chart_id: str,
    title: str,
    desc: str,
    width: int = 960,
    height: int = 280,
    margins: tuple[int, int] = (120, 92),
) -> SafeString:
    """The 7-day DDS over ``days`` with thresholds, gaps, completeness and markers.

    Columns of days whose 7-day DDS is insufficient are shaded grey and the line breaks there;
    a strip under the axis shows each day's completeness (darker = more items scored, empty =
    no entry). Markers are vertical lines: solid purple for treatment, dotted brown for a
    corticosteroid dose change.
    """
    highest = max([float(d.value) for d in days if d.value is not None] + [1.0])
    highest = max(highest, *(float(d.control) for d in days)) if days else highest
    y_max = 2.0 if highest <= 2 else 4.0
    frame = Frame(days[0].day, days[-1].day, y_max, width, height, *margins, bottom=38)
    ticks = [0, 0.5, 1, 1.5, 2] if frame.y_max == 2 else [0, 1, 2, 3, 4]
    parts = [_y_ticks(frame, ticks), _gaps(frame, days), _completeness(frame, days)]
    parts.append(_threshold_segments(frame, days, "control", "control-line", CONTROL, "control"))
    parts.append(
        _threshold_segments(frame, days, "remission", "remission-line", REMISSION, "remission")
    )
    parts.append(_markers(frame, markers))
    # Floats for drawing (``Frame.y`` takes the float anyway), each value converted once.
    runs = _runs([(d.day, None if d.value is None else float(d.value)) for d in days])
    points = [[(frame.x(day), frame.y(value)) for day, value in run] for run in runs]
    parts.append(_polylines(points, "dds-line", ACCENT, 2.2))
    parts.append(_x_ticks(frame))
    return _svg(frame, chart_id, title, desc, "".join(parts), "trend")


def _gaps(frame: Frame, days: Sequence[TrendDay]) -> str:
    runs = _runs([(d.day, 1 if d.value is None else None) for d in days])
    return "".join(
        format_html(
            '<rect class="gap" x="{}" y="{}" width="{}" height="{}" fill="{}">'
            "<title>{} – {}: not enough diary data for a 7-day DDS</title></rect>",
            frame.x_edge(run[0][0]),
            frame.top,
            round(frame.step * len(run), 1),
            round(frame.base - frame.top, 1),
            GAP,
            run[0][0].isoformat(),
            run[-1][0].isoformat(),
        )
        for run in runs
    )


def _completeness(frame: Frame, days: Sequence[TrendDay]) -> str:
    y = frame.base + 5
    parts = [
        format_html(
            '<text x="{}" y="{}" font-size="9" fill="{}" text-anchor="end">entries</text>',
            frame.left - 5,
            y + 6,
            MUTED,
        )
    ]
    width = max(round(frame.step, 2), 0.5)
    for d in days:
        if not d.filled:
            continue
        # Numbers and this module's colour only (one per day): no escaping needed.
        parts.append(
            f'<rect class="filled" x="{frame.x_edge(d.day)}" y="{y}" width="{width}" height="6" '
            f'fill="{ACCENT}" fill-opacity="{0.25 + 0.75 * float(d.filled):.2f}"/>'
        )
    return "".join(parts)


def _markers(frame: Frame, markers: Sequence[Marker]) -> str:
    parts = []
    for marker in markers:
        if not frame.start <= marker.day <= frame.end:
            continue
        x = frame.x_edge(marker.day)
        treatment = marker.kind == "treatment"
        parts.append(
            format_html(
                '<g class="marker marker-{}"><title>{}</title>'
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="1.5"{}/>'
                '<text x="{}" y="{}" font-size="10" font-weight="700" fill="{}" '
                'text-anchor="middle">{}</text></g>',
                marker.kind,
                marker.text,
                x,
                x,
                frame.top,
                frame.base,
                MARKER if treatment else STEROID,
                "" if treatment else mark_safe(' stroke-dasharray="3 3"'),
                x,
                frame.top - 3,
                MARKER if treatment else STEROID,
                "T" if treatment else "S",
            )
        )
    return "".join(parts)


def sparkline(
    values: Sequence[Number | None],
    *,
    control: Fraction,
    remission: Fraction,
    label: str,
    width: int = 120,
    height: int = 30,
) -> SafeString:
    """A small 7-day DDS line over the last days, gaps included, with the control line."""
    top = max([float(v) for v in values if v is not None] + [float(control) * 1.5, 1.0])
    frame = _spark_frame(len(values), width, height, 2.0 if top <= 2 else 4.0)
    control_y, remission_y = frame.y(control), frame.y(remission)
    body = (
        f'<line class="control-line" x1="0" x2="{width}" y1="{control_y}" y2="{control_y}" '
        f'stroke="{CONTROL}" stroke-dasharray="3 2" stroke-width="1"/>'
        f'<line class="remission-line" x1="0" x2="{width}" y1="{remission_y}" '
        f'y2="{remission_y}" stroke="{REMISSION}" stroke-dasharray="1 2" stroke-width="1"/>'
    )
    # Runs of consecutive values: the columns' x are the same for every sparkline of a size.
    runs: list[list[tuple[float, float]]] = []
    run: list[tuple[float, float]] | None = None
    for x, value in zip(_spark_columns(len(values), width, height), values, strict=True):
        if value is None:
            run = None
            continue
        if run is None:
            run = []
            runs.append(run)
        run.append((x, frame.y(value)))
    body += _polylines(runs, "dds-line", ACCENT, 1.6)
    label = escape(label)
    return mark_safe(  # noqa: S308 - numbers, this module's constants and the escaped label
        f'<svg class="spark" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{label}" xmlns="http://www.w3.org/2000/svg"><title>{label}'
        f"</title>{body}</svg>"
    )


# A dashboard draws 500 sparklines of the same size: their frame and column positions are
# computed once per size (a day per column, from an arbitrary first day).
_SPARK_START = datetime.date(2000, 1, 1)


@lru_cache(maxsize=32)
def _spark_frame(days: int, width: int, height: int, y_max: float) -> Frame:
    end = _SPARK_START + datetime.timedelta(days=days - 1)
    return Frame(_SPARK_START, end, y_max, width, height, 1, 1, 2, 2)


@lru_cache(maxsize=32)
def _spark_columns(days: int, width: int, height: int) -> tuple[float, ...]:
    frame = _spark_frame(days, width, height, 2.0)  # x does not depend on the scale
    return tuple(frame.x(_SPARK_START + datetime.timedelta(days=i)) for i in range(days))


def heat_map(
    items: Sequence[tuple[str, str]],
    days: Sequence[datetime.date],
    scores: dict[datetime.date, dict[str, int | None]],
    *,
    chart_id: str,
    title: str,
    desc: str,
    width: int = 960,
) -> SafeString:
    """Items (rows) by days (columns), each cell coloured by the day's 0-4 score.

    A white cell is a day without an entry; a cell with a grey outline and no fill is an item
    left blank ("not assessed") on a day with an entry.
    """
    row_height, label_width = 16, 120
    height = row_height * len(items) + 24
    frame = Frame(days[0], days[-1], 1.0, width, height, label_width, 92, 0, 24)
    parts = []
    cell_w = max(round(frame.step - (0.6 if frame.step > 4 else 0), 2), 0.5)
    # The days with an entry and their x, found once for all the rows.
    columns = [(frame.x_edge(day), found) for day in days if (found := scores.get(day)) is not None]
    for row, (code, label) in enumerate(items):
        y = row * row_height
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="11" fill="{}" text-anchor="end">{}</text>',
                label_width - 6,
                y + 12,
                INK,
                label,
            )
        )
        for x, day_scores in columns:
            score = day_scores.get(code)
            # Cells hold numbers and this module's colours only, so they need no escaping: a
            # year is 2,000-3,000 cells, and format_html's escaping was most of the page.
            if score is None:
                parts.append(
                    f'<rect class="blank" x="{x}" y="{y + 1}" width="{cell_w}" '
                    f'height="{row_height - 2}" fill="none" stroke="#c3c9d2" stroke-width="0.5"/>'
                )
                continue
            parts.append(
                f'<rect class="s{int(score)}" x="{x}" y="{y + 1}" width="{cell_w}" '
                f'height="{row_height - 2}" fill="{HEAT[score]}"/>'
            )
    parts.append(_x_ticks(frame))
    return _svg(frame, chart_id, title, desc, "".join(parts), "heat")


def measure_chart(
    points: Sequence[Point],
    start: datetime.date,
    end: datetime.date,
    *,
    chart_id: str,
    title: str,
    desc: str,
    unit: str,
    step: bool = False,
    y_max: float | None = None,
    reference: tuple[Number, str] | None = None,
    colour: str = ACCENT,
    width: int = 960,
    height: int = 150,
    margins: tuple[int, int] = (120, 92),
) -> SafeString:
    """Values over time: dots joined by a line, or a step line (a dose stays until changed).

    ``points`` outside ``[start, end]`` are left out, except that a step line starts with the
    value in force on ``start``. ``margins`` (left, right) default to those of the DDS trend,
    so that charts stacked under it share its time axis.
    """
    values = [float(p.value) for p in points if p.value is not None]
    if reference is not None:
        values.append(float(reference[0]))
    top = y_max or _nice_max(max(values, default=1.0))
    frame = Frame(start, end, top, width, height, *margins)
    ticks = _ticks(top)
    parts = [_y_ticks(frame, ticks, "{:g}")]
    if reference is not None:
        y = frame.y(reference[0])
        parts.append(
            format_html(
                '<line class="reference-line" x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" '
                'stroke-dasharray="6 4" stroke-width="1.2"/>'
                '<text x="{}" y="{}" font-size="11" fill="{}">{}</text>',
                frame.left,
                frame.plot_right,
                y,
                y,
                CONTROL,
                frame.plot_right + 4,
                y + 4,
                CONTROL,
                reference[1],
            )
        )
    if step:
        parts.append(_step_line(frame, points, colour))
    else:
        shown = [p for p in points if start <= p.day <= end and p.value is not None]
        if len(shown) > 1:
            pts = " ".join(f"{frame.x(p.day)},{frame.y(p.value)}" for p in shown)
            parts.append(
                format_html(
                    '<polyline points="{}" fill="none" stroke="{}" stroke-width="1.5"/>',
                    pts,
                    colour,
                )
            )
        parts.append(
            format_html_join(
                "",
                '<circle class="point" cx="{}" cy="{}" r="3.5" fill="{}"><title>{}: {} {}</title>'
                "</circle>",
                (
                    (frame.x(p.day), frame.y(p.value), colour, p.day.isoformat(), p.value, unit)
                    for p in shown
                ),
            )
        )
    parts.append(_x_ticks(frame))
    return _svg(frame, chart_id, title, desc, "".join(parts), "measure")


def _step_line(frame: Frame, points: Sequence[Point], colour: str) -> str:
    """A dose in force from each point's day until the next point, joined by vertical steps;
    a ``None`` value (no weight known) breaks the line."""
    in_force: Point | None = None
    for point in points:
        if point.day <= frame.start:
            in_force = point
    ordered = [p for p in points if frame.start < p.day <= frame.end]
    if in_force is not None:
        ordered.insert(0, Point(frame.start, in_force.value))
    paths: list[list[str]] = []
    for index, point in enumerate(ordered):
        if point.value is None:
            paths.append([])
            continue
        until = ordered[index + 1].day if index + 1 < len(ordered) else frame.end
        x1, y = frame.x_edge(point.day), frame.y(point.value)
        x2 = frame.x_edge(until) + (frame.step if until == frame.end else 0)
        if not paths or not paths[-1]:
            paths.append([f"M{x1} {y}"])
        else:
            paths[-1].append(f"V{y}")
        paths[-1].append(f"H{x2}")
    return "".join(
        format_html(
            '<path class="step" d="{}" stroke="{}" stroke-width="2" fill="none"/>',
            "".join(path),
            colour,
        )
        for path in paths
        if path
    )


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(value))
    for multiple in (1, 2, 2.5, 5, 10):
        if value <= multiple * magnitude:
            return multiple * magnitude
    return 10 * magnitude


def _ticks(top: float) -> list[float]:
    return [round(top * i / 4, 4) for i in range(5)]
