"""Clinical measures over time for the clinician (corticosteroid dose, PGA, weight, height),
as geometry (``templates/charts/measure.svg.html``): dots joined by a line, or a step line.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from diary.charts.frame import (
    Chart,
    Frame,
    Label,
    Number,
    Tick,
    even_ticks,
    nice_max,
    x_ticks,
    y_ticks,
)

ACCENT = "#0b6e6e"
STEROID = "#8a5a00"


@dataclass(frozen=True)
class Point:
    """A value on a day; ``None`` (in a step line) means "not known from here on"."""

    day: datetime.date
    value: Number | None


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    day: datetime.date
    value: Number


@dataclass(frozen=True)
class MeasureChart(Chart):
    colour: str
    unit: str
    y_ticks: list[Tick]
    plot: tuple[float, float]  # the plot's left and right, for the reference line
    reference_y: float  # the reference line's height (when there is one)
    reference: Label | None  # its label, in the right-hand margin
    steps: list[str]  # step-line path data
    line: str  # polyline points through the dots; "" for fewer than two
    dots: list[Dot]
    x_ticks: list[Tick]


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
) -> MeasureChart:
    """Values over time: dots joined by a line, or a step line (a dose stays until changed).

    ``points`` outside ``[start, end]`` are left out, except that a step line starts with the
    value in force on ``start``. ``margins`` (left, right) default to those of the DDS trend,
    so that charts stacked under it share its time axis.
    """
    values = [float(p.value) for p in points if p.value is not None]
    if reference is not None:
        values.append(float(reference[0]))
    top = y_max or nice_max(max(values, default=1.0))
    frame = Frame(start, end, top, width, height, *margins)
    dots = [] if step else _dots(frame, points)
    return MeasureChart(
        chart_id,
        title,
        desc,
        width,
        height,
        colour=colour,
        unit=unit,
        y_ticks=y_ticks(frame, even_ticks(top)),
        plot=(frame.left, frame.plot_right),
        reference_y=0.0 if reference is None else frame.y(reference[0]),
        reference=None if reference is None else _reference_label(frame, *reference),
        steps=_step_paths(frame, points) if step else [],
        line=" ".join(f"{d.x},{d.y}" for d in dots) if len(dots) > 1 else "",
        dots=dots,
        x_ticks=x_ticks(frame),
    )


def _reference_label(frame: Frame, value: Number, text: str) -> Label:
    return Label("reference-line", frame.plot_right + 4, frame.y(value) + 4, text)


def _dots(frame: Frame, points: Sequence[Point]) -> list[Dot]:
    return [
        Dot(frame.x(p.day), frame.y(p.value), p.day, p.value)
        for p in points
        if frame.start <= p.day <= frame.end and p.value is not None
    ]


def _step_paths(frame: Frame, points: Sequence[Point]) -> list[str]:
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
    return ["".join(path) for path in paths if path]
