"""Scores of one patient from their stored diary days, under the mixed-version rule.

``diary.selectors`` reads the days (one query for any number of patients) and scores 7-day
series; this module adds the other windows the clinician pages need, with the same rule: a
window is scored with the instrument version of its newest entry (the patient's current
instrument when it has none), and older entries are read under that version.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, TypeVar

import scoring
from diary.instruments import instrument_version
from diary.selectors import DayDDS, StoredDay, versioned_series

ONE_DAY = datetime.timedelta(days=1)
Stored = Mapping[datetime.date, StoredDay]
Drawn = TypeVar("Drawn")

# What one ``PatientDays`` keeps of what was drawn from it (a page's charts in a language and
# range): at most this many; the next one starts the store again (one atomic step, so the
# process's threads need no lock for it).
DRAWN_KEPT = 8


@dataclass(frozen=True)
class PatientDays:
    """One patient's stored days with what scoring them needs."""

    disease: str
    current: scoring.Instrument
    days: Stored
    # The longest series computed so far, as (start, end, series). A day's DDS depends only on
    # the stored days of its own window, so a shorter range is a slice of it: the patient page
    # scores three years once, not again for each LOCF look-up of the period table.
    _scored: dict[str, tuple[datetime.date, datetime.date, list[DayDDS]]] = field(
        default_factory=dict, compare=False, repr=False
    )
    # What a page drew from these days (``drawn``), by everything else it was drawn from.
    _drawn: dict[Hashable, Any] = field(default_factory=dict, compare=False, repr=False)

    def drawn(self, key: Hashable, draw: Callable[[], Drawn]) -> Drawn:
        """``draw()``, kept with these days under ``key``.

        ``key`` must name every input of ``draw`` other than these days (the range, the
        language, the clinical records it marks): then a kept drawing is current exactly as
        long as the days are, and a process that keeps the days (the patient page's, by their
        marks) reuses the drawing with them.
        """
        found = self._drawn.get(key)
        if found is None:
            found = draw()
            if len(self._drawn) >= DRAWN_KEPT:
                self._drawn.clear()
            self._drawn[key] = found
        return found

    def series(self, start: datetime.date, end: datetime.date) -> list[DayDDS]:
        """The 7-day DDS on each day of ``[start, end]`` (``days`` must reach ``start - 6``)."""
        known = self._scored.get("longest")
        if known is not None and known[0] <= start and end <= known[1]:
            offset = (start - known[0]).days
            return known[2][offset : offset + max((end - start).days + 1, 0)]
        series = versioned_series(self.disease, self.current, self.days, start, end)
        if known is None or end - start > known[1] - known[0]:
            self._scored["longest"] = (start, end, series)
        return series[:]

    def dds_on(self, day: datetime.date) -> DayDDS:
        return self.series(day, day)[0]

    def governing(self, start: datetime.date, end: datetime.date) -> scoring.Instrument:
        """The instrument of the newest entry in ``[start, end]``, or the current one."""
        newest = max((d for d in self.days if start <= d <= end), default=None)
        if newest is None:
            return self.current
        return instrument_version(self.disease, self.days[newest].instrument_version)

    def projected(
        self, instrument: scoring.Instrument, start: datetime.date, end: datetime.date
    ) -> dict[datetime.date, dict[str, int | None]]:
        """The days of ``[start, end]`` read under ``instrument`` (unknown items left out)."""
        known = instrument.index
        return {
            day: {code: score for code, score in stored.scores.items() if code in known}
            for day, stored in self.days.items()
            if start <= day <= end
        }

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
