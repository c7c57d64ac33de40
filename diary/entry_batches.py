"""Many days of one patient's diary stored at once, with the checks and rows of ``diary.services``.

For a history loaded in one go (the demo's year of diaries): each day is checked and stored as
``submit_entry`` would have at the moment it was received, and the stored 7-day DDS is rewritten
once for all of them instead of once per day.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db import transaction

from diary.daily_scores import record_changed_days
from diary.instruments import current_instrument
from diary.models import DiaryEntry, EntryVersion, ItemScore, Patient
from diary.services import Submission, item_rows, version_row
from diary.submission_checks import (
    check_capture_time,
    check_day,
    entry_role,
    request_fingerprint,
    validated_values,
)


@dataclass(frozen=True)
class Receipt:
    """One submission for ``submit_entries``, with where it came from and when it arrived."""

    submission: Submission
    source: str
    received_at: datetime.datetime
    idempotency_key: UUID | None = None


def submit_entries(*, patient: Patient, user: Any, receipts: Sequence[Receipt]) -> int:
    """Create the entries of ``receipts``, each as ``submit_entry`` would at its
    ``received_at``, in one transaction. All or nothing; no replays (a device's retries use
    ``submit_entry``). Returns the number of entries created."""
    role = entry_role(user, patient)
    instrument = current_instrument(patient)
    checked = []
    for receipt in receipts:
        submission = receipt.submission
        values = validated_values(instrument, submission)
        check_capture_time(submission.captured_at, receipt.received_at)
        timeliness = check_day(
            patient, submission.date, role, receipt.source, "", receipt.received_at
        )
        checked.append((receipt, values, timeliness))
    if not checked:
        return 0
    with transaction.atomic():
        entries = DiaryEntry.objects.bulk_create(
            DiaryEntry(
                patient=patient,
                date=receipt.submission.date,
                timeliness=timeliness,
                created_at=receipt.received_at,
            )
            for receipt, _values, timeliness in checked
        )
        versions = EntryVersion.objects.bulk_create(
            version_row(
                entry=entry,
                number=1,
                values=values,
                instrument=instrument,
                user=user,
                role=role,
                source=receipt.source,
                captured_at=receipt.submission.captured_at,
                received_at=receipt.received_at,
                reason="",
                idempotency_key=receipt.idempotency_key,
                fingerprint=request_fingerprint(entry.date, values, receipt.submission.captured_at),
            )
            for entry, (receipt, values, _timeliness) in zip(entries, checked, strict=True)
        )
        ItemScore.objects.bulk_create(
            item
            for version, (_receipt, values, _timeliness) in zip(versions, checked, strict=True)
            for item in item_rows(version, values)
        )
        record_changed_days(patient, [entry.date for entry in entries])
    return len(entries)
