"""Writes for patient data rights: erasure of the identity, keeping the pseudonymous record.

Erasure keeps the clinical record (diary entries and their versions, clinical records, alerts,
the audit trail and the access log are kept under the clinic's retention duty; entry versions are
append-only and a PostgreSQL trigger refuses to change them) and removes every direct
identifier, which nothing but these rows holds (``diary.models.PatientIdentity``):

- the patient's identity row (name, date of birth) is deleted; the patient keeps the reference
  and the birth year, shows as ``Erased patient <reference>``, is deactivated and marked erased;
- every carer link is deleted (carers lose access at once), pending carer invitations are
  deleted and the email of accepted ones is blanked;
- a carer left with no patient and no clinic role loses their name and contact details
  (``erase_carer_account``); carers of other patients keep their account.

Everything happens in one transaction inside ``audit_context``, so the history rows of the
patient, their identity and the deleted carer links carry the admin, the role ``clinic_admin``
and the reason.
"""

from __future__ import annotations

from typing import Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clinicians.audit.access_log import record_access
from diary.audit import ROLE_CLINIC_ADMIN, audit_context
from diary.clinics import ClinicMembership
from diary.models import CarerInvitation, CarerLink, Patient, PatientIdentity

EXPORT_WHAT = "data export"
ERASE_WHAT = "data erasure"


def is_clinic_admin(user: Any, patient: Patient) -> bool:
    """Whether ``user`` is a clinic admin of ``patient``'s clinic."""
    return ClinicMembership.objects.filter(
        user_id=user.pk, clinic_id=patient.clinic_id, role=ClinicMembership.Role.CLINIC_ADMIN
    ).exists()


def is_erased(patient: Patient) -> bool:
    return patient.erased_at is not None


def erase_patient(*, patient: Patient, admin: Any, reason: str, confirm_reference: str) -> Patient:
    """Erase ``patient``'s identity and cut every carer's access; attributed to ``admin``.

    ``confirm_reference`` must be the patient's reference typed in again, ``reason`` is required.
    """
    if not is_clinic_admin(admin, patient):
        raise PermissionDenied("Only the clinic's admins erase a patient.")
    reason = (reason or "").strip()
    errors: dict[str, str] = {}
    if not reason:
        errors["reason"] = "A reason is required to erase a patient."
    if (confirm_reference or "").strip() != patient.reference:
        errors["confirm_reference"] = _("Type the patient's reference exactly to confirm.")
    if errors:
        raise ValidationError(errors)
    with audit_context(user=admin, role=ROLE_CLINIC_ADMIN, reason=reason), transaction.atomic():
        patient = Patient.objects.select_for_update().get(pk=patient.pk)
        if is_erased(patient):
            raise ValidationError(_("This patient has already been erased."))
        # One by one, so each deleted row leaves its own history row (simple-history does not
        # see queryset deletes); the identity's history row holds no values.
        for identity in PatientIdentity.objects.filter(patient=patient):
            identity.delete()
        patient.is_active = False
        patient.erased_at = timezone.now()
        patient.save(update_fields=["is_active", "erased_at"])
        carers = _cut_carers(patient)
        for carer in carers:
            if not _still_needed(carer):
                erase_carer_account(carer)
        record_access(user=admin, patient_ids=[patient.pk], what=ERASE_WHAT)
    return patient


def _cut_carers(patient: Patient) -> list[Any]:
    """Delete the patient's carer links and invitations; the carers who were linked."""
    carers = []
    for link in CarerLink.objects.filter(patient=patient).select_related("carer"):
        carers.append(link.carer)
        link.delete()
    invitations = CarerInvitation.objects.filter(patient=patient)
    invitations.filter(accepted_at__isnull=True).delete()
    # Accepted ones stay as the record of how a link was made, without the address.
    invitations.update(email="")
    return carers


def _still_needed(user: Any) -> bool:
    """Whether ``user`` still cares for a patient, works in a clinic or administers the site."""
    return (
        user.is_staff
        or user.is_superuser
        or CarerLink.objects.filter(carer=user).exists()
        or ClinicMembership.objects.filter(user=user).exists()
    )


def erase_carer_account(user: Any) -> None:
    """Remove a former carer's name and contact details and close the account.

    The row stays, renamed ``erased-carer-<id>``: the carer's diary versions keep pointing at
    it. The sign-in records of the old username (django-axes) go too.
    """
    old_username = user.get_username()
    user.username = f"erased-carer-{user.pk}"
    user.first_name = user.last_name = user.email = ""
    user.set_unusable_password()
    user.is_active = False
    user.session_epoch += 1  # ends every session at once
    user.save()
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username=old_username).delete()
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(user), object_id=str(user.pk)
    ).update(object_repr=user.username)
