"""Writes for patient data rights: erasure by pseudonymisation.

Erasure keeps the clinical record (diary entries and their versions, clinical records, alerts,
the audit trail and the access log are kept under the clinic's retention duty; entry versions are
append-only and a PostgreSQL trigger refuses to change them) and removes what identifies the
patient or lets anyone outside the care team reach them:

- ``display_name`` becomes ``Erased patient <reference>``;
- ``date_of_birth`` becomes 1 January of the birth year (age-related clinical meaning stays);
- the patient is deactivated;
- every carer link is deleted (carers lose access at once);
- every pending (not accepted) carer invitation for the patient is deleted.

Everything happens in one transaction inside ``audit_context``, so the history rows of the
patient and of the deleted carer links carry the admin, the role ``clinic_admin`` and the reason.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from clinicians.clinical.access_log import record_access
from clinicians.models import ClinicMembership
from diary.audit import ROLE_CLINIC_ADMIN, audit_context
from diary.models import CarerInvitation, CarerLink, Patient

ERASED_PREFIX = "Erased patient"
EXPORT_WHAT = "data export"
ERASE_WHAT = "data erasure"


def is_clinic_admin(user: Any, patient: Patient) -> bool:
    """Whether ``user`` is a clinic admin of ``patient``'s clinic."""
    return ClinicMembership.objects.filter(
        user_id=user.pk, clinic_id=patient.clinic_id, role=ClinicMembership.Role.CLINIC_ADMIN
    ).exists()


def erased_name(patient: Patient) -> str:
    return f"{ERASED_PREFIX} {patient.reference}"


def is_erased(patient: Patient) -> bool:
    return patient.display_name == erased_name(patient)


def erase_patient(*, patient: Patient, admin: Any, reason: str, confirm_reference: str) -> Patient:
    """Pseudonymise ``patient`` and cut every carer's access; attributed to ``admin``.

    ``confirm_reference`` must be the patient's reference typed in again, ``reason`` is required.
    """
    if not is_clinic_admin(admin, patient):
        raise PermissionDenied("Only the clinic's admins erase a patient.")
    reason = (reason or "").strip()
    errors: dict[str, str] = {}
    if not reason:
        errors["reason"] = "A reason is required to erase a patient."
    if (confirm_reference or "").strip() != patient.reference:
        errors["confirm_reference"] = "Type the patient's reference exactly to confirm."
    if errors:
        raise ValidationError(errors)
    with audit_context(user=admin, role=ROLE_CLINIC_ADMIN, reason=reason), transaction.atomic():
        patient = Patient.objects.select_for_update().get(pk=patient.pk)
        if is_erased(patient):
            raise ValidationError("This patient has already been erased.")
        patient.display_name = erased_name(patient)
        patient.date_of_birth = datetime.date(patient.date_of_birth.year, 1, 1)
        patient.is_active = False
        patient.save(update_fields=["display_name", "date_of_birth", "is_active"])
        # One by one, so each deleted link leaves its own history row (simple-history does not
        # see queryset deletes).
        for link in CarerLink.objects.filter(patient=patient):
            link.delete()
        CarerInvitation.objects.filter(patient=patient, accepted_at__isnull=True).delete()
        record_access(user=admin, patient_ids=[patient.pk], what=ERASE_WHAT)
    return patient
