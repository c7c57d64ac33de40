"""A clinic's cohort settings: the week of each disease's primary visit (issue 20)."""

from django.db import models
from django.db.models import Q

from diary.audit import history

DEFAULT_PRIMARY_WEEKS = {"CANDLE": 20, "SAVI": 32, "AGS": 32, "OTHER": 20}
"""The 2023 trial's primary visit: week 20 for CANDLE (and the CANDLE diary's OTHER), week 32
for SAVI and AGS. A clinic without a ``CohortSettings`` row uses these."""

MAINTENANCE_WEEK = 52


class CohortSettings(models.Model):
    """Per-clinic weeks since treatment start of the primary visit, per disease."""

    clinic = models.OneToOneField(
        "diary.Clinic", on_delete=models.CASCADE, related_name="cohort_settings"
    )
    primary_week_candle = models.PositiveSmallIntegerField(default=DEFAULT_PRIMARY_WEEKS["CANDLE"])
    primary_week_savi = models.PositiveSmallIntegerField(default=DEFAULT_PRIMARY_WEEKS["SAVI"])
    primary_week_ags = models.PositiveSmallIntegerField(default=DEFAULT_PRIMARY_WEEKS["AGS"])
    primary_week_other = models.PositiveSmallIntegerField(default=DEFAULT_PRIMARY_WEEKS["OTHER"])

    history = history()

    class Meta:
        verbose_name_plural = "cohort settings"
        constraints = [
            # A primary visit after treatment start and before the maintenance visit.
            models.CheckConstraint(
                condition=Q(
                    **{
                        f"primary_week_{code}__{bound}": week
                        for code in ("candle", "savi", "ags", "other")
                        for bound, week in (("gte", 1), ("lt", MAINTENANCE_WEEK))
                    }
                ),
                name="cohort_primary_weeks_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"cohort settings of clinic {self.clinic_id}"

    def primary_weeks(self) -> dict[str, int]:
        return {
            "CANDLE": self.primary_week_candle,
            "SAVI": self.primary_week_savi,
            "AGS": self.primary_week_ags,
            "OTHER": self.primary_week_other,
        }
