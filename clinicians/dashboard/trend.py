"""The clinician's 7-day DDS trend: its days, its markers (treatment and corticosteroid
changes) and its words, in the reader's language, for the patient page and the summary."""

from __future__ import annotations

import datetime
from fractions import Fraction
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _

import scoring
from clinicians.records.selectors import ClinicalRecords
from diary.charts.trend import Marker, Trend, TrendDay, dds_trend


def fmt(value: Fraction | None) -> str:
    """A DDS for display: three decimals, truncated, never rounded across a threshold."""
    return "" if value is None else str(scoring.round_score(value))


def trend_days(review_or_summary: Any, series: list[Any]) -> list[TrendDay]:
    stored = review_or_summary.days.days
    result = []
    for dds in series:
        day = stored.get(dds.date)
        filled = 0.0
        if day is not None and day.scores:
            # Only drawn (an opacity): a float, as the chart used it, without a Fraction a day.
            filled = sum(1 for s in day.scores.values() if s is not None) / len(day.scores)
        result.append(
            TrendDay(
                dds.date,
                dds.score.value,
                dds.instrument.control_threshold,
                dds.instrument.remission_threshold,
                filled,
            )
        )
    return result


def markers(records: ClinicalRecords) -> list[Marker]:
    """Treatment starts and regimen changes, and every corticosteroid start, change or stop."""
    result = []
    seen: set[str] = set()
    for course in records.treatments:
        words = {"drug": course.drug, "regimen": course.regimen}
        if course.drug in seen:
            text = _("Regimen change: %(drug)s, %(regimen)s") % words
        else:
            text = _("Treatment start: %(drug)s, %(regimen)s") % words
        seen.add(course.drug)
        result.append(Marker(course.start_date, "treatment", text))
    for dose in records.doses:
        drug = dose.get_drug_display()
        text = _("%(drug)s %(mg)s mg/day (%(route)s) from %(day)s") % {
            "drug": drug,
            "mg": dose.mg_per_day,
            "route": dose.get_route_display(),
            "day": date_format(dose.from_date, "SHORT_DATE_FORMAT"),
        }
        result.append(Marker(dose.from_date, "steroid", text))
        if dose.to_date is not None:
            stop = dose.to_date + datetime.timedelta(days=1)
            text = _("%(drug)s stopped after %(day)s") % {
                "drug": drug,
                "day": date_format(dose.to_date, "SHORT_DATE_FORMAT"),
            }
            result.append(Marker(stop, "steroid", text))
    return sorted(result, key=lambda m: m.day)


def trend_chart(
    days: list[TrendDay],
    marks: list[Marker],
    chart_id: str,
    *,
    width: int = 960,
    height: int = 280,
    margins: tuple[int, int] = (120, 92),
) -> Trend:
    values = [d.value for d in days if d.value is not None]
    gaps = sum(1 for d in days if d.value is None)
    words = {
        "first": date_format(days[0].day, "SHORT_DATE_FORMAT"),
        "last": date_format(days[-1].day, "SHORT_DATE_FORMAT"),
        "lowest": fmt(min(values)) if values else "",
        "highest": fmt(max(values)) if values else "",
        "latest": fmt(days[-1].value) or _("not enough data"),
        "gaps": gaps,
        "control": f"{float(days[-1].control):g}",
        "remission": f"{float(days[-1].remission):g}",
    }
    if values:
        desc = _(
            "7-day DDS from %(first)s to %(last)s: lowest %(lowest)s, highest %(highest)s, "
            "latest %(latest)s. %(gaps)s days without a score are shown as gaps. Control "
            "threshold %(control)s; remission range below %(remission)s."
        )
    else:
        desc = _(
            "7-day DDS from %(first)s to %(last)s: no day with enough data. %(gaps)s days "
            "without a score are shown as gaps. Control threshold %(control)s; remission range "
            "below %(remission)s."
        )
    return dds_trend(
        days,
        marks,
        chart_id=chart_id,
        title=_("7-day DDS"),
        desc=desc % words,
        width=width,
        height=height,
        margins=margins,
    )
