"""The clinic dashboard: one row per patient, the patients who need attention first.

Whatever the number of patients, the rows cost a fixed number of queries: the clinics, the
patients, their diary days over the last 34 days (28-day sparkline plus each window's 6 days
before), their current instruments, their unresolved alerts and their next appointments.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from django.db.models import Count, Min, Q
from django.utils import timezone

import scoring
from clinicians.models import Alert, Clinic
from clinicians.records import Appointment
from clinicians.reports.scope import staff_clinics
from clinicians.reports.scores import Completeness, PatientDays, completeness
from diary.access import patients_for
from diary.days import DayRules
from diary.instruments import current_instruments
from diary.models import Patient
from diary.selectors import versioned_days

SPARK_DAYS = 28
# A row reads its day and the 33 before: 28 daily DDS values, each over 7 days.
WINDOW_DAYS = datetime.timedelta(days=SPARK_DAYS - 1 + 6)
COMPLETENESS_DAYS = 14
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
    spark: list[Fraction | None]  # the 7-day DDS on each of the last 28 days
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
    rows = _rows(patients, days, now) if patients else []
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
            Q(reference__icontains=filters.q) | Q(display_name__icontains=filters.q)
        )
    return patients


def _rows(
    patients: list[Patient], days: dict[int, datetime.date], now: datetime.datetime
) -> list[Row]:
    ids = [p.pk for p in patients]
    scored = row_scores(patients, days)
    alerts = _alert_counts(ids)
    upcoming = dict(
        Appointment.objects.filter(patient_id__in=ids, cancelled=False, starts_at__gte=now)
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


def row_scores(patients: list[Patient], days: dict[int, datetime.date]) -> dict[int, _Scores]:
    """Each patient's row scores on ``days[patient.pk]``, from one read of their diary days.

    Patients come with their clinic.
    """
    instruments = current_instruments(patients)
    first = min(days.values()) - WINDOW_DAYS
    stored = versioned_days([p.pk for p in patients], first, max(days.values()))
    return {
        p.pk: _compute_scores(
            PatientDays(p.disease, instruments[p.pk], stored.get(p.pk, {})), days[p.pk]
        )
        for p in patients
    }


@dataclass(frozen=True)
class _Scores:
    """What a row shows that ``scoring`` computes from the patient's diary days."""

    score: scoring.Score
    instrument: scoring.Instrument
    change: Fraction | None
    spark: list[Fraction | None]
    completeness: Completeness


def _compute_scores(pdays: PatientDays, day: datetime.date) -> _Scores:
    series = pdays.series(day - datetime.timedelta(days=SPARK_DAYS - 1), day)
    today, week_ago = series[-1], series[-1 - CHANGE_DAYS]
    change = (
        None
        if today.score.value is None or week_ago.score.value is None
        else today.score.value - week_ago.score.value
    )
    return _Scores(
        score=today.score,
        instrument=today.instrument,
        change=change,
        spark=[d.score.value for d in series],
        completeness=completeness(pdays, day - datetime.timedelta(days=COMPLETENESS_DAYS - 1), day),
    )


def _alert_counts(ids: list[int]) -> dict[int, dict[str, int]]:
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    rows = (
        Alert.objects.filter(patient_id__in=ids)
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
