"""Figure 2's geometry: SVG coordinates for the template ``clinicians/cohort/_figure.html``.

Only numbers are computed here; the template writes the markup (autoescaped). A line breaks
wherever a week has no value, so a gap is never bridged by a segment that suggests data.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from clinicians.cohort.models import MAINTENANCE_WEEK

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 40, 96, 12, 30
X_TICK_WEEKS = (0, 4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 44, 48, 52)


@dataclass(frozen=True)
class Tick:
    at: float
    label: str


@dataclass(frozen=True)
class Rule:
    """A threshold line: ``kind`` is ``control`` or ``remission``."""

    y: float
    value: float
    kind: str


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    week: int
    n: int


@dataclass(frozen=True)
class Figure:
    width: int
    height: int
    left: int
    plot_right: int
    top: int
    base: float
    tick_end: float
    label_x: int
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    rules: list[Rule]
    patient_lines: list[str]
    mean_lines: list[str]
    mean_dots: list[Dot]


def _y_max(values: Sequence[float]) -> int:
    # In floats, as drawn (comparing thousands of fractions is slow): values of small
    # denominators never tie by rounding, and 0.9 × top rounds as its float does.
    highest = max(values, default=0.0)
    return next(top for top in (1, 2, 4) if highest <= top * 0.9 or top == 4)


def _x(week: int) -> float:
    return round(LEFT + (WIDTH - LEFT - RIGHT) * week / MAINTENANCE_WEEK, 1)


WEEK_X = [_x(week) for week in range(MAINTENANCE_WEEK + 1)]


def _points(
    values: Sequence[Fraction | float | None], y: Callable[[Fraction | float], float]
) -> list[str]:
    """Polyline point lists of the runs of consecutive weeks with a value."""
    runs: list[list[str]] = [[]]
    for week, value in enumerate(values):
        if value is None:
            runs.append([])
        else:
            runs[-1].append(f"{WEEK_X[week]},{y(value)}")
    return [" ".join(run) for run in runs if len(run) > 1]


def figure(
    patients: Sequence[Sequence[tuple[int, int] | None]],
    means: Sequence[tuple[Fraction | None, int]],
    control: Sequence[Fraction],
    remission: Fraction,
) -> Figure:
    """Each patient's weekly 7-day DDS (faint; stored numerator and denominator), the weekly
    mean with its n, and the thresholds."""
    lines = [[None if v is None else v[0] / v[1] for v in values] for values in patients]
    seen = [v for line in lines for v in line if v is not None]
    y_max = _y_max([*seen, *map(float, control), float(remission)])
    span = HEIGHT - TOP - BOTTOM

    def y(value: Fraction | float) -> float:
        return round(TOP + span * (1 - min(float(value), y_max) / y_max), 1)

    mean_values = [mean for mean, _ in means]
    return Figure(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        plot_right=WIDTH - RIGHT,
        top=TOP,
        base=y(0),
        tick_end=y(0) + 4,
        label_x=WIDTH - RIGHT + 4,
        x_ticks=[Tick(WEEK_X[week], str(week)) for week in X_TICK_WEEKS],
        y_ticks=[Tick(y(step / 2), f"{step / 2:g}") for step in range(0, 2 * y_max + 1)],
        rules=[Rule(y(v), float(v), "control") for v in control]
        + [Rule(y(remission), float(remission), "remission")],
        patient_lines=[line for values in lines for line in _points(values, y)],
        mean_lines=_points(mean_values, y),
        mean_dots=[
            Dot(WEEK_X[week], y(mean), week, n)
            for week, (mean, n) in enumerate(means)
            if mean is not None
        ],
    )
