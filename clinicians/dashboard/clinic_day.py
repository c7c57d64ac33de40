"""The clinic day: the appointments of one calendar day in the user's clinics."""

from __future__ import annotations

import datetime
import zoneinfo
from typing import Any

from django.db.models import Q

from clinicians.records.models import Appointment
from clinicians.scope import staff_clinics
from diary.access import patients_for


def parse_day(text: str | None, user: Any, now: datetime.datetime) -> datetime.date:
    """The day asked for (``YYYY-MM-DD``), or when absent or malformed, today where the
    user's clinic is (the first of their clinics by name; UTC for a user with none)."""
    try:
        return datetime.date.fromisoformat(text or "")
    except ValueError:
        clinic = staff_clinics(user).order_by("name").first()
        zone = zoneinfo.ZoneInfo(clinic.time_zone if clinic else "UTC")
        return now.astimezone(zone).date()


def clinic_day(user: Any, day: datetime.date) -> list[Appointment]:
    """Appointments (not cancelled) on ``day`` in each clinic's own time zone, in time order."""
    clinics = list(staff_clinics(user))
    if not clinics:
        return []
    window = Q()
    for clinic in clinics:
        zone = zoneinfo.ZoneInfo(clinic.time_zone)
        start = datetime.datetime.combine(day, datetime.time.min, tzinfo=zone)
        end = datetime.datetime.combine(
            day + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
        )
        window |= Q(patient__clinic_id=clinic.pk, starts_at__gte=start, starts_at__lt=end)
    return list(
        Appointment.objects.filter(window, cancelled=False, patient__in=patients_for(user))
        .select_related("patient", "patient__clinic", "patient__identity", "clinician")
        .order_by("starts_at", "pk")
    )
