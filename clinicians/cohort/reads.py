"""What the cohort's visits read from the score store: only the days and ranges they use.

For every patient at once, in a fixed number of queries: the 7-day DDS on the visit days (and,
with LOCF, on the day a missing one is carried from), the values on the weekly days of
Figure 2, and per period the count of days with a daily score and of those below the
threshold (``diary.score_store``). Item scores are read only where the stored day scores do
not answer: a pre-treatment period's window score, and a range whose days were captured under
more than one instrument version (then each day is read under the version that governs the
range, as SPEC §3.2 and ``scoring.window_version`` have it).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

import scoring
from clinicians.cohort.plan import PERIODS, Visit
from clinicians.dashboard.scores import PatientDays, Window
from diary.instruments import current_instruments
from diary.models import Patient
from diary.score_store import (
    DayRange,
    PatientCounts,
    days_below_counts,
    dds_values_weekly,
    last_sufficient_days,
)
from diary.selectors import DayDDS, dds_on_days, versioned_days_in

Threshold = Callable[[scoring.Instrument], Fraction]
Pair = tuple[int, int]
"""A value as stored: (numerator, denominator)."""


@dataclass(frozen=True)
class CohortDays:
    """One patient's scores on the days and ranges their visits use."""

    current: scoring.Instrument
    dds: Mapping[datetime.date, DayDDS]
    carried: Mapping[DayRange, DayDDS]
    weekly: Mapping[datetime.date, Pair]
    proportions: Mapping[DayRange, Fraction | None]
    windows: Mapping[DayRange, Window]

    def last_sufficient(self, since: DayRange) -> DayDDS | None:
        return self.carried.get(since)


def cohort_days(
    patients: Sequence[Patient],
    plans: Mapping[int, Sequence[Visit]],
    weekly: Mapping[int, DayRange],
    *,
    locf: bool,
    threshold: Threshold,
) -> dict[int, CohortDays]:
    """The scores of ``patients`` (with a treatment start) that their visit ``plans`` and the
    chart read (every 7th day of each patient's ``weekly`` range; none without one)."""
    current = current_instruments(patients)
    visit_days = {p.pk: [v.dds_day for v in plans[p.pk] if v.dds_day] for p in patients}
    dds = dds_on_days(patients, current, visit_days)
    carried = _carried(patients, current, plans, dds) if locf else {}
    counts = _counts(patients, plans, threshold)
    reread = _reread(patients, current, plans, counts)
    values = dds_values_weekly(weekly)
    found = {}
    for p in patients:
        days = reread.get(p.pk)
        proportions = {
            r: _proportion(counts.get(p.pk), v.period, days, r, threshold)
            for v in plans[p.pk]
            if (r := v.days_below) is not None
        }
        windows = {}
        if days is not None:
            windows = {r: days.window(*r) for v in plans[p.pk] if (r := v.window) is not None}
        found[p.pk] = CohortDays(
            current[p.pk],
            dds[p.pk],
            carried.get(p.pk, {}),
            values.get(p.pk, {}),
            proportions,
            windows,
        )
    return found


def _carried(
    patients: Sequence[Patient],
    current: Mapping[int, scoring.Instrument],
    plans: Mapping[int, Sequence[Visit]],
    dds: Mapping[int, Mapping[datetime.date, DayDDS]],
) -> dict[int, dict[DayRange, DayDDS]]:
    """For each visit without a 7-day DDS, the latest one in its ``carry_from`` range: one
    query per period, and one for the days found."""
    days: dict[int, dict[DayRange, datetime.date]] = {p.pk: {} for p in patients}
    for period in PERIODS:
        ranges = {
            pk: v.carry_from
            for pk, plan in plans.items()
            for v in plan
            if v.period == period and v.carry_from is not None
            if v.dds_day is not None and dds[pk][v.dds_day].score.value is None
        }
        for pk, day in (last_sufficient_days(ranges) if ranges else {}).items():
            days[pk][ranges[pk]] = day
    read = dds_on_days(patients, current, {pk: set(found.values()) for pk, found in days.items()})
    return {pk: {r: read[pk][day] for r, day in found.items()} for pk, found in days.items()}


def _counts(
    patients: Sequence[Patient], plans: Mapping[int, Sequence[Visit]], threshold: Threshold
) -> dict[int, PatientCounts]:
    """Per patient, the days with a daily score and the days below the threshold in each
    period's range, in one query."""
    ranges: dict[str, dict[int, DayRange]] = {}
    for p in patients:
        for v in plans[p.pk]:
            if v.days_below is not None:
                ranges.setdefault(v.period, {})[p.pk] = v.days_below
    if not ranges:
        return {}
    return days_below_counts(ranges, {p.pk: p.disease for p in patients}, threshold)


def _reread(
    patients: Sequence[Patient],
    current: Mapping[int, scoring.Instrument],
    plans: Mapping[int, Sequence[Visit]],
    counts: Mapping[int, PatientCounts],
) -> dict[int, PatientDays]:
    """The item scores of the ranges the stored day scores do not answer, in one query."""
    spans: dict[int, DayRange] = {}
    for pk, plan in plans.items():
        ranges = [v.window for v in plan if v.window is not None]
        if _mixed(counts.get(pk)):
            ranges += [v.days_below for v in plan if v.days_below is not None]
        if ranges:
            spans[pk] = (min(r[0] for r in ranges), max(r[1] for r in ranges))
    stored = versioned_days_in(spans)
    return {
        p.pk: PatientDays(p.disease, current[p.pk], stored.get(p.pk, {}), {})
        for p in patients
        if p.pk in spans
    }


def _mixed(counts: PatientCounts | None) -> bool:
    """Days of more than one instrument version in the patient's ranges."""
    return counts is not None and counts.version is None


def _proportion(
    counts: PatientCounts | None,
    period: str,
    days: PatientDays | None,
    span: DayRange,
    threshold: Threshold,
) -> Fraction | None:
    """SPEC §3.2 over ``span``, from the stored counts when one version scored every day."""
    found = None if counts is None else counts.ranges.get(period)
    if counts is None or found is None or found.scored == 0:
        return None  # no day with a daily score
    if counts.version is not None:
        return Fraction(found.below, found.scored)
    assert days is not None  # re-read by _reread
    instrument = days.governing(*span)
    return scoring.proportion_below(
        instrument, days.projected(instrument, *span), *span, threshold(instrument)
    )
