"""Clinics and the staff who belong to them."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q

from diary.audit import history
from diary.models import validate_time_zone


class ThresholdProfile(models.TextChoices):
    # Keys match scoring.THRESHOLD_PROFILES.
    JAGA = "JAGA", "JAGA programme (CANDLE 0.5, SAVI 1.0, AGS 0.5, other 0.5)"
    UNIFORM_0_5 = "UNIFORM_0_5", "Uniform 0.5 (2023 trial analysis)"


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

    history = history()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ClinicMembership(models.Model):
    class Role(models.TextChoices):
        CLINICIAN = "clinician", "Clinician"
        CLINIC_ADMIN = "clinic_admin", "Clinic admin"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clinic_memberships"
    )
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    history = history()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "clinic"], name="membership_unique"),
            models.CheckConstraint(
                condition=Q(role__in=["clinician", "clinic_admin"]), name="membership_role_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.clinic} ({self.role})"


class Alert(models.Model):
    """A rule of SPEC §3.6 that fired for a patient, with its lifecycle.

    The same condition never opens a second alert while one is open: the database holds at
    most one unresolved alert per patient and rule.
    """

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        RESOLVED = "resolved", "Resolved"

    class Audience(models.TextChoices):
        CARE_TEAM = "care_team", "Care team"
        CARERS = "carers", "Carers"

    patient = models.ForeignKey("diary.Patient", on_delete=models.PROTECT, related_name="alerts")
    rule = models.CharField(max_length=30)  # scoring.AlertRule values
    audience = models.CharField(max_length=12, choices=Audience.choices)
    diary_date = models.DateField(help_text="The diary day whose evaluation opened the alert.")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    reason = models.TextField(help_text="Why the rule fired, for clinicians (never emailed).")
    details = models.JSONField(default=dict, blank=True)
    opened_at = models.DateTimeField()
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledgement_note = models.TextField(blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_note = models.TextField(blank=True)

    history = history()

    class Meta:
        ordering = ["-opened_at"]
        indexes = [models.Index(fields=["patient", "status"], name="alert_patient_status")]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "rule"],
                condition=~Q(status="resolved"),
                name="alert_one_unresolved_per_rule",
            ),
            models.CheckConstraint(
                condition=Q(status="open")
                | Q(status="acknowledged", acknowledged_at__isnull=False)
                | Q(status="resolved", resolved_at__isnull=False),
                name="alert_lifecycle_consistent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule} {self.patient_id} {self.diary_date.isoformat()} ({self.status})"
