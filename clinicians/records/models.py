"""Clinical records that clinic staff enter.

Treatment courses, measurements, corticosteroid doses, PGA assessments, appointments and study
periods are tracked by django-simple-history (``history()``), so every change keeps who, in which
role, when and why. The app never calculates or suggests a dose: a treatment course's regimen is
kept exactly as the clinician wrote it, and corticosteroid doses are only converted to prednisone
equivalents for display (``scoring.prednisone_equivalent``).
"""

from decimal import Decimal
from fractions import Fraction

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

import scoring
from diary.audit import history

# PGA is scored 0-10 in steps of 0.5 (2023 trial): the 21 values the database accepts.
PGA_STEPS = [Decimal(step) / 2 for step in range(21)]
# The systemic corticosteroids as clinicians read their names.
STEROID_NAMES = {
    "prednisone": _("Prednisone"),
    "prednisolone": _("Prednisolone"),
    "methylprednisolone": _("Methylprednisolone"),
    "triamcinolone": _("Triamcinolone"),
    "hydrocortisone": _("Hydrocortisone"),
    "cortisone": _("Cortisone"),
    "dexamethasone": _("Dexamethasone"),
    "betamethasone": _("Betamethasone"),
}


class TreatmentCourse(models.Model):
    """A course of treatment (usually a JAK inhibitor) from a start date, as prescribed."""

    patient = models.ForeignKey(
        "diary.Patient", on_delete=models.PROTECT, related_name="treatment_courses"
    )
    drug = models.CharField(max_length=80, help_text="e.g. baricitinib")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    regimen = models.TextField(
        max_length=1000, help_text="As written by the clinician; the app never calculates a dose."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    history = history()

    class Meta:
        ordering = ["patient_id", "start_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="treatment_course_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.drug} from {self.start_date.isoformat()}"


class Measurement(models.Model):
    """A weight (kg) or height (cm) measured on a date; one of each kind per patient and day."""

    class Kind(models.TextChoices):
        WEIGHT = "weight", _("Weight (kg)")
        HEIGHT = "height", _("Height (cm)")

    patient = models.ForeignKey(
        "diary.Patient", on_delete=models.PROTECT, related_name="measurements"
    )
    kind = models.CharField(max_length=6, choices=Kind.choices)
    date = models.DateField()
    value = models.DecimalField(max_digits=5, decimal_places=1)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    history = history()

    class Meta:
        ordering = ["patient_id", "kind", "date"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "kind", "date"], name="measurement_one_per_kind_day"
            ),
            # Plausible ranges from a preterm newborn to a tall adult; anything else is a typo.
            models.CheckConstraint(
                condition=Q(kind="weight", value__gte=Decimal("0.5"), value__lte=Decimal("250"))
                | Q(kind="height", value__gte=Decimal("30"), value__lte=Decimal("230")),
                name="measurement_kind_and_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.value} on {self.date.isoformat()}"


class SteroidDose(models.Model):
    """A systemic corticosteroid dose in mg/day from a date, until the next dose of that drug.

    A dose change is a new row for the same drug with a later ``from_date``; ``to_date`` ends a
    drug without a replacement. Several drugs at once add up (as prednisone equivalents).
    """

    class Route(models.TextChoices):
        ORAL = "oral", _("Oral")
        INTRAVENOUS = "iv", _("Intravenous")

    DRUG_CHOICES = [
        (name, STEROID_NAMES.get(name, name.capitalize())) for name in scoring.STEROID_FACTORS
    ]

    patient = models.ForeignKey(
        "diary.Patient", on_delete=models.PROTECT, related_name="steroid_doses"
    )
    drug = models.CharField(max_length=30, choices=DRUG_CHOICES)
    mg_per_day = models.DecimalField(max_digits=7, decimal_places=2)
    route = models.CharField(max_length=4, choices=Route.choices, default=Route.ORAL)
    from_date = models.DateField()
    to_date = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    history = history()

    class Meta:
        ordering = ["patient_id", "from_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(drug__in=list(scoring.STEROID_FACTORS)), name="steroid_drug_known"
            ),
            models.CheckConstraint(
                condition=Q(route__in=["oral", "iv"]), name="steroid_route_systemic"
            ),
            models.CheckConstraint(
                condition=Q(mg_per_day__gte=0, mg_per_day__lte=2000), name="steroid_dose_range"
            ),
            models.CheckConstraint(
                condition=Q(to_date__isnull=True) | Q(to_date__gte=F("from_date")),
                name="steroid_to_after_from",
            ),
            models.UniqueConstraint(
                fields=["patient", "drug", "from_date"], name="steroid_one_dose_per_drug_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.drug} {self.mg_per_day} mg/day from {self.from_date.isoformat()}"

    @property
    def prednisone_mg_per_day(self) -> Fraction:
        """The exact prednisone-equivalent mg/day (templates show it with ``prednisone_mg``)."""
        return scoring.prednisone_equivalent(self.drug, self.mg_per_day)


class PGAAssessment(models.Model):
    """Physician's global assessment of disease activity at a visit: 0-10 in steps of 0.5."""

    patient = models.ForeignKey(
        "diary.Patient", on_delete=models.PROTECT, related_name="pga_assessments"
    )
    date = models.DateField()
    score = models.DecimalField(max_digits=3, decimal_places=1)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    history = history()

    class Meta:
        verbose_name = "PGA assessment"
        ordering = ["patient_id", "date"]
        constraints = [
            models.CheckConstraint(condition=Q(score__in=PGA_STEPS), name="pga_half_steps_0_10"),
            models.UniqueConstraint(fields=["patient", "date"], name="pga_one_per_day"),
        ]

    def __str__(self) -> str:
        return f"PGA {self.score} on {self.date.isoformat()}"


class Appointment(models.Model):
    """A clinic visit; the last one before today marks "since the last visit"."""

    patient = models.ForeignKey(
        "diary.Patient", on_delete=models.PROTECT, related_name="appointments"
    )
    starts_at = models.DateTimeField()
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    purpose = models.CharField(max_length=200, blank=True)
    cancelled = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    history = history()

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["patient", "starts_at"], name="appointment_patient_time")]

    def __str__(self) -> str:
        return f"{self.patient_id} at {self.starts_at.isoformat()}"


class StudyPeriod(models.Model):
    """A named range of days for the period summary (the 2023 trial's Table 2 shape)."""

    class Name(models.TextChoices):
        BASELINE = "baseline", _("Baseline")
        PRIMARY = "primary", _("Primary")
        MAINTENANCE = "maintenance", _("Maintenance")
        CUSTOM = "custom", _("Custom")

    patient = models.ForeignKey(
        "diary.Patient", on_delete=models.PROTECT, related_name="study_periods"
    )
    name = models.CharField(max_length=12, choices=Name.choices)
    label = models.CharField(max_length=60, blank=True, help_text="Shown instead of the name.")
    start = models.DateField()
    end = models.DateField()
    is_pre_treatment = models.BooleanField(
        default=False, help_text="Its whole-period score is the pre-treatment baseline."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    history = history()

    class Meta:
        ordering = ["patient_id", "start", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="study_period_ordered"),
            models.UniqueConstraint(
                fields=["patient"],
                condition=Q(is_pre_treatment=True),
                name="study_period_one_pre_treatment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} {self.start.isoformat()}–{self.end.isoformat()}"

    @property
    def display_name(self) -> str:
        return self.label or self.get_name_display()
