"""Alerts, the nightly run's records, clinical records and record access."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from diary.audit import history
from diary.clinics import Clinic


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


class NightRun(models.Model):
    """One clinic's night: every active patient evaluated for the diary day ``date``, then the
    night's emails claimed.

    The night of ``date`` starts once the clinic's cut-off after ``date`` has passed in the
    clinic's zone and in every zone its patients live in, so late-evening diaries count. One
    row per clinic and night, so two beat processes or a re-run cannot start a night twice, and
    a night without ``completed_at`` is a night that did not complete (the health check says so).
    """

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="night_runs")
    date = models.DateField(help_text="The diary day evaluated, a date in each patient's zone.")
    started_at = models.DateTimeField()
    dispatched_at = models.DateTimeField(help_text="When work was last handed to the workers.")
    evaluated_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    patients_evaluated = models.PositiveIntegerField(default=0)
    alerts_opened = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-date", "clinic_id"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "date"], name="night_run_one_per_clinic"),
        ]

    def __str__(self) -> str:
        return f"clinic {self.clinic_id} night of {self.date.isoformat()}"


class PatientEvaluation(models.Model):
    """The record that a patient's diary day was evaluated; unique, so each day is evaluated
    once however often the night is run, retried or caught up."""

    patient = models.ForeignKey("diary.Patient", on_delete=models.PROTECT, related_name="+")
    date = models.DateField()
    evaluated_at = models.DateTimeField()
    findings = models.PositiveSmallIntegerField(help_text="Rules that fired (opened or not).")

    class Meta:
        constraints = [
            # Date first: the night's queries ask for one day's evaluations.
            models.UniqueConstraint(fields=["date", "patient"], name="evaluation_one_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.patient_id} {self.date.isoformat()}"


class EmailClaim(models.Model):
    """One email to one person, recorded before it is sent.

    The row is unique per recipient, night and kind (digests) or per recipient, patient and day
    (reminders, whatever their kind), so a re-run finds it already there. Sending takes the row
    with a conditional UPDATE from ``pending`` to ``sending``: whoever changes the row sends,
    everyone else stops. A worker killed after that leaves ``sending`` behind and nobody sends
    again (the health check reports it); a send that fails goes back to ``pending`` for a retry,
    or to ``failed`` after the last one.
    """

    class Kind(models.TextChoices):
        ALERT_DIGEST = "alert_digest", "Alert digest"
        EVENING_REMINDER = "evening_reminder", "Evening reminder"
        GAP_REMINDER = "gap_reminder", "Diary gap reminder"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        SKIPPED = "skipped", "Skipped (nothing left to say)"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    patient = models.ForeignKey(
        "diary.Patient", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    date = models.DateField(
        help_text="Digest: the night's diary day. Reminder: the patient's local day it is for."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="email_claim_status")]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "date"],
                condition=Q(kind="alert_digest"),
                name="email_claim_one_digest_per_night",
            ),
            models.UniqueConstraint(
                fields=["recipient", "patient", "date"],
                condition=Q(patient__isnull=False),
                name="email_claim_one_reminder_per_day",
            ),
            models.CheckConstraint(
                condition=Q(kind="alert_digest", patient__isnull=True)
                | Q(kind__in=["evening_reminder", "gap_reminder"], patient__isnull=False),
                name="email_claim_patient_iff_reminder",
            ),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="email_claim_sent_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.recipient_id} for {self.date.isoformat()} ({self.status})"


from clinicians.cohort.models import CohortSettings  # noqa: E402,F401
from clinicians.records import *  # noqa: E402,F403
