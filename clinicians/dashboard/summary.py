"""The pre-clinic summary: one page per patient of how they have done since the last visit.

``summaries`` builds the summaries of any number of patients (a clinic day prints them all) in
a fixed number of queries: clinical records (one per kind), diary days, instruments, alerts and
carer notes.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction

from django.db.models import Q
from django.utils import timezone

import scoring
from clinicians.alerts.models import Alert
from clinicians.dashboard.periods import earliest_day
from clinicians.dashboard.scores import Completeness, PatientDays, completeness, patient_days
from clinicians.records.models import Appointment
from clinicians.records.selectors import ClinicalRecords, SteroidDay, clinical_records
from diary.days import DayRules
from diary.models import Patient
from diary.selectors import DayDDS, latest_versions

RECENT_DAYS = 28
TREND_DAYS = 84
NO_VISIT_LOOKBACK = 28


@dataclass(frozen=True)
class ItemLine:
    code: str
    label: str
    mean_7: Fraction | None
    mean_28: Fraction | None
    days_3_or_4: int
    days_scored: int


@dataclass(frozen=True)
class Note:
    day: datetime.date
    text: str
    author: str


@dataclass
class Summary:
    patient: Patient
    today: datetime.date
    instrument: scoring.Instrument
    dds_7: DayDDS
    dds_28: scoring.Score
    baseline: Fraction | None
    baseline_day: datetime.date | None
    change: scoring.Change | None
    proportion_28: Fraction | None
    items: list[ItemLine]
    steroid: SteroidDay
    steroid_baseline: Fraction | None
    steroid_change_percent: Fraction | None
    steroid_response: bool | None
    since: datetime.date
    last_visit: Appointment | None
    next_visit: Appointment | None
    alerts: list[Alert]
    notes: list[Note]
    completeness_28: Completeness
    completeness_since: Completeness
    trend: list[DayDDS]
    records: ClinicalRecords
    days: PatientDays


def summaries(
    patients: list[Patient], now: datetime.datetime | None = None, language: str = "en"
) -> list[Summary]:
    """The pre-clinic summary of each of ``patients`` (with their clinics), in their order."""
    now = now or timezone.now()
    if not patients:
        return []
    ids = [p.pk for p in patients]
    today = {p.pk: DayRules.for_patient(p).offered_day(now) for p in patients}
    records = clinical_records(ids)
    since = {p.pk: _since(p, records[p.pk], today[p.pk], now) for p in patients}
    first = min(
        min(earliest_day(records[pid], today[pid]), since[pid], today[pid] - _days(TREND_DAYS))
        for pid in ids
    ) - _days(scoring.DDS_WINDOW_DAYS - 1)
    loaded = patient_days(patients, first, max(today.values()))
    alerts = _alerts(ids, min(since.values()))
    notes = carer_notes(ids, min(since.values()))
    result = []
    for patient in patients:
        pid = patient.pk
        result.append(
            _summary(
                patient,
                loaded[pid],
                records[pid],
                today[pid],
                since[pid],
                now,
                [a for a in alerts[pid] if _alert_since(a, since[pid])],
                [n for n in notes[pid] if n.day >= since[pid]],
                language,
            )
        )
    return result


def _summary(
    patient: Patient,
    days: PatientDays,
    records: ClinicalRecords,
    today: datetime.date,
    since: datetime.date,
    now: datetime.datetime,
    alerts: list[Alert],
    notes: list[Note],
    language: str,
) -> Summary:
    trend = days.series(today - _days(TREND_DAYS - 1), today)
    dds_7 = trend[-1]
    recent_start = today - _days(RECENT_DAYS - 1)
    baseline_day = records.baseline_day()
    baseline = _baseline_value(days, records)
    steroid = records.steroid_versus_baseline(today)
    return Summary(
        patient=patient,
        today=today,
        instrument=dds_7.instrument,
        dds_7=dds_7,
        dds_28=days.window(recent_start, today).score,
        baseline=baseline,
        baseline_day=baseline_day,
        change=scoring.change_from_baseline(baseline, dds_7.score.value),
        proportion_28=days.proportion_below(recent_start, today),
        items=_items(days, today, language),
        steroid=steroid.current,
        steroid_baseline=steroid.baseline_mg_per_kg,
        steroid_change_percent=steroid.change_percent,
        steroid_response=steroid.response,
        since=since,
        last_visit=records.last_visit(now),
        next_visit=records.next_visit(now),
        alerts=alerts,
        notes=notes,
        completeness_28=completeness(days, recent_start, today),
        completeness_since=completeness(days, since, today),
        trend=trend,
        records=records,
        days=days,
    )


def _baseline_value(days: PatientDays, records: ClinicalRecords) -> Fraction | None:
    """The pre-treatment period's score, or the 7-day DDS on the day before treatment."""
    period = records.pre_treatment_period
    if period is not None:
        return days.window(period.start, period.end).score.value
    start = records.treatment_start
    return None if start is None else days.dds_on(start - _days(1)).score.value


def _items(days: PatientDays, today: datetime.date, language: str) -> list[ItemLine]:
    """Each item's mean score over the last 7 and 28 days and its days scored 3 or 4."""
    instrument = days.governing(today - _days(RECENT_DAYS - 1), today)
    week = days.projected(instrument, today - _days(6), today)
    month = days.projected(instrument, today - _days(RECENT_DAYS - 1), today)
    lines = []
    for item in instrument.items:
        week_scores = [s for d in week.values() if (s := d.get(item.code)) is not None]
        month_scores = [s for d in month.values() if (s := d.get(item.code)) is not None]
        lines.append(
            ItemLine(
                code=item.code,
                label=item.label_in(language),
                mean_7=Fraction(sum(week_scores), len(week_scores)) if week_scores else None,
                mean_28=Fraction(sum(month_scores), len(month_scores)) if month_scores else None,
                days_3_or_4=sum(1 for s in month_scores if s >= 3),
                days_scored=len(month_scores),
            )
        )
    return lines


def _since(
    patient: Patient, records: ClinicalRecords, today: datetime.date, now: datetime.datetime
) -> datetime.date:
    """The first day "since the last visit": the visit's day, or the last 28 days without one."""
    visit = records.last_visit(now)
    if visit is None:
        return today - _days(NO_VISIT_LOOKBACK - 1)
    return min(DayRules.for_patient(patient).local_date(visit.starts_at), today)


def _alert_since(alert: Alert, since: datetime.date) -> bool:
    return alert.status != Alert.Status.RESOLVED or alert.diary_date >= since


def _alerts(ids: list[int], since: datetime.date) -> dict[int, list[Alert]]:
    """Unresolved alerts, and alerts opened for diary days since ``since``, per patient."""
    result: dict[int, list[Alert]] = defaultdict(list)
    rows = (
        Alert.objects.filter(patient_id__in=ids)
        .filter(~Q(status=Alert.Status.RESOLVED) | Q(diary_date__gte=since))
        .select_related("acknowledged_by", "resolved_by")
        .order_by("-diary_date", "-pk")
    )
    for alert in rows:
        result[alert.patient_id].append(alert)
    return result


def carer_notes(ids: list[int], since: datetime.date) -> dict[int, list[Note]]:
    """Carer notes of the entries (latest versions) from ``since`` on, newest first."""
    result: dict[int, list[Note]] = defaultdict(list)
    versions = (
        latest_versions()
        .filter(patient_id__in=ids, entry__date__gte=since)
        .exclude(notes="")
        .select_related("entry", "entered_by")
        .order_by("-entry__date")
    )
    for version in versions:
        result[version.patient_id].append(
            Note(version.entry.date, version.notes, str(version.entered_by))
        )
    return result


def _days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)
