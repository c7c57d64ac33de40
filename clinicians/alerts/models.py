"""The alert: a rule of SPEC §3.6 that fired for a patient, and its lifecycle."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from diary.audit import history


class Alert(models.Model):
    """A rule of SPEC §3.6 that fired for a patient, with its lifecycle.

    The same condition never opens a second alert while one is open: the database holds at
    most one unresolved alert per patient and rule.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        RESOLVED = "resolved", _("Resolved")

    class Audience(models.TextChoices):
        CARE_TEAM = "care_team", _("Care team")
        CARERS = "carers", _("Carers")

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
