"""When a night is due: diary days, cut-offs and time zones, without the database.

A diary day is a date in the patient's zone and stays open for on-time entries until the
clinic's cut-off (default 04:00) the next morning. The night of day D is therefore due once
that cut-off has passed. A clinic's night waits for the slowest of its zones (the clinic's own
and each of its patients'), so one digest per clinic and night covers every patient. Moments are
compared as aware datetimes through ``zoneinfo``, never by adding hours, so a 23- or 25-hour
day around a DST change is still exactly one diary day.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from diary.days import ONE_DAY, DayRules


def due_day(time_zone: str, cutoff: datetime.time, now: datetime.datetime) -> datetime.date:
    """The newest diary day in ``time_zone`` whose cut-off has passed at ``now``."""
    return DayRules(time_zone, cutoff, 0).offered_day(now) - ONE_DAY


def due_night(
    time_zones: Iterable[str], cutoff: datetime.time, now: datetime.datetime
) -> datetime.date:
    """The newest diary day whose cut-off has passed at ``now`` in every one of ``time_zones``."""
    return min(due_day(zone, cutoff, now) for zone in time_zones)


def night_due_at(
    time_zones: Iterable[str], cutoff: datetime.time, day: datetime.date
) -> datetime.datetime:
    """The moment the night of ``day`` becomes due: its latest cut-off over ``time_zones``."""
    return max(DayRules(zone, cutoff, 0).cutoff_moment(day) for zone in time_zones)


def nights_to_run(
    last_run: datetime.date | None, due: datetime.date, catch_up_days: int
) -> list[datetime.date]:
    """The nights to start now, oldest first: every night after ``last_run`` up to ``due``.

    A clinic's first night is the one due now (nothing is backfilled unasked); after an outage
    at most ``catch_up_days`` nights are caught up, older ones need ``run_nightly --date``.
    """
    if last_run is None:
        return [due]
    first = max(last_run + ONE_DAY, due - datetime.timedelta(days=catch_up_days - 1))
    return [first + datetime.timedelta(days=n) for n in range((due - first).days + 1)]


def local_date(time_zone: str, now: datetime.datetime) -> datetime.date:
    """The calendar date of ``now`` in ``time_zone``."""
    return DayRules(time_zone, datetime.time(0), 0).local_date(now)


def local_time(time_zone: str, now: datetime.datetime) -> datetime.time:
    """The wall-clock time of ``now`` in ``time_zone``."""
    return now.astimezone(DayRules(time_zone, datetime.time(0), 0).zone).time()
