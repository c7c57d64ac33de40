"""Reading diary days: validation of item codes and scores, and date ranges.

``Days`` is the input shape of every scoring function: a mapping from diary date to that day's
scores. A date absent from the mapping means no entry that day; an item code absent from a day's
mapping, or mapped to ``None``, means the item was left blank ("not assessed").
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, timedelta

from scoring.instruments import Instrument
from scoring.items import MAX_SCORE, MIN_SCORE

DayScores = Mapping[str, int | None]
"""One diary day: item code → score 0-4, or ``None`` for blank."""

Days = Mapping[date, DayScores]
"""A patient's diary: date → that day's scores. Only the dates a calculation reads are checked."""

DayVector = list[int | None]
"""One day's scores in instrument item order (``None`` = blank)."""

ONE_DAY = timedelta(days=1)


def read_day(instrument: Instrument, day: date | None, scores: DayScores) -> DayVector:
    """Return ``scores`` in item order, after checking every code and score.

    ``day`` only names the date in error messages. Raises ``ValueError`` for an item code the
    instrument does not have, or a score that is not an ``int`` from 0 to 4 (``True`` and
    ``False`` are rejected, though Python counts them as ints).
    """
    vector: DayVector = [None] * instrument.n
    index = instrument.index
    for code, score in scores.items():
        position = index.get(code)
        if position is None:
            raise _entry_error(instrument, day, code, score)
        if score is None:
            continue
        if type(score) is not int or not MIN_SCORE <= score <= MAX_SCORE:
            raise _entry_error(instrument, day, code, score)
        vector[position] = score
    return vector


def _entry_error(instrument: Instrument, day: date | None, code: str, score: object) -> ValueError:
    where = "" if day is None else f"{day}: "
    if code not in instrument.index:
        return ValueError(
            f"{where}unknown item {code!r} for {instrument.disease} version"
            f" {instrument.version}; expected one of {instrument.item_codes}"
        )
    return ValueError(f"{where}score for {code!r} must be an integer 0-4, got {score!r}")


def check_range(start: date, end: date) -> int:
    """Return the number of days in ``[start, end]``; ``ValueError`` if ``end`` < ``start``."""
    if end < start:
        raise ValueError(f"inverted date range: end {end} is before start {start}")
    return (end - start).days + 1


def each_day(start: date, end: date) -> Iterator[date]:
    """Yield every date from ``start`` to ``end`` inclusive."""
    day = start
    while day <= end:
        yield day
        day += ONE_DAY
