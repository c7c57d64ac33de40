"""The diary day through the API (SPEC §2): in the patient's time zone, across DST changes and
at the midnight and 04:00 cut-offs. Every moment below is written out in UTC and local time."""

import datetime
import uuid

import pytest
from django.utils import timezone

from diary.models import DiaryEntry

UTC = datetime.UTC


@pytest.fixture
def clock(monkeypatch):
    def set_now(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_now


def at(*args):
    return datetime.datetime(*args, tzinfo=UTC)


def submit(api, cast, day, zone):
    cast.patient.time_zone = zone
    cast.patient.save()
    return api("carer").post(
        f"/api/v1/patients/{cast.patient.pk}/entries/",
        {"date": day, "scores": {"fever": 1}},
        format="json",
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )


@pytest.mark.parametrize(
    ("zone", "day", "now", "expected"),
    [
        # London, spring forward (Sun 29 Mar 2026, 01:00 GMT → 02:00 BST): the cut-off for
        # Saturday 28 March is 04:00 BST on the 29th = 03:00 UTC.
        ("Europe/London", "2026-03-28", at(2026, 3, 29, 2, 59, 59), "on_time"),
        ("Europe/London", "2026-03-28", at(2026, 3, 29, 3, 0), "late"),
        # The 23-hour day itself: 23:59 BST on the 29th is 22:59 UTC.
        ("Europe/London", "2026-03-29", at(2026, 3, 29, 22, 59), "on_time"),
        # London, fall back (Sun 25 Oct 2026, 02:00 BST → 01:00 GMT): 04:00 GMT = 04:00 UTC.
        ("Europe/London", "2026-10-24", at(2026, 10, 25, 3, 59, 59), "on_time"),
        ("Europe/London", "2026-10-24", at(2026, 10, 25, 4, 0), "late"),
        # New York, spring forward (Sun 8 Mar 2026): 04:00 EDT on the 8th = 08:00 UTC.
        ("America/New_York", "2026-03-07", at(2026, 3, 8, 7, 59, 59), "on_time"),
        ("America/New_York", "2026-03-07", at(2026, 3, 8, 8, 0), "late"),
        # New York, fall back (Sun 1 Nov 2026): 04:00 EST on the 1st = 09:00 UTC.
        ("America/New_York", "2026-10-31", at(2026, 11, 1, 8, 59, 59), "on_time"),
        ("America/New_York", "2026-10-31", at(2026, 11, 1, 9, 0), "late"),
        # Tokyo (UTC+9, no DST): 23:59 JST on the 18th is 14:59 UTC; the cut-off for the 18th
        # is 04:00 JST on the 19th = 19:00 UTC on the 18th, before the UTC day has even ended.
        ("Asia/Tokyo", "2026-11-18", at(2026, 11, 18, 14, 59), "on_time"),
        ("Asia/Tokyo", "2026-11-18", at(2026, 11, 18, 18, 59, 59), "on_time"),
        ("Asia/Tokyo", "2026-11-18", at(2026, 11, 18, 19, 0), "late"),
        # Past midnight in Tokyo but not in UTC: the 19th has begun for the patient.
        ("Asia/Tokyo", "2026-11-19", at(2026, 11, 18, 15, 0), "on_time"),
    ],
)
def test_on_time_and_late_follow_the_patients_clock(api, cast, clock, zone, day, now, expected):
    clock(now)
    response = submit(api, cast, day, zone)
    assert response.status_code == 201, response.content
    assert response.json()["timeliness"] == expected


@pytest.mark.parametrize(
    ("zone", "day", "now"),
    [
        # 23:59 GMT on the 18th: the 19th has not started in London.
        ("Europe/London", "2026-11-19", at(2026, 11, 18, 23, 59)),
        # 14:59 UTC is 23:59 JST: the 19th has not started in Tokyo.
        ("Asia/Tokyo", "2026-11-19", at(2026, 11, 18, 14, 59)),
        # 03:00 UTC on the 19th is still 22:00 EST on the 18th in New York.
        ("America/New_York", "2026-11-19", at(2026, 11, 19, 3, 0)),
    ],
)
def test_future_days_are_refused(api, cast, clock, zone, day, now):
    clock(now)
    response = submit(api, cast, day, zone)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "date"
    assert not DiaryEntry.objects.exists()


@pytest.mark.parametrize(
    ("now", "status"),
    [
        # Back-fill window of 3 days: the 18th may be entered until 04:00 on the 22nd (London).
        (at(2026, 11, 22, 3, 59, 59), 201),
        (at(2026, 11, 22, 4, 0), 400),
    ],
)
def test_the_backfill_window_closes_at_the_cutoff(api, cast, clock, now, status):
    clock(now)
    response = submit(api, cast, "2026-11-18", "Europe/London")
    assert response.status_code == status
    if status == 201:
        assert response.json()["timeliness"] == "late"


def test_the_backfill_window_spans_a_dst_change(api, cast, clock):
    # New York, Sat 31 Oct: locked from 04:00 EST on Wed 4 Nov = 09:00 UTC (not 08:00).
    clock(at(2026, 11, 4, 8, 30))
    assert submit(api, cast, "2026-10-31", "America/New_York").status_code == 201


def test_the_current_diary_day_is_last_night_until_the_cutoff(api, cast, clock):
    cast.patient.time_zone = "Asia/Tokyo"
    cast.patient.save()
    clock(at(2026, 11, 18, 18, 30))  # 03:30 JST on the 19th
    detail = api("carer").get(f"/api/v1/patients/{cast.patient.pk}/").json()
    assert detail["diary_day"] == "2026-11-18" and detail["latest"]["date"] == "2026-11-18"
    clock(at(2026, 11, 18, 19, 0))  # 04:00 JST
    detail = api("carer").get(f"/api/v1/patients/{cast.patient.pk}/").json()
    assert detail["diary_day"] == "2026-11-19"
    dds = api("carer").get(f"/api/v1/patients/{cast.patient.pk}/dds/").json()
    assert dds["to"] == "2026-11-19" and dds["from"] == "2026-10-23"
    assert len(dds["days"]) == 28
