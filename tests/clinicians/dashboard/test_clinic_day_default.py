import datetime
import zoneinfo

from clinicians.dashboard.clinic_day import parse_day

# 23:30 UTC on 20 November is already 21 November in Tokyo and still 20 November in London.
LATE_EVENING_UTC = datetime.datetime(2026, 11, 20, 23, 30, tzinfo=datetime.UTC)


def test_without_a_date_the_clinic_day_is_today_in_the_clinics_zone(cast):
    assert cast.other_clinic.time_zone == "Asia/Tokyo"
    assert parse_day(None, cast.outside_clinician, LATE_EVENING_UTC) == datetime.date(2026, 11, 21)
    assert parse_day("", cast.clinician, LATE_EVENING_UTC) == datetime.date(2026, 11, 20)


def test_a_given_date_is_used_as_it_is(cast):
    assert parse_day("2026-12-01", cast.clinician, LATE_EVENING_UTC) == datetime.date(2026, 12, 1)


def test_a_malformed_date_falls_back_to_the_clinics_today(cast):
    tokyo_today = LATE_EVENING_UTC.astimezone(zoneinfo.ZoneInfo("Asia/Tokyo")).date()
    assert parse_day("next tuesday", cast.outside_clinician, LATE_EVENING_UTC) == tokyo_today
