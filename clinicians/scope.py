"""Which clinics a staff member works in or administers (patients go through diary.access)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from diary.clinics import Clinic, ClinicMembership


def staff_clinics(user: Any) -> QuerySet[Clinic]:
    """The clinics ``user`` belongs to as clinician or clinic admin."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Clinic.objects.none()
    return Clinic.objects.filter(memberships__user_id=user.pk).distinct()


def administered_clinics(user: Any) -> QuerySet[Clinic]:
    """The clinics ``user`` administers."""
    return staff_clinics(user).filter(
        memberships__user_id=user.pk, memberships__role=ClinicMembership.Role.CLINIC_ADMIN
    )


def administered_clinic_for(user: Any, clinic_id: Any) -> Clinic:
    """The clinic ``clinic_id`` if ``user`` administers it; ``Http404`` otherwise."""
    try:
        pk = int(clinic_id)
    except (TypeError, ValueError):
        raise Http404("No such clinic.") from None
    clinic = administered_clinics(user).filter(pk=pk).first() if 0 < pk < 2**63 else None
    if clinic is None:
        raise Http404("No such clinic.")
    return clinic
