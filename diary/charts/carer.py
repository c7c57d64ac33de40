"""The carer's chart of the 7-day DDS (this week, the last four weeks), as geometry.

The line has a dot per day with a score and breaks wherever the rules give none (not enough
entries); a small cross on the axis marks each day without an entry. The control and remission
thresholds are dashed lines whose values sit in the right-hand margin and whose words form a
key above the plot, so no label is ever drawn through the line. The caller supplies every word,
already translated; ``templates/charts/carer_dds.svg.html`` draws it.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import scoring
from diary.charts.frame import DayValue, Frame, Run, Tick, lines, runs, spread

WIDTH = 340
HEIGHT = 168
LEFT = 28
RIGHT = 30  # the thresholds' values
TOP = 28  # the key
BOTTOM = 24  # the days
KEY_Y = 12
SWATCH = 16


@dataclass(frozen=True)
class ChartWords:
    """Everything a chart says, in the reader's language."""

    title: str
    description: str
    control: str
    remission: str


@dataclass(frozen=True)
class Threshold:
    """A threshold's dashed line, its value in the right margin and its entry in the key."""

    css: str  # "control" or "remission"
    words: str
    value: str
    x1: float
    x2: float
    y: float
    value_x: float
    value_y: float
    key_x1: float  # the key's line sample, then its words
    key_x2: float
    key_text_x: float
    key_anchor: str


@dataclass(frozen=True)
class CarerChart:
    chart_id: str
    words: ChartWords
    width: int
    height: int
    key_y: int  # the key's words; its line samples sit on key_line_y
    key_line_y: int
    grid: list[Tick]
    thresholds: list[Threshold]
    runs: list[Run]
    dots: list[tuple[float, float]]
    missing: list[tuple[float, float]]  # top-left corner of each day's cross
    days: list[tuple[float, float, str]]  # x, y, label


def dds_chart(
    scores: Sequence[scoring.Score],
    instrument: scoring.Instrument,
    *,
    has_entry: Callable[[datetime.date], bool],
    axis_label: Callable[[int, datetime.date], str],
    words: ChartWords,
    chart_id: str,
) -> CarerChart:
    """The chart of ``scores`` (one 7-day DDS per day, oldest first).

    ``axis_label(index, day)`` gives the text under each day ("" for none); ``has_entry`` tells
    which days to mark as missing; ``chart_id`` keeps element ids unique on a page.
    """
    values = [s.value for s in scores]
    highest = max([v for v in values if v is not None] + [instrument.control_threshold])
    y_max = next(top for top in (1, 2, 4) if highest < top * 0.9 or top == 4)
    frame = Frame(scores[0].end, scores[-1].end, y_max, WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM)
    found = runs([(s.end, s.value) for s in scores])
    base = frame.base
    return CarerChart(
        chart_id=chart_id,
        words=words,
        width=WIDTH,
        height=HEIGHT,
        key_y=KEY_Y,
        key_line_y=KEY_Y - 3,
        grid=[
            Tick(LEFT, frame.plot_right, frame.y(t), frame.y(t), LEFT - 6, frame.y(t) + 4, str(t))
            for t in range(y_max + 1)
        ],
        thresholds=_thresholds(frame, instrument, words),
        runs=[run for run in lines(_xy(frame, found)) if not run.single],
        dots=[xy for run in _xy(frame, found) for xy in run],
        missing=[(frame.x(s.end) - 3, base - 3) for s in scores if not has_entry(s.end)],
        days=[
            (frame.x(s.end), HEIGHT - 6, label)
            for index, s in enumerate(scores)
            if (label := axis_label(index, s.end))
        ],
    )


def _xy(frame: Frame, found: list[list[DayValue]]) -> list[list[tuple[float, float]]]:
    return [[(frame.x(day), frame.y(value)) for day, value in run] for run in found]


def _thresholds(frame: Frame, instrument: scoring.Instrument, words: ChartWords) -> list[Threshold]:
    right = frame.plot_right
    levels = [
        ("control", words.control, instrument.control_threshold),
        ("remission", words.remission, instrument.remission_threshold),
    ]
    ys = [frame.y(value) for *_, value in levels]
    # The key: control's at the left end of the plot, remission's at the right end.
    keys = [
        (LEFT, LEFT + SWATCH, LEFT + SWATCH + 4, "start"),
        (right - SWATCH, right, right - SWATCH - 4, "end"),
    ]
    return [
        Threshold(css, text, f"{float(value):g}", LEFT, right, y, right + 3, label_y + 3, *key)
        for (css, text, value), y, label_y, key in zip(levels, ys, spread(ys), keys, strict=True)
    ]
