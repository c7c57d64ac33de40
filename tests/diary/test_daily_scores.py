"""The stored 7-day DDS and each day's own daily score (``DailyScore``) always equal a rebuild
from the diary.

The property applies random sequences of what can change a score — carers' submissions,
clinicians' transcriptions and corrections, new instrument versions, threshold profiles, a
patient's time zone and disease — through the services the product calls, and after each one
compares the table with what ``rebuild`` writes from scratch.
"""

import datetime
import io
from fractions import Fraction

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clinicians.clinic_admin import instruments
from clinicians.clinic_admin import services as clinic_admin
from diary import daily_scores, selectors
from diary.days import DayRules
from diary.instruments import current_instrument
from diary.models import DailyScore, DiaryEntry, InstrumentDefinition, Patient
from diary.services import EntryExists, Submission, correct_entry, submit_entry

NOW = datetime.datetime(2026, 3, 20, 19, 0, tzinfo=datetime.UTC)
SCORE = st.one_of(st.none(), st.integers(0, 4))
SCORES = st.lists(SCORE, min_size=8, max_size=8)

operations = st.one_of(
    st.tuples(st.just("submit"), st.integers(0, 3), SCORES),
    st.tuples(st.just("transcribe"), st.integers(0, 30), SCORES),
    st.tuples(st.just("correct"), st.integers(0, 40), SCORES),
    st.tuples(st.just("instrument"), st.sampled_from(["3/10", "1", "extra item"]), st.none()),
    st.tuples(st.just("thresholds"), st.sampled_from(["JAGA", "UNIFORM_0_5"]), st.none()),
    st.tuples(
        st.just("time zone"),
        st.sampled_from(["Europe/London", "Asia/Tokyo", "America/New_York"]),
        st.none(),
    ),
    st.tuples(st.just("disease"), st.sampled_from(["CANDLE", "SAVI", "AGS"]), st.none()),
)


def stored(patient_id):
    return sorted(
        DailyScore.objects.filter(patient_id=patient_id).values_list(
            "date",
            "instrument_version",
            "numerator",
            "denominator",
            "status",
            "observed",
            "expected",
            "missing_items",
            "day_numerator",
            "day_denominator",
        )
    )


def rebuilt(patient_id):
    """What a rebuild writes, without keeping it."""
    with transaction.atomic():
        daily_scores.rebuild([patient_id])
        rows = stored(patient_id)
        transaction.set_rollback(True)
    return rows


@pytest.mark.django_db(transaction=False)
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=st.lists(operations, min_size=1, max_size=12))
def test_the_table_always_equals_a_rebuild(cast, steps):
    try:
        with transaction.atomic():
            for step in steps:
                _apply(cast, step)
                assert stored(cast.patient.pk) == rebuilt(cast.patient.pk), step
            raise _Rollback
    except _Rollback:
        pass


class _Rollback(Exception):
    pass


def _apply(cast, step):
    kind, choice, values = step
    patient = Patient.objects.select_related("clinic").get(pk=cast.patient.pk)
    today = DayRules.for_patient(patient).offered_day(NOW)
    try:
        if kind in ("submit", "transcribe"):
            _submit(cast, patient, today - datetime.timedelta(days=choice), values, kind)
        elif kind == "correct":
            _correct(cast, patient, choice, values)
        elif kind == "instrument":
            _new_version(cast, choice)
        elif kind == "thresholds":
            instruments.set_threshold_profile(
                clinic=patient.clinic, admin=cast.clinic_admin, profile=choice
            )
        elif kind == "time zone":
            clinic_admin.update_patient(
                patient=patient, admin=cast.clinic_admin, reason="moved", time_zone=choice
            )
        elif not InstrumentDefinition.objects.exists():
            # Clinic versions are numbered per disease: entries of one are unreadable under
            # another disease, whatever the table holds.
            clinic_admin.update_patient(
                patient=patient, admin=cast.clinic_admin, reason="diagnosis", disease=choice
            )
    except (ValidationError, EntryExists):
        pass  # refused: nothing changed


def _scores(patient, values):
    codes = current_instrument(patient).item_codes
    return dict(zip(codes, values, strict=False))


def _submit(cast, patient, day, values, kind):
    by_carer = kind == "submit"
    submit_entry(
        patient=patient,
        user=cast.carer if by_carer else cast.clinician,
        submission=Submission(date=day, scores=_scores(patient, values)),
        source="web" if by_carer else "paper",
        reason="" if by_carer else "paper diary",
        now=NOW,
    )


def _correct(cast, patient, index, values):
    entries = list(DiaryEntry.objects.filter(patient=patient).order_by("date"))
    if not entries:
        return
    entry = entries[index % len(entries)]
    correct_entry(
        entry=entry,
        user=cast.clinician,
        submission=Submission(date=entry.date, scores=_scores(patient, values)),
        source="web",
        reason="carer phoned",
        now=NOW,
    )


def _new_version(cast, choice):
    patient = Patient.objects.select_related("clinic").get(pk=cast.patient.pk)
    extra = instruments.generic_item("swallowing", "Swallowing") if choice == "extra item" else None
    control = None if extra else Fraction(choice)
    instruments.create_instrument_version(
        clinic=patient.clinic,
        admin=cast.clinic_admin,
        disease=patient.disease,
        reason="clinic diary",
        control_threshold=control,
        extra_item=extra,
    )


def test_a_submission_and_a_correction_write_the_week_they_change(cast):
    day = DayRules.for_patient(cast.patient).offered_day(NOW)
    result = submit_entry(
        patient=cast.patient,
        user=cast.carer,
        submission=Submission(date=day, scores={"fever": 4, "rash": 4}),
        source="web",
        now=NOW,
    )
    rows = DailyScore.objects.filter(patient=cast.patient).order_by("date")
    assert [r.date for r in rows] == [day + datetime.timedelta(days=n) for n in range(7)]
    assert all(r.observed == 2 and r.expected == 35 and r.status == "insufficient" for r in rows)
    correct_entry(
        entry=result.entry,
        user=cast.clinician,
        submission=Submission(date=day, scores=dict.fromkeys(_scores(cast.patient, [0] * 8), 0)),
        source="web",
        reason="carer phoned",
        now=NOW,
    )
    assert {(r.observed, r.numerator) for r in rows.all()} == {(5, None)}  # 5 of 35: too few
    assert [(r.day_numerator, r.day_denominator) for r in rows.all()] == [(0, 1)] + [
        (None, None)
    ] * 6


def test_each_day_keeps_its_own_daily_score_none_below_half_its_items(cast):
    """SPEC §3.2: the mean of the day's non-blank items, exact; none with fewer than half."""
    day = DayRules.for_patient(cast.patient).offered_day(NOW)
    codes = current_instrument(cast.patient).item_codes  # CANDLE: 5 items
    for offset, scores in enumerate([[1, 2, None, None, 4], [1, 2, None, None, None]]):
        _submit(cast, cast.patient, day - datetime.timedelta(days=offset), scores, "paper")
    assert len(codes) == 5
    rows = DailyScore.objects.filter(patient=cast.patient)
    assert rows.get(date=day).day_numerator == 7 and rows.get(date=day).day_denominator == 3
    assert rows.get(date=day - datetime.timedelta(days=1)).day_numerator is None  # 2 of 5


def test_the_pages_read_what_is_stored(cast):
    """A row the services did not write (here: edited by hand) is what every reader shows:
    they read the store, they do not score again."""
    day = DayRules.for_patient(cast.patient).offered_day(timezone.now())
    for offset in range(7):
        submit_entry(
            patient=cast.patient,
            user=cast.clinician,
            submission=Submission(
                date=day - datetime.timedelta(days=offset), scores=_scores(cast.patient, [1] * 8)
            ),
            source="paper",
            reason="paper diary",
        )
    DailyScore.objects.filter(patient=cast.patient, date=day).update(numerator=7, denominator=4)
    [dds] = selectors.dds_series_for(cast.patient, day, day)
    assert dds.score.value == Fraction(7, 4)
    assert selectors.current_dds([cast.patient])[cast.patient.pk].score.value == Fraction(7, 4)
    out = io.StringIO()
    call_command("rebuild_scores", str(cast.patient.pk), stdout=out)
    assert out.getvalue().startswith("13 daily scores written")  # 7 days, and the 6 after
    [dds] = selectors.dds_series_for(cast.patient, day, day)
    assert dds.score.value == 1


@pytest.mark.django_db(transaction=True)
def test_entries_of_neighbouring_days_sent_at_once_all_count(cast, postgres):
    """Ten paper days transcribed at once, each in its own transaction: every window they
    share counts all of them (the writers of one patient's scores take turns)."""
    import threading

    from django.db import connection

    today = DayRules.for_patient(cast.patient).offered_day(timezone.now())
    days = [today - datetime.timedelta(days=n) for n in range(10)]
    barrier = threading.Barrier(len(days))
    failures = []

    def send(day):
        try:
            patient = Patient.objects.select_related("clinic").get(pk=cast.patient.pk)
            barrier.wait(timeout=30)
            submit_entry(
                patient=patient,
                user=cast.clinician,
                submission=Submission(date=day, scores=_scores(patient, [2] * 8)),
                source="paper",
                reason="paper diary",
            )
        except Exception as error:  # reported by the assertion below
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(day,)) for day in days]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    assert DiaryEntry.objects.filter(patient=cast.patient).count() == len(days)
    assert stored(cast.patient.pk) == rebuilt(cast.patient.pk)
    full_weeks = DailyScore.objects.filter(patient=cast.patient, observed=35)
    assert full_weeks.count() == 4  # the windows ending on the four newest days


def test_a_rebuild_since_a_day_rewrites_the_rows_from_that_day_on(cast):
    today = DayRules.for_patient(cast.patient).offered_day(NOW)
    for offset in range(10):
        _submit(cast, cast.patient, today - datetime.timedelta(days=offset), [1] * 8, "paper")
    expected = stored(cast.patient.pk)
    since = today - datetime.timedelta(days=3)
    DailyScore.objects.filter(patient=cast.patient).update(observed=0)
    assert daily_scores.rebuild([cast.patient.pk], since=since) == 10  # since .. today + 6
    rows = stored(cast.patient.pk)
    assert [r for r in rows if r[0] >= since] == [r for r in expected if r[0] >= since]
    assert {r[5] for r in rows if r[0] < since} == {0}  # earlier rows left as they were
