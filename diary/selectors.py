"""Reads that turn stored entries into ``scoring`` input, shared by pages, API, exports and tasks.

Only the latest version of each entry counts. The scores of an entry are read with the
instrument version the entry was captured with. Every 7-day DDS is computed by
:func:`versioned_series`, which scores each window with the version ``scoring.window_version``
names (the version of the window's newest entry, else the patient's current instrument).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone

import scoring
from diary.days import DayRules
from diary.instruments import current_instruments, instrument_version
from diary.models import DiaryEntry, EntryVersion, ItemScore, Patient

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
    newer = EntryVersion.objects.filter(
        entry_id=OuterRef("version__entry_id"), number__gt=OuterRef("version__number")
    )
    return (
        ItemScore.objects.filter(
            version__entry__patient_id__in=list(patient_ids),
            version__entry__date__gte=start,
            version__entry__date__lte=end,
        )
        .filter(~Exists(newer))
        .order_by()
    )


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
    rows = _latest_score_rows(patient_ids, start, end).values_list(
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


def dds_series_for(patient: Patient, start: datetime.date, end: datetime.date) -> list[DayDDS]:
    """``patient``'s 7-day DDS on every day of ``[start, end]``, in two queries at most."""
    days = versioned_days([patient.pk], start - WINDOW_SPAN, end).get(patient.pk, {})
    current = current_instruments([patient])[patient.pk]
    return versioned_series(patient.disease, current, days, start, end)


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
    start = min(day_of.values()) - WINDOW_SPAN
    stored = versioned_days(day_of, start, max(day_of.values()))
    instruments = current_instruments(patients)
    result = {}
    for p in patients:
        day = day_of[p.pk]
        dds = versioned_series(p.disease, instruments[p.pk], stored.get(p.pk, {}), day, day)
        result[p.pk] = LatestScore(day, dds[0].score)
    return result


def current_diary_day(patient: Patient, now: datetime.datetime | None = None) -> datetime.date:
    """The day the entry form offers first for ``patient`` at ``now``."""
    return DayRules.for_patient(patient).offered_day(now or timezone.now())


def instrument_of(patient: Patient, version_number: int) -> scoring.Instrument:
    return instrument_version(patient.disease, version_number)


# --- entries ----------------------------------------------------------------------------------


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
