"""Scores of one patient from their stored diary days, under the mixed-version rule.

``diary.selectors`` reads the days (one query for any number of patients) and scores 7-day
series; this module adds the other windows the clinician pages need, with the same rule: a
window is scored with the version ``scoring.window_version`` names, and older entries are read
under that version (``scoring.read_under``).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

import scoring
from diary.instruments import instrument_version
from diary.selectors import DayDDS, StoredDay, entry_versions, versioned_series

ONE_DAY = datetime.timedelta(days=1)
Stored = Mapping[datetime.date, StoredDay]


@dataclass(frozen=True)
class PatientDays:
    """One patient's stored days with what scoring them needs."""

    disease: str
    current: scoring.Instrument
    days: Stored

    def series(self, start: datetime.date, end: datetime.date) -> list[DayDDS]:
        """The 7-day DDS on each day of ``[start, end]`` (``days`` must reach ``start - 6``)."""
        return versioned_series(self.disease, self.current, self.days, start, end)

    def dds_on(self, day: datetime.date) -> DayDDS:
        return self.series(day, day)[0]

    def governing(self, start: datetime.date, end: datetime.date) -> scoring.Instrument:
        """The instrument that scores the window ``[start, end]``."""
        version = scoring.window_version(entry_versions(self.days), start, end)
        return self.current if version is None else instrument_version(self.disease, version)

    def projected(
        self, instrument: scoring.Instrument, start: datetime.date, end: datetime.date
    ) -> scoring.Days:
        """The days of ``[start, end]`` read under ``instrument``."""
        return scoring.read_under(
            instrument, {day: s.scores for day, s in self.days.items() if start <= day <= end}
        )

    def window(self, start: datetime.date, end: datetime.date) -> Window:
        """The window score over ``[start, end]`` (SPEC §3.1), e.g. a 28-day DDS or a
        pre-treatment period."""
        instrument = self.governing(start, end)
        days = self.projected(instrument, start, end)
        return Window(scoring.window_score(instrument, days, start, end), instrument)

    def proportion_below(self, start: datetime.date, end: datetime.date) -> Fraction | None:
        """Proportion of days in ``[start, end]`` whose daily score is below the control
        threshold (SPEC §3.2); ``None`` when no day has a daily score."""
        instrument = self.governing(start, end)
        return scoring.proportion_below(
            instrument, self.projected(instrument, start, end), start, end
        )

    def days_with_entry(self, start: datetime.date, end: datetime.date) -> int:
        return sum(1 for day in self.days if start <= day <= end)

    def last_sufficient(self, day: datetime.date, since: datetime.date) -> DayDDS | None:
        """The latest 7-day DDS with a value on a day in ``[since, day]`` (for LOCF)."""
        if since > day:
            return None
        for dds in reversed(self.series(since, day)):
            if dds.score.value is not None:
                return dds
        return None


@dataclass(frozen=True)
class Window:
    score: scoring.Score
    instrument: scoring.Instrument


@dataclass(frozen=True)
class Completeness:
    """Days with an entry out of the days in a range."""

    days: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.days / self.total) if self.total else 0


def completeness(days: PatientDays, start: datetime.date, end: datetime.date) -> Completeness:
    return Completeness(days.days_with_entry(start, end), (end - start).days + 1)
