"""The diary itself: instruments, entries, their versions and scores, and the stored 7-day DDS.

A diary entry is one patient's one diary day. It is never edited: the carer's first submission
and every later correction are ``EntryVersion`` rows, each with its own ``ItemScore`` rows, and
the latest version is the one that counts. The database enforces one entry per patient and day,
scores within 0–4 and one idempotency key per patient.
"""

from django.db import models
from django.db.models import Q

from diary.audit import history
from diary.clinics import Clinic
from diary.models.people import NOTES_MAX_LENGTH, Disease, Patient, Role, Source, Timeliness, User


class InstrumentDefinition(models.Model):
    """A clinic's own version of a diary instrument (built-in versions live in ``scoring``).

    ``definition`` is ``scoring.Instrument.to_dict()``; versions are numbered per disease across
    all clinics so that an entry's (disease, version) names exactly one instrument.
    """

    disease = models.CharField(max_length=10, choices=Disease.choices)
    version = models.PositiveIntegerField()
    clinic = models.ForeignKey(
        Clinic, on_delete=models.PROTECT, related_name="instrument_definitions"
    )
    definition = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    history = history()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["disease", "version"], name="instrument_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.disease} v{self.version}"


class DiaryEntry(models.Model):
    """One patient's diary for one diary day; its content lives in its versions."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="entries")
    date = models.DateField(help_text="The diary day, a date in the patient's time zone.")
    timeliness = models.CharField(max_length=12, choices=Timeliness.choices)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "diary entries"
        ordering = ["patient_id", "date"]
        constraints = [
            models.UniqueConstraint(fields=["patient", "date"], name="entry_one_per_patient_day"),
        ]

    def __str__(self) -> str:
        return f"{self.patient_id} {self.date.isoformat()}"


class EntryVersion(models.Model):
    """One submission or correction of a diary entry; never updated once written."""

    entry = models.ForeignKey(DiaryEntry, on_delete=models.PROTECT, related_name="versions")
    # Denormalised from the entry so the database can keep idempotency keys unique per patient.
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField()
    temperature_c = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True)
    sleep_hours = models.DecimalField(max_digits=4, decimal_places=2, null=True, blank=True)
    notes = models.TextField(blank=True, max_length=NOTES_MAX_LENGTH)
    entered_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    entered_by_role = models.CharField(max_length=12, choices=Role.choices)
    source = models.CharField(max_length=10, choices=Source.choices)
    captured_at = models.DateTimeField(null=True, blank=True)
    captured_offset_minutes = models.SmallIntegerField(null=True, blank=True)
    received_at = models.DateTimeField()
    instrument_version = models.PositiveIntegerField()
    reason = models.TextField(blank=True)
    idempotency_key = models.UUIDField(null=True, blank=True)
    request_fingerprint = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["entry_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "number"], name="version_number_unique"),
            models.UniqueConstraint(
                fields=["patient", "idempotency_key"], name="version_idempotency_key_unique"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="version_number_positive"),
            models.CheckConstraint(
                condition=Q(notes__length__lte=NOTES_MAX_LENGTH), name="version_notes_length"
            ),
            models.CheckConstraint(
                condition=Q(temperature_c__isnull=True)
                | Q(temperature_c__gte=30, temperature_c__lte=45),
                name="version_temperature_plausible",
            ),
            models.CheckConstraint(
                condition=Q(sleep_hours__isnull=True) | Q(sleep_hours__gte=0, sleep_hours__lte=24),
                name="version_sleep_hours_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entry} v{self.number}"


class ItemScore(models.Model):
    """One item's 0–4 score in one version; ``score`` is NULL when the item was not assessed."""

    version = models.ForeignKey(EntryVersion, on_delete=models.PROTECT, related_name="scores")
    item_code = models.CharField(max_length=40)
    score = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "item_code"], name="item_score_unique"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=4),
                name="item_score_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_code}={self.score}"


class DailyScore(models.Model):
    """A patient's 7-day DDS on ``date``, and that day's own daily score: the one store of
    derived scores.

    Derived from the diary, never edited: ``diary.daily_scores`` writes a patient's rows in the
    transaction that changes an entry, and ``manage.py rebuild_scores`` rewrites them from
    scratch. There is a row for each day whose window ``[date - 6, date]`` holds an entry; a
    day without a row has an empty window, whose DDS is insufficient under the patient's
    current instrument. Not audited: it holds nothing the audited diary does not.
    """

    # No index of its own: the unique (patient, date) index leads with it.
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="+", db_index=False)
    date = models.DateField()
    instrument_version = models.PositiveIntegerField(help_text="The version that scored it.")
    # The exact DDS as a fraction in lowest terms; both empty when the window is insufficient.
    numerator = models.PositiveIntegerField(null=True, blank=True)
    denominator = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(max_length=12)  # scoring.Status values
    observed = models.PositiveIntegerField()
    expected = models.PositiveIntegerField()
    missing_items = models.TextField(blank=True, help_text="Item codes without any score.")
    # The day's own daily score (SPEC §3.2) under ``instrument_version``, in lowest terms: what
    # "proportion of days below the threshold" counts. Both empty when the day has no entry or
    # fewer than half its items scored.
    day_numerator = models.PositiveIntegerField(null=True, blank=True)
    day_denominator = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["patient", "date"], name="daily_score_one_per_day"),
            models.CheckConstraint(
                condition=Q(day_numerator__isnull=True, day_denominator__isnull=True)
                | Q(day_numerator__isnull=False, day_denominator__gt=0),
                name="daily_score_day_fraction",
            ),
            models.CheckConstraint(
                condition=Q(numerator__isnull=True, denominator__isnull=True, status="insufficient")
                | Q(numerator__isnull=False, denominator__gt=0)
                & Q(status__in=["remission", "controlled", "active"]),
                name="daily_score_value_iff_sufficient",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.patient_id} {self.date.isoformat()} {self.status}"
