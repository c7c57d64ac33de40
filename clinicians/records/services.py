"""Writes of clinical records by clinic staff: each one validated, audited and atomic.

Records are added, and removed only as "entered in error" with a reason; simple-history keeps
the removed row and the reason. Nothing here computes a dose: a treatment regimen is stored as
the clinician wrote it.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clinicians.records.models import (
    Appointment,
    Measurement,
    PGAAssessment,
    SteroidDose,
    StudyPeriod,
    TreatmentCourse,
)
from diary.access import role_for
from diary.audit import ROLE_CARER, audit_context
from diary.days import DayRules
from diary.models import Patient

REASON_MAX_LENGTH = 500


def staff_role(user: Any, patient: Patient) -> str:
    """The clinic role of ``user`` for ``patient``; ``PermissionDenied`` for carers."""
    role = role_for(user, patient)
    if role == ROLE_CARER:
        raise PermissionDenied("Only clinic staff record clinical data.")
    return role


def add_treatment_course(
    *,
    patient: Patient,
    user: Any,
    drug: str,
    start_date: datetime.date,
    regimen: str,
    end_date: datetime.date | None = None,
    now: datetime.datetime | None = None,
) -> TreatmentCourse:
    """Record a treatment course; ``regimen`` is kept exactly as written."""
    now = now or timezone.now()
    record = TreatmentCourse(
        patient=patient,
        drug=drug.strip(),
        start_date=start_date,
        end_date=end_date,
        regimen=regimen.strip(),
        recorded_by=user,
        recorded_at=now,
    )
    return _create(record, user=user, reason="treatment course recorded")


def add_measurement(
    *,
    patient: Patient,
    user: Any,
    kind: str,
    date: datetime.date,
    value: Decimal,
    now: datetime.datetime | None = None,
) -> Measurement:
    """Record a weight (kg) or height (cm) measured on ``date`` (not in the future)."""
    now = now or timezone.now()
    _not_future(patient, date, now, "date")
    record = Measurement(
        patient=patient, kind=kind, date=date, value=value, recorded_by=user, recorded_at=now
    )
    return _create(record, user=user, reason=f"{kind} recorded")


def add_steroid_dose(
    *,
    patient: Patient,
    user: Any,
    drug: str,
    mg_per_day: Decimal,
    from_date: datetime.date,
    route: str = SteroidDose.Route.ORAL,
    to_date: datetime.date | None = None,
    now: datetime.datetime | None = None,
) -> SteroidDose:
    """Record a systemic corticosteroid dose of ``drug`` in mg/day from ``from_date``."""
    now = now or timezone.now()
    record = SteroidDose(
        patient=patient,
        drug=drug,
        mg_per_day=mg_per_day,
        route=route,
        from_date=from_date,
        to_date=to_date,
        recorded_by=user,
        recorded_at=now,
    )
    return _create(record, user=user, reason="corticosteroid dose recorded")


def add_pga(
    *,
    patient: Patient,
    user: Any,
    date: datetime.date,
    score: Decimal,
    now: datetime.datetime | None = None,
) -> PGAAssessment:
    """Record the physician's global assessment (0-10 in steps of 0.5) at a visit."""
    now = now or timezone.now()
    _not_future(patient, date, now, "date")
    if score is None or not (0 <= score <= 10 and (score * 2) % 1 == 0):
        raise ValidationError({"score": _("PGA is scored from 0 to 10 in steps of 0.5.")})
    record = PGAAssessment(
        patient=patient, date=date, score=score, assessed_by=user, recorded_at=now
    )
    return _create(record, user=user, reason="PGA recorded")


def add_appointment(
    *,
    patient: Patient,
    user: Any,
    starts_at: datetime.datetime,
    clinician: Any = None,
    purpose: str = "",
    now: datetime.datetime | None = None,
) -> Appointment:
    """Book (or record) a clinic visit; ``clinician`` must belong to the patient's clinic."""
    now = now or timezone.now()
    if (
        clinician is not None
        and not clinician.clinic_memberships.filter(clinic_id=patient.clinic_id).exists()
    ):
        raise ValidationError({"clinician": _("This person is not on the clinic's staff.")})
    record = Appointment(
        patient=patient,
        starts_at=starts_at,
        clinician=clinician,
        purpose=purpose.strip(),
        recorded_by=user,
        recorded_at=now,
    )
    return _create(record, user=user, reason="appointment booked")


def cancel_appointment(*, appointment: Appointment, user: Any, reason: str) -> Appointment:
    """Mark an appointment as cancelled (it stays in the record)."""
    reason = _reason(reason)
    role = staff_role(user, appointment.patient)
    with audit_context(user=user, role=role, reason=reason), transaction.atomic():
        appointment.cancelled = True
        appointment.save(update_fields=["cancelled"])
    return appointment


def add_study_period(
    *,
    patient: Patient,
    user: Any,
    name: str,
    start: datetime.date,
    end: datetime.date,
    label: str = "",
    is_pre_treatment: bool = False,
    now: datetime.datetime | None = None,
) -> StudyPeriod:
    """Define a named period for the period summary; at most one is the pre-treatment one."""
    now = now or timezone.now()
    record = StudyPeriod(
        patient=patient,
        name=name,
        label=label.strip(),
        start=start,
        end=end,
        is_pre_treatment=is_pre_treatment,
        recorded_by=user,
        recorded_at=now,
    )
    return _create(record, user=user, reason="study period defined")


def remove_record(*, record: models.Model, user: Any, reason: str) -> None:
    """Remove a record entered in error; the audit trail keeps it with ``reason``."""
    reason = _reason(reason)
    role = staff_role(user, record.patient)  # type: ignore[attr-defined]
    reason = f"entered in error: {reason}"
    with audit_context(user=user, role=role, reason=reason), transaction.atomic():
        record.delete()


def _create(record: Any, *, user: Any, reason: str) -> Any:
    role = staff_role(user, record.patient)
    record.full_clean()
    try:
        with audit_context(user=user, role=role, reason=reason), transaction.atomic():
            record.save()
    except IntegrityError:
        # A concurrent request stored the same record first (the database decides).
        raise ValidationError(_("This has just been recorded by someone else.")) from None
    return record


def _not_future(patient: Patient, day: datetime.date, now: datetime.datetime, field: str) -> None:
    if DayRules.for_patient(patient).is_future(day, now):
        raise ValidationError({field: _("This date is in the future.")})


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Please give a reason.")})
    return reason[:REASON_MAX_LENGTH]
