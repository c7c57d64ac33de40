"""Reads of diary entries as the API lists them: the version that counts, and every version."""

from __future__ import annotations

import datetime

from django.db.models import Prefetch, QuerySet

from diary.models import DiaryEntry, EntryVersion, ItemScore, Patient
from diary.selectors import latest_versions


def _with_details(versions: QuerySet[EntryVersion]) -> QuerySet[EntryVersion]:
    return versions.select_related("entry", "entered_by").prefetch_related(
        Prefetch("scores", queryset=ItemScore.objects.order_by("pk"))
    )


def entry_list(
    patient: Patient,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> QuerySet[EntryVersion]:
    """The latest version of each of ``patient``'s entries in ``[start, end]``, newest day first.

    Each row comes with its entry, author and item scores (a fixed number of queries).
    """
    # The entry's patient, not the version's: PostgreSQL then reads the range through the
    # entries' (patient, date) index rather than every version the patient ever had.
    versions = latest_versions().filter(entry__patient_id=patient.pk)
    if start is not None:
        versions = versions.filter(entry__date__gte=start)
    if end is not None:
        versions = versions.filter(entry__date__lte=end)
    return _with_details(versions).order_by("-entry__date")


def latest_version(entry: DiaryEntry) -> EntryVersion:
    """The version of ``entry`` that counts, with its entry, author and item scores."""
    return _with_details(EntryVersion.objects.filter(entry_id=entry.pk)).order_by("-number")[0]


def entry_history(entry: DiaryEntry) -> list[EntryVersion]:
    """Every version of ``entry``, oldest first, with author and item scores."""
    return list(_with_details(EntryVersion.objects.filter(entry_id=entry.pk)).order_by("number"))
