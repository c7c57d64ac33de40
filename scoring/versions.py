"""Windows that mix instrument versions: which version scores a window, and how older days
are read under it.

A clinic may change a diary (items, bands, thresholds), so a window can hold entries captured
with different versions. A window is scored with the version of its newest entry: that is the
diary the carer was last asked to fill in, and its thresholds are the ones in force. A window
without any entry has no version of its own: the caller scores it with the patient's current
instrument (it is insufficient either way).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from scoring.entries import ONE_DAY, Days, DayScores, check_range
from scoring.instruments import Instrument


def window_version(versions: Mapping[date, int], start: date, end: date) -> int | None:
    """The instrument version that scores the window ``[start, end]``, or ``None``.

    ``versions`` maps each diary day with an entry to the version that entry was captured
    with; the window's newest such day decides. ``None`` means the window has no entry.
    Raises ``ValueError`` for an inverted range.
    """
    check_range(start, end)
    day = end
    while day >= start:
        version = versions.get(day)
        if version is not None:
            return version
        day -= ONE_DAY
    return None


def read_under(instrument: Instrument, days: Mapping[date, DayScores]) -> Days:
    """``days`` as ``instrument`` reads them: items it does not have (an older or newer
    version's) are left out; items it has that a day lacks count as blank."""
    known = instrument.index
    return {
        day: {code: score for code, score in scores.items() if code in known}
        for day, scores in days.items()
    }
