"""One patient's full record as a ZIP of JSON files, the version CSV and a README.

Read-only: the caller checks scope and logs the access. Every timestamp is ISO 8601 in UTC;
decimals are strings so no precision is lost.
"""

from __future__ import annotations

import datetime
import decimal
import io
import json
import uuid
import zipfile
from collections.abc import Iterable
from typing import Any

from django.db import models

from clinicians.alerts.models import Alert
from clinicians.audit.models import RecordAccess
from clinicians.exports import csv as csv_export
from clinicians.records.models import (
    Appointment,
    Measurement,
    PGAAssessment,
    SteroidDose,
    StudyPeriod,
    TreatmentCourse,
)
from diary.models import CarerLink, DiaryEntry, Patient, PatientIdentity

CLINICAL_MODELS: dict[str, type[models.Model]] = {
    "treatment_courses": TreatmentCourse,
    "measurements": Measurement,
    "steroid_doses": SteroidDose,
    "pga_assessments": PGAAssessment,
    "appointments": Appointment,
    "study_periods": StudyPeriod,
}

README = """IFN Diary: full record of patient {reference}
Generated {generated} (UTC) by {user}.

Every timestamp is ISO 8601 in UTC; decimal values are strings.

patient.json            The patient's details as held now (an erased patient shows the
                        pseudonymised identity: the reference and 1 January of the birth year).
entries.json            Every diary entry with every version: who entered it, in which role,
                        from which source, when it was captured and received, the instrument
                        version, the reason for a correction, item scores, temperature, sleep
                        hours and notes. Versions are never changed; the highest number counts.
entries.csv             The same versions as the clinic's CSV export (one row per version;
                        columns in docs/exports.md).
clinical_records.json   Treatment courses, measurements, corticosteroid doses, PGA assessments,
                        appointments and study periods.
alerts.json             Every alert raised for the patient and its lifecycle.
audit.json              The audit trail rows concerning the patient (the patient, their
                        identity, carer links, clinical records and alerts): when, who, in which
                        role, the type of change (+ created, ~ changed, - deleted), why, and the
                        row's values; for the identity, which fields changed but not the values.
access_log.json         Every read or export of the record by clinic staff.
"""


def _value(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return value


def _row(obj: models.Model, exclude: Iterable[str] = ()) -> dict[str, Any]:
    """Every concrete field of ``obj`` by column name (foreign keys as ids)."""
    skip = set(exclude)
    return {
        field.attname: _value(getattr(obj, field.attname))
        for field in obj._meta.concrete_fields
        if field.attname not in skip and field.name not in skip
    }


def _username(user: Any) -> str | None:
    return None if user is None else user.get_username()


def patient_data(patient: Patient) -> dict[str, Any]:
    data = _row(patient)
    # The identity as held now (pseudonymised once erased).
    data["display_name"] = patient.display_name
    data["date_of_birth"] = _value(patient.date_of_birth)
    data["clinic"] = patient.clinic.name
    return data


def entries_data(patient: Patient) -> list[dict[str, Any]]:
    entries = (
        DiaryEntry.objects.filter(patient=patient)
        .prefetch_related("versions__scores", "versions__entered_by")
        .order_by("date")
    )
    result = []
    for entry in entries:
        versions = []
        for version in sorted(entry.versions.all(), key=lambda v: v.number):
            data = _row(version, exclude=("entry", "patient", "request_fingerprint"))
            data["entered_by"] = _username(version.entered_by)
            data["scores"] = {s.item_code: s.score for s in version.scores.all()}
            versions.append(data)
        result.append({**_row(entry, exclude=("patient",)), "versions": versions})
    return result


def clinical_records_data(patient: Patient) -> dict[str, list[dict[str, Any]]]:
    return {
        name: [_row(obj) for obj in model.objects.filter(patient=patient).order_by("pk")]
        for name, model in CLINICAL_MODELS.items()
    }


def alerts_data(patient: Patient) -> list[dict[str, Any]]:
    return [_row(alert) for alert in Alert.objects.filter(patient=patient).order_by("opened_at")]


def _history_rows(label: str, rows: Iterable[Any]) -> list[dict[str, Any]]:
    result = []
    for row in rows:
        data = _row(row, exclude=("history_user",))
        data["model"] = label
        data["history_user"] = _username(row.history_user)
        result.append(data)
    return result


def audit_data(patient: Patient) -> list[dict[str, Any]]:
    """The simple-history rows concerning ``patient``, oldest first."""
    sources: list[tuple[str, Any]] = [
        ("patient", Patient.history.filter(id=patient.pk)),
        ("patient_identity", PatientIdentity.history.filter(patient_id=patient.pk)),
        ("carer_link", CarerLink.history.filter(patient_id=patient.pk)),
        ("alert", Alert.history.filter(patient_id=patient.pk)),
    ]
    sources += [
        (name, model.history.filter(patient_id=patient.pk))  # type: ignore[attr-defined]
        for name, model in CLINICAL_MODELS.items()
    ]
    rows: list[dict[str, Any]] = []
    for label, queryset in sources:
        rows += _history_rows(label, queryset.select_related("history_user"))
    rows.sort(key=lambda r: (r["history_date"], r["model"], r["history_id"]))
    return rows


def access_log_data(patient: Patient) -> list[dict[str, Any]]:
    accesses = RecordAccess.objects.filter(patient=patient).select_related("user").order_by("at")
    return [
        {"at": _value(a.at), "user": _username(a.user), "user_id": a.user_id, "what": a.what}
        for a in accesses
    ]


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n"


def build_archive(*, patient: Patient, user: Any, now: datetime.datetime) -> bytes:
    """The ZIP archive of ``patient``'s full record, as bytes."""
    files = {
        "README.txt": README.format(
            reference=patient.reference, generated=_value(now), user=_username(user)
        ),
        "patient.json": _json(patient_data(patient)),
        "entries.json": _json(entries_data(patient)),
        "entries.csv": "".join(csv_export.version_rows([patient])),
        "clinical_records.json": _json(clinical_records_data(patient)),
        "alerts.json": _json(alerts_data(patient)),
        "audit.json": _json(audit_data(patient)),
        "access_log.json": _json(access_log_data(patient)),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text.encode("utf-8"))
    return buffer.getvalue()
