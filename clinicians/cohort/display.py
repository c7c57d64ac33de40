"""What the cohort page and its CSV show of a ``Cohort``: cells as text, groups with Figure 2.

Rounding happens only here (and in the templates): means as the patient page shows values
(DDS to 3 decimals and mg/kg/day to 4, both truncated; proportions as whole percentages), SDs
to the same places.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.utils.translation import gettext_lazy as _

import scoring
from clinicians.cohort import chart
from clinicians.cohort.plan import PERIODS
from clinicians.cohort.report import (
    Cohort,
    CohortRow,
    Group,
    Mean,
    Summary,
    weekly_dds,
    weekly_means,
)
from clinicians.exports.csv import safe_cell
from clinicians.templatetags.clinic_tags import dds, mgkg, percent, signed, signed_percent

DISEASE_GROUPS = {"CANDLE": "NNS/CANDLE", "SAVI": "SAVI", "AGS": "AGS", "OTHER": _("Other")}


def _mean(measure: str, value: Fraction | None) -> str:
    if value is None:
        return "–"
    if measure == "dds":
        return dds(value)
    if measure == "days_below_proportion":
        return percent(value)
    if measure == "pga":
        return f"{float(value):.1f}"
    return mgkg(value)


def _change(measure: str, value: Fraction | None) -> str:
    if value is None:
        return "–"
    if measure == "days_below_proportion":
        return signed_percent(value * 100)
    if measure == "pga":
        text = f"{abs(float(value)):.1f}"
        return f"+{text}" if value > 0 else (f"−{text}" if value < 0 else f"±{text}")
    if measure == "steroid_mg_per_kg":
        text = mgkg(abs(value))
        return f"+{text}" if value > 0 else (f"−{text}" if value < 0 else f"±{text}")
    return signed(value)


def _sd(measure: str, summary: Summary) -> str:
    sd = summary.sd
    if sd is None:
        return ""
    if measure == "days_below_proportion":
        return f"{sd * 100:.0f}%"
    places = {"dds": 3, "pga": 1, "steroid_mg_per_kg": 4}[measure]
    return f"{sd:.{places}f}"


@dataclass(frozen=True)
class Cell:
    n: int
    mean: str
    sd: str
    change_n: int
    change_mean: str
    change_sd: str
    carried: int
    row: CohortRow

    @property
    def percent_sd(self) -> str:
        found = self.row.percent_change
        return "" if found is None or found.sd is None else f"{found.sd:.0f}%"

    @property
    def percent_mean(self) -> str:
        found = self.row.percent_change
        return "–" if found is None else signed_percent(found.mean)


def cell(row: CohortRow) -> Cell:
    return Cell(
        n=row.observed.n,
        mean=_mean(row.measure, row.observed.mean),
        sd=_sd(row.measure, row.observed),
        change_n=row.change.n,
        change_mean=_change(row.measure, row.change.mean),
        change_sd=_sd(row.measure, row.change),
        carried=row.carried_forward,
        row=row,
    )


@dataclass(frozen=True)
class Line:
    """One measure across the periods, in the order of ``PERIODS``."""

    measure: str
    cells: list[Cell]


@dataclass(frozen=True)
class GroupView:
    group: Group
    name: Any
    lines: dict[str, Line]
    figure: chart.Figure
    weekly: list[tuple[int, Mean]]

    @property
    def weeks(self) -> list[Any]:
        return [self.group.rows[i].week for i in range(len(PERIODS))]


def group_views(report: Cohort) -> list[GroupView]:
    views = []
    for group in report.groups:
        lines: dict[str, Line] = {}
        for row in group.rows:
            lines.setdefault(row.measure, Line(row.measure, [])).cells.append(cell(row))
        series = [
            weekly_dds(visits, report.visited.days[visits.patient_id]) for visits in group.patients
        ]
        means = weekly_means(series)
        figure = chart.figure(
            series,
            [(m.mean, m.n) for m in means],
            group.control_thresholds,
            scoring.REMISSION_THRESHOLD,
        )
        weekly = [(week, m) for week, m in enumerate(means) if m.n]
        views.append(GroupView(group, DISEASE_GROUPS[group.disease], lines, figure, weekly))
    return views


# --- CSV ---------------------------------------------------------------------------------------

CSV_HEADER = [
    "disease", "measure", "period", "week", "n", "mean", "sd", "change_n", "change_mean",
    "change_sd", "carried_forward", "below_threshold", "in_remission_range",
    "percent_change_n", "percent_change_mean", "percent_change_sd", "responders",
]  # fmt: skip


def _number(value: Fraction | float | None) -> str:
    return "" if value is None else f"{float(value):.6f}"


def _count(value: int | None) -> str:
    return "" if value is None else str(value)


def csv_rows(report: Cohort) -> Iterator[list[str]]:
    """One line per disease group, measure and period; then the patients not started.

    Numbers are written as they are (a negative change is a number, not a formula)."""
    yield CSV_HEADER
    for group in report.groups:
        for row in group.rows:
            percent = row.percent_change
            yield [
                group.disease, row.measure, row.period, _count(row.week),
                str(row.observed.n), _number(row.observed.mean), _number(row.observed.sd),
                str(row.change.n), _number(row.change.mean), _number(row.change.sd),
                str(row.carried_forward), _count(row.below_threshold),
                _count(row.in_remission_range),
                "" if percent is None else str(percent.n),
                _number(None if percent is None else percent.mean),
                _number(None if percent is None else percent.sd),
                _count(row.responders),
            ]  # fmt: skip
    yield []
    yield ["disease", "not_started"]
    for group in report.groups:
        for visits in group.not_started:
            yield [group.disease, safe_cell(visits.reference)]  # free text: neutralised
