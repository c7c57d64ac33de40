"""Daily scores, proportion of days below a threshold, change from baseline (SPEC §3.2, §3.4)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from scoring.entries import Days, DayScores, check_range, each_day, read_day
from scoring.instruments import Instrument


def _daily(instrument: Instrument, day: date | None, scores: DayScores) -> Fraction | None:
    present = [score for score in read_day(instrument, day, scores) if score is not None]
    if len(present) * 2 < instrument.n:
        return None
    return Fraction(sum(present), len(present))


def daily_score(instrument: Instrument, scores: DayScores) -> Fraction | None:
    """Return one day's daily score: the mean of its non-blank item scores (0-4 scale).

    ``None`` when fewer than half of the instrument's items were scored (exactly half is
    enough, as for windows). Raises ``ValueError`` for an unknown item or a score outside 0-4.
    """
    return _daily(instrument, None, scores)


def proportion_below(
    instrument: Instrument,
    days: Days,
    start: date,
    end: date,
    threshold: Fraction | None = None,
) -> Fraction | None:
    """Return the proportion of days in ``[start, end]`` whose daily score is below ``threshold``.

    The denominator is the days that have a daily score; days without an entry or with too few
    items scored count in neither part. ``None`` when no day has a daily score. ``threshold``
    (a score on the 0-4 scale) defaults to the instrument's control threshold; "below" is
    strict, so a daily score equal to the threshold does not count.
    """
    check_range(start, end)
    limit = instrument.control_threshold if threshold is None else threshold
    scored = below = 0
    for day in each_day(start, end):
        scores = days.get(day)
        value = None if scores is None else _daily(instrument, day, scores)
        if value is not None:
            scored += 1
            below += value < limit
    return Fraction(below, scored) if scored else None


@dataclass(frozen=True)
class Change:
    """Change of a DDS from baseline: ``absolute`` in DDS points, ``percent`` of baseline.

    Negative values are falls (improvement, as higher scores are worse). ``percent`` is ``None``
    when the baseline is 0, where a relative change has no meaning. No "clinically meaningful"
    label exists: no minimal important difference has been established for the DDS.
    """

    absolute: Fraction
    percent: Fraction | None


def change_from_baseline(baseline: Fraction | None, current: Fraction | None) -> Change | None:
    """Return the change from ``baseline`` to ``current`` (SPEC §3.4); ``None`` if either is none.

    Both are DDS values such as ``Score.value``; an insufficient window has no value, and so no
    change is reported.
    """
    if baseline is None or current is None:
        return None
    absolute = current - baseline
    percent = None if baseline == 0 else absolute * 100 / baseline
    return Change(absolute=absolute, percent=percent)
