"""The clinic dashboard: one row per patient, the patients who need attention first.

Whatever the number of patients, the rows cost a fixed number of queries: the clinics, the
patients, their diary days over the last 34 days (28-day sparkline plus each window's 6 days
before), their current instruments, their unresolved alerts and their next appointments.
"""

from __future__ import annotations

import datetime
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from django.db import transaction
from django.db.models import Count, Min, Q
from django.utils import timezone

import scoring
from clinicians.models import Alert, KeptDashboardRow, KeptRowsMark
from clinicians.records import Appointment
from clinicians.reports.kept import Kept
from clinicians.reports.scope import staff_clinics
from clinicians.reports.scores import Completeness, PatientDays, completeness
from diary.access import patients_for
from diary.clinics import Clinic
from diary.days import DayRules
from diary.instruments import current_instruments, instrument_version
from diary.models import EntryVersion, Patient
from diary.selectors import versioned_days, window_marks

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
    # The sparkline's 28 daily DDS values as (numerator, denominator) in lowest terms, or None:
    # what is kept and drawn, without a Fraction each (14,000 a dashboard).
    spark: list[tuple[int, int] | None]
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
            Q(reference__icontains=filters.q) | Q(identity__display_name__icontains=filters.q)
        )
    return patients


def _rows(
    patients: list[Patient], days: dict[int, datetime.date], now: datetime.datetime
) -> list[Row]:
    ids = [p.pk for p in patients]
    kept = row_scores(patients, days)
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
        scores = kept[patient.pk]
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
    """Each patient's row scores on ``days[patient.pk]``: kept ones where their inputs have not
    changed (in this process, else in ``KeptDashboardRow``), the others computed and kept.

    Patients come with their clinic. Every key reads the window ``[day - 33, day]`` of its own
    day, so a row is found again whatever other patients a page (or the night) asks for.
    """
    instruments = current_instruments(patients)
    keys: dict[int, tuple[Any, ...]] = {}
    for day in set(days.values()):
        group = [p for p in patients if days[p.pk] == day]
        first = day - WINDOW_DAYS
        # Kept scores are reused while the window's marks have not moved.
        marks = window_marks([p.pk for p in group], first, day)
        for p in group:
            keys[p.pk] = (p.pk, day, p.disease, instruments[p.pk], first, day, marks.get(p.pk))
    kept = {pk: _CACHE.get(key) for pk, key in keys.items()}
    shared = _kept_in_database(
        {pk: keys[pk] for pk, scores in kept.items() if scores is None}, patients, instruments
    )
    missing = [pk for pk, scores in kept.items() if scores is None and pk not in shared]
    computed = {}
    if missing:
        first = min(days[pk] for pk in missing) - WINDOW_DAYS
        stored = versioned_days(missing, first, max(days[pk] for pk in missing))
        for patient in patients:
            if patient.pk in missing:
                pdays = PatientDays(
                    patient.disease, instruments[patient.pk], stored.get(patient.pk, {})
                )
                computed[patient.pk] = _compute_scores(pdays, days[patient.pk])
    for pk, scores in [*shared.items(), *computed.items()]:
        _CACHE.put(keys[pk], scores)
    _keep_in_database({pk: keys[pk] for pk in computed}, computed, days)
    return {pk: scores for pk, scores in {**kept, **shared, **computed}.items() if scores}


def keep_rows(patient_ids: list[int], now: datetime.datetime) -> int:
    """Compute and keep the dashboard rows of ``patient_ids`` for their diary day at ``now``
    (the nightly run does, for the day that has just begun); the number computed or found."""
    patients = list(Patient.objects.filter(pk__in=patient_ids).select_related("clinic"))
    if not patients:
        return 0
    days = {p.pk: DayRules.for_patient(p).offered_day(now) for p in patients}
    return len(row_scores(patients, days))


# Versions read by one call of ``keep_fresh_rows``: a minute of the evening peak is about 1,200.
FRESH_BATCH = 20_000


def keep_fresh_rows(now: datetime.datetime) -> int:
    """Keep the dashboard rows of every patient with an entry or correction since the last
    call (``KeptRowsMark``); the number of patients whose rows were kept or found.

    Run every minute (``config/celery.py``): during the evening peak a clinic's patients send
    entries, each moves its row's marks, and a dashboard opened later would otherwise score
    those rows while the clinician waits. The first call only sets the bookmark. Two calls at
    once: the second finds the bookmark locked and does nothing. A version committed after a
    higher one was read is missed here; its row is scored on the next visit, as before.
    """
    with transaction.atomic():
        mark = KeptRowsMark.objects.select_for_update(skip_locked=True).filter(pk=1).first()
        if mark is None:
            if KeptRowsMark.objects.filter(pk=1).exists():
                return 0  # another call holds it
            newest = EntryVersion.objects.order_by("-pk").values_list("pk", flat=True).first()
            KeptRowsMark.objects.get_or_create(
                pk=1, defaults={"last_version_id": newest or 0, "updated_at": now}
            )
            return 0
        read = list(
            EntryVersion.objects.filter(pk__gt=mark.last_version_id)
            .order_by("pk")
            .values_list("pk", "patient_id")[:FRESH_BATCH]
        )
        if not read:
            return 0
        kept = keep_rows(list({patient_id for _, patient_id in read}), now)
        mark.last_version_id, mark.updated_at = read[-1][0], now
        mark.save(update_fields=["last_version_id", "updated_at"])
        return kept


@dataclass(frozen=True)
class _Scores:
    """What a row shows that ``scoring`` computes from the patient's diary days."""

    score: scoring.Score
    instrument: scoring.Instrument
    change: Fraction | None
    spark: list[tuple[int, int] | None]
    completeness: Completeness


# The last rows' scores, keyed by everything they are computed from: the patient, the diary
# day, the disease, the current instrument (versions are immutable; the object compares by
# content, so a clinic's new thresholds are a new key), the window read and that window's
# marks (``diary.selectors.window_marks``: its count of versions and highest version id).
# Versions are append-only, so a new entry or correction moves the marks and is a new key: a
# kept row is never stale. Scoring a row, and reading its item scores, is most of the
# dashboard's time, and between two visits most rows are unchanged. 20 clinics of 500
# patients fit; a row's scores are a few kilobytes.
_CACHE: Kept[_Scores] = Kept(10_000)


def forget_kept_rows() -> None:
    """Drop every kept row (for a database whose ids start again, such as a test's)."""
    _CACHE.clear()


# --- rows kept in the database, shared by every web process ---------------------------------
#
# A process that has not shown a row yet (a new process, or the first visit after the diary
# day changed) finds it in ``KeptDashboardRow`` under a digest of the same key, instead of
# reading the window's item scores and scoring 28 windows. The key holds the instrument by
# its full ``repr`` (every field that scoring reads), so the digest changes with any of it.


def _digest(key: tuple[Any, ...]) -> str:
    return hashlib.sha256(repr(key).encode()).hexdigest()


def _kept_in_database(
    keys: dict[int, tuple[Any, ...]],
    patients: list[Patient],
    instruments: dict[int, scoring.Instrument],
) -> dict[int, _Scores]:
    if not keys:
        return {}
    digests = {_digest(key): pk for pk, key in keys.items()}
    disease = {p.pk: p.disease for p in patients}
    found = KeptDashboardRow.objects.filter(key__in=list(digests)).values_list("key", "scores")
    return {
        digests[digest]: _decode(payload, disease[digests[digest]], instruments[digests[digest]])
        for digest, payload in found
    }


def _keep_in_database(
    keys: dict[int, tuple[Any, ...]], computed: dict[int, _Scores], days: dict[int, datetime.date]
) -> None:
    if not computed:
        return
    KeptDashboardRow.objects.bulk_create(
        [
            KeptDashboardRow(
                key=_digest(keys[pk]), patient_id=pk, day=days[pk], scores=_encode(scores)
            )
            for pk, scores in computed.items()
        ],
        ignore_conflicts=True,  # another process kept the same row first: the same scores
    )
    # Rows of earlier diary days are never read again.
    KeptDashboardRow.objects.filter(
        patient_id__in=list(computed), day__lt=min(days[pk] for pk in computed)
    ).delete()


def _pair(value: Fraction | None) -> tuple[int, int] | None:
    """``value`` as (numerator, denominator): a sparkline value, and in JSON an array."""
    return None if value is None else (value.numerator, value.denominator)


def _unfraction(value: list[int] | None) -> Fraction | None:
    return None if value is None else Fraction(value[0], value[1])


def _encode(scores: _Scores) -> dict[str, Any]:
    score = scores.score
    return {
        "value": _pair(score.value),
        "status": score.status.value,
        "observed": score.observed,
        "expected": score.expected,
        "partial": score.partial,
        "missing": list(score.missing_items),
        "start": score.start.isoformat(),
        "end": score.end.isoformat(),
        "instrument": scores.instrument.version,
        "change": _pair(scores.change),
        "spark": scores.spark,  # pairs already; JSON makes them arrays
        "completeness": [scores.completeness.days, scores.completeness.total],
    }


def _decode(payload: dict[str, Any], disease: str, current: scoring.Instrument) -> _Scores:
    version = payload["instrument"]
    instrument = current if version == current.version else instrument_version(disease, version)
    score = scoring.Score(
        _unfraction(payload["value"]),
        scoring.Status(payload["status"]),
        payload["observed"],
        payload["expected"],
        payload["partial"],
        tuple(payload["missing"]),
        datetime.date.fromisoformat(payload["start"]),
        datetime.date.fromisoformat(payload["end"]),
    )
    return _Scores(
        score=score,
        instrument=instrument,
        change=_unfraction(payload["change"]),
        spark=[None if v is None else (v[0], v[1]) for v in payload["spark"]],
        completeness=Completeness(*payload["completeness"]),
    )


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
        spark=[_pair(d.score.value) for d in series],
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
