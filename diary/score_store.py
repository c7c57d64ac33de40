"""Reads of the score store (``DailyScore``) by chosen days and by day ranges, for reports that
need a few days or a few sums of many patients rather than whole series (the cohort report).

Each patient has their own days and ranges. A condition with one arm per patient costs
PostgreSQL's planner time that grows with the square of the arms (15 s for 500 patients), so
these reads avoid it: chosen days are read per weekday (:func:`on_days`), and
sums over ranges are correlated subqueries of one query over the patients, each an index range
scan. Days below a threshold compare the stored fractions exactly, in SQL:
``numerator × q < p × denominator`` for a threshold p/q.
"""

from __future__ import annotations

import datetime
import operator
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from fractions import Fraction
from functools import reduce
from typing import Any

from django.db.models import (
    Case,
    Count,
    DateField,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.lookups import LessThan

import scoring
from diary.instruments import instrument_versions
from diary.models import DailyScore, InstrumentDefinition, Patient

DayRange = tuple[datetime.date, datetime.date]


def on_days(days: Mapping[int, Collection[datetime.date]]) -> Q:
    """A condition that holds the rows of each patient's ``days``, and others: the caller
    keeps the days it wants. One arm per weekday, not per patient (the planner's time grows
    with the square of the arms), so weekly days (a visit each week) are read nearly exactly."""
    weekdays: dict[int, tuple[set[int], set[datetime.date]]] = {}
    for pk, wanted in days.items():
        for day in wanted:
            patients, dates = weekdays.setdefault(day.isoweekday(), (set(), set()))
            patients.add(pk)
            dates.add(day)
    arms = (
        Q(patient_id__in=sorted(pks), date__iso_week_day=weekday, date__range=(min(d), max(d)))
        for weekday, (pks, d) in weekdays.items()
    )
    return reduce(operator.or_, arms, Q(pk__in=[]))


def dds_values_on_days(
    days: Mapping[int, Collection[datetime.date]],
) -> dict[int, dict[datetime.date, Fraction]]:
    """Each patient's 7-day DDS values on their ``days`` (days without one left out), in one
    query: what a chart of many patients draws."""
    found: dict[int, dict[datetime.date, Fraction]] = {pk: {} for pk in days}
    if not any(days.values()):
        return found
    wanted = {pk: set(d) for pk, d in days.items()}
    rows = DailyScore.objects.filter(on_days(days), numerator__isnull=False).values_list(
        "patient_id", "date", "numerator", "denominator"
    )
    for pk, day, numerator, denominator in rows.order_by():
        if day in wanted[pk]:
            found[pk][day] = Fraction(numerator, denominator)
    return found


def last_sufficient_days(ranges: Mapping[int, DayRange]) -> dict[int, datetime.date]:
    """Each patient's latest day in their range whose 7-day DDS has a value, in one query."""
    latest = DailyScore.objects.filter(
        patient_id=OuterRef("pk"),
        date__gte=OuterRef("first"),
        date__lte=OuterRef("last"),
        numerator__isnull=False,
    ).order_by("-date")
    rows = (
        _with_bounds(Patient.objects.filter(pk__in=list(ranges)), {"": ranges})
        .annotate(latest=Subquery(latest.values("date")[:1]))
        .values_list("pk", "latest")
    )
    return {pk: day for pk, day in rows if day is not None}


@dataclass(frozen=True)
class DayCounts:
    """Days of a range with a stored daily score, and of those the days below the threshold."""

    scored: int
    below: int


@dataclass(frozen=True)
class PatientCounts:
    """A patient's counts per named range; ``version`` is the one instrument version of every
    row of ``span``, ``None`` when they differ (the days must then be read again under the
    version that governs each range) or there is none."""

    ranges: dict[str, DayCounts]
    version: int | None


def days_below_counts(
    disease: str,
    ranges: Mapping[str, Mapping[int, DayRange]],
    span: Mapping[int, DayRange],
    threshold: Callable[[scoring.Instrument], Fraction],
) -> dict[int, PatientCounts]:
    """For patients of ``disease``: per named range, the days with a daily score and those
    whose score is below ``threshold`` of the version that scored it (strict); and the versions
    over each patient's ``span`` (which holds their ranges). One query, and one for the
    clinic-defined instrument versions."""
    below = reduce(
        operator.or_,
        (
            Q(instrument_version=version) & _less_than(threshold(instrument))
            for (_, version), instrument in _versions(disease).items()
        ),
    )
    patients = _with_bounds(Patient.objects.filter(pk__in=list(span)), {"span": span, **ranges})
    columns: dict[str, Any] = {
        "low": _over("span", Min("instrument_version")),
        "high": _over("span", Max("instrument_version")),
    }
    for name in ranges:
        columns[f"{name}_scored"] = _over(name, Count("pk", filter=Q(day_numerator__isnull=False)))
        columns[f"{name}_below"] = _over(name, Count("pk", filter=below))
    found = {}
    for row in patients.annotate(**columns).values("pk", *columns):
        counts = {
            name: DayCounts(row[f"{name}_scored"] or 0, row[f"{name}_below"] or 0)
            for name in ranges
        }
        same = row["low"] is not None and row["low"] == row["high"]
        found[row["pk"]] = PatientCounts(counts, row["low"] if same else None)
    return found


def _with_bounds(patients: Any, ranges: Mapping[str, Mapping[int, DayRange]]) -> Any:
    """``patients`` with each named range's first and last day as columns (null where a
    patient has none), for the correlated subqueries to compare with."""
    bounds = {}
    for name, by_patient in ranges.items():
        for end, index in (("first", 0), ("last", 1)):
            whens = [When(pk=pk, then=Value(r[index])) for pk, r in by_patient.items()]
            key = f"{name}_{end}" if name else end
            bounds[key] = Case(*whens, output_field=DateField()) if whens else Value(None)
    return patients.annotate(**bounds)


def _over(name: str, aggregate: Any) -> Subquery:
    """``aggregate`` over the patient's rows in the range ``name``."""
    rows = DailyScore.objects.filter(
        patient_id=OuterRef("pk"),
        date__gte=OuterRef(f"{name}_first"),
        date__lte=OuterRef(f"{name}_last"),
    )
    return Subquery(
        rows.values("patient_id").annotate(value=aggregate).values("value"),
        output_field=IntegerField(),
    )


def _less_than(value: Fraction) -> LessThan:
    return LessThan(F("day_numerator") * value.denominator, F("day_denominator") * value.numerator)


def _versions(disease: str) -> dict[tuple[str, int], scoring.Instrument]:
    """Every instrument version of ``disease``: built in and clinic-defined."""
    keys = [(disease, i.version) for i in scoring.BUILTIN_INSTRUMENTS[disease]]
    keys += InstrumentDefinition.objects.filter(disease=disease).values_list("disease", "version")
    return instrument_versions(keys)
