"""Which night is due when: hand-worked cut-off moments around DST changes and far-apart zones.

Europe/London changes clock at 01:00 UTC: on Sunday 29 March 2026 to BST (UTC+1), on Sunday
25 October 2026 back to GMT (UTC+0). Asia/Tokyo is UTC+9 all year. The cut-off is 04:00 local
on the morning after the diary day.
"""

import datetime
import itertools

import pytest

from clinicians.nightly import schedule

UTC = datetime.UTC
FOUR = datetime.time(4, 0)
D = datetime.date


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "now", "due"),
    [
        # London, GMT: the cut-off for the 18th is 04:00 UTC on the 19th.
        ("Europe/London", "2026-11-19 03:59", D(2026, 11, 17)),
        ("Europe/London", "2026-11-19 04:00", D(2026, 11, 18)),
        # London, BST: 04:00 local is 03:00 UTC.
        ("Europe/London", "2026-10-24 02:59", D(2026, 10, 22)),
        ("Europe/London", "2026-10-24 03:00", D(2026, 10, 23)),
        # Clocks go back on the 25th: the 24th's cut-off is 04:00 GMT = 04:00 UTC, not 03:00.
        ("Europe/London", "2026-10-25 03:00", D(2026, 10, 23)),
        ("Europe/London", "2026-10-25 03:59", D(2026, 10, 23)),
        ("Europe/London", "2026-10-25 04:00", D(2026, 10, 24)),
        # The 25th lasts 25 hours; its cut-off is 04:00 UTC on the 26th.
        ("Europe/London", "2026-10-26 03:59", D(2026, 10, 24)),
        ("Europe/London", "2026-10-26 04:00", D(2026, 10, 25)),
        # Clocks go forward on 29 March: the 28th's cut-off is 04:00 BST = 03:00 UTC.
        ("Europe/London", "2026-03-29 02:59", D(2026, 3, 27)),
        ("Europe/London", "2026-03-29 03:00", D(2026, 3, 28)),
        # The 29th lasts 23 hours; its cut-off is 03:00 UTC on the 30th.
        ("Europe/London", "2026-03-30 03:00", D(2026, 3, 29)),
        # Tokyo: 04:00 JST is 19:00 UTC the evening before.
        ("Asia/Tokyo", "2026-10-24 18:59", D(2026, 10, 23)),
        ("Asia/Tokyo", "2026-10-24 19:00", D(2026, 10, 24)),
        # Honolulu (UTC-10): 04:00 HST is 14:00 UTC the afternoon after.
        ("Pacific/Honolulu", "2026-10-26 13:59", D(2026, 10, 24)),
        ("Pacific/Honolulu", "2026-10-26 14:00", D(2026, 10, 25)),
    ],
)
def test_the_due_day_is_the_newest_day_whose_cut_off_has_passed(zone, now, due):
    assert schedule.due_day(zone, FOUR, at(now)) == due


def test_a_clinic_night_waits_for_the_slowest_zone():
    zones = {"Asia/Tokyo", "Europe/London"}
    # 20:00 UTC on the 24th: Tokyo's 24th is due, London's is not (until 04:00 UTC on the 25th).
    assert schedule.due_night(zones, FOUR, at("2026-10-24 20:00")) == D(2026, 10, 23)
    assert schedule.due_night(zones, FOUR, at("2026-10-25 04:00")) == D(2026, 10, 24)
    assert schedule.night_due_at(zones, FOUR, D(2026, 10, 24)) == at("2026-10-25 04:00")


def test_a_later_cut_off_moves_the_night():
    cutoff = datetime.time(6, 30)
    assert schedule.due_day("Europe/London", cutoff, at("2026-11-19 06:29")) == D(2026, 11, 17)
    assert schedule.due_day("Europe/London", cutoff, at("2026-11-19 06:30")) == D(2026, 11, 18)


@pytest.mark.parametrize(
    ("last", "due", "nights"),
    [
        (None, D(2026, 11, 18), [D(2026, 11, 18)]),  # a first night backfills nothing
        (D(2026, 11, 17), D(2026, 11, 18), [D(2026, 11, 18)]),
        (D(2026, 11, 18), D(2026, 11, 18), []),  # already running
        (D(2026, 11, 16), D(2026, 11, 18), [D(2026, 11, 17), D(2026, 11, 18)]),
        (D(2026, 10, 1), D(2026, 11, 18), [D(2026, 11, 16), D(2026, 11, 17), D(2026, 11, 18)]),
    ],
)
def test_missed_nights_are_caught_up_within_the_window(last, due, nights):
    assert schedule.nights_to_run(last, due, catch_up_days=3) == nights


@pytest.mark.parametrize(
    ("zone", "start", "end"),
    [
        ("Europe/London", "2026-10-23 00:00", "2026-10-28 00:00"),
        ("Europe/London", "2026-03-27 00:00", "2026-04-01 00:00"),
        ("Asia/Tokyo", "2026-10-23 00:00", "2026-10-28 00:00"),
    ],
)
def test_a_tick_every_15_minutes_makes_each_day_due_once_and_in_order(zone, start, end):
    """Walk UTC in 15-minute ticks across a DST change: no day skipped, none due twice."""
    moment, seen = at(start), []
    while moment < at(end):
        day = schedule.due_day(zone, FOUR, moment)
        if not seen or seen[-1] != day:
            seen.append(day)
        moment += datetime.timedelta(minutes=15)
    assert [b - a for a, b in itertools.pairwise(seen)] == [datetime.timedelta(days=1)] * (
        len(seen) - 1
    )
    assert len(seen) == 6  # five whole days walked, plus the one due at the start


def test_local_date_and_time_follow_the_zone():
    moment = at("2026-10-24 20:30")
    assert schedule.local_date("Asia/Tokyo", moment) == D(2026, 10, 25)
    assert schedule.local_time("Asia/Tokyo", moment) == datetime.time(5, 30)
    assert schedule.local_time("Europe/London", moment) == datetime.time(21, 30)


def test_beat_sends_each_task_that_a_worker_has():
    from config.celery import app

    schedule = app.conf.beat_schedule
    assert {entry["task"] for entry in schedule.values()} == {
        "clinicians.nightly_tick",
        "clinicians.reminder_tick",
    }
    app.loader.import_default_modules()
    assert all(entry["task"] in app.tasks for entry in schedule.values())
