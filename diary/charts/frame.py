"""Days and values to SVG coordinates, shared by every chart."""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

from django.utils.formats import date_format  # type: ignore[import-untyped]

Number = Fraction | Decimal | int | float
# Threshold labels sit in the right-hand margin beside their line; two close thresholds are
# pushed apart by at least this much so that their labels never overlap.
LABEL_GAP = 11


@dataclass(frozen=True)
class Frame:
    """Maps days (one column each, oldest first) and values to SVG coordinates."""

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

    @property
    def step(self) -> float:
        return (self.width - self.left - self.right) / self.days

    @property
    def plot_right(self) -> int:
        return self.width - self.right

    @property
    def base(self) -> float:
        return self.y(0)

    def x_at(self, index: int) -> float:
        """The centre of the ``index``-th day's column."""
        return round(self.left + self.step * (index + 0.5), 1)

    def columns(self) -> list[float]:
        """The centre of every day's column, oldest first."""
        left, step = self.left, self.step
        return [round(left + step * (index + 0.5), 1) for index in range(self.days)]

    def x(self, day: datetime.date) -> float:
        return self.x_at((day - self.start).days)

    def x_edge(self, day: datetime.date) -> float:
        return round(self.left + self.step * (day - self.start).days, 1)

    def y(self, value: Number) -> float:
        return self.ys([value])[0]

    def ys(self, values: Sequence[Number]) -> list[float]:
        """``y`` of each of ``values`` in one pass (a dashboard's sparklines map 14,000)."""
        top, y_max = self.top, self.y_max
        span = self.height - top - self.bottom
        return [round(top + span * (1 - min(max(float(v), 0.0), y_max) / y_max), 1) for v in values]


@dataclass(frozen=True)
class Tick:
    """A grid line (or a tick under the axis) from (x1, y1) to (x2, y2), and its label."""

    x1: float
    x2: float
    y1: float
    y2: float
    text_x: float
    text_y: float
    label: str


class Run(NamedTuple):
    """Consecutive days with a value: a polyline, or a dot when it is a single day."""

    points: str  # "x,y x,y …", the polyline's attribute
    x: float  # the first point
    y: float
    single: bool


@dataclass(frozen=True)
class Chart:
    """What every chart's ``<svg>`` says about itself."""

    chart_id: str
    title: str
    desc: str
    width: int
    height: int


@dataclass(frozen=True)
class Shape:
    """Cells of one kind drawn as one path (``d``), with their class, fill and opacity."""

    css: str
    d: str
    fill: str = "none"
    opacity: str = "1"


@dataclass(frozen=True)
class Label:
    css: str
    x: float
    y: float
    value: str


def cell(x: float, y: float, width: float, height: float) -> str:
    """A rectangle as path data, to join with others of its kind into one path."""
    return f"M{x} {y}h{width}v{height}h-{width}z"


DayValue = tuple[datetime.date, Number]


def runs(values: Sequence[tuple[datetime.date, Number | None]]) -> list[list[DayValue]]:
    """Consecutive days with a value; a ``None`` (or a missing day) ends a run."""
    found: list[list[DayValue]] = []
    run: list[DayValue] = []
    previous: int | None = None  # the day's ordinal: cheaper to compare than dates
    for day, value in values:
        if value is None:
            previous = None
            continue
        ordinal = day.toordinal()
        if previous is None or ordinal - previous != 1:
            run = []
            found.append(run)
        run.append((day, value))
        previous = ordinal
    return found


def lines(runs_xy: Sequence[Sequence[tuple[float, float]]]) -> list[Run]:
    """The polyline (or dot) of each run of (x, y) points."""
    return [
        Run(" ".join(f"{x},{y}" for x, y in run), *run[0], len(run) == 1) for run in runs_xy if run
    ]


def y_ticks(frame: Frame, ticks: Sequence[float], fmt: str = "{:g}") -> list[Tick]:
    """Grid lines across the plot, labelled in the left margin."""
    found = []
    for tick in ticks:
        y = frame.y(tick)
        label = fmt.format(tick)
        found.append(Tick(frame.left, frame.plot_right, y, y, frame.left - 5, y + 4, label))
    return found


def x_ticks(frame: Frame) -> list[Tick]:
    """Date labels: weekly for a few weeks, monthly for longer, yearly for many years."""
    found = []
    span = frame.days
    day = frame.start
    while day <= frame.end:
        if _labelled(day, span):
            x = frame.x_edge(day)
            text = _date_label(day, span)  # formatted only for the few days that show one
            found.append(Tick(x, x, frame.base, frame.base + 4, x, frame.height - 6, text))
        day += datetime.timedelta(days=1)
    return found


def _labelled(day: datetime.date, span: int) -> bool:
    if span <= 45:
        return day.weekday() == 0
    if span <= 800:
        return day.day == 1
    return day.day == 1 and day.month in (1, 7)


def _date_label(day: datetime.date, span: int) -> str:
    """In the reader's language: "4 Dec", "Dec", "January 2027"; "12月4日", "12月", "2027年1月"."""
    if span <= 45:
        return str(date_format(day, "MONTH_DAY_FORMAT"))
    if span <= 800 and day.month != 1:
        return str(date_format(day, "M"))  # the month's short name, which Django translates
    return str(date_format(day, "YEAR_MONTH_FORMAT"))


def spread(ys: Sequence[float], gap: float = LABEL_GAP) -> list[float]:
    """Label heights for lines at ``ys`` (top first), pushed down until ``gap`` apart."""
    placed: list[float] = []
    for y in ys:
        placed.append(y if not placed else max(y, placed[-1] + gap))
    return placed


def nice_max(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × a power of ten at or above ``value``."""
    if value <= 0:
        return 1.0
    magnitude = 10.0 ** math.floor(math.log10(value))
    for multiple in (1, 2, 2.5, 5, 10):
        if value <= multiple * magnitude:
            return multiple * magnitude
    return 10 * magnitude


def even_ticks(top: float) -> list[float]:
    return [round(top * i / 4, 4) for i in range(5)]
