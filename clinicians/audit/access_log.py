"""The record access log: every view or export of a patient's record by clinic staff."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from clinicians.audit.models import RecordAccess


def record_access(
    *, user: Any, patient_ids: Iterable[int], what: str, now: datetime.datetime | None = None
) -> int:
    """Log that ``user`` read ``what`` (a page or export name) of each patient; no values.

    Returns the number of rows written (one per patient).
    """
    now = now or timezone.now()
    rows = [
        RecordAccess(user_id=user.pk, patient_id=patient_id, what=what[:40], at=now)
        for patient_id in dict.fromkeys(patient_ids)
    ]
    with transaction.atomic():
        RecordAccess.objects.bulk_create(rows)
    return len(rows)
