"""The care team's digest: one email per clinician per night with the new alerts of their clinics.

The night of a digest is a diary day D. A clinician's digest for D is claimed when every one of
their clinics that existed on D has evaluated D, by whichever clinic finishes last, and only if
there is something new; a clinician of two clinics still gets one email. What the digest lists
is read again when it is sent, from the clinician's memberships at that moment, so someone
removed from a clinic in between hears nothing about its patients. A digest lists a pseudonymous
reference, the rule with the clinic's rule values it was opened with, and a link: no names, no
scores, no notes.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from clinicians.alerts.models import Alert
from clinicians.nightly import schedule
from clinicians.nightly.models import EmailClaim, NightRun
from clinicians.nightly.reads import clinics_of
from diary.clinics import Clinic, ClinicMembership
from diary.models import User

UNRESOLVED = [Alert.Status.OPEN, Alert.Status.ACKNOWLEDGED]


@dataclass(frozen=True)
class DigestLine:
    patient_id: int
    reference: str
    rule: str
    details: dict[str, Any]


def new_alerts(day: datetime.date) -> QuerySet[Alert]:
    """Alerts for the care team opened by the evaluation of ``day`` and not yet resolved."""
    return Alert.objects.filter(
        diary_date=day,
        audience=Alert.Audience.CARE_TEAM,
        status__in=UNRESOLVED,
        patient__is_active=True,
    )


def digest_claims(run: NightRun, now: datetime.datetime) -> list[EmailClaim]:
    """Unsaved digest claims for the members of ``run``'s clinic who are due one now."""
    day = run.date
    members = list(
        User.objects.filter(clinic_memberships__clinic_id=run.clinic_id, is_active=True)
        .exclude(email="")
        .values_list("pk", flat=True)
    )
    clinics = clinics_of(members)
    involved = set().union(*clinics.values()) if clinics else set()
    ready = _evaluated_or_absent(involved, day)
    with_news = set(
        new_alerts(day)
        .filter(patient__clinic_id__in=involved)
        .values_list("patient__clinic_id", flat=True)
        .distinct()
    )
    return [
        EmailClaim(kind=EmailClaim.Kind.ALERT_DIGEST, recipient_id=pk, date=day, created_at=now)
        for pk in members
        if clinics.get(pk, set()) <= ready and clinics.get(pk, set()) & with_news
    ]


def _evaluated_or_absent(clinic_ids: set[int], day: datetime.date) -> set[int]:
    """The clinics among ``clinic_ids`` that need not hold back a digest for ``day``."""
    evaluated = set(
        NightRun.objects.filter(
            clinic_id__in=clinic_ids, date=day, evaluated_at__isnull=False
        ).values_list("clinic_id", flat=True)
    )
    # A clinic that did not exist yet on ``day`` has no night to wait for.
    absent = {
        pk
        for pk, zone, created in Clinic.objects.filter(pk__in=clinic_ids).values_list(
            "pk", "time_zone", "created_at"
        )
        if schedule.local_date(zone, created) > day
    }
    return evaluated | absent


def digest_lines(recipient_id: int, day: datetime.date) -> list[DigestLine]:
    """What ``recipient_id``'s digest for ``day`` lists, from their memberships as they are now."""
    clinics = ClinicMembership.objects.filter(user_id=recipient_id).values("clinic_id")
    rows = (
        new_alerts(day)
        .filter(patient__clinic_id__in=clinics)
        .order_by("patient__reference", "rule")
        .values_list("patient_id", "patient__reference", "rule", "details")
    )
    return [DigestLine(*row) for row in rows]
