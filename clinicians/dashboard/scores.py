"""Scores of one patient: the stored 7-day DDS, and the other windows the clinician pages need.

The 7-day DDS of each day comes from its one store (``diary.selectors.daily_dds``). Other
windows (28 days, a period) are scored here from the stored days, with the same rule: the
version ``scoring.window_version`` names, older entries read under it (``scoring.read_under``).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

import scoring
from diary.instruments import current_instruments
from diary.models import Patient
from diary.selectors import (
    WINDOW_SPAN,
    DayDDS,
    StoredDay,
    daily_dds,
    versioned_days,
    window_instrument,
)

ONE_DAY = datetime.timedelta(days=1)
Stored = Mapping[datetime.date, StoredDay]


@dataclass(frozen=True)
class PatientDays:
    """One patient's stored days and 7-day DDS over a range (see :func:`patient_days`)."""

    disease: str
    current: scoring.Instrument
    days: Stored
    dds: Mapping[datetime.date, DayDDS]

    def series(self, start: datetime.date, end: datetime.date) -> list[DayDDS]:
        """The 7-day DDS on each day of ``[start, end]``, inside the range read."""
        return [self.dds[start + ONE_DAY * n] for n in range((end - start).days + 1)]

    def dds_on(self, day: datetime.date) -> DayDDS:
        return self.dds[day]

    def governing(self, start: datetime.date, end: datetime.date) -> scoring.Instrument:
        """The instrument that scores the window ``[start, end]``."""
        return window_instrument(self.disease, self.current, self.days, start, end)

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


def patient_days(
    patients: Sequence[Patient], start: datetime.date, end: datetime.date
) -> dict[int, PatientDays]:
    """Each patient's stored days of ``[start - 6, end]`` and 7-day DDS of ``[start, end]``,
    in three queries."""
    current = current_instruments(patients)
    ids = [p.pk for p in patients]
    stored = versioned_days(ids, start - WINDOW_SPAN, end)
    series = daily_dds(patients, current, start, end)
    return {
        p.pk: PatientDays(
            p.disease,
            current[p.pk],
            stored.get(p.pk, {}),
            {dds.date: dds for dds in series[p.pk]},
        )
        for p in patients
    }


def completeness(days: PatientDays, start: datetime.date, end: datetime.date) -> Completeness:
    return Completeness(days.days_with_entry(start, end), (end - start).days + 1)
