"""What the clinic admin page lists: staff, patients, invitations and the diaries in use."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q

import scoring
from diary.clinics import Clinic, ClinicMembership
from diary.instruments import instrument_version
from diary.models import CarerInvitation, Disease, InstrumentDefinition, Patient


@dataclass
class ClinicOverview:
    clinic: Clinic
    memberships: list[ClinicMembership]
    patients: list[Any]
    invitations: list[CarerInvitation]
    instruments: list[scoring.Instrument]


def clinic_overview(clinic: Clinic) -> ClinicOverview:
    """Everything the clinic admin page shows about ``clinic``, in five queries."""
    memberships = list(
        clinic.memberships.select_related("user").order_by("user__last_name", "user__username")
    )
    patients = list(
        Patient.objects.filter(clinic=clinic)
        .select_related("identity")
        .annotate(carers=Count("carer_links", distinct=True))
        .order_by("-is_active", "reference")
    )
    invitations = list(
        CarerInvitation.objects.filter(patient__clinic=clinic)
        .select_related("patient", "invited_by", "accepted_by")
        .order_by("-created_at")[:20]
    )
    return ClinicOverview(clinic, memberships, patients, invitations, clinic_instruments(clinic))


def clinic_instruments(clinic: Clinic) -> list[scoring.Instrument]:
    """The current diary of each disease at ``clinic`` (built-in unless overridden)."""
    latest: dict[str, int] = {}
    rows = InstrumentDefinition.objects.filter(clinic=clinic).values_list("disease", "version")
    for disease, version in rows:
        latest[disease] = max(version, latest.get(disease, 0))
    return [
        instrument_version(code, latest[code]) if code in latest else scoring.instrument_for(code)
        for code in Disease.values
    ]


def next_reference(clinic: Clinic) -> str:
    """A suggestion for the next patient reference: the prefix and one more than the highest."""
    prefix = f"{clinic.reference_prefix}-"
    numbers = [
        int(ref[len(prefix) :])
        for ref in Patient.objects.filter(Q(reference__startswith=prefix)).values_list(
            "reference", flat=True
        )
        if ref[len(prefix) :].isdigit()
    ]
    return f"{prefix}{max(numbers, default=0) + 1:04d}"
