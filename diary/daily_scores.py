"""Writes of the one store of derived scores: each patient's 7-day DDS per day (``DailyScore``),
and each day's own daily score beside it.

The pages, exports and API read the 7-day DDS from this table (``diary.selectors.daily_dds``)
instead of scoring windows while a clinician waits. Rows are computed by
``diary.selectors.versioned_series``, the one place a 7-day DDS is computed, and written:

- by ``record_changed_days``, in the transaction of the diary service that submits, corrects
  or transcribes an entry (its window and the six after it change);
- by ``rebuild``, for a patient whose disease changes (their entries are read under another
  diary), and for everyone by ``manage.py rebuild_scores``.

Nothing else changes a row. A new instrument version or threshold profile does not: a window
with an entry is scored with the version of its newest entry, and a window without one has no
row (it is insufficient under whatever is current when it is read). Nor does a patient's time
zone: entries keep the diary dates they were made for.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from fractions import Fraction

from django.db import transaction
from django.db.models import Max, Min

import scoring
from diary.models import DailyScore, DiaryEntry, Patient
from diary.score_store import SCORE_COLUMNS
from diary.selectors import (
    WINDOW_SPAN,
    DayDDS,
    StoredDay,
    entry_versions,
    versioned_days,
    versioned_series,
)

REBUILD_BATCH = 200


def record_changed_days(patient: Patient, days: Iterable[datetime.date]) -> None:
    """Rewrite ``patient``'s rows whose window holds one of ``days``, whose entries have just
    been written. Call it inside the transaction that wrote them.

    Entries are never deleted, so a window that held an entry still does: rows are only
    added or replaced (one upsert).
    """
    changed = sorted(set(days))
    if not changed:
        return
    [disease] = _lock([patient.pk]).values()
    first, last = changed[0], changed[-1] + WINDOW_SPAN
    stored = versioned_days([patient.pk], first - WINDOW_SPAN, last).get(patient.pk, {})
    DailyScore.objects.bulk_create(
        _rows(patient.pk, disease, stored, first, last),
        update_conflicts=True,
        unique_fields=["patient", "date"],
        update_fields=_SCORE_FIELDS,
    )


def rebuild(patient_ids: Sequence[int] | None = None, since: datetime.date | None = None) -> int:
    """Rewrite the rows of ``patient_ids`` (every patient when None) from their diary: all of
    them, or those dated ``since`` or later. In batches of ``REBUILD_BATCH`` patients, each in
    one transaction; returns the rows written."""
    patients = Patient.objects.order_by("pk")
    if patient_ids is not None:
        patients = patients.filter(pk__in=list(patient_ids))
    ids = list(patients.values_list("pk", flat=True))
    written = 0
    for start in range(0, len(ids), REBUILD_BATCH):
        with transaction.atomic():
            written += _rebuild_batch(ids[start : start + REBUILD_BATCH], since)
    return written


def _rebuild_batch(ids: list[int], since: datetime.date | None) -> int:
    diseases = _lock(ids)
    old = DailyScore.objects.filter(patient_id__in=ids)
    if since is not None:
        old = old.filter(date__gte=since)
    old.delete()
    spans = {}
    for pk, (first, last) in _entry_spans(ids).items():
        start = first if since is None else max(first, since)
        if start <= last + WINDOW_SPAN:
            spans[pk] = (start, last + WINDOW_SPAN)
    if not spans:
        return 0
    first = min(start for start, _ in spans.values()) - WINDOW_SPAN
    stored = versioned_days(list(spans), first, max(end for _, end in spans.values()))
    rows = []
    for pk, (start, end) in spans.items():
        rows += _rows(pk, diseases[pk], stored.get(pk, {}), start, end)
    DailyScore.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def _entry_spans(ids: list[int]) -> dict[int, tuple[datetime.date, datetime.date]]:
    """Each patient's first and last diary day with an entry."""
    rows = (
        DiaryEntry.objects.filter(patient_id__in=ids)
        .values("patient_id")
        .annotate(first=Min("date"), last=Max("date"))
        .values_list("patient_id", "first", "last")
        .order_by()
    )
    return {pk: (first, last) for pk, first, last in rows}


def _rows(
    patient_id: int,
    disease: str,
    stored: dict[datetime.date, StoredDay],
    start: datetime.date,
    end: datetime.date,
) -> list[DailyScore]:
    """The rows of ``[start, end]`` whose window holds an entry (``stored`` reaches
    ``start - 6``)."""
    versions = entry_versions(stored)
    # Only windows with an entry are stored, and those are scored with their newest entry's
    # version: the instrument an empty window would be scored with is never used here.
    stand_in = scoring.instrument_for(disease)
    return [
        _row(patient_id, dds, stored.get(dds.date))
        for dds in versioned_series(disease, stand_in, stored, start, end)
        if scoring.window_version(versions, dds.score.start, dds.score.end) is not None
    ]


def _row(patient_id: int, dds: DayDDS, day: StoredDay | None) -> DailyScore:
    score = dds.score
    # A day with an entry is the newest of its window: its own version scored the window.
    own = None if day is None else _daily_score(dds.instrument, dds.date, day)
    return DailyScore(
        patient_id=patient_id,
        date=score.end,
        instrument_version=dds.instrument.version,
        numerator=None if score.value is None else score.value.numerator,
        denominator=None if score.value is None else score.value.denominator,
        status=score.status.value,
        observed=score.observed,
        expected=score.expected,
        missing_items=" ".join(score.missing_items),
        day_numerator=None if own is None else own.numerator,
        day_denominator=None if own is None else own.denominator,
    )


def _daily_score(
    instrument: scoring.Instrument, date: datetime.date, day: StoredDay
) -> Fraction | None:
    return scoring.daily_score(instrument, scoring.read_under(instrument, {date: day.scores})[date])


# Every stored column but the key (patient, date).
_SCORE_FIELDS = [*SCORE_COLUMNS[2:], "day_numerator", "day_denominator"]


def _lock(patient_ids: list[int]) -> dict[int, str]:
    """Lock the patients' rows and read their disease. Writers of one patient's scores take
    turns: the second reads the diary once the first has committed, so two entries sent at
    once both count in every window they share. ``no_key``: the lock must not wait for the
    key-share lock the writer's own entry insert holds on the same row (nor another's)."""
    locked = Patient.objects.select_for_update(no_key=True).filter(pk__in=patient_ids)
    return dict(locked.order_by("pk").values_list("pk", "disease"))
