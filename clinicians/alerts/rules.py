"""A clinic's alert rules (SPEC §3.6), versioned: which values the nightly run uses on which night.

The rules live in ``clinicians``, beside the alerts they open, because only the nightly run, the
alert emails and the clinic admin page read them; ``diary`` never needs them. Each change is a
new row (append-only: a trigger refuses UPDATE and DELETE on PostgreSQL), written by
``clinicians.clinic_admin.services.set_alert_rules`` and tracked by simple-history with who, in
which role, when and why. A row applies from the night of ``effective_from``: the first night
not yet due when it was saved, so a change never alters a night already due, nor an alert
already opened (each alert keeps the values it was opened with in its reason and details).
The clinical rules themselves, their defaults and the bounds are in ``scoring.alerts``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _

import scoring
from clinicians.nightly import schedule
from diary.audit import history
from diary.clinics import Clinic
from diary.days import ONE_DAY
from diary.models import Patient

RULE_FIELDS = (
    "marked_rise_delta",
    "severe_temperature_c",
    "gap_reminder_days",
    "gap_care_team_days",
)
_RISE_MAX = Decimal(scoring.rule_figure(scoring.MARKED_RISE_MAX))
_LOW_C, _HIGH_C = scoring.SEVERE_TEMPERATURE_RANGE_C
_FIRST_DAY, _LAST_DAY = scoring.GAP_DAYS_RANGE


def bound_message(field: str) -> str:
    """What a clinic admin may choose for ``field`` (one of ``RULE_FIELDS``), in their language."""
    days = {"first": _FIRST_DAY, "last": _LAST_DAY}
    if field == "marked_rise_delta":
        return _("Choose a rise above 0 and at most %(max)s DDS points.") % {"max": _RISE_MAX}
    if field == "severe_temperature_c":
        return _("Choose a temperature from %(low)s to %(high)s °C.") % {
            "low": _LOW_C,
            "high": _HIGH_C,
        }
    if field == "gap_reminder_days":
        return _("Choose from %(first)s to %(last)s days.") % days
    return _("Choose from %(first)s to %(last)s days, more than the carers' reminder.") % days


class ClinicAlertRules(models.Model):
    """One version of a clinic's alert rules, in force from the night of ``effective_from``."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="alert_rules")
    version = models.PositiveIntegerField()
    effective_from = models.DateField(
        help_text="The first diary day whose nightly evaluation uses these rules."
    )
    marked_rise_delta = models.DecimalField(
        max_digits=3, decimal_places=2, help_text="DDS points of rise over 7 days."
    )
    severe_temperature_c = models.DecimalField(max_digits=3, decimal_places=1)
    gap_reminder_days = models.PositiveSmallIntegerField()
    gap_care_team_days = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField()

    history = history()

    class Meta:
        verbose_name_plural = "clinic alert rules"
        ordering = ["clinic_id", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "version"], name="alert_rules_version"),
            models.CheckConstraint(
                condition=Q(marked_rise_delta__gt=0, marked_rise_delta__lte=_RISE_MAX)
                & Q(severe_temperature_c__gte=_LOW_C, severe_temperature_c__lte=_HIGH_C)
                & Q(gap_reminder_days__gte=_FIRST_DAY, gap_care_team_days__lte=_LAST_DAY)
                & Q(gap_reminder_days__lt=models.F("gap_care_team_days")),
                name="alert_rules_within_bounds",
            ),
        ]

    def __str__(self) -> str:
        return f"clinic {self.clinic_id} alert rules v{self.version}"

    def clean(self) -> None:
        if any(getattr(self, name) is None for name in RULE_FIELDS):
            return  # the field's own error says what is missing
        outside = scoring.alert_settings_out_of_bounds(
            marked_rise_delta=Fraction(self.marked_rise_delta),
            severe_temperature_c=self.severe_temperature_c,
            gap_reminder_days=self.gap_reminder_days,
            gap_care_team_days=self.gap_care_team_days,
        )
        if outside:
            raise ValidationError({name: bound_message(name) for name in outside})

    def settings(self) -> scoring.AlertSettings:
        """These rules as ``scoring.evaluate_alerts`` takes them (the rise as a ``Fraction``)."""
        return scoring.AlertSettings(
            marked_rise_delta=Fraction(self.marked_rise_delta),
            severe_temperature_c=self.severe_temperature_c,
            gap_reminder_days=self.gap_reminder_days,
            gap_care_team_days=self.gap_care_team_days,
        )


def rules_in_force(
    clinic_ids: Iterable[int], day: datetime.date
) -> dict[int, scoring.AlertSettings]:
    """Each clinic's alert settings for the night of ``day``, in one query.

    A clinic that had no rules of its own on ``day`` has SPEC §3.6's defaults, the rules every
    clinic had before it chose.
    """
    ids = set(clinic_ids)
    found = {}
    rows = ClinicAlertRules.objects.filter(clinic_id__in=ids, effective_from__lte=day).order_by(
        "clinic_id", "-effective_from", "-version"
    )
    for row in rows:
        found.setdefault(row.clinic_id, row)
    return {
        pk: found[pk].settings() if pk in found else scoring.DEFAULT_ALERT_SETTINGS for pk in ids
    }


def next_night(clinic: Clinic, now: datetime.datetime) -> datetime.date:
    """The clinic's first night not yet due at ``now``: the night a change made now applies from.

    The night of the day before is due (or done) already, and keeps the rules it had.
    """
    zones = set(
        Patient.objects.filter(clinic=clinic, is_active=True)
        .values_list("time_zone", flat=True)
        .distinct()
    )
    return schedule.due_night(zones | {clinic.time_zone}, clinic.diary_cutoff, now) + ONE_DAY


def chosen_values(clinic: Clinic) -> dict[str, object]:
    """The clinic's newest rule values (in force now or from the next night), else the defaults."""
    latest = ClinicAlertRules.objects.filter(clinic=clinic).order_by("-version").first()
    if latest is not None:
        return {name: getattr(latest, name) for name in RULE_FIELDS}
    defaults = scoring.DEFAULT_ALERT_SETTINGS
    return {
        "marked_rise_delta": Decimal(scoring.rule_figure(defaults.marked_rise_delta)),
        "severe_temperature_c": defaults.severe_temperature_c,
        "gap_reminder_days": defaults.gap_reminder_days,
        "gap_care_team_days": defaults.gap_care_team_days,
    }


def rule_changes(clinic: Clinic) -> list[object]:
    """Every version of the clinic's rules with who saved it, in which role, when and why."""
    return list(
        ClinicAlertRules.history.filter(clinic_id=clinic.pk, history_type="+")
        .select_related("history_user")
        .order_by("-version")
    )
