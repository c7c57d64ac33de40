"""``diary.inserts``: a new entry, its first version and its scores, all stored or none.

On PostgreSQL the three rows go in one statement; these tests check it stores exactly what the
ORM stores and that a refused row leaves nothing behind, inside a transaction and outside one.
"""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.forms.models import model_to_dict

from diary.inserts import insert_entry
from diary.models import DiaryEntry, EntryVersion, ItemScore

DAY = datetime.date(2026, 11, 18)
NOW = datetime.datetime(2026, 11, 18, 12, 5, 30, 123456, tzinfo=datetime.UTC)
SCORES = {"fever": 1, "rash": 2, "musculoskeletal_pain": 0, "headache": None, "fatigue": 3}


def _rows(cast, *, day=DAY, key=None, scores=SCORES):
    entry = DiaryEntry(patient=cast.patient, date=day, timeliness="on_time", created_at=NOW)
    captured = datetime.datetime(
        2026, 11, 18, 21, 5, tzinfo=datetime.timezone(datetime.timedelta(hours=9))
    )
    version = EntryVersion(
        entry=entry,
        patient_id=cast.patient.pk,
        number=1,
        temperature_c=Decimal("38.5"),
        sleep_hours=Decimal("7.25"),
        notes="Tired after school.",
        entered_by=cast.carer,
        entered_by_role="carer",
        source="offline",
        captured_at=captured,
        captured_offset_minutes=540,
        received_at=NOW,
        instrument_version=1,
        reason="",
        idempotency_key=key or uuid.uuid4(),
        request_fingerprint="f" * 64,
    )
    items = [ItemScore(version=version, item_code=c, score=s) for c, s in scores.items()]
    return entry, version, items


def _stored(entry):
    version = EntryVersion.objects.get(entry=entry)
    fields = model_to_dict(version, exclude=["id", "entry", "idempotency_key"])
    scores = dict(ItemScore.objects.filter(version=version).values_list("item_code", "score"))
    return model_to_dict(entry, exclude=["id", "date"]), fields, scores


def test_the_rows_are_those_the_orm_stores(cast):
    entry, version, scores = _rows(cast)
    insert_entry(entry, version, scores)
    assert entry.pk and version.pk and version.entry_id == entry.pk
    assert not entry._state.adding and not version._state.adding
    assert all(score.version_id == version.pk for score in scores)

    twin, twin_version, twin_scores = _rows(cast, day=DAY - datetime.timedelta(days=1))
    twin.save()
    twin_version.entry = twin
    twin_version.save()
    ItemScore.objects.bulk_create(twin_scores)
    assert _stored(entry) == _stored(twin)
    assert _stored(entry)[2] == SCORES


def test_a_refused_version_leaves_no_entry_and_the_transaction_usable(cast):
    key = uuid.uuid4()
    insert_entry(*_rows(cast, key=key))
    other_day = DAY - datetime.timedelta(days=1)
    with pytest.raises(IntegrityError):
        insert_entry(*_rows(cast, day=other_day, key=key))  # the key is the patient's already
    assert not DiaryEntry.objects.filter(date=other_day).exists()
    assert EntryVersion.objects.count() == 1 and ItemScore.objects.count() == len(SCORES)


def test_a_refused_score_leaves_no_entry_and_no_version(cast):
    with pytest.raises(IntegrityError):
        insert_entry(*_rows(cast, scores={**SCORES, "fever": 7}))  # scores are 0-4
    assert not DiaryEntry.objects.exists() and not EntryVersion.objects.exists()
    assert not ItemScore.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_a_refused_row_still_leaves_nothing(cast):
    # The web request's case: autocommit, where PostgreSQL runs the one statement as its own
    # transaction.
    assert not transaction.get_connection().in_atomic_block
    entry, version, scores = _rows(cast)
    insert_entry(entry, version, scores)
    assert DiaryEntry.objects.get().pk == entry.pk
    with pytest.raises(IntegrityError):
        insert_entry(*_rows(cast, day=DAY - datetime.timedelta(days=1), scores={"fever": -1}))
    with pytest.raises(IntegrityError):
        insert_entry(*_rows(cast))  # the day is taken
    assert DiaryEntry.objects.count() == 1 and EntryVersion.objects.count() == 1
    assert ItemScore.objects.count() == len(SCORES)


def test_each_shape_is_compiled_once_and_gives_what_the_compiler_gives(cast):
    from django.db import connection
    from django.db.models.expressions import RawSQL

    from diary import inserts

    inserts._COMPILED.clear()
    rounds = [
        _rows(cast),
        # Other values in the same shapes: None, another day, another note and key.
        _rows(cast, day=DAY + datetime.timedelta(days=1), scores=dict.fromkeys(SCORES)),
    ]
    rounds[1][1].temperature_c = rounds[1][1].captured_at = None
    rounds[1][1].notes = "Another <note>"
    for entry, version, scores in rounds:
        version.entry_id = RawSQL("(SELECT id FROM new_entry)", [])
        for score in scores:
            score.version_id = RawSQL("(SELECT id FROM new_version)", [])
        for objs, returning in (([entry], True), ([version], True), (scores, False)):
            meta = objs[0]._meta
            fields = [f for f in meta.concrete_fields if f is not meta.auto_field]
            expected = inserts._compile(objs, fields, connection, returning=returning)
            sql, params = inserts._insert_sql(objs, connection, returning=returning)
            assert (sql, tuple(params)) == (expected[0], tuple(expected[1]))
    assert len(inserts._COMPILED) == 3  # entry, version, 5 scores: compiled in the first round

    # An expression with parameters of its own is compiled every time, never kept.
    entry, _, _ = _rows(cast)
    entry.created_at = RawSQL("%s", [NOW])
    sql, params = inserts._insert_sql([entry], connection, returning=True)
    assert len(inserts._COMPILED) == 3 and NOW in params
