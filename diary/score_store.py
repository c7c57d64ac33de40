"""Reads of the score store (``DailyScore``) on chosen days and over day ranges, for reports that
need a few days or a few sums of many patients rather than whole series (the cohort report).

Each patient has their own days and ranges. A condition with one arm per patient costs the ORM
and PostgreSQL's planner seconds for 500 patients, so each read here is one SQL query that joins
the store to a ``VALUES`` list of (patient, day) or (patient, range) rows: one index lookup or
range scan per row, the same SQL on SQLite and PostgreSQL. Long lists go in chunks under the
database's limit of parameters. Days below a threshold compare the stored fractions exactly:
``numerator × q < p × denominator`` for a threshold p/q.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.db import connection

import scoring
from diary.instruments import instrument_versions
from diary.models import InstrumentDefinition

DayRange = tuple[datetime.date, datetime.date]

SCORE_COLUMNS = (
    "patient_id",
    "date",
    "instrument_version",
    "numerator",
    "denominator",
    "status",
    "observed",
    "expected",
    "missing_items",
)
"""The columns of a stored 7-day DDS, in the order :func:`scores_on_days` returns them."""


def scores_on_days(days: Mapping[int, Collection[datetime.date]]) -> list[tuple[Any, ...]]:
    """The stored rows (``SCORE_COLUMNS``) of each patient's ``days``; a day without a row is
    left out."""
    wanted = [(pk, day) for pk, chosen in days.items() for day in chosen]
    columns = ", ".join(f"d.{column}" for column in SCORE_COLUMNS)
    found = []
    for chunk in _chunks(wanted, 2):
        sql = (
            f"WITH wanted(patient_id, day) AS (VALUES {_rows(len(chunk), 2)}) "  # noqa: S608 (placeholders only)
            f"SELECT {columns} FROM wanted JOIN diary_dailyscore d "
            "ON d.patient_id = wanted.patient_id AND d.date = wanted.day"
        )
        found += _fetch(sql, [value for row in chunk for value in row])
    return found


def dds_values_on_days(
    days: Mapping[int, Collection[datetime.date]],
) -> dict[int, dict[datetime.date, Fraction]]:
    """Each patient's 7-day DDS values on their ``days`` (days without one left out): what a
    chart of many patients draws."""
    found: dict[int, dict[datetime.date, Fraction]] = {pk: {} for pk in days}
    for pk, day, _, numerator, denominator, *_ in scores_on_days(days):
        if numerator is not None:
            found[pk][day] = Fraction(numerator, denominator)
    return found


def last_sufficient_days(ranges: Mapping[int, DayRange]) -> dict[int, datetime.date]:
    """Each patient's latest day in their range whose 7-day DDS has a value."""
    wanted = [(pk, first, last) for pk, (first, last) in ranges.items()]
    found = {}
    for chunk in _chunks(wanted, 3):
        sql = (
            "WITH ranges(patient_id, first_day, last_day) "  # noqa: S608 (placeholders only)
            f"AS (VALUES {_rows(len(chunk), 3)}) "
            "SELECT ranges.patient_id, MAX(d.date) FROM ranges JOIN diary_dailyscore d "
            "ON d.patient_id = ranges.patient_id "
            "AND d.date BETWEEN ranges.first_day AND ranges.last_day "
            "WHERE d.numerator IS NOT NULL GROUP BY ranges.patient_id"
        )
        for pk, day in _fetch(sql, [value for row in chunk for value in row]):
            found[pk] = _date(day)
    return found


@dataclass(frozen=True)
class DayCounts:
    """Days of a range with a stored daily score, and of those the days below the threshold."""

    scored: int
    below: int


@dataclass(frozen=True)
class PatientCounts:
    """A patient's counts per named range; ``version`` is the one instrument version of every
    row in those ranges, ``None`` when they differ (the days must then be read again under the
    version that governs each range) or there is none."""

    ranges: dict[str, DayCounts]
    version: int | None


def days_below_counts(
    disease: str,
    ranges: Mapping[str, Mapping[int, DayRange]],
    threshold: Callable[[scoring.Instrument], Fraction],
) -> dict[int, PatientCounts]:
    """For patients of ``disease``: per named range, the days with a daily score and those
    whose score is below ``threshold`` of the version that scored it (strict); and the versions
    of each patient's rows in their ranges. One query (per chunk of ranges), and one for the
    clinic-defined instrument versions."""
    below, below_params = [], []
    for (_, version), instrument in sorted(_versions(disease).items()):
        value = threshold(instrument)
        below.append(
            "WHEN d.instrument_version = %s AND d.day_numerator * %s < %s * d.day_denominator "
            "THEN 1"
        )
        below_params += [version, value.denominator, value.numerator]
    wanted = [(pk, name, *r) for name, by_patient in ranges.items() for pk, r in by_patient.items()]
    rows = []
    for chunk in _chunks(wanted, 4, len(below_params)):
        sql = (
            "WITH ranges(patient_id, name, first_day, last_day) "  # noqa: S608 (placeholders only)
            f"AS (VALUES {_rows(len(chunk), 4)}) "
            "SELECT ranges.patient_id, ranges.name, COUNT(d.day_numerator), "
            f"COUNT(CASE {' '.join(below)} END), "
            "MIN(d.instrument_version), MAX(d.instrument_version) "
            "FROM ranges JOIN diary_dailyscore d ON d.patient_id = ranges.patient_id "
            "AND d.date BETWEEN ranges.first_day AND ranges.last_day "
            "GROUP BY ranges.patient_id, ranges.name"
        )
        rows += _fetch(sql, [value for row in chunk for value in row] + below_params)
    counted: dict[int, dict[str, DayCounts]] = {}
    versions: dict[int, set[int]] = {}
    for pk, name, scored, below_count, low, high in rows:
        counted.setdefault(pk, {})[name] = DayCounts(scored, below_count)
        versions.setdefault(pk, set()).update((low, high))
    found = {}
    for pk in {pk for by_patient in ranges.values() for pk in by_patient}:
        counts = {name: counted.get(pk, {}).get(name, DayCounts(0, 0)) for name in ranges}
        one = versions.get(pk, set())
        found[pk] = PatientCounts(counts, min(one) if len(one) == 1 else None)
    return found


def _versions(disease: str) -> dict[tuple[str, int], scoring.Instrument]:
    """Every instrument version of ``disease``: built in and clinic-defined."""
    keys = [(disease, i.version) for i in scoring.BUILTIN_INSTRUMENTS[disease]]
    keys += InstrumentDefinition.objects.filter(disease=disease).values_list("disease", "version")
    return instrument_versions(keys)


def _chunks(rows: Sequence[Any], per_row: int, other: int = 0) -> Iterator[Sequence[Any]]:
    """``rows`` in slices whose parameters (``per_row`` each, and ``other`` in the query) stay
    under the database's limit (PostgreSQL's 65,535; Django assumes 999 for SQLite)."""
    size = ((connection.features.max_query_params or 65_535) - other) // per_row
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _rows(count: int, width: int) -> str:
    """``count`` rows of ``width`` placeholders, for a ``VALUES`` list."""
    return ", ".join(["(" + ", ".join(["%s"] * width) + ")"] * count)


def _fetch(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _date(value: datetime.date | str) -> datetime.date:
    # SQLite returns an aggregate of dates as text (only a column keeps its declared type).
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)
