"""The record access log: who read which patient's record, through which page or export, when.

Append-only (a trigger refuses UPDATE and DELETE on PostgreSQL); it holds no clinical values.
"""

from django.conf import settings
from django.db import models


class RecordAccess(models.Model):
    """One read of a patient's record by clinic staff: who, whose, what, when. Append-only.

    ``what`` names the page or export (``patient_page``, ``summary``, ``export_csv_days``…);
    no clinical value is ever stored here.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey("diary.Patient", on_delete=models.PROTECT, related_name="+")
    what = models.CharField(max_length=40)
    at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "record accesses"
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["patient", "at"], name="record_access_patient_at")]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.what} of {self.patient_id} at {self.at.isoformat()}"
