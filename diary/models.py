"""Users, patients, carers and the diary itself.

A diary entry is one patient's one diary day. It is never edited: the carer's first submission
and every later correction are ``EntryVersion`` rows, each with its own ``ItemScore`` rows, and
the latest version is the one that counts. The database enforces one entry per patient and day,
scores within 0–4 and one idempotency key per patient.
"""

import datetime
import zoneinfo

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length, Now
from django.utils.crypto import salted_hmac

from diary.audit import history

models.CharField.register_lookup(Length)
models.TextField.register_lookup(Length)

NOTES_MAX_LENGTH = 2000


class Disease(models.TextChoices):
    CANDLE = "CANDLE", "NNS/CANDLE (PRAAS)"
    SAVI = "SAVI", "STING-associated vasculopathy (SAVI)"
    AGS = "AGS", "Aicardi–Goutières syndrome"
    OTHER = "OTHER", "Other interferonopathy"


class Language(models.TextChoices):
    ENGLISH = "en", "English"
    JAPANESE = "ja", "日本語"


class Role(models.TextChoices):
    CARER = "carer", "Carer"
    CLINICIAN = "clinician", "Clinician"


class Source(models.TextChoices):
    WEB = "web", "Web"
    OFFLINE = "offline", "Offline replay"
    API = "api", "API"
    PAPER = "paper", "Paper transcription"


class Timeliness(models.TextChoices):
    ON_TIME = "on_time", "On time"
    LATE = "late", "Late"
    TRANSCRIBED = "transcribed", "Transcribed from paper"


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not an IANA time zone.")


class User(AbstractUser):
    """Anyone who signs in: carers, clinicians and clinic admins (roles come from links)."""

    language = models.CharField(max_length=5, choices=Language.choices, default=Language.ENGLISH)
    session_epoch = models.PositiveIntegerField(
        default=0, help_text="Raised at sign-out: every session signed in before it ends."
    )

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        # Django checks this hash on every request: a new password or a new epoch (sign-out
        # on any device) ends every other session of this user.
        return salted_hmac(
            "diary.User.get_session_auth_hash",
            f"{self.password}:{self.session_epoch}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()


class VerifiedToken(models.Model):
    """An API token issued after a two-factor check; staff tokens without one are refused."""

    token = models.OneToOneField(
        "authtoken.Token", on_delete=models.CASCADE, primary_key=True, related_name="verified"
    )
    verified_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"token of user {self.token.user_id} verified at {self.verified_at:%Y-%m-%d %H:%M}"


class Patient(models.Model):
    clinic = models.ForeignKey(
        "clinicians.Clinic", on_delete=models.PROTECT, related_name="patients"
    )
    reference = models.CharField(
        max_length=20, unique=True, help_text="Pseudonymous reference, e.g. GOS-0012."
    )
    display_name = models.CharField(max_length=120)
    date_of_birth = models.DateField()
    disease = models.CharField(max_length=10, choices=Disease.choices)
    time_zone = models.CharField(max_length=64, validators=[validate_time_zone])
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = history()

    class Meta:
        ordering = ["reference"]
        constraints = [
            models.CheckConstraint(
                condition=Q(disease__in=Disease.values), name="patient_disease_known"
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class CarerLink(models.Model):
    class Relationship(models.TextChoices):
        MOTHER = "mother", "Mother"
        FATHER = "father", "Father"
        GUARDIAN = "guardian", "Guardian"
        GRANDPARENT = "grandparent", "Grandparent"
        SELF = "self", "Self (adult patient)"
        OTHER = "other", "Other"

    carer = models.ForeignKey(User, on_delete=models.CASCADE, related_name="carer_links")
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="carer_links")
    relationship = models.CharField(max_length=20, choices=Relationship.choices)
    reminders_enabled = models.BooleanField(
        default=True, help_text="Whether this carer gets reminder emails for this patient."
    )
    reminder_time = models.TimeField(
        default=datetime.time(19, 0),
        help_text="Local time (the patient's zone) after which a missing diary is reminded.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = history()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["carer", "patient"], name="carer_link_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.carer} → {self.patient}"


class InstrumentDefinition(models.Model):
    """A clinic's own version of a diary instrument (built-in versions live in ``scoring``).

    ``definition`` is ``scoring.Instrument.to_dict()``; versions are numbered per disease across
    all clinics so that an entry's (disease, version) names exactly one instrument.
    """

    disease = models.CharField(max_length=10, choices=Disease.choices)
    version = models.PositiveIntegerField()
    clinic = models.ForeignKey(
        "clinicians.Clinic", on_delete=models.PROTECT, related_name="instrument_definitions"
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
    """A patient's 7-day DDS on ``date``: the one store of a derived score.

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

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["patient", "date"], name="daily_score_one_per_day"),
            models.CheckConstraint(
                condition=Q(numerator__isnull=True, denominator__isnull=True, status="insufficient")
                | Q(numerator__isnull=False, denominator__gt=0)
                & Q(status__in=["remission", "controlled", "active"]),
                name="daily_score_value_iff_sufficient",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.patient_id} {self.date.isoformat()} {self.status}"


class CarerInvitation(models.Model):
    """A clinic's invitation for a carer to join a patient's diary.

    The emailed link carries a random token; only its SHA-256 is stored, so the table alone
    cannot be used to accept an invitation. Accepting sets ``accepted_at`` once and creates the
    ``CarerLink``.
    """

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="invitations")
    email = models.EmailField()
    relationship = models.CharField(max_length=20, choices=CarerLink.Relationship.choices)
    language = models.CharField(max_length=5, choices=Language.choices, default=Language.ENGLISH)
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(accepted_by__isnull=False),
                name="invitation_accepted_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation to {self.patient} ({self.relationship})"


class RawChange(models.Model):
    """One row change of a tracked clinical table, journalled by the database itself.

    On PostgreSQL an ``AFTER INSERT OR UPDATE OR DELETE`` trigger on every tracked mutable
    clinical table (migration ``diary.0006_raw_change``) writes the old and new row here, so a
    change made with raw SQL, outside the application and simple-history, is still recorded.
    Changes made through the application are journalled too. The table is append-only (a
    trigger refuses UPDATE and DELETE). SQLite has no triggers here: the table stays empty.
    """

    at = models.DateTimeField(db_default=Now())
    db_user = models.TextField(blank=True, default="")
    txid = models.BigIntegerField(null=True, blank=True)
    table_name = models.TextField()
    operation = models.TextField()
    old_row = models.JSONField(null=True, blank=True)
    new_row = models.JSONField(null=True, blank=True)

    class Meta:
        db_table = "audit_raw_change"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.operation} on {self.table_name} at {self.at.isoformat()}"
