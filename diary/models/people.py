"""Users, their API tokens, patients and their identity, carers' links and invitations."""

import datetime
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
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
