"""Users, patients, carers and the diary itself.

A diary entry is one patient's one diary day. It is never edited: the carer's first submission
and every later correction are ``EntryVersion`` rows, each with its own ``ItemScore`` rows, and
the latest version is the one that counts. The database enforces one entry per patient and day,
scores within 0–4 and one idempotency key per patient.
"""

import datetime
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length, Now
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken

from diary.audit import history
from diary.clinics import Clinic, validate_time_zone

models.CharField.register_lookup(Length)
models.TextField.register_lookup(Length)

NOTES_MAX_LENGTH = 2000
ERASED_PREFIX = "Erased patient"
# The patient's direct identifiers: in ``PatientIdentity`` only, and never in any history.
IDENTITY_FIELDS = ("display_name", "date_of_birth")


class Disease(models.TextChoices):
    CANDLE = "CANDLE", _("NNS/CANDLE (PRAAS)")
    SAVI = "SAVI", _("STING-associated vasculopathy (SAVI)")
    AGS = "AGS", _("Aicardi–Goutières syndrome")
    OTHER = "OTHER", _("Other interferonopathy")


class Language(models.TextChoices):
    ENGLISH = "en", "English"
    JAPANESE = "ja", "日本語"


class Role(models.TextChoices):
    CARER = "carer", _("Carer")
    CLINICIAN = "clinician", _("Clinician")


class Source(models.TextChoices):
    WEB = "web", _("Web")
    OFFLINE = "offline", _("Offline replay")
    API = "api", _("API")
    PAPER = "paper", _("Paper transcription")


class Timeliness(models.TextChoices):
    ON_TIME = "on_time", _("On time")
    LATE = "late", _("Late")
    TRANSCRIBED = "transcribed", _("Transcribed from paper")


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


class ApiToken(AbstractAuthToken):
    """One device's API token (django-rest-knox keeps only a digest of the key).

    It ends at ``expiry``, when its owner ends it (API sign-out, the account page), and when
    ``auth_stamp`` no longer matches the user's session auth hash: a new password or a page
    sign-out changes that hash, which ends the user's sessions and tokens alike.
    """

    name = models.CharField(max_length=64, help_text="The device or app, as its owner named it.")
    last_used_at = models.DateTimeField(help_text="Issued, or last sent with a request.")
    verified_at = models.DateTimeField(
        null=True, blank=True, help_text="When the two-factor check it was issued after passed."
    )
    auth_stamp = models.CharField(
        max_length=128, help_text="The user's session auth hash when the token was issued."
    )

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"API token of user {self.user_id} created {self.created:%Y-%m-%d %H:%M}"


class Patient(models.Model):
    """A patient's pseudonymous clinical record; the name and birthday are in ``identity``."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="patients")
    reference = models.CharField(
        max_length=20, unique=True, help_text="Pseudonymous reference, e.g. GOS-0012."
    )
    birth_year = models.PositiveSmallIntegerField(
        help_text="Year of birth, kept after erasure so age-related clinical meaning survives."
    )
    disease = models.CharField(max_length=10, choices=Disease.choices)
    time_zone = models.CharField(max_length=64, validators=[validate_time_zone])
    is_active = models.BooleanField(default=True)
    erased_at = models.DateTimeField(
        null=True, blank=True, help_text="When the patient's identity was erased."
    )
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

    @property
    def display_name(self) -> str:
        identity = self.identity_or_none()
        return f"{ERASED_PREFIX} {self.reference}" if identity is None else identity.display_name

    @property
    def date_of_birth(self) -> datetime.date:
        """The date of birth; after erasure, 1 January of the birth year."""
        identity = self.identity_or_none()
        if identity is None:
            return datetime.date(self.birth_year, 1, 1)
        return identity.date_of_birth

    def identity_or_none(self) -> "PatientIdentity | None":
        try:
            return self.identity
        except PatientIdentity.DoesNotExist:
            return None


class PatientIdentity(models.Model):
    """A patient's direct identifiers, outside the historied clinical tables.

    Nothing else holds them, so erasure deletes this row and the identity is gone everywhere.
    Its history (and, on PostgreSQL, the database journal) records who changed it, when, why
    and which fields, never the values.
    """

    patient = models.OneToOneField(Patient, on_delete=models.CASCADE, related_name="identity")
    display_name = models.CharField(max_length=120)
    date_of_birth = models.DateField()

    history = history(unrecorded=IDENTITY_FIELDS)

    class Meta:
        verbose_name_plural = "patient identities"

    def __str__(self) -> str:
        # Shown in the admin's change log: never the name.
        return f"identity of patient {self.patient_id}"

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> "PatientIdentity":
        identity = super().from_db(db, field_names, values)
        # What the database held, so a save can name the fields it changes (Django's
        # documented "customizing model loading" pattern).
        identity.remember_saved()
        return identity

    def remember_saved(self) -> None:
        self._saved = {name: getattr(self, name) for name in IDENTITY_FIELDS}

    def changed_fields(self) -> list[str]:
        """The identifiers that differ from the saved ones (all of them for a new row)."""
        saved = getattr(self, "_saved", {})
        return [name for name in IDENTITY_FIELDS if saved.get(name) != getattr(self, name)]


class CarerLink(models.Model):
    class Relationship(models.TextChoices):
        MOTHER = "mother", _("Mother")
        FATHER = "father", _("Father")
        GUARDIAN = "guardian", _("Guardian")
        GRANDPARENT = "grandparent", _("Grandparent")
        SELF = "self", _("Self (adult patient)")
        OTHER = "other", _("Other")

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
