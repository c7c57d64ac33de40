"""Reads the nightly job needs beyond ``diary.selectors``: each a fixed number of queries."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import QuerySet

from clinicians.nightly import schedule
from clinicians.nightly.models import PatientEvaluation
from diary.clinics import ClinicMembership
from diary.models import Patient
from diary.selectors import latest_versions


def temperatures_on(patient_ids: Iterable[int], day: datetime.date) -> dict[int, Decimal]:
    """The temperature (°C) recorded in the latest version of each patient's entry for ``day``."""
    # Filtering on the entry's patient lets PostgreSQL use the (patient, date) index of
    # entries rather than reading every version of every patient in the batch.
    rows = (
        latest_versions()
        .filter(entry__patient_id__in=list(patient_ids), entry__date=day)
        .filter(temperature_c__isnull=False)
        .values_list("patient_id", "temperature_c")
        .order_by()
    )
    return dict(rows)


def diary_start(patient: Patient) -> datetime.date:
    """The first diary day that counts for ``patient``: the day they joined, in their zone.

    Days before it are not "missed", so a new patient does not open a diary-gap alert.
    """
    return schedule.local_date(patient.time_zone, patient.created_at)


def unevaluated_patients(clinic_id: int, day: datetime.date) -> QuerySet[Patient]:
    """The clinic's active patients without an evaluation of ``day``."""
    # NOT IN over one day's evaluations: a single hashed pass, whatever the table statistics.
    evaluated = PatientEvaluation.objects.filter(date=day).values("patient_id")
    return Patient.objects.filter(clinic_id=clinic_id, is_active=True).exclude(pk__in=evaluated)


def zones_by_clinic() -> dict[int, set[str]]:
    """The time zones each clinic's active patients live in, in one query."""
    zones: dict[int, set[str]] = {}
    rows = Patient.objects.filter(is_active=True).values_list("clinic_id", "time_zone").distinct()
    for clinic_id, zone in rows.order_by():
        zones.setdefault(clinic_id, set()).add(zone)
    return zones


def clinics_of(user_ids: Iterable[int]) -> dict[int, set[int]]:
    """The clinics each user currently belongs to, in one query."""
    clinics: dict[int, set[int]] = {}
    rows = ClinicMembership.objects.filter(user_id__in=list(user_ids)).values_list(
        "user_id", "clinic_id"
    )
    for user_id, clinic_id in rows:
        clinics.setdefault(user_id, set()).add(clinic_id)
    return clinics
