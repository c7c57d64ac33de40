"""Entries through the API: idempotent creation, the writable allow-list, bad input,
corrections and their history."""

import datetime
import json
import uuid
import zoneinfo

import pytest
from django.utils import timezone

from diary.models import DiaryEntry, EntryVersion

LONDON = zoneinfo.ZoneInfo("Europe/London")
DAY = datetime.date(2026, 11, 18)
EVENING = datetime.datetime(2026, 11, 18, 21, 0, tzinfo=LONDON)
SCORES = {"fever": 1, "rash": 2, "musculoskeletal_pain": 0, "headache": None, "fatigue": 3}
BODY = {"date": "2026-11-18", "scores": SCORES, "captured_at": "2026-11-18T20:58:00+00:00"}


@pytest.fixture
def clock(monkeypatch):
    """Sets the server's clock: ``clock(moment)``."""

    def set_now(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment)

    set_now(EVENING)
    return set_now


def entries_url(patient):
    return f"/api/v1/patients/{patient.pk}/entries/"


def post_entry(api, cast, body=BODY, key=None, member="carer", patient=None, **extra):
    headers = {} if key is False else {"HTTP_IDEMPOTENCY_KEY": str(key or uuid.uuid4())}
    return api(member).post(
        entries_url(patient or cast.patient), body, format="json", **headers, **extra
    )


# --- creation and idempotency ---------------------------------------------------------------


def test_a_new_entry_is_201_with_what_was_recorded(api, cast, clock):
    response = post_entry(api, cast)
    assert response.status_code == 201
    entry = response.json()
    assert response["Location"] == entry["url"]
    assert entry["date"] == "2026-11-18" and entry["scores"] == SCORES
    assert entry["timeliness"] == "on_time" and entry["version"] == 1
    assert entry["entered_by_role"] == "carer" and entry["source"] == "api"
    assert entry["captured_at"] == "2026-11-18T20:58:00+00:00"
    assert entry["received_at"] == "2026-11-18T21:00:00Z"
    assert entry["replayed"] is False and entry["instrument_version"] == 1


def test_the_capture_offset_is_kept(api, cast, clock):
    body = {**BODY, "captured_at": "2026-11-19T05:58:00+09:00"}
    entry = post_entry(api, cast, body).json()
    assert entry["captured_at"] == "2026-11-19T05:58:00+09:00"
    stored = EntryVersion.objects.get()
    assert stored.captured_offset_minutes == 540


def test_the_idempotency_key_is_required(api, cast, clock):
    response = post_entry(api, cast, key=False)
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["Idempotency-Key"]
    assert not DiaryEntry.objects.exists()


@pytest.mark.parametrize("key", ["not-a-uuid", "{12345678-1234-1234-1234-123456789012}", " "])
def test_a_malformed_idempotency_key_is_400(api, cast, clock, key):
    response = post_entry(api, cast, key=key)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "Idempotency-Key"
    assert not DiaryEntry.objects.exists()


def test_the_same_key_and_body_replays_the_original(api, cast, clock):
    key = uuid.uuid4()
    first = post_entry(api, cast, key=key)
    clock(EVENING + datetime.timedelta(minutes=3))
    again = post_entry(api, cast, key=key)
    assert again.status_code == 200
    assert again["Idempotency-Replayed"] == "true" and again.json()["replayed"] is True
    assert {k: v for k, v in again.json().items() if k != "replayed"} == {
        k: v for k, v in first.json().items() if k != "replayed"
    }
    assert EntryVersion.objects.count() == 1


def test_a_replay_after_the_cutoff_still_answers_the_original(api, cast, clock):
    key = uuid.uuid4()
    post_entry(api, cast, key=key)
    clock(datetime.datetime(2026, 11, 30, 12, 0, tzinfo=LONDON))  # the day is locked by now
    assert post_entry(api, cast, key=key).status_code == 200


def test_the_same_key_with_another_body_is_422(api, cast, clock):
    key = uuid.uuid4()
    post_entry(api, cast, key=key)
    response = post_entry(api, cast, {**BODY, "scores": {**SCORES, "rash": 4}}, key=key)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "Idempotency-Key"
    assert EntryVersion.objects.count() == 1


def test_another_key_for_a_day_with_an_entry_is_409_with_its_location(api, cast, clock):
    first = post_entry(api, cast).json()
    response = post_entry(api, cast, {**BODY, "scores": {"fever": 4}})
    assert response.status_code == 409
    assert response["Location"] == first["url"]
    assert response.json()["entry"] == first["url"] and response.json()["entry_id"] == first["id"]
    assert EntryVersion.objects.count() == 1


@pytest.mark.parametrize(
    "field",
    ["received_at", "entered_by", "entered_by_role", "timeliness", "version", "late", "id"],
)
def test_server_recorded_fields_cannot_be_set(api, cast, clock, field):
    response = post_entry(api, cast, {**BODY, field: "2020-01-01T00:00:00Z"})
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert not DiaryEntry.objects.exists()


def test_carers_may_send_from_the_offline_queue(api, cast, clock):
    response = post_entry(api, cast, {**BODY, "source": "offline"})
    assert response.status_code == 201 and response.json()["source"] == "offline"


def test_a_carer_cannot_claim_a_paper_transcription(api, cast, clock):
    response = post_entry(api, cast, {**BODY, "source": "paper", "reason": "x"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "source"


def test_clinic_staff_transcribe_a_locked_day_from_paper(api, cast, clock):
    clock(datetime.datetime(2026, 12, 1, 10, 0, tzinfo=LONDON))
    carer = post_entry(api, cast)
    assert carer.status_code == 400 and carer.json()["errors"][0]["field"] == "date"
    no_reason = post_entry(api, cast, {**BODY, "source": "paper"}, member="clinician")
    assert no_reason.status_code == 400 and no_reason.json()["errors"][0]["field"] == "reason"
    paper = {**BODY, "source": "paper", "reason": "paper diary brought to clinic"}
    response = post_entry(api, cast, paper, member="clinician")
    assert response.status_code == 201
    assert response.json()["timeliness"] == "transcribed"
    assert response.json()["entered_by_role"] == "clinician"


# --- bad input: a 4xx naming the problem, nothing stored, never a 5xx ------------------------


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"scores": {"fever": 5}}, "scores.fever"),
        ({"scores": {"fever": -1}}, "scores.fever"),
        ({"scores": {"fever": "2"}}, "scores.fever"),
        ({"scores": {"fever": 1.5}}, "scores.fever"),
        ({"scores": {"fever": True}}, "scores.fever"),
        ({"scores": {"cough": 1}}, "scores.cough"),
        ({"scores": {"Fever!": 1}}, "scores"),
        ({"scores": [1, 2]}, "scores"),
        ({"scores": None}, "scores"),
        ({"notes": "x" * 2001}, "notes"),
        ({"notes": "before\x00after"}, "notes"),
        ({"notes": 42}, "notes"),
        ({"date": "2026-13-01"}, "date"),
        ({"date": "18/11/2026"}, "date"),
        ({"date": "20261118"}, "date"),
        ({"date": 20261118}, "date"),
        ({"date": "2026-11-19"}, "date"),  # tomorrow in London
        ({"date": "2014-12-31"}, "date"),  # before the patient was born
        ({"temperature_c": "38.5"}, "temperature_c"),
        ({"temperature_c": 50}, "temperature_c"),
        ({"temperature_c": 38.55}, "temperature_c"),
        ({"sleep_hours": 7}, "sleep_hours"),  # CANDLE has no sleep item
        ({"captured_at": "2026-11-18T20:58:00"}, "captured_at"),  # no offset
        ({"captured_at": "9999-12-31T23:59:59-12:00"}, "captured_at"),
        ({"source": "fax"}, "source"),
        ({"reason": "x" * 1001}, "reason"),
    ],
)
def test_bad_fields_are_named_and_nothing_is_stored(api, cast, clock, change, field):
    response = post_entry(api, cast, {**BODY, **change})
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 400 and problem["type"].endswith("validation-error")
    assert field in [error["field"] for error in problem["errors"]]
    assert not DiaryEntry.objects.exists()


def test_missing_fields_are_named(api, cast, clock):
    response = post_entry(api, cast, {})
    assert {e["field"] for e in response.json()["errors"]} == {"date", "scores"}


@pytest.mark.parametrize(
    ("raw", "content_type", "status"),
    [
        (b"{not json", "application/json", 400),
        (b"\xff\xfe{}", "application/json", 400),
        (b"[" * 5000 + b"]" * 5000, "application/json", 400),
        (b'{"date": NaN}', "application/json", 400),
        (json.dumps([BODY]).encode(), "application/json", 400),
        (json.dumps(BODY).encode(), "text/plain", 415),
        (b"date=2026-11-18", "application/x-www-form-urlencoded", 415),
        (json.dumps(BODY).encode(), "", 415),
        (json.dumps({**BODY, "notes": "x" * 70_000}).encode(), "application/json", 400),
    ],
)
def test_unreadable_bodies_are_4xx_problems(api, cast, clock, raw, content_type, status):
    response = api("carer").generic(
        "POST",
        entries_url(cast.patient),
        raw,
        content_type=content_type,
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == status
    assert not DiaryEntry.objects.exists()


def test_a_body_over_64_kib_is_named(api, cast, clock):
    body = json.dumps({**BODY, "notes": "x" * 70_000})
    response = api("carer").generic(
        "POST",
        entries_url(cast.patient),
        body,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )
    assert response.json()["errors"][0]["field"] == "body"


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_unsupported_methods_are_405_with_allow(api, cast, method):
    response = getattr(api("carer"), method)(entries_url(cast.patient))
    assert response.status_code == 405
    assert response["Allow"] == "GET, POST, HEAD, OPTIONS"
    assert response["Content-Type"] == "application/problem+json"


def test_an_unknown_address_under_the_api_is_a_problem(api, cast):
    response = api("carer").get("/api/v1/patients/abc/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_errors_never_carry_the_patients_name(api, cast, clock):
    response = post_entry(api, cast, {**BODY, "date": "2014-01-01"})
    assert cast.patient.display_name not in response.content.decode()


# --- corrections and history ----------------------------------------------------------------


def correct(api, entry_id, body, member="carer"):
    return api(member).post(f"/api/v1/entries/{entry_id}/corrections/", body, format="json")


def test_a_same_evening_correction_needs_no_reason(api, cast, clock):
    entry = post_entry(api, cast).json()
    clock(EVENING + datetime.timedelta(minutes=20))
    response = correct(api, entry["id"], {"scores": {**SCORES, "rash": 1}})
    assert response.status_code == 201
    assert response.json()["version"] == 2 and response.json()["reason"] == "same-day edit"
    assert response["Location"] == entry["url"]


def test_after_the_cutoff_a_correction_needs_a_reason(api, cast, clock):
    entry = post_entry(api, cast).json()
    clock(datetime.datetime(2026, 11, 19, 9, 0, tzinfo=LONDON))
    refused = correct(api, entry["id"], {"scores": SCORES})
    assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == "reason"
    assert EntryVersion.objects.count() == 1
    accepted = correct(api, entry["id"], {"scores": SCORES, "reason": "forgot the rash"})
    assert accepted.status_code == 201 and accepted.json()["reason"] == "forgot the rash"


def test_a_retried_correction_with_its_key_is_recorded_once(api, cast, clock):
    entry = post_entry(api, cast).json()
    clock(EVENING + datetime.timedelta(minutes=20))
    url = f"/api/v1/entries/{entry['id']}/corrections/"
    key = {"HTTP_IDEMPOTENCY_KEY": str(uuid.uuid4())}
    body = {"scores": {**SCORES, "rash": 1}}
    first = api("carer").post(url, body, format="json", **key)
    again = api("carer").post(url, body, format="json", **key)
    assert first.status_code == 201
    assert again.status_code == 200 and again["Idempotency-Replayed"] == "true"
    assert again.json() == first.json()
    assert EntryVersion.objects.count() == 2
    other = api("carer").post(url, {"scores": SCORES}, format="json", **key)
    assert other.status_code == 422
    assert EntryVersion.objects.count() == 2


def test_a_malformed_correction_key_is_400_and_records_nothing(api, cast, clock):
    entry = post_entry(api, cast).json()
    url = f"/api/v1/entries/{entry['id']}/corrections/"
    response = api("carer").post(
        url, {"scores": SCORES}, format="json", HTTP_IDEMPOTENCY_KEY="not-a-uuid"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "Idempotency-Key"
    assert EntryVersion.objects.count() == 1


def test_carers_cannot_correct_a_locked_day_but_the_clinic_can(api, cast, clock):
    entry = post_entry(api, cast).json()
    clock(datetime.datetime(2026, 11, 25, 9, 0, tzinfo=LONDON))
    body = {"scores": SCORES, "reason": "remembered"}
    assert correct(api, entry["id"], body).status_code == 400
    response = correct(api, entry["id"], {**body, "source": "paper"}, member="clinician")
    assert response.status_code == 201


def test_history_lists_every_version_with_who_when_how_and_why(api, cast, clock):
    entry = post_entry(api, cast).json()
    clock(datetime.datetime(2026, 11, 19, 9, 0, tzinfo=LONDON))
    correct(
        api,
        entry["id"],
        {
            "scores": {**SCORES, "fever": 2},
            "reason": "carer phoned: fever was worse",
            "captured_at": "2026-11-19T08:59:00+00:00",
            "source": "web",
        },
        member="clinician",
    )
    response = api("carer").get(f"/api/v1/entries/{entry['id']}/history/")
    assert response.status_code == 200
    versions = response.json()["versions"]
    assert [v["version"] for v in versions] == [1, 2]
    assert [v["entered_by_role"] for v in versions] == ["carer", "clinician"]
    assert [v["entered_by"] for v in versions] == ["carer", "clinician"]
    assert [v["source"] for v in versions] == ["api", "web"]
    assert [v["reason"] for v in versions] == ["", "carer phoned: fever was worse"]
    assert [v["received_at"] for v in versions] == [
        "2026-11-18T21:00:00Z",
        "2026-11-19T09:00:00Z",
    ]
    assert versions[1]["captured_at"] == "2026-11-19T08:59:00+00:00"
    assert [v["scores"]["fever"] for v in versions] == [1, 2]
    latest = api("carer").get(f"/api/v1/entries/{entry['id']}/").json()
    assert latest["version"] == 2 and latest["scores"]["fever"] == 2


def test_a_correction_is_validated_like_an_entry(api, cast, clock):
    entry = post_entry(api, cast).json()
    response = correct(api, entry["id"], {"scores": {"fever": 9}, "received_at": "x"})
    assert response.status_code == 400
    assert EntryVersion.objects.count() == 1


def test_the_entry_list_shows_the_latest_version_newest_day_first(api, cast, clock):
    first = post_entry(api, cast).json()
    clock(EVENING + datetime.timedelta(minutes=5))
    correct(api, first["id"], {"scores": {"fever": 4}})
    clock(EVENING + datetime.timedelta(days=1))
    post_entry(api, cast, {**BODY, "date": "2026-11-19"})
    rows = api("carer").get(entries_url(cast.patient)).json()["results"]
    assert [(r["date"], r["version"]) for r in rows] == [("2026-11-19", 1), ("2026-11-18", 2)]
    ranged = api("carer").get(entries_url(cast.patient), {"from": "2026-11-19"}).json()
    assert [r["date"] for r in ranged["results"]] == ["2026-11-19"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"from": "2026-11-20", "to": "2026-11-01"}, "from"),
        ({"from": "yesterday"}, "from"),
        ({"to": "2026-02-30"}, "to"),
        ({"page": "0"}, "page"),
        ({"page_size": "1000"}, "page_size"),
        ({"page": ""}, "page"),
    ],
)
def test_bad_query_parameters_are_named(api, cast, query, field):
    response = api("carer").get(entries_url(cast.patient), query)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == field


# --- the cost of a submission ------------------------------------------------------------------


def test_a_submission_reads_twice_writes_three_rows_and_reads_its_scores(api, cast, clock):
    """The evening peak's request: the token, the patient with the caller's role and its
    instrument, then the entry, its version and its scores in one transaction (the same on
    SQLite and PostgreSQL) with the stored 7-day DDS of the seven days the entry counts in
    (``diary.daily_scores``: lock the patient, read the days, upsert), then the scores for
    the answer."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    post_entry(api, cast, body={**BODY, "date": "2026-11-17"})  # token and caches warm
    with CaptureQueriesContext(connection) as captured:
        response = post_entry(api, cast)
    assert response.status_code == 201 and response.json()["scores"] == SCORES
    transaction_control = ("SAVEPOINT", "RELEASE", "BEGIN", "COMMIT", "ROLLBACK")
    statements = [
        q["sql"]
        for q in captured.captured_queries
        if not q["sql"].lstrip().upper().startswith(transaction_control)
    ]
    assert [s.split()[0] for s in statements[:2]] == ["SELECT", "SELECT"]
    tables = ['"diary_diaryentry"', '"diary_entryversion"', '"diary_itemscore"']
    assert [s.split()[2] for s in statements[2:5]] == tables
    assert [s.split()[0] for s in statements[5:8]] == ["SELECT", "SELECT", "INSERT"]
    assert statements[7].split()[2] == '"diary_dailyscore"'
    [answer] = statements[8:]
    assert answer.startswith("SELECT") and '"diary_itemscore"' in answer


def test_a_replay_and_a_second_key_for_the_day_still_answer_after_the_refused_insert(
    api, cast, clock
):
    key = uuid.uuid4()
    first = post_entry(api, cast, key=key)
    assert post_entry(api, cast, key=key).status_code == 200
    other = post_entry(api, cast)
    assert other.status_code == 409 and other["Location"] == first.json()["url"]
    reused = post_entry(api, cast, body={**BODY, "date": "2026-11-17"}, key=key)
    assert reused.status_code == 422
    assert DiaryEntry.objects.count() == 1 and EntryVersion.objects.count() == 1
