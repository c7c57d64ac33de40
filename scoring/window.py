"""Window scores and the 7-day Daily Diary Score (SPEC §3.1 and §3.3).

For a window of days and an instrument of ``n`` items, ``expected = n * days``. When fewer than
half of the expected scores are present the window has no score (status ``insufficient``);
exactly half is enough. Otherwise the score is the mean, over the items that have any score in
the window, of each item's mean score: a DDS on the 0-4 scale, higher is worse. Items without any
score are listed in ``missing_items`` and make the score ``partial``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from itertools import compress
from math import lcm
from operator import not_

from scoring.entries import ONE_DAY, Days, DayVector, check_range, each_day, read_day
from scoring.instruments import Instrument
from scoring.quantities import fraction_to_decimal

DDS_WINDOW_DAYS = 7
"""The DDS is the window score over the 7 days ending on the day it is reported for."""

_WINDOW_SPAN = timedelta(days=DDS_WINDOW_DAYS - 1)


class Status(StrEnum):
    """Disease-activity status of a window score, judged on the exact value, never rounded."""

    INSUFFICIENT = "insufficient"
    """Fewer than half of the expected scores present: no score."""
    REMISSION = "remission"
    """Below the remission threshold: "in the remission range"."""
    CONTROLLED = "controlled"
    """Below the control threshold."""
    ACTIVE = "active"
    """At or above the control threshold (a DDS of exactly 0.5 is active at 0.5)."""


@dataclass(frozen=True)
class Score:
    """The score of the window ``[start, end]``.

    ``value`` is the exact DDS (0-4) or ``None`` when insufficient. ``observed`` counts non-blank
    item scores, ``expected`` is items * days. ``missing_items`` lists, in instrument order, items
    with no score in the window; ``partial`` is true when a value exists despite such items.
    """

    value: Fraction | None
    status: Status
    observed: int
    expected: int
    partial: bool
    missing_items: tuple[str, ...]
    start: date
    end: date


def status_for(instrument: Instrument, value: Fraction | None) -> Status:
    """Return the status of a window score under the instrument's thresholds (SPEC §3.3).

    ``None`` (no score) is ``insufficient``; comparisons are exact and strict, so a value equal
    to the control threshold is ``active`` and one equal to the remission threshold is not
    ``remission``.
    """
    if value is None:
        return Status.INSUFFICIENT
    if value < instrument.remission_threshold:
        return Status.REMISSION
    if value < instrument.control_threshold:
        return Status.CONTROLLED
    return Status.ACTIVE


def _score(
    instrument: Instrument, sums: list[int], counts: list[int], start: date, end: date
) -> Score:
    observed = sum(counts)
    expected = instrument.n * ((end - start).days + 1)
    missing = tuple(compress(instrument.item_codes, map(not_, counts)))
    if observed * 2 < expected:
        return Score(None, Status.INSUFFICIENT, observed, expected, False, missing, start, end)
    # The mean of per-item means as one exact division: numerator / denominator, with every
    # item mean brought to a common denominator first. Status compares these integers, which
    # is the exact comparison of the value with each threshold.
    common = lcm(*filter(None, counts))
    numerator = sum(
        total * (common // count) for total, count in zip(sums, counts, strict=True) if count
    )
    denominator = common * (instrument.n - len(missing))
    remission, control = instrument.remission_threshold, instrument.control_threshold
    if numerator * remission.denominator < remission.numerator * denominator:
        status = Status.REMISSION
    elif numerator * control.denominator < control.numerator * denominator:
        status = Status.CONTROLLED
    else:
        status = Status.ACTIVE
    value = Fraction(numerator, denominator)
    return Score(value, status, observed, expected, bool(missing), missing, start, end)


def _add(sums: list[int], counts: list[int], vector: DayVector, sign: int) -> None:
    for position, score in enumerate(vector):
        if score is not None:
            sums[position] += sign * score
            counts[position] += sign


def read_days(instrument: Instrument, days: Days, start: date, end: date) -> list[DayVector | None]:
    """Return, for each date of ``[start, end]``, its scores in item order or ``None`` if no entry.

    Raises ``ValueError`` for an unknown item code or a score outside 0-4 on those dates.
    """
    return [
        None if (scores := days.get(day)) is None else read_day(instrument, day, scores)
        for day in each_day(start, end)
    ]


def score_days(
    instrument: Instrument, vectors: Sequence[DayVector | None], start: date, end: date
) -> Score:
    """Return the window score of ``[start, end]`` from the :func:`read_days` of that window."""
    present = [vector for vector in vectors if vector is not None]
    if not present:
        return _score(instrument, [0] * instrument.n, [0] * instrument.n, start, end)
    sums, counts = [], []
    for column in zip(*present, strict=True):
        sums.append(sum(filter(None, column)))
        counts.append(len(column) - column.count(None))
    return _score(instrument, sums, counts, start, end)


def window_score(instrument: Instrument, days: Days, start: date, end: date) -> Score:
    """Return the window score over ``[start, end]`` inclusive (SPEC §3.1).

    Only the entries of dates inside the window are read and validated. Raises ``ValueError``
    for an inverted range, an unknown item code or a score outside 0-4.
    """
    check_range(start, end)
    return score_days(instrument, read_days(instrument, days, start, end), start, end)


def dds_on(instrument: Instrument, days: Days, day: date) -> Score:
    """Return the 7-day DDS on ``day``: the window score over ``[day - 6, day]``."""
    return window_score(instrument, days, day - _WINDOW_SPAN, day)


def dds_series(instrument: Instrument, days: Days, start: date, end: date) -> list[Score]:
    """Return the 7-day DDS for every day from ``start`` to ``end`` inclusive, in date order.

    Each day's entry is read once: per-item running sums and counts slide along the range, so
    the cost grows with the number of days, not seven times it. Each element equals
    ``dds_on(instrument, days, d)``. Raises ``ValueError`` like :func:`window_score`.
    """
    check_range(start, end)
    sums, counts = [0] * instrument.n, [0] * instrument.n
    in_window: deque[DayVector | None] = deque()
    series: list[Score] = []
    for day in each_day(start - _WINDOW_SPAN, end):
        scores = days.get(day)
        vector = None if scores is None else read_day(instrument, day, scores)
        if vector is not None:
            _add(sums, counts, vector, 1)
        in_window.append(vector)
        if day >= start:
            series.append(_score(instrument, sums, counts, day - _WINDOW_SPAN, day))
            leaving = in_window.popleft()
            if leaving is not None:
                _add(sums, counts, leaving, -1)
    return series


def visit_score(instrument: Instrument, days: Days, visit_day: date) -> Score:
    """Return the score at a visit on ``visit_day``: the 7-day DDS on the day before the visit."""
    return dds_on(instrument, days, visit_day - ONE_DAY)


def baseline_score(instrument: Instrument, days: Days, treatment_start: date) -> Score:
    """Return the baseline DDS: the 7-day DDS on the day before ``treatment_start``."""
    return dds_on(instrument, days, treatment_start - ONE_DAY)


def period_score(instrument: Instrument, days: Days, start: date, end: date) -> Score:
    """Return the pre-treatment baseline over a clinic-defined period ``[start, end]``.

    The same rule as any window (SPEC §3.1), over the whole period rather than seven days.
    """
    return window_score(instrument, days, start, end)


def round_score(value: Fraction, places: int = 3) -> Decimal:
    """Return a score for display with ``places`` decimals, truncated toward zero.

    Truncation, not rounding to nearest, keeps the figure on the same side of any threshold
    with at most ``places`` decimals as the exact value: a DDS of 0.4996 shows as 0.499, never
    as a "0.500" that reads as active while the status says controlled. Negative values (a fall
    from baseline) truncate toward zero too.
    """
    return fraction_to_decimal(value, places, rounding="down")
