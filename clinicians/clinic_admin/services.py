"""What a clinic admin changes for their own clinic: staff, patients and the alert rules
(thresholds and the diary itself: ``clinicians.clinic_admin.instruments``).

Every function checks that ``admin`` administers the clinic (``PermissionDenied`` otherwise),
writes in one transaction and is attributed in the audit trail to the admin, acting as
``clinic_admin``. A change to the alert rules is a new version of them, applying from the next
night (SPEC §3.6).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from clinicians.alerts.rules import RULE_FIELDS, ClinicAlertRules, next_night
from diary import daily_scores
from diary.audit import ROLE_CLINIC_ADMIN, audit_context
from diary.clinics import Clinic, ClinicMembership
from diary.identity import identity_to_save
from diary.models import IDENTITY_FIELDS, Patient


def check_admin(admin: Any, clinic: Clinic) -> None:
    """``PermissionDenied`` unless ``admin`` is a clinic admin of ``clinic``."""
    if not ClinicMembership.objects.filter(
        user_id=admin.pk, clinic_id=clinic.pk, role=ClinicMembership.Role.CLINIC_ADMIN
    ).exists():
        raise PermissionDenied("Only the clinic's admins change its settings.")


def audit_as_admin(admin: Any, reason: str) -> Any:
    return audit_context(user=admin, role=ROLE_CLINIC_ADMIN, reason=reason)


# --- staff ------------------------------------------------------------------------------------


def add_member(*, clinic: Clinic, admin: Any, identifier: str, role: str) -> ClinicMembership:
    """Give an existing account (found by username or email) a role in ``clinic``."""
    check_admin(admin, clinic)
    user = _find_user(identifier)
    if ClinicMembership.objects.filter(user=user, clinic=clinic).exists():
        raise ValidationError({"identifier": _("This person is already on the clinic's staff.")})
    membership = ClinicMembership(user=user, clinic=clinic, role=role)
    membership.full_clean()
    with audit_as_admin(admin, "staff member added"), transaction.atomic():
        membership.save()
    return membership


def create_staff_account(
    *,
    clinic: Clinic,
    admin: Any,
    username: str,
    email: str,
    first_name: str,
    last_name: str,
    role: str,
) -> ClinicMembership:
    """Create a staff account without a password and email its owner a set-password link."""
    check_admin(admin, clinic)
    users = get_user_model()
    if users.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This username is taken.")})
    user = users(username=username, email=email, first_name=first_name, last_name=last_name)
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    membership = ClinicMembership(clinic=clinic, role=role)
    try:
        with audit_as_admin(admin, "staff account created"), transaction.atomic():
            user.save()
            membership.user = user
            membership.save()
            transaction.on_commit(lambda: send_set_password_email(user=user, clinic=clinic))
    except IntegrityError:
        raise ValidationError({"username": _("This username is taken.")}) from None
    return membership


def send_set_password_email(*, user: Any, clinic: Clinic) -> None:
    """Email ``user`` a one-time link to choose a password (no patient data in it)."""
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    context = {"user": user, "clinic": clinic, "link": f"{settings.SITE_URL}{path}"}
    send_mail(
        subject=render_to_string(
            "clinicians/clinic_admin/emails/staff_welcome_subject.txt", context
        ).strip(),
        message=render_to_string("clinicians/clinic_admin/emails/staff_welcome_body.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )


def change_member_role(*, membership: ClinicMembership, admin: Any, role: str) -> None:
    """Make a staff member a clinician or a clinic admin; a clinic keeps at least one admin."""
    check_admin(admin, membership.clinic)
    if role not in ClinicMembership.Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    with audit_as_admin(admin, "staff role changed"), transaction.atomic():
        locked = ClinicMembership.objects.select_for_update().get(pk=membership.pk)
        if locked.role == ClinicMembership.Role.CLINIC_ADMIN and role != locked.role:
            _keep_an_admin(locked)
        locked.role = role
        locked.save(update_fields=["role"])


def remove_member(*, membership: ClinicMembership, admin: Any) -> None:
    """Take a staff member off the clinic; the last admin cannot be removed."""
    check_admin(admin, membership.clinic)
    with audit_as_admin(admin, "staff member removed"), transaction.atomic():
        locked = ClinicMembership.objects.select_for_update().get(pk=membership.pk)
        if locked.role == ClinicMembership.Role.CLINIC_ADMIN:
            _keep_an_admin(locked)
        locked.delete()


def _keep_an_admin(membership: ClinicMembership) -> None:
    admins = ClinicMembership.objects.select_for_update().filter(
        clinic_id=membership.clinic_id, role=ClinicMembership.Role.CLINIC_ADMIN
    )
    if admins.exclude(pk=membership.pk).count() == 0:
        raise ValidationError("A clinic needs at least one clinic admin.")


def _find_user(identifier: str) -> Any:
    users = get_user_model().objects.filter(is_active=True)
    identifier = identifier.strip()
    found = list(users.filter(username__iexact=identifier)[:1])
    if not found and "@" in identifier:
        found = list(users.filter(email__iexact=identifier)[:2])
        if len(found) > 1:
            raise ValidationError(
                {"identifier": _("Several accounts use this email; give the username instead.")}
            )
    if not found:
        raise ValidationError({"identifier": _("No account has this username or email.")})
    return found[0]


# --- patients ---------------------------------------------------------------------------------

PATIENT_FIELDS = ("reference", "display_name", "date_of_birth", "disease", "time_zone")


def create_patient(
    *,
    clinic: Clinic,
    admin: Any,
    reference: str,
    display_name: str,
    date_of_birth: datetime.date,
    disease: str,
    time_zone: str,
) -> Patient:
    """Register a patient of ``clinic``; the reference starts with the clinic's prefix."""
    check_admin(admin, clinic)
    patient = Patient(
        clinic=clinic, reference=reference.strip().upper(), disease=disease, time_zone=time_zone
    )
    identity = identity_to_save(
        patient, display_name=display_name.strip(), date_of_birth=date_of_birth
    )
    _check_reference(clinic, patient.reference)
    patient.full_clean()
    with audit_as_admin(admin, "patient registered"), transaction.atomic():
        patient.save()
        if identity is not None:
            identity.save()
    return patient


def update_patient(*, patient: Patient, admin: Any, reason: str, **changes: Any) -> Patient:
    """Change a patient's details (``PATIENT_FIELDS``); a changed disease needs a reason."""
    check_admin(admin, patient.clinic)
    unknown = set(changes) - set(PATIENT_FIELDS)
    if unknown:
        raise ValueError(f"cannot change {sorted(unknown)}")
    disease = patient.disease
    changes = {k: v.strip() if isinstance(v, str) else v for k, v in changes.items()}
    identity = None
    if set(changes) & set(IDENTITY_FIELDS):
        values = {name: changes.pop(name, getattr(patient, name)) for name in IDENTITY_FIELDS}
        identity = identity_to_save(patient, **values)
    for name, value in changes.items():
        setattr(patient, name, value)
    patient.reference = patient.reference.upper()
    _check_reference(patient.clinic, patient.reference)
    patient.full_clean()
    with audit_as_admin(admin, reason.strip() or "patient details changed"), transaction.atomic():
        patient.save()
        if identity is not None:
            identity.save()
        if patient.disease != disease:
            daily_scores.rebuild([patient.pk])  # entries are now read under another diary
    return patient


def set_patient_active(*, patient: Patient, admin: Any, active: bool, reason: str) -> Patient:
    """Deactivate a patient (carers lose access, the record stays) or reactivate them."""
    check_admin(admin, patient.clinic)
    if not reason.strip():
        raise ValidationError({"reason": _("Please give a reason.")})
    with audit_as_admin(admin, reason.strip()), transaction.atomic():
        patient.is_active = active
        patient.save(update_fields=["is_active"])
    return patient


def _check_reference(clinic: Clinic, reference: str) -> None:
    if not reference.startswith(f"{clinic.reference_prefix}-"):
        raise ValidationError(
            {
                "reference": _("References of this clinic start with %(prefix)s-.")
                % {"prefix": clinic.reference_prefix}
            }
        )


# --- alert rules ------------------------------------------------------------------------------


def set_alert_rules(
    *,
    clinic: Clinic,
    admin: Any,
    reason: str,
    now: datetime.datetime,
    marked_rise_delta: Decimal,
    severe_temperature_c: Decimal,
    gap_reminder_days: int,
    gap_care_team_days: int,
) -> ClinicAlertRules:
    """Save a new version of the clinic's alert rules, in force from the first night not yet due.

    Nights already due and alerts already opened keep the rules they had.
    """
    check_admin(admin, clinic)
    if not reason.strip():
        raise ValidationError({"reason": _("Please say why the alert rules change.")})
    rules = ClinicAlertRules(
        clinic=clinic,
        version=0,  # numbered below, under the clinic's lock
        effective_from=next_night(clinic, now),
        marked_rise_delta=marked_rise_delta,
        severe_temperature_c=severe_temperature_c,
        gap_reminder_days=gap_reminder_days,
        gap_care_team_days=gap_care_team_days,
        created_at=now,
    )
    # The bounds are checked by clean() with a message per field; the database's own check
    # constraint stays a backstop rather than a second, vaguer message.
    rules.full_clean(validate_unique=False, validate_constraints=False)
    with audit_as_admin(admin, reason.strip()), transaction.atomic():
        Clinic.objects.select_for_update().get(pk=clinic.pk)  # one version number at a time
        latest = ClinicAlertRules.objects.filter(clinic=clinic).order_by("-version").first()
        if latest is not None and all(
            getattr(latest, name) == getattr(rules, name) for name in RULE_FIELDS
        ):
            raise ValidationError(_("These are already the clinic's alert rules."))
        rules.version = 1 if latest is None else latest.version + 1
        rules.save()
    return rules
