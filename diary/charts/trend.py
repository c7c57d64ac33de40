"""The 7-day DDS over time for the clinician: the patient page's trend and the dashboard's
sparkline, as geometry (``templates/charts/dds_trend.svg.html`` and ``sparkline.svg.html``).

The trend breaks its line wherever the 7-day DDS has no value (insufficient data), so a gap is
never bridged by a segment that suggests data that does not exist; the threshold labels sit in
the right-hand margin, outside the plot.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TypedDict

from diary.charts.frame import (
    Chart,
    Frame,
    Label,
    Number,
    Run,
    Shape,
    Tick,
    cell,
    lines,
    runs,
    spread,
    x_ticks,
    y_ticks,
)

ACCENT = "#0b6e6e"  # the completeness strip's colour, drawn at each day's opacity
# The sparkline's size, also written in ``templates/charts/sparkline.svg.html``: a dashboard
# draws 500, and a literal costs the template nothing where a variable costs a look-up.
SPARK_WIDTH, SPARK_HEIGHT = 120, 30


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
class Segment:
    """A horizontal threshold line from x1 to x2 at y; ``value`` as text."""

    css: str
    value: str
    x1: float
    x2: float
    y: float


@dataclass(frozen=True)
class Gap:
    x: float
    y: float
    width: float
    height: float
    first: datetime.date
    last: datetime.date


@dataclass(frozen=True)
class MarkerLine:
    kind: str
    text: str
    x: float
    y1: float
    y2: float
    letter_y: float


@dataclass(frozen=True)
class Trend(Chart):
    y_ticks: list[Tick]
    gaps: list[Gap]
    strip_label: tuple[float, float]  # where "entries" is written, left of the strip
    strip: list[Shape]
    thresholds: list[Segment]
    threshold_labels: list[Label]
    markers: list[MarkerLine]
    runs: list[Run]
    x_ticks: list[Tick]


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
) -> Trend:
    """The 7-day DDS over ``days`` with thresholds, gaps, completeness and markers.

    Columns of days whose 7-day DDS is insufficient are shaded grey and the line breaks there;
    a strip under the axis shows each day's completeness (darker = more items scored, empty =
    no entry). Markers are vertical lines: solid for treatment, dotted for a corticosteroid
    dose change.
    """
    highest = max([float(d.value) for d in days if d.value is not None] + [1.0])
    highest = max(highest, *(float(d.control) for d in days)) if days else highest
    y_max = 2.0 if highest <= 2 else 4.0
    frame = Frame(days[0].day, days[-1].day, y_max, width, height, *margins, bottom=38)
    ticks = [0, 0.5, 1, 1.5, 2] if y_max == 2 else [0, 1, 2, 3, 4]
    segments = _segments(frame, days, "control", "control-line")
    segments += _segments(frame, days, "remission", "remission-line")
    # Floats for drawing (``Frame.y`` takes the float anyway), each value converted once.
    found = runs([(d.day, None if d.value is None else float(d.value)) for d in days])
    return Trend(
        chart_id,
        title,
        desc,
        width,
        height,
        y_ticks=y_ticks(frame, ticks),
        gaps=_gaps(frame, days),
        strip_label=(frame.left - 5, frame.base + 11),
        strip=_completeness(frame, days),
        thresholds=segments,
        threshold_labels=_threshold_labels(frame, segments),
        markers=_markers(frame, markers),
        runs=lines([[(frame.x(day), frame.y(value)) for day, value in run] for run in found]),
        x_ticks=x_ticks(frame),
    )


def _segments(frame: Frame, days: Sequence[TrendDay], attr: str, css: str) -> list[Segment]:
    """One horizontal segment per run of days sharing the same threshold."""
    found: list[tuple[Fraction, datetime.date, datetime.date]] = []
    for d in days:
        value = getattr(d, attr)
        if found and found[-1][0] == value:
            found[-1] = (value, found[-1][1], d.day)
        else:
            found.append((value, d.day, d.day))
    return [
        Segment(
            css,
            f"{float(value):g}",
            frame.x_edge(first),
            round(frame.x_edge(last) + frame.step, 1),
            frame.y(value),
        )
        for value, first, last in found
    ]


def _threshold_labels(frame: Frame, segments: list[Segment]) -> list[Label]:
    """Each threshold's latest value, in the right-hand margin beside its line."""
    latest = [
        [s for s in segments if s.css == css][-1] for css in ("control-line", "remission-line")
    ]
    label_ys = spread([s.y for s in latest])
    return [
        Label(s.css, frame.plot_right + 4, y + 4, s.value)
        for s, y in zip(latest, label_ys, strict=True)
    ]


def _gaps(frame: Frame, days: Sequence[TrendDay]) -> list[Gap]:
    found = runs([(d.day, 1 if d.value is None else None) for d in days])
    return [
        Gap(
            frame.x_edge(run[0][0]),
            frame.top,
            round(frame.step * len(run), 1),
            round(frame.base - frame.top, 1),
            run[0][0],
            run[-1][0],
        )
        for run in found
    ]


def _completeness(frame: Frame, days: Sequence[TrendDay]) -> list[Shape]:
    """The strip under the axis: one path per shade (share of items scored)."""
    y, width = frame.base + 5, max(round(frame.step, 2), 0.5)
    cells: dict[str, list[str]] = {}
    for d in days:
        if d.filled:
            shade = f"{0.25 + 0.75 * float(d.filled):.2f}"
            cells.setdefault(shade, []).append(cell(frame.x_edge(d.day), y, width, 6))
    return [Shape("filled", "".join(d), ACCENT, shade) for shade, d in cells.items()]


def _markers(frame: Frame, markers: Sequence[Marker]) -> list[MarkerLine]:
    return [
        MarkerLine(m.kind, m.text, frame.x_edge(m.day), frame.top, frame.base, frame.top - 3)
        for m in markers
        if frame.start <= m.day <= frame.end
    ]


class Sparkline(TypedDict):
    """A dict, not a dataclass: the dashboard's template reads 500 of them."""

    label: str
    control_y: float
    remission_y: float
    runs: list[Run]


def sparkline(
    values: Sequence[Number | None],
    *,
    control: Fraction,
    remission: Fraction,
    label: str,
) -> Sparkline:
    """A small 7-day DDS line over the last days, gaps included, with both threshold lines."""
    known = [value for value in values if value is not None]
    top = max([float(v) for v in known] + [float(control) * 1.5, 1.0])
    start = datetime.date(2000, 1, 1)  # any day: a sparkline has no date axis
    end = start + datetime.timedelta(days=len(values) - 1)
    frame = Frame(start, end, 2.0 if top <= 2 else 4.0, SPARK_WIDTH, SPARK_HEIGHT, 1, 1, 2, 2)
    ys = iter(frame.ys(known))
    found: list[list[tuple[float, float]]] = []
    run: list[tuple[float, float]] | None = None
    for x, value in zip(frame.columns(), values, strict=True):
        if value is None:
            run = None
            continue
        if run is None:
            run = []
            found.append(run)
        run.append((x, next(ys)))
    return {
        "label": label,
        "control_y": frame.y(control),
        "remission_y": frame.y(remission),
        "runs": lines(found),
    }
