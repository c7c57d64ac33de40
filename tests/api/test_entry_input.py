"""What an entry body may hold beyond its fields' types: a capture time no later than its
receipt (within the clock-skew allowance), and JSON that is read with an accurate message."""

import datetime
import uuid

import pytest
from django.utils import timezone

from diary.models import DiaryEntry, EntryVersion
from diary.submission_checks import CAPTURE_CLOCK_SKEW
from tests.api.test_entries import BODY, EVENING, correct, entries_url, post_entry

RECEIVED = EVENING.astimezone(datetime.UTC)  # 2026-11-18 21:00 UTC
TOKYO = datetime.timezone(datetime.timedelta(hours=9))


@pytest.fixture
def clock(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: EVENING)


def captured(moment):
    return {**BODY, "captured_at": moment.isoformat()}


@pytest.mark.parametrize(
    "moment",
    [
        RECEIVED - datetime.timedelta(hours=2),
        RECEIVED + CAPTURE_CLOCK_SKEW,
        (RECEIVED + CAPTURE_CLOCK_SKEW).astimezone(TOKYO),
    ],
)
def test_a_capture_time_up_to_the_allowance_after_receipt_is_kept(api, cast, clock, moment):
    response = post_entry(api, cast, captured(moment))
    assert response.status_code == 201, response.content
    assert response.json()["captured_at"] == moment.isoformat()


@pytest.mark.parametrize(
    "moment",
    [
        RECEIVED + CAPTURE_CLOCK_SKEW + datetime.timedelta(seconds=1),
        (RECEIVED + CAPTURE_CLOCK_SKEW + datetime.timedelta(seconds=1)).astimezone(TOKYO),
        RECEIVED + datetime.timedelta(days=1),
    ],
)
def test_a_capture_time_later_than_receipt_is_named_and_nothing_is_stored(api, cast, clock, moment):
    response = post_entry(api, cast, captured(moment))
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert [error["field"] for error in errors] == ["captured_at"]
    assert "clock" in errors[0]["detail"]
    assert not DiaryEntry.objects.exists()


def test_a_correction_captured_after_its_receipt_is_refused(api, cast, clock):
    entry = post_entry(api, cast).json()
    later = RECEIVED + CAPTURE_CLOCK_SKEW + datetime.timedelta(minutes=1)
    response = correct(
        api, entry["id"], {"scores": BODY["scores"], "captured_at": later.isoformat()}
    )
    assert response.status_code == 400, response.content
    assert [error["field"] for error in response.json()["errors"]] == ["captured_at"]
    assert EntryVersion.objects.filter(entry_id=entry["id"]).count() == 1


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"[" * 5000 + b"]" * 5000, "The JSON is nested too deeply."),
        (b'{"notes":' * 5000 + b"1" + b"}" * 5000, "The JSON is nested too deeply."),
        (b"\xff\xfe{}", "The body is not valid UTF-8."),
        (b"{not json", "The body is not valid JSON"),
        (b'{"date": NaN}', "The body is not valid JSON"),
    ],
    ids=["nested arrays", "nested objects", "not UTF-8", "not JSON", "NaN"],
)
def test_an_unreadable_body_is_described_as_it_is(api, cast, clock, raw, message):
    response = api("carer").generic(
        "POST",
        entries_url(cast.patient),
        raw,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )
    assert response.status_code == 400
    problem = response.json()
    assert problem["detail"].startswith(message)
    assert [(e["field"], e["detail"]) for e in problem["errors"]] == [("body", problem["detail"])]
    assert not DiaryEntry.objects.exists()
