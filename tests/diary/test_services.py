"""The diary write path: day rules, idempotency, corrections (the API builds on these)."""

import datetime
import uuid
import zoneinfo
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from diary.models import DiaryEntry, EntryVersion, ItemScore
from diary.services import (
    EntryExists,
    IdempotencyKeyReused,
    Submission,
    correct_entry,
    submit_entry,
)

LONDON = zoneinfo.ZoneInfo("Europe/London")
DAY = datetime.date(2026, 11, 18)
EVENING = datetime.datetime(2026, 11, 18, 21, 0, tzinfo=LONDON)
SCORES = {"fever": 1, "rash": 2, "musculoskeletal_pain": 0, "headache": None, "fatigue": 3}


def _submit(cast, *, day=DAY, now=EVENING, scores=SCORES, key=None, user=None, **kwargs):
    patient = kwargs.pop("patient", cast.patient)
    source = kwargs.pop("source", "web")
    return submit_entry(
        patient=patient,
        user=user or cast.carer,
        submission=Submission(date=day, scores=scores, **kwargs),
        source=source,
        idempotency_key=key,
        now=now,
    )


def test_a_submission_stores_one_entry_one_version_and_every_item(cast):
    result = _submit(cast)
    assert not result.replayed
    assert result.entry.timeliness == "on_time"
    version = result.version
    assert version.number == 1 and version.entered_by == cast.carer
    assert version.entered_by_role == "carer" and version.source == "web"
    assert version.received_at == EVENING and version.instrument_version == 1
    stored = dict(ItemScore.objects.filter(version=version).values_list("item_code", "score"))
    assert stored == SCORES


def test_missing_items_are_stored_as_not_assessed(cast):
    version = _submit(cast, scores={"fever": 2}).version
    stored = dict(version.scores.values_list("item_code", "score"))
    assert stored == {
        "fever": 2,
        "rash": None,
        "musculoskeletal_pain": None,
        "headache": None,
        "fatigue": None,
    }


def test_a_temperature_gives_the_fever_score_and_is_kept(cast):
    version = _submit(cast, scores={"fever": None}, temperature_c="38.6").version
    assert version.temperature_c == Decimal("38.6")
    assert version.scores.get(item_code="fever").score == 2


def test_the_same_key_and_body_replays_the_original(cast):
    key = uuid.uuid4()
    first = _submit(cast, key=key)
    again = _submit(cast, key=key, now=EVENING + datetime.timedelta(minutes=5))
    assert again.replayed and again.entry == first.entry and again.version == first.version
    assert EntryVersion.objects.count() == 1


def test_the_same_key_with_another_body_is_refused(cast):
    key = uuid.uuid4()
    _submit(cast, key=key)
    with pytest.raises(IdempotencyKeyReused):
        _submit(cast, key=key, scores={**SCORES, "rash": 4})


def test_another_key_for_a_day_with_an_entry_points_at_it(cast):
    first = _submit(cast, key=uuid.uuid4())
    with pytest.raises(EntryExists) as conflict:
        _submit(cast, key=uuid.uuid4())
    assert conflict.value.entry == first.entry


@pytest.mark.parametrize(
    ("scores", "field"),
    [
        ({"fever": 5}, "scores.fever"),
        ({"fever": -1}, "scores.fever"),
        ({"fever": True}, "scores.fever"),
        ({"fever": 1.5}, "scores.fever"),
        ({"fever": "2"}, "scores.fever"),
        ({"sleep": 1}, "scores.sleep"),
    ],
)
def test_bad_scores_name_the_field_and_store_nothing(cast, scores, field):
    with pytest.raises(ValidationError) as error:
        _submit(cast, scores=scores)
    assert field in error.value.message_dict
    assert not DiaryEntry.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"notes": "x" * 2001}, "notes"),
        ({"notes": "a\x00b"}, "notes"),
        ({"temperature_c": "hot"}, "temperature_c"),
        ({"temperature_c": "52"}, "temperature_c"),
        ({"temperature_c": "38.55"}, "temperature_c"),
        ({"sleep_hours": "7"}, "sleep_hours"),  # CANDLE has no sleep item
    ],
)
def test_bad_fields_are_named_and_nothing_is_stored(cast, kwargs, field):
    with pytest.raises(ValidationError) as error:
        _submit(cast, **kwargs)
    assert field in error.value.message_dict
    assert not DiaryEntry.objects.exists()


def test_sleep_hours_give_the_ags_sleep_score(cast):
    version = _submit(
        cast, patient=cast.unlinked_patient, user=cast.clinician, scores={}, sleep_hours="5.5"
    ).version
    assert version.scores.get(item_code="sleep").score == 2
    assert version.entered_by_role == "clinician"


# --- the diary day (SPEC §2) ------------------------------------------------------------------


def test_a_future_day_is_refused(cast):
    with pytest.raises(ValidationError) as error:
        _submit(cast, day=DAY + datetime.timedelta(days=1))
    assert "date" in error.value.message_dict


def test_before_the_cutoff_the_previous_day_is_on_time(cast):
    result = _submit(cast, now=datetime.datetime(2026, 11, 19, 3, 59, tzinfo=LONDON))
    assert result.entry.timeliness == "on_time"


def test_at_the_cutoff_the_previous_day_is_late(cast):
    result = _submit(cast, now=datetime.datetime(2026, 11, 19, 4, 0, tzinfo=LONDON))
    assert result.entry.timeliness == "late"


def test_after_the_backfill_window_the_day_is_locked_for_carers(cast):
    locked = datetime.datetime(2026, 11, 22, 4, 0, tzinfo=LONDON)
    with pytest.raises(ValidationError) as error:
        _submit(cast, now=locked)
    assert "date" in error.value.message_dict
    still_open = _submit(cast, now=locked - datetime.timedelta(seconds=1))
    assert still_open.entry.timeliness == "late"


def test_clinic_staff_transcribe_a_locked_day_from_paper_with_a_reason(cast):
    later = datetime.datetime(2026, 11, 30, 10, 0, tzinfo=LONDON)
    with pytest.raises(ValidationError):
        submit_entry(
            patient=cast.patient,
            user=cast.clinician,
            submission=Submission(date=DAY, scores=SCORES),
            source="paper",
            now=later,
        )
    result = submit_entry(
        patient=cast.patient,
        user=cast.clinician,
        submission=Submission(date=DAY, scores=SCORES),
        source="paper",
        reason="paper diary brought to clinic",
        now=later,
    )
    assert result.entry.timeliness == "transcribed"
    assert result.version.reason == "paper diary brought to clinic"


def test_carers_cannot_transcribe_paper(cast):
    with pytest.raises(ValidationError) as error:
        _submit(cast, source="paper")
    assert "source" in error.value.message_dict


# --- corrections ------------------------------------------------------------------------------


def test_a_same_evening_correction_is_a_version_with_the_default_reason(cast):
    entry = _submit(cast).entry
    version = correct_entry(
        entry=entry,
        user=cast.carer,
        submission=Submission(date=DAY, scores={**SCORES, "rash": 1}),
        source="web",
        now=EVENING + datetime.timedelta(minutes=10),
    ).version
    assert version.number == 2 and version.reason == "same-day edit"
    assert entry.versions.count() == 2
    assert entry.versions.get(number=1).scores.get(item_code="rash").score == 2


def test_a_correction_after_the_cutoff_needs_a_reason(cast):
    entry = _submit(cast).entry
    next_day = datetime.datetime(2026, 11, 19, 9, 0, tzinfo=LONDON)
    submission = Submission(date=DAY, scores=SCORES)
    with pytest.raises(ValidationError) as error:
        correct_entry(
            entry=entry, user=cast.carer, submission=submission, source="web", now=next_day
        )
    assert "reason" in error.value.message_dict
    version = correct_entry(
        entry=entry,
        user=cast.clinician,
        submission=submission,
        source="web",
        reason="carer phoned",
        now=next_day,
    ).version
    assert version.entered_by_role == "clinician" and version.reason == "carer phoned"


def test_a_retried_correction_with_its_key_is_recorded_once(cast):
    entry = _submit(cast).entry
    key = uuid.uuid4()
    later = EVENING + datetime.timedelta(minutes=10)
    corrected = Submission(date=DAY, scores={**SCORES, "rash": 1})
    first = correct_entry(
        entry=entry,
        user=cast.carer,
        submission=corrected,
        source="web",
        idempotency_key=key,
        now=later,
    )
    again = correct_entry(
        entry=entry,
        user=cast.carer,
        submission=corrected,
        source="web",
        idempotency_key=key,
        now=later + datetime.timedelta(seconds=30),
    )
    assert not first.replayed and again.replayed
    assert again.version == first.version
    assert entry.versions.count() == 2


def test_a_correction_key_with_other_content_or_for_another_entry_is_refused(cast):
    entry = _submit(cast).entry
    other = _submit(cast, day=DAY - datetime.timedelta(days=1), key=uuid.uuid4())
    key = uuid.uuid4()
    later = EVENING + datetime.timedelta(minutes=10)
    correct_entry(
        entry=entry,
        user=cast.carer,
        submission=Submission(date=DAY, scores=SCORES),
        source="web",
        idempotency_key=key,
        now=later,
    )
    with pytest.raises(IdempotencyKeyReused):
        correct_entry(
            entry=entry,
            user=cast.carer,
            submission=Submission(date=DAY, scores={**SCORES, "rash": 4}),
            source="web",
            idempotency_key=key,
            now=later,
        )
    with pytest.raises(IdempotencyKeyReused):
        correct_entry(
            entry=other.entry,
            user=cast.carer,
            submission=Submission(date=other.entry.date, scores=SCORES),
            source="web",
            reason="wrong day",
            idempotency_key=key,
            now=later,
        )
    assert entry.versions.count() == 2 and other.entry.versions.count() == 1
