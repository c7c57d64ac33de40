"""Reads behind the carer's pages: one day's entry, the week's and the last four weeks' DDS.

The 7-day DDS comes from its one store (``diary.selectors.daily_dds``) like every other page's,
so a carer sees the same 7-day DDS as the clinic, the API and the exports.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from fractions import Fraction

from django.db.models import Prefetch

import scoring
from diary.days import DayRules
from diary.instruments import current_instrument, instrument_versions
from diary.models import DiaryEntry, EntryVersion, ItemScore, Patient
from diary.selectors import WINDOW_SPAN, daily_dds, latest_versions, versioned_days

WEEK_DAYS = 7
HISTORY_DAYS = 28


@dataclass(frozen=True)
class SavedEntry:
    """The latest version of one day's entry, as the carer sees it."""

    entry: DiaryEntry
    version: EntryVersion
    scores: dict[str, int | None]
    version_count: int


@dataclass(frozen=True)
class HistoryDay:
    date: datetime.date
    has_entry: bool
    daily: Fraction | None
    dds: scoring.Score


@dataclass(frozen=True)
class Trend:
    """The 7-day DDS on each day of a range, with the diary days it was computed from."""

    instrument: scoring.Instrument
    scores: list[scoring.Score]
    diary: scoring.Days
    daily: dict[datetime.date, Fraction | None]

    @property
    def latest(self) -> scoring.Score:
        return self.scores[-1]

    def has_entry(self, day: datetime.date) -> bool:
        return day in self.diary


def saved_entry(patient: Patient, day: datetime.date) -> SavedEntry | None:
    """The latest version of ``patient``'s entry for ``day`` with its scores, or ``None``."""
    entry = DiaryEntry.objects.filter(patient=patient, date=day).first()
    if entry is None:
        return None
    version = (
        latest_versions()
        .filter(entry=entry)
        .prefetch_related(Prefetch("scores", queryset=ItemScore.objects.order_by("pk")))
        .first()
    )
    if version is None:
        return None
    scores = {row.item_code: row.score for row in version.scores.all()}
    return SavedEntry(entry, version, scores, version.number)


def trend(patient: Patient, end: datetime.date, days: int = WEEK_DAYS) -> Trend:
    """The 7-day DDS on each of the ``days`` days ending on ``end``, oldest first.

    Scored like every other page, with the instrument versions the entries were captured with.
    """
    instrument = current_instrument(patient)
    start = end - datetime.timedelta(days=days - 1)
    stored = versioned_days([patient.pk], start - WINDOW_SPAN, end).get(patient.pk, {})
    series = daily_dds([patient], {patient.pk: instrument}, start, end)[patient.pk]
    diary = {day: dict(day_scores.scores) for day, day_scores in stored.items()}
    shown = {day: day_scores for day, day_scores in stored.items() if start <= day <= end}
    own = instrument_versions((patient.disease, s.instrument_version) for s in shown.values())
    daily = {
        day: scoring.daily_score(own[patient.disease, s.instrument_version], s.scores)
        for day, s in shown.items()
    }
    return Trend(instrument, [d.score for d in series], diary, daily)


def history(patient: Patient, end: datetime.date) -> tuple[Trend, list[HistoryDay]]:
    """The last four weeks up to ``end``: the trend, and one row per day (newest first) in which
    days without an entry are present and marked missing."""
    weeks = trend(patient, end, HISTORY_DAYS)
    rows = []
    for score in reversed(weeks.scores):
        rows.append(
            HistoryDay(score.end, weeks.has_entry(score.end), weeks.daily.get(score.end), score)
        )
    return weeks, rows


def open_days_with_entries(
    patient: Patient, now: datetime.datetime
) -> list[tuple[datetime.date, str | None]]:
    """The days a carer may still enter, newest first, each with its entry's stored timeliness
    (``on_time``, ``late``, ``transcribed``), or ``None`` when the day has no entry."""
    days = DayRules.for_patient(patient).open_days(now)
    if not days:
        return []
    rows = DiaryEntry.objects.filter(patient=patient, date__gte=days[-1], date__lte=days[0])
    present = dict(rows.values_list("date", "timeliness"))
    return [(day, present.get(day)) for day in days]
