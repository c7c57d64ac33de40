"""The clinician's heat map of item scores by day, as geometry
(``templates/charts/heat_map.svg.html``).

Cells of one kind (a row's cells of one score) are one path: a year is 2,000-3,000 cells, too
many to draw as an element each.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from diary.charts.frame import Chart, Frame, Shape, Tick, cell, x_ticks

# Item scores 0-4: a sequential scale that stays readable in greyscale.
HEAT = ("#cfe6e2", "#fbe3b5", "#f3a65a", "#d9583b", "#8f1d21")
ROW_HEIGHT = 16
LABEL_WIDTH = 120


@dataclass(frozen=True)
class HeatRow:
    label: str
    text_y: float
    shapes: list[Shape]


@dataclass(frozen=True)
class HeatMap(Chart):
    label_x: int
    rows: list[HeatRow]
    x_ticks: list[Tick]


def heat_map(
    items: Sequence[tuple[str, str]],
    days: Sequence[datetime.date],
    scores: dict[datetime.date, dict[str, int | None]],
    *,
    chart_id: str,
    title: str,
    desc: str,
    width: int = 960,
) -> HeatMap:
    """Items (rows) by days (columns), each cell coloured by the day's 0-4 score.

    A white cell is a day without an entry; a cell with a grey outline and no fill is an item
    left blank ("not assessed") on a day with an entry.
    """
    height = ROW_HEIGHT * len(items) + 24
    frame = Frame(days[0], days[-1], 1.0, width, height, LABEL_WIDTH, 92, 0, 24)
    cell_w = max(round(frame.step - (0.6 if frame.step > 4 else 0), 2), 0.5)
    # The days with an entry and their x, found once for all the rows.
    columns = [(frame.x_edge(day), found) for day in days if (found := scores.get(day)) is not None]
    rows = []
    for index, (code, label) in enumerate(items):
        y = index * ROW_HEIGHT
        cells: dict[int | None, list[str]] = {}
        for x, day_scores in columns:
            score = day_scores.get(code)
            cells.setdefault(score, []).append(cell(x, y + 1, cell_w, ROW_HEIGHT - 2))
        rows.append(
            HeatRow(
                label,
                y + 12,
                [_shape(score, d) for score, d in sorted(cells.items(), key=_blank_first)],
            )
        )
    return HeatMap(chart_id, title, desc, width, height, LABEL_WIDTH - 6, rows, x_ticks(frame))


def _blank_first(item: tuple[int | None, list[str]]) -> int:
    return -1 if item[0] is None else item[0]


def _shape(score: int | None, cells: list[str]) -> Shape:
    if score is None:
        return Shape("blank", "".join(cells))
    return Shape(f"s{int(score)}", "".join(cells), HEAT[int(score)])
