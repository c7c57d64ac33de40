"""Reads that turn stored entries into ``scoring`` input, shared by pages, API, exports and tasks.

Only the latest version of each entry counts. The scores of an entry are read with the
instrument version the entry was captured with. A 7-day DDS is computed in one place,
:func:`versioned_series`, which scores each window with the version ``scoring.window_version``
names (the version of the window's newest entry, else the patient's current instrument);
``diary.daily_scores`` stores what it computes, and every page, export and API answer reads
the 7-day DDS from there through :func:`daily_dds`.
"""

from __future__ import annotations

import datetime
import operator
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from functools import reduce
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

import scoring
from diary.days import DayRules
from diary.instruments import current_instruments, instrument_version, instrument_versions
from diary.models import DailyScore, EntryVersion, ItemScore, Patient
from diary.score_store import SCORE_COLUMNS, scores_on_days

Days = dict[datetime.date, dict[str, int | None]]

WINDOW_SPAN = datetime.timedelta(days=scoring.DDS_WINDOW_DAYS - 1)


def latest_versions() -> QuerySet[EntryVersion]:
    """Versions that no later version of the same entry supersedes."""
    newer = EntryVersion.objects.filter(
        entry_id=OuterRef("entry_id"), number__gt=OuterRef("number")
    )
    return EntryVersion.objects.filter(~Exists(newer))


def _latest_score_rows(
    patient_ids: Iterable[int], start: datetime.date, end: datetime.date
) -> QuerySet[ItemScore]:
    # One flat join (score, version, entry) with an anti-join for superseded versions, filtered
    # on the entry's patient and date: PostgreSQL reads the window through the entries'
    # (patient, date) index instead of every version of each patient (docs/performance.md).
    return _latest_scores(
        Q(
            version__entry__patient_id__in=list(patient_ids),
            version__entry__date__gte=start,
            version__entry__date__lte=end,
        )
    )


def _latest_scores(where: Q) -> QuerySet[ItemScore]:
    newer = EntryVersion.objects.filter(
        entry_id=OuterRef("version__entry_id"), number__gt=OuterRef("version__number")
    )
    return ItemScore.objects.filter(where).filter(~Exists(newer)).order_by()


def diary_days(
    patient_ids: Iterable[int], start: datetime.date, end: datetime.date
) -> dict[int, Days]:
    """Latest item scores per patient and day in ``[start, end]``, in one query."""
    rows = _latest_score_rows(patient_ids, start, end).values_list(
        "version__patient_id", "version__entry__date", "item_code", "score"
    )
    result: dict[int, Days] = defaultdict(dict)
    for patient_id, day, code, score in rows:
        result[patient_id].setdefault(day, {})[code] = score
    return result


@dataclass(frozen=True)
class StoredDay:
    """One diary day's latest scores and the instrument version they were captured with."""

    instrument_version: int
    scores: dict[str, int | None]


def versioned_days(
    patient_ids: Iterable[int], start: datetime.date, end: datetime.date
) -> dict[int, dict[datetime.date, StoredDay]]:
    """Like :func:`diary_days`, with each day's instrument version, in one query."""
    return _versioned(_latest_score_rows(patient_ids, start, end))


def versioned_days_in(
    ranges: Mapping[int, tuple[datetime.date, datetime.date]],
) -> dict[int, dict[datetime.date, StoredDay]]:
    """Like :func:`versioned_days`, over each patient's own range ``{patient id: (start, end)}``,
    in one query per ``RANGES_PER_QUERY`` patients (the planner's time grows with the square of
    a condition's arms)."""
    result: dict[int, dict[datetime.date, StoredDay]] = {}
    items = list(ranges.items())
    for start in range(0, len(items), RANGES_PER_QUERY):
        arms = [
            Q(version__entry__patient_id=pk, version__entry__date__range=r)
            for pk, r in items[start : start + RANGES_PER_QUERY]
        ]
        result |= _versioned(_latest_scores(reduce(operator.or_, arms)))
    return result


RANGES_PER_QUERY = 50


def _versioned(scores: QuerySet[ItemScore]) -> dict[int, dict[datetime.date, StoredDay]]:
    rows = scores.values_list(
        "version__patient_id",
        "version__entry__date",
        "version__instrument_version",
        "item_code",
        "score",
    )
    result: dict[int, dict[datetime.date, StoredDay]] = defaultdict(dict)
    for patient_id, day, version, code, score in rows:
        stored = result[patient_id].get(day)
        if stored is None:
            stored = result[patient_id][day] = StoredDay(version, {})
        stored.scores[code] = score
    return result


@dataclass(frozen=True)
class DayDDS:
    """The 7-day DDS on ``score.end`` and the instrument that scored it."""

    score: scoring.Score
    instrument: scoring.Instrument

    @property
    def date(self) -> datetime.date:
        return self.score.end


def versioned_series(
    disease: str,
    current: scoring.Instrument,
    days: Mapping[datetime.date, StoredDay],
    start: datetime.date,
    end: datetime.date,
) -> list[DayDDS]:
    """The 7-day DDS on every day of ``[start, end]``, each window scored with the version
    ``scoring.window_version`` names (``current`` when the window has no entry).

    ``days`` must hold the stored days of ``[start - 6, end]``. Consecutive days scored by the
    same version are scored together with ``scoring.dds_series``.
    """
    series: list[DayDDS] = []
    for version, run_start, run_end in _runs(days, start, end):
        instrument = current if version is None else instrument_version(disease, version)
        window = {
            day: stored.scores
            for day, stored in days.items()
            if run_start - WINDOW_SPAN <= day <= run_end
        }
        projected = scoring.read_under(instrument, window)
        for score in scoring.dds_series(instrument, projected, run_start, run_end):
            series.append(DayDDS(score, instrument))
    return series


def entry_versions(days: Mapping[datetime.date, StoredDay]) -> dict[datetime.date, int]:
    """Each stored day's instrument version: what ``scoring.window_version`` reads."""
    return {day: stored.instrument_version for day, stored in days.items()}


def window_instrument(
    disease: str,
    current: scoring.Instrument,
    days: Mapping[datetime.date, StoredDay],
    start: datetime.date,
    end: datetime.date,
) -> scoring.Instrument:
    """The instrument that scores the window ``[start, end]`` (``scoring.window_version``)."""
    version = scoring.window_version(entry_versions(days), start, end)
    return current if version is None else instrument_version(disease, version)


def _runs(
    days: Mapping[datetime.date, StoredDay], start: datetime.date, end: datetime.date
) -> list[tuple[int | None, datetime.date, datetime.date]]:
    """Split ``[start, end]`` into runs of days whose windows are scored by the same version."""
    versions = entry_versions(days)
    runs: list[tuple[int | None, datetime.date, datetime.date]] = []
    day = start
    while day <= end:
        version = scoring.window_version(versions, day - WINDOW_SPAN, day)
        if runs and runs[-1][0] == version:
            runs[-1] = (version, runs[-1][1], day)
        else:
            runs.append((version, day, day))
        day += datetime.timedelta(days=1)
    return runs


def daily_dds(
    patients: Iterable[Patient],
    current: Mapping[int, scoring.Instrument],
    start: datetime.date,
    end: datetime.date,
    among: QuerySet[Patient] | None = None,
) -> dict[int, list[DayDDS]]:
    """Each patient's 7-day DDS on every day of ``[start, end]``, read from ``DailyScore`` in
    one query. ``current`` holds each patient's current instrument (``current_instruments``):
    a day without a row has no entry in its window, which is insufficient under it.
    ``among``: see :func:`_rows_of`."""
    patients = list(patients)
    disease = {p.pk: p.disease for p in patients}
    rows = (
        _rows_of(DailyScore.objects.all(), disease, among)
        .filter(date__gte=start, date__lte=end)
        .values_list(*SCORE_COLUMNS)
        .order_by()
    )
    instruments: dict[tuple[str, int], scoring.Instrument] = {}
    stored: dict[int, dict[datetime.date, DayDDS]] = {pk: {} for pk in disease}
    for row in rows:
        if row[0] not in disease:
            continue  # another patient of ``among``
        key = (disease[row[0]], row[2])
        if key not in instruments:
            instruments[key] = instrument_version(*key)
        stored[row[0]][row[1]] = _stored_dds(row, instruments[key])
    days = [start + datetime.timedelta(days=n) for n in range((end - start).days + 1)]
    return {
        pk: [found.get(day) or _empty_window(current[pk], day) for day in days]
        for pk, found in stored.items()
    }


def dds_on_days(
    patients: Collection[Patient],
    current: Mapping[int, scoring.Instrument],
    days: Mapping[int, Collection[datetime.date]],
) -> dict[int, dict[datetime.date, DayDDS]]:
    """Each patient's 7-day DDS on each of their ``days``, in one query; a day without a row
    is an empty window, insufficient under the patient's ``current`` instrument."""
    disease = {p.pk: p.disease for p in patients}
    found: dict[int, dict[datetime.date, DayDDS]] = {pk: {} for pk in days}
    if any(days.values()):
        rows = scores_on_days(days)
        instruments = instrument_versions({(disease[row[0]], row[2]) for row in rows})
        for row in rows:
            found[row[0]][row[1]] = _stored_dds(row, instruments[disease[row[0]], row[2]])
    for pk, wanted in days.items():
        for day in wanted:
            if day not in found[pk]:
                found[pk][day] = _empty_window(current[pk], day)
    return found


def daily_values(
    patient_ids: Iterable[int],
    start: datetime.date,
    end: datetime.date,
    among: QuerySet[Patient] | None = None,
) -> dict[int, list[tuple[int, int] | None]]:
    """Each patient's 7-day DDS value on every day of ``[start, end]`` (None: insufficient) as
    its stored (numerator, denominator), read from ``DailyScore`` in one query: what a chart of
    many patients draws (a float each), without a ``Fraction`` for each of a dashboard's 14,000
    days; a figure shown or compared is ``Fraction(*pair)``. ``among``: see :func:`_rows_of`."""
    found: dict[int, dict[datetime.date, tuple[int, int]]] = {pk: {} for pk in patient_ids}
    rows = (
        _rows_of(DailyScore.objects.all(), found, among)
        .filter(date__gte=start, date__lte=end, numerator__isnull=False)
        .values_list("patient_id", "date", "numerator", "denominator")
    )
    for patient_id, day, numerator, denominator in rows.order_by():
        if patient_id in found:  # not another patient of ``among``
            found[patient_id][day] = (numerator, denominator)
    days = [start + datetime.timedelta(days=n) for n in range((end - start).days + 1)]
    return {pk: [values.get(day) for day in days] for pk, values in found.items()}


def _rows_of(
    rows: QuerySet[Any], patient_ids: Iterable[int], among: QuerySet[Patient] | None
) -> QuerySet[Any]:
    """``rows`` of the patients ``patient_ids``, or, with ``among`` (patients that include
    them, such as a clinic's), of those: a join costs less than sending hundreds of ids."""
    if among is not None:
        return rows.filter(patient__in=among)
    return rows.filter(patient_id__in=list(patient_ids))


# By value: calling the enum for each of a dashboard's 14,000 rows is slow.
_STATUSES = {status.value: status for status in scoring.Status}


def _stored_dds(row: tuple[Any, ...], instrument: scoring.Instrument) -> DayDDS:
    _, day, _, numerator, denominator, status, observed, expected, missing = row
    value = None if numerator is None else Fraction(numerator, denominator)
    missing_items = tuple(missing.split())
    partial = value is not None and bool(missing_items)
    score = scoring.Score(
        value,
        _STATUSES[status],
        observed,
        expected,
        partial,
        missing_items,
        day - WINDOW_SPAN,
        day,
    )
    return DayDDS(score, instrument)


def _empty_window(current: scoring.Instrument, day: datetime.date) -> DayDDS:
    return DayDDS(scoring.window_score(current, {}, day - WINDOW_SPAN, day), current)


def dds_series_for(patient: Patient, start: datetime.date, end: datetime.date) -> list[DayDDS]:
    """``patient``'s 7-day DDS on every day of ``[start, end]``, in two queries."""
    return daily_dds([patient], current_instruments([patient]), start, end)[patient.pk]


@dataclass(frozen=True)
class LatestScore:
    date: datetime.date
    score: scoring.Score


def latest_dds(patients: Iterable[Patient], today: datetime.date) -> dict[int, LatestScore]:
    """Each patient's 7-day DDS on ``today`` (a date the caller chose), in two queries."""
    patients = list(patients)
    return _dds_on_days(patients, {p.pk: today for p in patients})


def current_dds(
    patients: Iterable[Patient], now: datetime.datetime | None = None
) -> dict[int, LatestScore]:
    """Each patient's 7-day DDS on their current diary day, in two queries.

    The current diary day is the day the entry form offers first in the patient's time zone
    (last night's day until the clinic's cut-off), so a late evening diary still counts.
    Patients must come with their clinic (``select_related("clinic")``).
    """
    now = now or timezone.now()
    patients = list(patients)
    days = {p.pk: DayRules.for_patient(p).offered_day(now) for p in patients}
    return _dds_on_days(patients, days)


def _dds_on_days(
    patients: list[Patient], day_of: dict[int, datetime.date]
) -> dict[int, LatestScore]:
    if not patients:
        return {}
    first = min(day_of.values())
    series = daily_dds(patients, current_instruments(patients), first, max(day_of.values()))
    result = {}
    for p in patients:
        day = day_of[p.pk]
        result[p.pk] = LatestScore(day, series[p.pk][(day - first).days].score)
    return result


def current_diary_day(patient: Patient, now: datetime.datetime | None = None) -> datetime.date:
    """The day the entry form offers first for ``patient`` at ``now``."""
    return DayRules.for_patient(patient).offered_day(now or timezone.now())


def instrument_of(patient: Patient, version_number: int) -> scoring.Instrument:
    return instrument_version(patient.disease, version_number)
