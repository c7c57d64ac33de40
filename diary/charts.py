"""Small inline SVG charts of the 7-day DDS, drawn on the server (no JavaScript, no requests).

A chart shows the 7-day DDS of each day as a line with dots, the control and remission
thresholds as labelled dashed lines, a gap wherever the rules give no score (not enough
entries), and a small cross on the axis for each day without an entry. Every chart carries a
title and a text description for screen readers; the caller supplies all words, already
translated, so this module knows nothing of languages.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

import scoring

WIDTH = 340
HEIGHT = 150
LEFT = 30
RIGHT = 8
TOP = 10
BOTTOM = 24


@dataclass(frozen=True)
class ChartWords:
    """Everything a chart says, in the reader's language."""

    title: str
    description: str
    control: str
    remission: str


@dataclass(frozen=True)
class _Frame:
    days: int
    y_max: int

    def x(self, index: int) -> float:
        span = WIDTH - LEFT - RIGHT
        if self.days == 1:
            return LEFT + span / 2
        return round(LEFT + span * index / (self.days - 1), 1)

    def y(self, value: Fraction | float) -> float:
        span = HEIGHT - TOP - BOTTOM
        return round(TOP + span * (1 - float(value) / self.y_max), 1)


def dds_chart(
    scores: Sequence[scoring.Score],
    instrument: scoring.Instrument,
    *,
    has_entry: Callable[[datetime.date], bool],
    axis_label: Callable[[int, datetime.date], str],
    words: ChartWords,
    chart_id: str,
) -> SafeString:
    """An SVG line chart of ``scores`` (one 7-day DDS per day, oldest first).

    ``axis_label(index, day)`` gives the text under each day ("" for none); ``has_entry`` tells
    which days to mark as missing; ``chart_id`` keeps element ids unique on a page.
    """
    values = [s.value for s in scores]
    highest = max([v for v in values if v is not None] + [instrument.control_threshold])
    frame = _Frame(len(scores), next(top for top in (1, 2, 4) if highest < top * 0.9 or top == 4))
    parts = [_grid(frame), _thresholds(frame, instrument, words)]
    parts += _line(frame, values)
    parts += _axis(frame, scores, has_entry, axis_label)
    body = "".join(str(part) for part in parts)
    head = format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-t {}-d"'
        ' xmlns="http://www.w3.org/2000/svg"><title id="{}-t">{}</title>'
        '<desc id="{}-d">{}</desc>',
        WIDTH,
        HEIGHT,
        chart_id,
        chart_id,
        chart_id,
        words.title,
        chart_id,
        words.description,
    )
    return mark_safe(f"{head}{body}</svg>")  # noqa: S308 - every part is escaped above


def _grid(frame: _Frame) -> SafeString:
    lines = []
    for tick in range(frame.y_max + 1):
        y = frame.y(tick)
        lines.append(
            format_html(
                '<line class="grid" x1="{}" x2="{}" y1="{}" y2="{}"/>'
                '<text class="tick" x="{}" y="{}">{}</text>',
                LEFT,
                WIDTH - RIGHT,
                y,
                y,
                LEFT - 6,
                y + 4,
                tick,
            )
        )
    return mark_safe("".join(lines))  # noqa: S308


def _thresholds(frame: _Frame, instrument: scoring.Instrument, words: ChartWords) -> SafeString:
    parts = []
    for css, value, label in (
        ("control", instrument.control_threshold, words.control),
        ("remission", instrument.remission_threshold, words.remission),
    ):
        y = frame.y(value)
        text = f"{label} {float(value):g}"
        parts.append(
            format_html(
                '<line class="{}" x1="{}" x2="{}" y1="{}" y2="{}"/>'
                '<text class="threshold-label" x="{}" y="{}">{}</text>',
                css,
                LEFT,
                WIDTH - RIGHT,
                y,
                y,
                WIDTH - RIGHT - 2,
                y - 3,
                text,
            )
        )
    return mark_safe("".join(parts))  # noqa: S308


def _line(frame: _Frame, values: Sequence[Fraction | None]) -> list[SafeString]:
    parts: list[SafeString] = []
    run: list[str] = []
    for index, value in [*enumerate(values), (len(values), None)]:
        if value is None:
            if len(run) > 1:
                parts.append(format_html('<polyline class="dds" points="{}"/>', " ".join(run)))
            run = []
            continue
        x, y = frame.x(index), frame.y(value)
        run.append(f"{x},{y}")
        parts.append(format_html('<circle class="dot" cx="{}" cy="{}" r="3.5"/>', x, y))
    return parts


def _axis(
    frame: _Frame,
    scores: Sequence[scoring.Score],
    has_entry: Callable[[datetime.date], bool],
    axis_label: Callable[[int, datetime.date], str],
) -> list[SafeString]:
    parts: list[SafeString] = []
    base = frame.y(0)
    for index, score in enumerate(scores):
        x = frame.x(index)
        if not has_entry(score.end):
            parts.append(
                format_html('<path class="missing" d="M{} {}l6 6m0 -6l-6 6"/>', x - 3, base - 3)
            )
        label = axis_label(index, score.end)
        if label:
            parts.append(
                format_html('<text class="day" x="{}" y="{}">{}</text>', x, HEIGHT - 6, label)
            )
    return parts
