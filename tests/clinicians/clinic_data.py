"""Hand-built diary data for the clinician tests, written straight to the tables.

The clinical values are always given by the test; this only saves the services' per-entry cost
when a test needs hundreds of patients. The stored 7-day DDS is written as the services write
it (``diary.daily_scores``).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from diary.daily_scores import record_changed_days
from diary.models import DiaryEntry, EntryVersion, ItemScore, Patient

DayScores = Mapping[str, int | None]


def write_days(
    patient: Patient,
    author: Any,
    days: Mapping[datetime.date, DayScores],
    *,
    notes: Mapping[datetime.date, str] | None = None,
    role: str = "carer",
    source: str = "web",
) -> list[EntryVersion]:
    """Store one entry (version 1) per day of ``days`` for ``patient``, with its stored
    scores, in one transaction as the diary services do."""
    with transaction.atomic():
        return _write_days(patient, author, days, notes or {}, role, source)


def _write_days(
    patient: Patient,
    author: Any,
    days: Mapping[datetime.date, DayScores],
    notes: Mapping[datetime.date, str],
    role: str,
    source: str,
) -> list[EntryVersion]:
    now = timezone.now()
    entries = DiaryEntry.objects.bulk_create(
        DiaryEntry(patient=patient, date=day, timeliness="on_time", created_at=now) for day in days
    )
    versions = EntryVersion.objects.bulk_create(
        EntryVersion(
            entry=entry,
            patient=patient,
            number=1,
            notes=notes.get(entry.date, ""),
            entered_by=author,
            entered_by_role=role,
            source=source,
            received_at=now,
            instrument_version=1,
        )
        for entry in entries
    )
    ItemScore.objects.bulk_create(
        ItemScore(version=version, item_code=code, score=score)
        for version, entry in zip(versions, entries, strict=True)
        for code, score in days[entry.date].items()
    )
    record_changed_days(patient, days)
    return versions


def same_every_day(
    codes: tuple[str, ...], score: int, end: datetime.date, count: int
) -> dict[datetime.date, dict[str, int | None]]:
    """``count`` days ending on ``end``, every item scored ``score``."""
    return {
        end - datetime.timedelta(days=offset): dict.fromkeys(codes, score)
        for offset in range(count)
    }


CANDLE = ("fever", "rash", "musculoskeletal_pain", "headache", "fatigue")
