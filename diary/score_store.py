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
            "WITH wanted(patient_id, day) "  # noqa: S608 (placeholders only)
            f"AS (VALUES {_rows(len(chunk), 2)}) "
            f"SELECT {columns} FROM wanted JOIN diary_dailyscore d "
            "ON d.patient_id = wanted.patient_id AND d.date = wanted.day"
        )
        found += _fetch(sql, _flat(chunk))
    return found


def dds_values_weekly(
    ranges: Mapping[int, DayRange],
) -> dict[int, dict[datetime.date, tuple[int, int]]]:
    """Each patient's 7-day DDS values as stored (numerator, denominator) on every 7th day of
    their range, from its first day (days without one left out): what a chart of many patients
    draws by week, a float each, without a ``Fraction`` for each of its 17,000 values.

    The ranges are sent with a calendar of their days, each with its weekday, rather than
    every (patient, day): 17,000 such rows cost more in parameters than the read itself. The
    ``CROSS JOIN`` keeps SQLite's join order (each range's days, then the store's index; left
    to itself it indexes the whole store by date, for seconds); PostgreSQL plans it freely."""
    found: dict[int, dict[datetime.date, tuple[int, int]]] = {pk: {} for pk in ranges}
    wanted = [
        (pk, start, end, start.weekday()) for pk, (start, end) in ranges.items() if start <= end
    ]
    if not wanted:
        return found
    first, last = min(row[1] for row in wanted), max(row[2] for row in wanted)
    days = [first + n * datetime.timedelta(days=1) for n in range((last - first).days + 1)]
    calendar = [value for day in days for value in (day, day.weekday())]
    for chunk in _chunks(wanted, 4, len(calendar)):
        sql = (
            "WITH calendar(day, weekday) "  # noqa: S608 (placeholders only)
            f"AS (VALUES {_rows(len(days), 2)}), "
            "ranges(patient_id, first_day, last_day, weekday) "
            f"AS (VALUES {_rows(len(chunk), 4)}) "
            "SELECT d.patient_id, d.date, d.numerator, d.denominator FROM ranges "
            "JOIN calendar ON calendar.weekday = ranges.weekday "
            "AND calendar.day BETWEEN ranges.first_day AND ranges.last_day "
            "CROSS JOIN diary_dailyscore d "
            "WHERE d.patient_id = ranges.patient_id AND d.date = calendar.day "
            "AND d.numerator IS NOT NULL"
        )
        for pk, day, numerator, denominator in _fetch(sql, calendar + _flat(chunk)):
            found[pk][day] = (numerator, denominator)
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
        for pk, day in _fetch(sql, _flat(chunk)):
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
    ranges: Mapping[str, Mapping[int, DayRange]],
    diseases: Mapping[int, str],
    threshold: Callable[[scoring.Instrument], Fraction],
) -> dict[int, PatientCounts]:
    """Per patient (whose disease ``diseases`` holds) and named range, the days with a daily
    score and those whose score is below ``threshold`` of the version that scored it (strict);
    and the versions of each patient's rows in their ranges. One query (per chunk of ranges),
    and one for the clinic-defined instrument versions."""
    below, below_params = [], []
    for (disease, version), instrument in sorted(_versions(set(diseases.values())).items()):
        value = threshold(instrument)
        below.append(
            "WHEN ranges.disease = %s AND d.instrument_version = %s "
            "AND d.day_numerator * %s < %s * d.day_denominator THEN 1"
        )
        below_params += [disease, version, value.denominator, value.numerator]
    wanted = [
        (pk, diseases[pk], name, first, last)
        for name, by_patient in ranges.items()
        for pk, (first, last) in by_patient.items()
    ]
    rows = []
    for chunk in _chunks(wanted, 5, len(below_params)):
        sql = (
            "WITH ranges(patient_id, disease, name, first_day, last_day) "  # noqa: S608 (placeholders only)
            f"AS (VALUES {_rows(len(chunk), 5)}) "
            "SELECT ranges.patient_id, ranges.name, COUNT(d.day_numerator), "
            f"COUNT(CASE {' '.join(below)} END), "
            "MIN(d.instrument_version), MAX(d.instrument_version) "
            "FROM ranges JOIN diary_dailyscore d ON d.patient_id = ranges.patient_id "
            "AND d.date BETWEEN ranges.first_day AND ranges.last_day "
            "GROUP BY ranges.patient_id, ranges.name"
        )
        rows += _fetch(sql, _flat(chunk) + below_params)
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


def _versions(diseases: Collection[str]) -> dict[tuple[str, int], scoring.Instrument]:
    """Every instrument version of ``diseases``: built in and clinic-defined."""
    keys = [(d, i.version) for d in diseases for i in scoring.BUILTIN_INSTRUMENTS[d]]
    defined = InstrumentDefinition.objects.filter(disease__in=diseases)
    return instrument_versions([*keys, *defined.values_list("disease", "version")])


MAX_PARAMETERS = 32_766
"""Parameters in one query: SQLite's default limit since 3.32 (PostgreSQL's is 65,535)."""


def _chunks(rows: Sequence[Any], per_row: int, other: int = 0) -> Iterator[Sequence[Any]]:
    """``rows`` in slices whose parameters (``per_row`` each, and ``other`` in the query) stay
    under ``MAX_PARAMETERS``."""
    size = (MAX_PARAMETERS - other) // per_row
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _flat(rows: Sequence[Sequence[Any]]) -> list[Any]:
    return [value for row in rows for value in row]


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
