"""A clinic's cohort settings: the week of each disease's primary visit, read and changed.

A change is made by a clinic admin with a reason, and kept with who, when and why in the
settings' history (each saved row is a version of them).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from clinicians.clinic_admin.services import check_admin
from clinicians.cohort.models import DEFAULT_PRIMARY_WEEKS, MAINTENANCE_WEEK, CohortSettings
from diary.audit import ROLE_CLINIC_ADMIN, audit_context
from diary.clinics import Clinic

WEEK_FIELDS = {
    "CANDLE": "primary_week_candle",
    "SAVI": "primary_week_savi",
    "AGS": "primary_week_ags",
    "OTHER": "primary_week_other",
}


def primary_weeks(clinic_id: int) -> dict[str, int]:
    """The clinic's primary visit week per disease (the trial's weeks without a settings row)."""
    found = CohortSettings.objects.filter(clinic_id=clinic_id).first()
    return found.primary_weeks() if found else dict(DEFAULT_PRIMARY_WEEKS)


def chosen_weeks(clinic: Clinic) -> dict[str, int]:
    """The clinic's weeks as the admin form's initial values."""
    weeks = primary_weeks(clinic.pk)
    return {field: weeks[disease] for disease, field in WEEK_FIELDS.items()}


def set_primary_weeks(*, clinic: Clinic, admin: Any, reason: str, **weeks: int) -> CohortSettings:
    """Save the clinic's primary visit weeks (one per ``WEEK_FIELDS`` value): each after
    treatment start and before the maintenance visit (week 52)."""
    check_admin(admin, clinic)
    if not reason.strip():
        raise ValidationError({"reason": _("Please say why the primary visit weeks change.")})
    wrong = {
        field: _("A week from 1 to %(last)d.") % {"last": MAINTENANCE_WEEK - 1}
        for field in WEEK_FIELDS.values()
        if not 1 <= weeks[field] < MAINTENANCE_WEEK
    }
    if wrong:
        raise ValidationError(wrong)
    audit = audit_context(user=admin, role=ROLE_CLINIC_ADMIN, reason=reason.strip())
    with audit, transaction.atomic():
        found, created = CohortSettings.objects.select_for_update().get_or_create(
            clinic=clinic, defaults=weeks
        )
        if not created:
            if all(getattr(found, f) == weeks[f] for f in WEEK_FIELDS.values()):
                raise ValidationError(_("These are already the clinic's primary visit weeks."))
            for field in WEEK_FIELDS.values():
                setattr(found, field, weeks[field])
            found.save()
    return found


def week_changes(clinic: Clinic) -> list[object]:
    """Every saved version of the clinic's weeks with who saved it, in which role, when, why."""
    return list(
        CohortSettings.history.filter(clinic_id=clinic.pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
    )
