"""Reads of the score store (``DailyScore``) by chosen days and by day ranges, for reports that
need a few days of many patients rather than whole series (the cohort report).

Each patient has their own days and ranges, so a read is one query whose condition lists them
(``patient = p AND date ...`` per patient), which PostgreSQL answers from the (patient, date)
index. Counts of days below a threshold compare the stored fractions exactly, in SQL:
``numerator × q < p × denominator`` for a threshold p/q.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from fractions import Fraction

from django.db.models import Count, F, Max, Min, Q
from django.db.models.lookups import LessThan

import scoring
from diary.instruments import instrument_versions
from diary.models import DailyScore, InstrumentDefinition
from diary.selectors import on_days

DayRange = tuple[datetime.date, datetime.date]


def _in_ranges(ranges: Mapping[int, DayRange]) -> Q:
    return Q(*(Q(patient_id=pk, date__range=r) for pk, r in ranges.items()), _connector=Q.OR)


def dds_values_on_days(
    days: Mapping[int, Collection[datetime.date]],
) -> dict[int, dict[datetime.date, Fraction]]:
    """Each patient's 7-day DDS values on their ``days`` (days without one left out), in one
    query: what a chart of many patients draws."""
    found: dict[int, dict[datetime.date, Fraction]] = {pk: {} for pk in days}
    if not any(days.values()):
        return found
    rows = DailyScore.objects.filter(on_days(days), numerator__isnull=False).values_list(
        "patient_id", "date", "numerator", "denominator"
    )
    for pk, day, numerator, denominator in rows.order_by():
        found[pk][day] = Fraction(numerator, denominator)
    return found


def last_sufficient_days(ranges: Mapping[int, DayRange]) -> dict[int, datetime.date]:
    """Each patient's latest day in their range whose 7-day DDS has a value, in one query."""
    if not ranges:
        return {}
    rows = (
        DailyScore.objects.filter(_in_ranges(ranges), numerator__isnull=False)
        .values("patient_id")
        .annotate(last=Max("date"))
        .values_list("patient_id", "last")
        .order_by()
    )
    return dict(rows)


@dataclass(frozen=True)
class DayCounts:
    """Days of a range with a stored daily score, and of those the days below the threshold.

    ``version`` is the one instrument version of every row in the range, ``None`` when they
    differ: then the days must be read again under the version that governs the range."""

    scored: int
    below: int
    version: int | None


def days_below_counts(
    ranges: Mapping[int, DayRange],
    diseases: Collection[str],
    threshold: Callable[[scoring.Instrument], Fraction],
) -> dict[int, DayCounts]:
    """Per patient, the days of their range with a daily score and those whose score is below
    ``threshold`` of the version that scored it (strict), in one query, plus one for the
    clinics' instrument versions. Patients whose range has no row are left out."""
    if not ranges:
        return {}
    below = Q(
        *(
            Q(patient__disease=disease, instrument_version=version)
            & _less_than(threshold(instrument))
            for (disease, version), instrument in _versions(diseases).items()
        ),
        _connector=Q.OR,
    )
    rows = (
        DailyScore.objects.filter(_in_ranges(ranges))
        .values("patient_id")
        .annotate(
            scored=Count("pk", filter=Q(day_numerator__isnull=False)),
            below=Count("pk", filter=below),
            low=Min("instrument_version"),
            high=Max("instrument_version"),
        )
        .values_list("patient_id", "scored", "below", "low", "high")
        .order_by()
    )
    return {
        pk: DayCounts(scored, below, low if low == high else None)
        for pk, scored, below, low, high in rows
    }


def _less_than(value: Fraction) -> LessThan:
    return LessThan(F("day_numerator") * value.denominator, F("day_denominator") * value.numerator)


def _versions(diseases: Collection[str]) -> dict[tuple[str, int], scoring.Instrument]:
    """Every instrument version of ``diseases``: built in and clinic-defined."""
    keys = [(d, i.version) for d in diseases for i in scoring.BUILTIN_INSTRUMENTS[d]]
    keys += InstrumentDefinition.objects.filter(disease__in=list(diseases)).values_list(
        "disease", "version"
    )
    return instrument_versions(keys)
