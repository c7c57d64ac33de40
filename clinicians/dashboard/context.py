"""What the clinician templates show, built from the report selectors: chart geometry and the
data of the rows the templates loop over.

Kept apart from the views so each view stays "check, read, render". Every chart comes with the
rows of its text alternative (a visually hidden table in the template); the markup of rows and
charts lives in the templates (``templates/clinicians/_rows/``, ``templates/charts/``).
"""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any, TypedDict

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

import scoring
from clinicians.dashboard.patient import RANGE_LABELS, EntryRow, Review
from clinicians.dashboard.rows import Row
from clinicians.dashboard.summary import Summary
from clinicians.dashboard.trend import fmt, markers, trend_chart, trend_days
from clinicians.templatetags import clinic_tags
from diary.charts.heat import heat_map
from diary.charts.measure import STEROID, MeasureChart, Point, measure_chart
from diary.charts.trend import Marker, Sparkline, sparkline
from diary.templatetags.diary_tags import status_words


class DashboardLine(TypedDict):
    """One row as ``clinicians/_rows/dashboard_row.html`` shows it: a dict of plain values,
    since a dict is the template's fastest look-up and a dashboard has 500 rows."""

    classes: str
    patient_url: str
    summary_url: str
    reference: str
    name: str
    active: bool
    disease: str
    dds: str
    status: str
    status_words: str
    short_status: str
    partial: bool
    missing: str  # the items without a score in the window, when partial
    change: str
    spark: Sparkline
    percent: int
    days: int
    total: int
    open_alerts: int
    acknowledged_alerts: int
    visit: datetime.datetime | None  # the next appointment in the clinic's time zone


def dashboard_lines(rows: list[Row]) -> list[DashboardLine]:
    urls = (_url_pattern("clinic:patient"), _url_pattern("clinic:summary"))
    return [_line(row, *urls) for row in rows]


def _line(row: Row, patient_url: str, summary_url: str) -> DashboardLine:
    patient, score, completeness = row.patient, row.score, row.completeness
    return {
        "classes": _classes(row),
        "patient_url": patient_url.format(patient.pk),
        "summary_url": summary_url.format(patient.pk),
        "reference": patient.reference,
        "name": patient.display_name,
        "active": patient.is_active,
        "disease": patient.disease,
        "dds": clinic_tags.dds(score.value),
        "status": row.status,
        "status_words": status_words(row.status),
        "short_status": clinic_tags.short_status(row.status),
        "partial": score.partial,
        "missing": ", ".join(score.missing_items),
        "change": clinic_tags.signed(row.change),
        "spark": _spark(row),
        "percent": completeness.percent,
        "days": completeness.days,
        "total": completeness.total,
        "open_alerts": row.open_alerts,
        "acknowledged_alerts": row.acknowledged_alerts,
        "visit": _visit(row),
    }


_URL_STAND_IN = 987_654_321


def _url_pattern(name: str) -> str:
    """The address of ``name`` for a patient id, as a format string (one ``reverse`` a page,
    not two a row)."""
    return reverse(name, args=[_URL_STAND_IN]).replace(str(_URL_STAND_IN), "{}")


def _visit(row: Row) -> datetime.datetime | None:
    if row.next_appointment is None:
        return None
    return row.next_appointment.astimezone(zoneinfo.ZoneInfo(row.patient.clinic.time_zone))


def _classes(row: Row) -> str:
    flags = (("attention", row.needs_attention), ("inactive", not row.patient.is_active))
    return " ".join(css for css, on in flags if on)


def _spark(row: Row) -> Sparkline:
    known = [value for value in row.spark if value is not None]
    if known:
        label = _(
            "7-day DDS over 28 days: from %(first)s to %(last)s; "
            "%(missing)s of 28 days without a score"
        ) % {
            "first": fmt(Fraction(*known[0])),
            "last": fmt(Fraction(*known[-1])),
            "missing": len(row.spark) - len(known),
        }
    else:
        label = _("7-day DDS over 28 days: no day with enough data")
    instrument = row.instrument
    return sparkline(
        [None if value is None else value[0] / value[1] for value in row.spark],
        control=instrument.control_threshold,
        remission=instrument.remission_threshold,
        label=label,
    )


def steroid_rows(review: Review) -> list[tuple[datetime.date, Fraction | None]]:
    """The steroid change points from the first recorded dose on."""
    points = review.steroid_points()
    while points and points[0][1] is None:
        points.pop(0)
    return points


def patient_context(review: Review, language: str) -> dict[str, Any]:
    """Charts and tables of the patient page."""
    marks = markers(review.records)
    return {
        "review": review,
        "ranges": RANGE_LABELS,
        **_day_charts(review, marks, language),
        "markers": [m for m in marks if review.start <= m.day <= review.today],
        "dds_table_weekly": len(review.series) > DAILY_TABLE_MAX_DAYS,
        "steroid": _steroid_chart(review),
        "steroid_points": steroid_rows(review),
        "measure_panels": _measure_panels(review),
        "latest_words": status_words(review.latest.score.status),
        "entries": entry_lines(review.entries, dict(review.heat_items(language))),
    }


def _day_charts(review: Review, marks: list[Marker], language: str) -> dict[str, Any]:
    heat_days = [
        review.heat_start + datetime.timedelta(days=i)
        for i in range((review.today - review.heat_start).days + 1)
    ]
    items = review.heat_items(language)
    heat_scores = {
        day: stored.scores
        for day, stored in review.days.days.items()
        if review.heat_start <= day <= review.today
    }
    return {
        "trend": trend_chart(trend_days(review, review.series), marks, "trend"),
        "heat_map": heat_map(
            items,
            heat_days,
            heat_scores,
            chart_id="heat",
            title=_("Item scores by day"),
            desc=_(
                "Each row is a diary item, each column a day; darker is a higher score (0-4). "
                "White columns are days without an entry. The table after the chart summarises it."
            ),
        ),
        "heat_summary": _heat_summary(items, heat_scores),
        "dds_days": dds_table(review.series),
    }


# The trend's text alternative lists every day up to three months; a longer range lists the
# DDS every seventh day back from the last, whose windows cover each day exactly once (a
# screen reader user gets 157 rows for three years, not 1,096; the CSV has every day).
DAILY_TABLE_MAX_DAYS = 92


def dds_table(series: list[Any]) -> list[Any]:
    """The days of ``series`` (oldest first) that the trend's text alternative lists."""
    if len(series) <= DAILY_TABLE_MAX_DAYS:
        return series
    return series[::-1][::7][::-1]


def _heat_summary(
    items: list[tuple[str, str]], scores: dict[datetime.date, dict[str, int | None]]
) -> list[dict[str, Any]]:
    rows = []
    for code, label in items:
        values = [s for day in scores.values() if (s := day.get(code)) is not None]
        rows.append(
            {
                "label": label,
                "scored": len(values),
                "mean": fmt(Fraction(sum(values), len(values))) if values else "",
                "severe": sum(1 for v in values if v >= 3),
            }
        )
    return rows


def _steroid_chart(review: Review) -> MeasureChart | None:
    if not review.records.doses:
        return None
    points = [Point(day, value) for day, value in review.steroid_points()]
    return measure_chart(
        points,
        review.start,
        review.today,
        chart_id="steroid",
        title=_("Corticosteroid, prednisone-equivalent mg/kg/day"),
        desc=_(
            "A step line: each dose holds until the next change. The dashed line is "
            "0.15 mg/kg/day, the steroid response criterion. Values are listed in the table below."
        ),
        unit="mg/kg/day",
        step=True,
        reference=(scoring.STEROID_RESPONSE_MG_PER_KG, "0.15"),
        colour=STEROID,
        height=140,
    )


MEASURES = {
    "pga": (gettext_lazy("PGA (0-10)"), gettext_lazy("points"), 10.0),
    "weight": (gettext_lazy("Weight (kg)"), "kg", None),
    "height": (gettext_lazy("Height (cm)"), "cm", None),
}


def _measure_panels(review: Review) -> list[tuple[str, MeasureChart | None, list[Any]]]:
    """(title, chart, points in range) for PGA, weight and height."""
    records = review.records
    panels = []
    for kind, values in (
        ("pga", [(p.date, p.score) for p in records.pgas]),
        ("weight", sorted(records.weights.items())),
        ("height", sorted(records.heights.items())),
    ):
        shown = [(day, value) for day, value in values if review.start <= day <= review.today]
        panels.append((str(MEASURES[kind][0]), _measure(review, kind, shown), shown))
    return panels


def _measure(
    review: Review, kind: str, values: list[tuple[datetime.date, Decimal]]
) -> MeasureChart | None:
    shown = [Point(day, value) for day, value in values]
    if not shown:
        return None
    title, unit, top = MEASURES[kind]
    return measure_chart(
        shown,
        review.start,
        review.today,
        chart_id=kind,
        title=str(title),
        desc=ngettext(
            "%(n)s value; listed in the table below.",
            "%(n)s values; listed in the table below.",
            len(shown),
        )
        % {"n": len(shown)},
        unit=str(unit),
        y_max=top,
        width=440,
        height=170,
        margins=(40, 16),
    )


def summary_context(summary: Summary, index: int = 0) -> dict[str, Any]:
    """The summary with its 12-week trend chart (ids unique per summary on a printed day)."""
    days = trend_days(summary, summary.trend)
    return {
        "s": summary,
        "trend": trend_chart(
            days,
            markers(summary.records),
            f"trend-{index}",
            width=760,
            height=180,
            margins=(40, 92),
        ),
        "status_words": status_words(summary.dds_7.score.status),
    }


@dataclass(frozen=True)
class EntryLine:
    """An entry of the patient page's list (``clinicians/_rows/entries.html``), its versions
    oldest first, each with its item scores in words."""

    entry: Any
    versions: list[tuple[Any, str]]  # (version, "fever 1 · rash –")

    @property
    def latest(self) -> tuple[Any, str]:
        return self.versions[-1]


def entry_lines(rows: list[EntryRow], labels: dict[str, str]) -> list[EntryLine]:
    """``labels``: each item's label in the reader's language, by code."""
    return [EntryLine(row.entry, [(v, _scores(v, labels)) for v in row.versions]) for row in rows]


def _scores(version: Any, labels: dict[str, str]) -> str:
    # Scores are 0-4 (a database constraint): digits in every language.
    return " · ".join(
        f"{labels.get(code, code)} {'–' if score is None else int(score)}"
        for code, score in version.item_scores
    )
