"""What the clinician templates show, built from the report selectors: charts and their text.

Kept apart from the views so each view stays "check, read, render". Every chart comes with the
rows of its text alternative (a visually hidden table in the template).
"""

from __future__ import annotations

import datetime
import html
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils.formats import date_format, localize
from django.utils.safestring import SafeData, SafeString
from django.utils.timezone import template_localtime
from django.utils.translation import gettext

import scoring
from clinicians.dashboard import charts
from clinicians.dashboard.patient import RANGE_LABELS, EntryRow, Review
from clinicians.dashboard.rows import Row
from clinicians.dashboard.summary import Summary
from clinicians.records.selectors import ClinicalRecords
from clinicians.templatetags import clinic_tags
from diary.templatetags.diary_tags import status_words


@dataclass(frozen=True)
class DashboardLine:
    row: Row
    html: SafeString


def dashboard_lines(rows: list[Row]) -> list[DashboardLine]:
    urls = (_url_pattern("clinic:patient"), _url_pattern("clinic:summary"))
    return [DashboardLine(row, _row_html(row, urls)) for row in rows]


_URL_STAND_IN = 987_654_321


def _url_pattern(name: str) -> str:
    """The address of ``name`` for a patient id, as a format string (one ``reverse`` a page,
    not two a row)."""
    return reverse(name, args=[_URL_STAND_IN]).replace(str(_URL_STAND_IN), "{}")


# Every value goes through ``_h`` (``conditional_escape``, the escaping ``format_html`` does).
# The language is active.
def _row_html(row: Row, urls: tuple[str, str]) -> SafeString:
    patient, score = row.patient, row.score
    patient_url, summary_url = (_h(u.format(patient.pk)) for u in urls)
    partial = ""
    if score.partial:
        partial = (
            f' <span class="tag" title="{_h(gettext("No score in the window for"))} '
            f'{_h(", ".join(score.missing_items))}">{_h(gettext("partial"))}</span>'
        )
    if row.open_alerts:
        alerts = (
            f'<a class="badge" href="{patient_url}#alerts">{row.open_alerts} '
            f"{_h(gettext('open'))}</a>"
        )
    elif row.acknowledged_alerts:
        alerts = f'<span class="muted">{row.acknowledged_alerts} {_h(gettext("ack."))}</span>'
    else:
        alerts = _NONE
    visit = _NONE
    if row.next_appointment is not None:
        local = row.next_appointment.astimezone(zoneinfo.ZoneInfo(patient.clinic.time_zone))
        visit = (
            f'<time datetime="{_h(local.isoformat())}">'
            f"{_h(date_format(local, 'D j M, H:i'))}</time>"
        )
    classes = " ".join(
        c
        for c, on in (("attention", row.needs_attention), ("inactive", not patient.is_active))
        if on
    )
    inactive = "" if patient.is_active else f' <span class="tag">{_h(gettext("inactive"))}</span>'
    return SafeString(
        f'<tr class="{classes}"><th scope="row"><a href="{patient_url}"><span class="ref">'
        f"{_h(patient.reference)}</span> {_h(patient.display_name)}</a>{inactive}</th>"
        f"<td>{_h(patient.disease)}</td>"
        f'<td class="num"><span class="score">{_h(clinic_tags.dds(score.value))}</span> '
        f'<span class="chip chip-{_h(row.status)}" title="{_h(status_words(row.status))}">'
        f"{_h(clinic_tags.short_status(row.status))}</span>{partial}</td>"
        f'<td class="num change">{_h(clinic_tags.signed(row.change))}</td>'
        f'<td class="spark-cell">{_spark(row)}</td>'
        '<td class="num"><svg class="complete" viewBox="0 0 100 10" preserveAspectRatio="none" '
        f'aria-hidden="true"><rect class="bar" width="{row.completeness.percent}" height="10"/>'
        f"</svg> {row.completeness.days}/{row.completeness.total}</td>"
        f'<td class="num">{alerts}</td><td>{visit}</td>'
        f'<td><a class="small-link" href="{summary_url}">{_h(gettext("Summary"))}</a></td></tr>\n'
    )


def _h(value: Any) -> str:
    """``conditional_escape`` without its lazy-text wrapper: safe text as it is, anything else
    as ``html.escape(str(value))``, which is what Django's ``escape`` returns."""
    if isinstance(value, SafeData):
        return str(value)
    return html.escape(str(value))


_NONE = SafeString('<span class="muted">–</span>')


def _spark(row: Row) -> SafeString:
    known = [value for value in row.spark if value is not None]
    if known:
        label = (
            f"7-day DDS over 28 days: from {fmt(known[0])} to {fmt(known[-1])}; "
            f"{len(row.spark) - len(known)} of 28 days without a score"
        )
    else:
        label = "7-day DDS over 28 days: no day with enough data"
    instrument = row.instrument
    return charts.sparkline(
        [None if value is None else float(value) for value in row.spark],
        control=instrument.control_threshold,
        remission=instrument.remission_threshold,
        label=label,
    )


def fmt(value: Fraction | None) -> str:
    """A DDS for display: three decimals, truncated, never rounded across a threshold."""
    return "" if value is None else str(scoring.round_score(value))


def trend_days(review_or_summary: Any, series: list[Any]) -> list[charts.TrendDay]:
    stored = review_or_summary.days.days
    result = []
    for dds in series:
        day = stored.get(dds.date)
        filled = 0.0
        if day is not None and day.scores:
            # Only drawn (an opacity): a float, as the chart used it, without a Fraction a day.
            filled = sum(1 for s in day.scores.values() if s is not None) / len(day.scores)
        result.append(
            charts.TrendDay(
                dds.date,
                dds.score.value,
                dds.instrument.control_threshold,
                dds.instrument.remission_threshold,
                filled,
            )
        )
    return result


def markers(records: ClinicalRecords) -> list[charts.Marker]:
    """Treatment starts and regimen changes, and every corticosteroid start, change or stop."""
    result = []
    seen: set[str] = set()
    for course in records.treatments:
        what = "Treatment start" if course.drug not in seen else "Regimen change"
        seen.add(course.drug)
        result.append(
            charts.Marker(
                course.start_date, "treatment", f"{what}: {course.drug}, {course.regimen}"
            )
        )
    for dose in records.doses:
        result.append(
            charts.Marker(
                dose.from_date,
                "steroid",
                f"{dose.drug} {dose.mg_per_day} mg/day ({dose.get_route_display()}) "
                f"from {dose.from_date.isoformat()}",
            )
        )
        if dose.to_date is not None:
            stop = dose.to_date + datetime.timedelta(days=1)
            result.append(
                charts.Marker(stop, "steroid", f"{dose.drug} stopped after {dose.to_date}")
            )
    return sorted(result, key=lambda m: m.day)


def trend_chart(
    days: list[charts.TrendDay],
    marks: list[charts.Marker],
    chart_id: str,
    *,
    width: int = 960,
    height: int = 280,
    margins: tuple[int, int] = (120, 92),
) -> SafeString:
    values = [d.value for d in days if d.value is not None]
    gaps = sum(1 for d in days if d.value is None)
    desc = (
        f"7-day DDS from {days[0].day.isoformat()} to {days[-1].day.isoformat()}: "
        + (
            f"lowest {fmt(min(values))}, highest {fmt(max(values))}, latest "
            f"{fmt(days[-1].value) or 'not enough data'}. "
            if values
            else "no day with enough data. "
        )
        + f"{gaps} days without a score are shown as gaps. "
        + f"Control threshold {float(days[-1].control):g}, remission {float(days[-1].remission):g}."
    )
    return charts.dds_trend(
        days,
        marks,
        chart_id=chart_id,
        title="7-day DDS",
        desc=desc,
        width=width,
        height=height,
        margins=margins,
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
        "entries_html": entries_html(review.entries),
    }


def _day_charts(review: Review, marks: list[charts.Marker], language: str) -> dict[str, Any]:
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
        "heat_map": charts.heat_map(
            items,
            heat_days,
            heat_scores,
            chart_id="heat",
            title="Item scores by day",
            desc="Each row is a diary item, each column a day; darker is a higher score (0-4). "
            "White columns are days without an entry. The table after the chart summarises it.",
        ),
        "heat_summary": _heat_summary(items, heat_scores),
        "dds_rows": _dds_rows(dds_table(review.series)),
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


def _dds_rows(days: list[Any]) -> SafeString:
    """The rows of the trend's text alternative (up to 157 for three years), built here like
    the entries list rather than by a template loop."""
    return SafeString(
        "".join(
            f'<tr><th scope="row">{d.date.isoformat()}</th>'
            f"<td>{_h(clinic_tags.dds(d.score.value))}</td>"
            f"<td>{_h(status_words(d.score.status))}</td></tr>"
            for d in days
        )
    )


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


def _steroid_chart(review: Review) -> SafeString | None:
    if not review.records.doses:
        return None
    points = [charts.Point(day, value) for day, value in review.steroid_points()]
    return charts.measure_chart(
        points,
        review.start,
        review.today,
        chart_id="steroid",
        title="Corticosteroid, prednisone-equivalent mg/kg/day",
        desc="A step line: each dose holds until the next change. The dashed line is "
        "0.15 mg/kg/day, the steroid response criterion. Values are listed in the table below.",
        unit="mg/kg/day",
        step=True,
        reference=(scoring.STEROID_RESPONSE_MG_PER_KG, "0.15"),
        colour=charts.STEROID,
        height=140,
    )


MEASURES = {
    "pga": ("PGA (0-10)", "points", 10.0),
    "weight": ("Weight (kg)", "kg", None),
    "height": ("Height (cm)", "cm", None),
}


def _measure_panels(review: Review) -> list[tuple[str, SafeString | None, list[Any]]]:
    """(title, chart, points in range) for PGA, weight and height."""
    records = review.records
    panels = []
    for kind, values in (
        ("pga", [(p.date, p.score) for p in records.pgas]),
        ("weight", sorted(records.weights.items())),
        ("height", sorted(records.heights.items())),
    ):
        shown = [(day, value) for day, value in values if review.start <= day <= review.today]
        panels.append((MEASURES[kind][0], _measure(review, kind, shown), shown))
    return panels


def _measure(
    review: Review, kind: str, values: list[tuple[datetime.date, Decimal]]
) -> SafeString | None:
    shown = [charts.Point(day, value) for day, value in values]
    if not shown:
        return None
    title, unit, top = MEASURES[kind]
    return charts.measure_chart(
        shown,
        review.start,
        review.today,
        chart_id=kind,
        title=title,
        desc=f"{len(shown)} values; listed in the table below.",
        unit=unit,
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


# --- the patient page's entries -------------------------------------------------------------

# Up to 60 entries with every version: built here rather than by including a template per
# entry, which took 20 of the 3-year page's 28 ms of rendering (docs/performance.md). The
# markup is the former ``_entry.html``'s; every text is escaped by ``_h`` (as the template
# did), dates and numbers go through Django's own filters, in the active language.


def entries_html(rows: list[EntryRow]) -> SafeString:
    """The patient page's list of entries, newest first, each with all its versions."""
    words = _entry_words()
    return SafeString("".join(_entry_html(row, words) for row in rows))


def _entry_words() -> dict[str, str]:
    # The list's fixed words in the active language, escaped: looked up once per list, not per
    # version (121 versions made 700 catalogue look-ups).
    return {
        word: _h(gettext(word))
        for word in ("versions", "reason", "sleep", "Note", "by", "received", "instrument")
    }


def _entry_html(row: EntryRow, words: dict[str, str]) -> str:
    latest, count = row.latest, len(row.versions)
    temperature = f" · {_h(localize(latest.temperature_c))} °C" if latest.temperature_c else ""
    versions = f" · <b>{count} {words['versions']}</b>" if count > 1 else ""
    return (
        f'<details class="entry" id="entry-{row.entry.pk}">\n'
        f"  <summary><b>{_h(date_filter(row.entry.date, 'D j M Y'))}</b>\n"
        f'    <span class="scores-inline">{_scores(latest)}</span>\n    {temperature}\n'
        f"    · {_h(row.entry.get_timeliness_display())}\n    {versions}\n  </summary>\n"
        f'  <div class="versions">\n{"".join(_version_html(v, words) for v in row.versions)}'
        "  </div>\n</details>\n"
    )


def _version_html(v: Any, words: dict[str, str]) -> str:
    reason = (
        f' — {words["reason"]}: <span class="note-text">{_h(v.reason)}</span>' if v.reason else ""
    )
    temperature = f" · {_h(localize(v.temperature_c))} °C" if v.temperature_c else ""
    sleep = f" · {words['sleep']} {_h(localize(v.sleep_hours))} h" if v.sleep_hours else ""
    note = f'<br>{words["Note"]}: <span class="note-text">{_h(v.notes)}</span>' if v.notes else ""
    received = date_filter(template_localtime(v.received_at), "j M Y H:i")
    return (
        f'    <div class="version">\n      <b>v{v.number}</b> {words["by"]} '
        f"{_h(v.entered_by)} ({_h(v.get_entered_by_role_display())}), "
        f"{_h(v.get_source_display())}, {words['received']} {_h(received)} UTC{reason}\n"
        f'      <br><span class="scores-inline">{_scores(v)}{temperature}{sleep} · '
        f"{words['instrument']} v{v.instrument_version}</span>\n      {note}\n"
        "    </div>\n"
    )


def _scores(version: Any) -> str:
    # Scores are 0-4 (a database constraint): as Django's ``localize`` shows them, digits.
    return " · ".join(
        f"{_h(code)} {'–' if score is None else int(score)}" for code, score in version.item_scores
    )
