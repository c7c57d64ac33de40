"""The database itself refuses what the rules forbid, whatever the code above it does."""

import datetime
import uuid

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from diary.models import DiaryEntry, EntryVersion, ItemScore


def _entry(patient, day, **kwargs):
    return DiaryEntry.objects.create(
        patient=patient, date=day, timeliness="on_time", created_at=timezone.now(), **kwargs
    )


def _version(entry, user, **kwargs):
    fields = {
        "entry": entry,
        "patient_id": entry.patient_id,
        "number": 1,
        "entered_by": user,
        "entered_by_role": "carer",
        "source": "web",
        "received_at": timezone.now(),
        "instrument_version": 1,
    }
    fields.update(kwargs)
    return EntryVersion.objects.create(**fields)


DAY = datetime.date(2026, 11, 18)


def test_a_second_entry_for_the_same_day_is_refused(cast):
    _entry(cast.patient, DAY)
    with pytest.raises(IntegrityError), transaction.atomic():
        _entry(cast.patient, DAY)


def test_the_same_day_for_another_patient_is_fine(cast):
    _entry(cast.patient, DAY)
    _entry(cast.other_patient, DAY)
    assert DiaryEntry.objects.count() == 2


@pytest.mark.parametrize("score", [5, 99])
def test_a_score_above_4_is_refused(cast, score):
    version = _version(_entry(cast.patient, DAY), cast.carer)
    with pytest.raises(IntegrityError), transaction.atomic():
        ItemScore.objects.create(version=version, item_code="fever", score=score)


def test_a_negative_score_is_refused(cast):
    version = _version(_entry(cast.patient, DAY), cast.carer)
    with pytest.raises(IntegrityError), transaction.atomic():
        ItemScore.objects.bulk_create([ItemScore(version=version, item_code="rash", score=-1)])


def test_scores_0_to_4_and_not_assessed_are_stored(cast):
    version = _version(_entry(cast.patient, DAY), cast.carer)
    for code, score in [("fever", 0), ("rash", 4), ("headache", None)]:
        ItemScore.objects.create(version=version, item_code=code, score=score)
    assert ItemScore.objects.filter(version=version).count() == 3


def test_one_score_per_item_per_version(cast):
    version = _version(_entry(cast.patient, DAY), cast.carer)
    ItemScore.objects.create(version=version, item_code="fever", score=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        ItemScore.objects.create(version=version, item_code="fever", score=2)


def test_an_idempotency_key_is_unique_per_patient(cast):
    key = uuid.uuid4()
    _version(_entry(cast.patient, DAY), cast.carer, idempotency_key=key)
    with pytest.raises(IntegrityError), transaction.atomic():
        _version(
            _entry(cast.patient, DAY + datetime.timedelta(days=1)),
            cast.carer,
            idempotency_key=key,
        )


def test_the_same_key_for_another_patient_is_fine(cast):
    key = uuid.uuid4()
    _version(_entry(cast.patient, DAY), cast.carer, idempotency_key=key)
    _version(_entry(cast.other_patient, DAY), cast.other_carer, idempotency_key=key)


def test_version_numbers_are_unique_per_entry(cast):
    entry = _entry(cast.patient, DAY)
    _version(entry, cast.carer)
    with pytest.raises(IntegrityError), transaction.atomic():
        _version(entry, cast.carer)


def test_notes_over_2000_characters_are_refused(cast):
    with pytest.raises(IntegrityError), transaction.atomic():
        _version(_entry(cast.patient, DAY), cast.carer, notes="x" * 2001)


def test_an_implausible_temperature_is_refused(cast):
    with pytest.raises(IntegrityError), transaction.atomic():
        _version(_entry(cast.patient, DAY), cast.carer, temperature_c=50)


def test_an_unknown_disease_is_refused(cast):
    cast.patient.disease = "FLU"
    with pytest.raises(IntegrityError), transaction.atomic():
        cast.patient.save()


def test_versions_cannot_be_updated_or_deleted_on_postgresql(cast, postgres):
    version = _version(_entry(cast.patient, DAY), cast.carer)
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        EntryVersion.objects.filter(pk=version.pk).update(notes="rewritten")
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        EntryVersion.objects.filter(pk=version.pk).delete()
