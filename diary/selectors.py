"""Reads that turn stored entries into ``scoring`` input, shared by pages, API, exports and tasks.

Only the latest version of each entry counts. The scores of an entry are read with the
instrument version the entry was captured with.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet

import scoring
from diary.instruments import current_instruments, instrument_version
from diary.models import EntryVersion, ItemScore, Patient

Days = dict[datetime.date, dict[str, int | None]]


def latest_versions() -> QuerySet[EntryVersion]:
    """Versions that no later version of the same entry supersedes."""
    newer = EntryVersion.objects.filter(
        entry_id=OuterRef("entry_id"), number__gt=OuterRef("number")
    )
    return EntryVersion.objects.filter(~Exists(newer))


def diary_days(
    patient_ids: Iterable[int], start: datetime.date, end: datetime.date
) -> dict[int, Days]:
    """Latest item scores per patient and day in ``[start, end]``, in one query."""
    rows = (
        ItemScore.objects.filter(
            version__in=latest_versions().filter(
                patient_id__in=list(patient_ids),
                entry__date__gte=start,
                entry__date__lte=end,
            )
        )
        .values_list("version__patient_id", "version__entry__date", "item_code", "score")
        .order_by()
    )
    result: dict[int, Days] = defaultdict(dict)
    for patient_id, day, code, score in rows:
        result[patient_id].setdefault(day, {})[code] = score
    return result


@dataclass(frozen=True)
class LatestScore:
    date: datetime.date
    score: scoring.Score


def latest_dds(patients: Iterable[Patient], today: datetime.date) -> dict[int, LatestScore]:
    """Each patient's 7-day DDS on ``today`` (a date the caller chose), in one query."""
    patients = list(patients)
    start = today - datetime.timedelta(days=6)
    days = diary_days([p.pk for p in patients], start, today)
    instruments = current_instruments(patients)
    return {
        p.pk: LatestScore(today, scoring.dds_on(instruments[p.pk], days.get(p.pk, {}), today))
        for p in patients
    }


def instrument_of(patient: Patient, version_number: int) -> scoring.Instrument:
    return instrument_version(patient.disease, version_number)
