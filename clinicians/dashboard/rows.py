"""The clinic dashboard: one row per patient, the patients who need attention first.

Whatever the number of patients, the rows cost a fixed number of queries: the clinics, the
patients, their stored 7-day DDS (``DailyScore``: the day's, and the values of the last 28
days), their entry days of the last 14, their current instruments, their unresolved alerts and
their next appointments.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone

import scoring
from clinicians.alerts.models import Alert
from clinicians.dashboard.scores import Completeness
from clinicians.records.models import Appointment
from clinicians.scope import staff_clinics
from diary.access import patients_for
from diary.clinics import Clinic
from diary.days import DayRules
from diary.instruments import current_instruments
from diary.models import DiaryEntry, Patient
from diary.selectors import DayDDS, daily_dds, daily_values

SPARK_DAYS = 28
SPARK_SPAN = datetime.timedelta(days=SPARK_DAYS - 1)
COMPLETENESS_DAYS = 14
COMPLETENESS_SPAN = datetime.timedelta(days=COMPLETENESS_DAYS - 1)
CHANGE_DAYS = 7
SORTS = ("attention", "reference", "name", "dds", "change", "completeness", "alerts", "next")
STATUSES = tuple(s.value for s in scoring.Status)


@dataclass(frozen=True)
class Filters:
    disease: str = ""
    status: str = ""
    q: str = ""
    sort: str = "attention"
    descending: bool = False
    inactive: bool = False

    @classmethod
    def from_query(cls, query: Any) -> Filters:
        sort = query.get("sort", "attention")
        descending = sort.startswith("-")
        sort = sort.lstrip("-")
        return cls(
            disease=query.get("disease", "") if query.get("disease") in scoring.DISEASES else "",
            status=query.get("status", "") if query.get("status") in STATUSES else "",
            q=query.get("q", "").strip()[:60],
            sort=sort if sort in SORTS else "attention",
            descending=descending,
            inactive=query.get("inactive") == "1",
        )


@dataclass(frozen=True)
class Row:
    patient: Patient
    day: datetime.date
    score: scoring.Score
    instrument: scoring.Instrument
    change: Fraction | None
    spark: list[tuple[int, int] | None]  # the 7-day DDS on each of the last 28 days
    completeness: Completeness
    open_alerts: int
    acknowledged_alerts: int
    next_appointment: datetime.datetime | None

    @property
    def status(self) -> str:
        return self.score.status.value

    @property
    def needs_attention(self) -> bool:
        return self.open_alerts > 0 or self.score.status == scoring.Status.ACTIVE


@dataclass
class Dashboard:
    clinics: list[Clinic]
    rows: list[Row]
    filters: Filters
    counts: dict[str, int] = field(default_factory=dict)


def dashboard(user: Any, filters: Filters, now: datetime.datetime | None = None) -> Dashboard:
    """The dashboard rows of every patient of ``user``'s clinics that matches ``filters``."""
    now = now or timezone.now()
    clinics = list(staff_clinics(user))
    patients = list(_patients(user, clinics, filters))
    days = {p.pk: DayRules.for_patient(p).offered_day(now) for p in patients}
    among = Patient.objects.filter(clinic_id__in=[c.pk for c in clinics])
    rows = _rows(patients, among, days, now) if patients else []
    if filters.status:
        rows = [r for r in rows if r.status == filters.status]
    rows.sort(key=_sort_key(filters.sort), reverse=filters.descending)
    counts = {
        "patients": len(rows),
        "attention": sum(r.needs_attention for r in rows),
        "open_alerts": sum(r.open_alerts for r in rows),
    }
    return Dashboard(clinics, rows, filters, counts)


def _patients(user: Any, clinics: list[Clinic], filters: Filters) -> Any:
    patients = (
        patients_for(user)
        .filter(clinic_id__in=[c.pk for c in clinics])
        .select_related("clinic")
        .order_by("reference")
    )
    if not filters.inactive:
        patients = patients.filter(is_active=True)
    if filters.disease:
        patients = patients.filter(disease=filters.disease)
    if filters.q:
        patients = patients.filter(
            Q(reference__icontains=filters.q) | Q(identity__display_name__icontains=filters.q)
        )
    return patients


def _rows(
    patients: list[Patient],
    among: QuerySet[Patient],
    days: dict[int, datetime.date],
    now: datetime.datetime,
) -> list[Row]:
    """The rows of ``patients``; the reads take the rows of ``among`` (their clinics'
    patients) by a join, cheaper than sending 500 ids, and use those of ``patients``."""
    scored = row_scores(patients, among, days)
    alerts = _alert_counts(among)
    upcoming = dict(
        Appointment.objects.filter(patient__in=among, cancelled=False, starts_at__gte=now)
        .values("patient_id")
        .annotate(first=Min("starts_at"))
        .values_list("patient_id", "first")
        .order_by()
    )
    rows = []
    for patient in patients:
        day = days[patient.pk]
        scores = scored[patient.pk]
        rows.append(
            Row(
                patient=patient,
                day=day,
                score=scores.score,
                instrument=scores.instrument,
                change=scores.change,
                spark=scores.spark,
                completeness=scores.completeness,
                open_alerts=alerts[patient.pk].get(Alert.Status.OPEN, 0),
                acknowledged_alerts=alerts[patient.pk].get(Alert.Status.ACKNOWLEDGED, 0),
                next_appointment=upcoming.get(patient.pk),
            )
        )
    return rows


def row_scores(
    patients: list[Patient], among: QuerySet[Patient], days: dict[int, datetime.date]
) -> dict[int, _Scores]:
    """Each patient's row scores on ``days[patient.pk]``: the stored 7-day DDS of that day,
    its value on each of the last 28 days, and the days with an entry of the last 14."""
    first, last = min(days.values()), max(days.values())
    ids = [p.pk for p in patients]
    latest = daily_dds(patients, current_instruments(patients), first, last, among)
    values = daily_values(ids, first - SPARK_SPAN, last, among)
    entered = _entry_days(among, first - COMPLETENESS_SPAN, last)
    result = {}
    for pk in ids:
        offset = (days[pk] - first).days
        spark = values[pk][offset : offset + SPARK_DAYS]
        result[pk] = _row_scores(latest[pk][offset], spark, entered[pk], days[pk])
    return result


@dataclass(frozen=True)
class _Scores:
    """What a row shows that ``scoring`` computes from the patient's diary days."""

    score: scoring.Score
    instrument: scoring.Instrument
    change: Fraction | None
    spark: list[tuple[int, int] | None]
    completeness: Completeness


def _row_scores(
    today: DayDDS,
    spark: list[tuple[int, int] | None],
    entered: set[datetime.date],
    day: datetime.date,
) -> _Scores:
    now, week_ago = spark[-1], spark[-1 - CHANGE_DAYS]
    recent = sum(1 for d in entered if day - COMPLETENESS_SPAN <= d <= day)
    return _Scores(
        score=today.score,
        instrument=today.instrument,
        change=None if now is None or week_ago is None else Fraction(*now) - Fraction(*week_ago),
        spark=spark,
        completeness=Completeness(recent, COMPLETENESS_DAYS),
    )


def _entry_days(
    among: QuerySet[Patient], start: datetime.date, end: datetime.date
) -> dict[int, set[datetime.date]]:
    entered: dict[int, set[datetime.date]] = defaultdict(set)
    rows = DiaryEntry.objects.filter(patient__in=among, date__gte=start, date__lte=end)
    for patient_id, day in rows.values_list("patient_id", "date").order_by():
        entered[patient_id].add(day)
    return entered


def _alert_counts(among: QuerySet[Patient]) -> dict[int, dict[str, int]]:
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    rows = (
        Alert.objects.filter(patient__in=among)
        .exclude(status=Alert.Status.RESOLVED)
        .values("patient_id", "status")
        .annotate(n=Count("pk"))
        .values_list("patient_id", "status", "n")
        .order_by()
    )
    for patient_id, status, n in rows:
        counts[patient_id][status] = n
    return counts


# After active, "not enough data" comes next: a patient whose status is unknown may be worse.
_STATUS_ORDER = {"active": 0, "insufficient": 1, "controlled": 2, "remission": 3}
_FAR = datetime.datetime.max.replace(tzinfo=datetime.UTC)


def _sort_key(sort: str) -> Any:
    def none_last(value: Any) -> tuple[bool, Any]:
        return (value is None, value if value is not None else 0)

    keys = {
        "attention": lambda r: (
            r.open_alerts == 0,
            r.score.status != scoring.Status.ACTIVE,
            _STATUS_ORDER[r.status],
            -(r.score.value or 0),
            r.patient.reference,
        ),
        "reference": lambda r: r.patient.reference,
        "name": lambda r: (r.patient.display_name.casefold(), r.patient.reference),
        "dds": lambda r: (none_last(r.score.value), r.patient.reference),
        "change": lambda r: (none_last(r.change), r.patient.reference),
        "completeness": lambda r: (r.completeness.days, r.patient.reference),
        "alerts": lambda r: (-r.open_alerts, -r.acknowledged_alerts, r.patient.reference),
        "next": lambda r: (r.next_appointment or _FAR, r.patient.reference),
    }
    return keys[sort]
