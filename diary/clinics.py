"""Clinics and the staff who belong to them.

They live in ``diary`` because a patient belongs to a clinic and staff scope starts from a
membership: ``diary`` must not depend on ``clinicians`` (scoring <- diary <- clinicians).
"""

import datetime
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from diary.audit import history


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not an IANA time zone.")


class ThresholdProfile(models.TextChoices):
    # Keys match scoring.THRESHOLD_PROFILES.
    JAGA = "JAGA", _("JAGA programme (CANDLE 0.5, SAVI 1.0, AGS 0.5, other 0.5)")
    UNIFORM_0_5 = "UNIFORM_0_5", _("Uniform 0.5 (2023 trial analysis)")


class Clinic(models.Model):
    name = models.CharField(max_length=200)
    reference_prefix = models.CharField(
        max_length=8, unique=True, help_text="Prefix of patient references, e.g. GOS."
    )
    time_zone = models.CharField(max_length=64, validators=[validate_time_zone])
    threshold_profile = models.CharField(
        max_length=20, choices=ThresholdProfile.choices, default=ThresholdProfile.JAGA
    )
    diary_cutoff = models.TimeField(
        default=datetime.time(4, 0),
        help_text="Local time on the morning after a diary day until which it is on time.",
    )
    backfill_days = models.PositiveSmallIntegerField(
        default=3, help_text="Days after the diary day during which carers may still enter it."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = history(table_name="clinicians_historicalclinic")

    class Meta:
        db_table = "clinicians_clinic"  # the table from before the model moved here
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ClinicMembership(models.Model):
    class Role(models.TextChoices):
        CLINICIAN = "clinician", _("Clinician")
        CLINIC_ADMIN = "clinic_admin", _("Clinic admin")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clinic_memberships"
    )
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    history = history(table_name="clinicians_historicalclinicmembership")

    class Meta:
        db_table = "clinicians_clinicmembership"  # the table from before the model moved here
        constraints = [
            models.UniqueConstraint(fields=["user", "clinic"], name="membership_unique"),
            models.CheckConstraint(
                condition=Q(role__in=["clinician", "clinic_admin"]), name="membership_role_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.clinic} ({self.role})"
