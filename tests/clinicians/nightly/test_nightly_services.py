"""The nightly evaluation, runs and catch-up, with Celery running tasks inline (no broker).

Uses the named cast: clinic A (Europe/London) with ``patient`` (CANDLE, linked to ``carer``)
and ``unlinked_patient`` (AGS); clinic B (Asia/Tokyo) with ``other_patient`` (SAVI).
"""

import datetime
from fractions import Fraction

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

import scoring
from clinicians.alerts.models import Alert
from clinicians.nightly import health, runs, services
from clinicians.nightly.models import NightRun, PatientEvaluation
from diary.models import InstrumentDefinition
from tests.clinicians.nightly_harness import calm, joined, write_day
from tests.diary.factories import PatientFactory

D = datetime.date
UTC = datetime.UTC
DAY = D(2026, 11, 18)
# Both clinics' nights of the 18th are due: London at 04:00 UTC on the 19th, Tokyo earlier.
AFTER = datetime.datetime(2026, 11, 19, 4, 0, tzinfo=UTC)


def at(text):
    return datetime.datetime.fromisoformat(text).replace(tzinfo=UTC)


def evaluations(patient):
    rows = PatientEvaluation.objects.filter(patient=patient).order_by("date")
    return list(rows.values_list("date", flat=True))


def test_a_severe_symptom_opens_one_alert_for_the_care_team(cast):
    write_day(cast.patient, cast.carer, DAY, calm(1) | {"rash": 4})
    result = services.evaluate_patients([cast.patient.pk], DAY, now=AFTER)
    assert result == services.BatchResult(evaluated=1, alerts_opened=1)
    alert = Alert.objects.get(patient=cast.patient)
    assert (alert.rule, alert.audience, alert.status, alert.diary_date) == (
        "severe_symptom", "care_team", "open", DAY,
    )  # fmt: skip
    history = alert.history.get()
    assert (history.history_role, history.history_origin) == ("system", "nightly")


def test_a_day_is_evaluated_once_however_often_it_is_asked(cast):
    write_day(cast.patient, cast.carer, DAY, calm(1) | {"rash": 4})
    services.evaluate_patients([cast.patient.pk], DAY, now=AFTER)
    again = services.evaluate_patients([cast.patient.pk], DAY, now=AFTER)
    assert again == services.BatchResult(0, 0)
    assert PatientEvaluation.objects.filter(patient=cast.patient, date=DAY).count() == 1
    assert Alert.objects.count() == 1


def test_a_temperature_of_40_is_a_severe_symptom(cast):
    write_day(cast.patient, cast.carer, DAY, calm(0) | {"fever": None}, temperature_c="40.1")
    services.evaluate_patients([cast.patient.pk], DAY, now=AFTER)
    assert Alert.objects.get().details["temperature_c"] == "40.1"


def test_the_same_open_condition_never_opens_a_second_alert(cast):
    for offset in range(3):
        day = DAY + datetime.timedelta(days=offset)
        write_day(cast.patient, cast.carer, day, calm(1) | {"rash": 4})
        services.evaluate_patients([cast.patient.pk], day, now=AFTER + datetime.timedelta(offset))
    assert Alert.objects.filter(rule="severe_symptom").count() == 1
    Alert.objects.update(status="acknowledged", acknowledged_at=AFTER)
    write_day(cast.patient, cast.carer, DAY + datetime.timedelta(3), calm(1) | {"rash": 4})
    services.evaluate_patients([cast.patient.pk], DAY + datetime.timedelta(3), now=AFTER)
    assert Alert.objects.filter(rule="severe_symptom").count() == 1
    Alert.objects.update(status="resolved", resolved_at=AFTER)
    write_day(cast.patient, cast.carer, DAY + datetime.timedelta(4), calm(1) | {"rash": 4})
    services.evaluate_patients([cast.patient.pk], DAY + datetime.timedelta(4), now=AFTER)
    assert Alert.objects.filter(rule="severe_symptom").count() == 2


def test_an_active_week_after_a_calm_one_opens_above_threshold_and_marked_rise(cast):
    joined(cast.patient, DAY - datetime.timedelta(days=20))
    # Every item 0 for twelve days, 1 the day before, 3 on the day: the 7-day DDS goes from
    # 1/7 (controlled) to 4/7 = 0.571 (active, CANDLE threshold 0.5), up 0.571 on 7 days
    # earlier (0), which is a marked rise (>= 0.5); no item reaches 4.
    for offset in range(13, 1, -1):
        write_day(cast.patient, cast.carer, DAY - datetime.timedelta(days=offset), calm(0))
    write_day(cast.patient, cast.carer, DAY - datetime.timedelta(days=1), calm(1))
    write_day(cast.patient, cast.carer, DAY, calm(3))
    services.evaluate_patients([cast.patient.pk], DAY, now=AFTER)
    assert set(Alert.objects.values_list("rule", flat=True)) == {"above_threshold", "marked_rise"}
    assert all(a.audience == "care_team" for a in Alert.objects.all())


def test_three_days_without_entry_remind_the_carers_and_seven_tell_the_care_team(cast):
    joined(cast.patient, DAY - datetime.timedelta(days=30))
    write_day(cast.patient, cast.carer, DAY, calm(0))
    for offset in range(1, 8):
        services.evaluate_patients([cast.patient.pk], DAY + datetime.timedelta(offset), now=AFTER)
    rules = dict(Alert.objects.values_list("rule", "diary_date"))
    assert rules == {
        "diary_gap_reminder": DAY + datetime.timedelta(3),
        "diary_gap": DAY + datetime.timedelta(7),
    }
    assert Alert.objects.get(rule="diary_gap_reminder").audience == "carers"


def test_the_carers_reminder_alert_resolves_itself_when_entries_resume(cast):
    joined(cast.patient, DAY - datetime.timedelta(days=30))
    write_day(cast.patient, cast.carer, DAY, calm(0))
    for offset in range(1, 4):
        services.evaluate_patients([cast.patient.pk], DAY + datetime.timedelta(offset), now=AFTER)
    reminder = Alert.objects.get(rule="diary_gap_reminder")
    write_day(cast.patient, cast.carer, DAY + datetime.timedelta(4), calm(0))
    services.evaluate_patients([cast.patient.pk], DAY + datetime.timedelta(4), now=AFTER)
    reminder.refresh_from_db()
    assert reminder.status == "resolved"
    assert reminder.resolved_by is None


def test_a_new_patient_has_no_diary_gap_before_joining(cast):
    joined(cast.patient, DAY)
    services.evaluate_patients([cast.patient.pk], DAY + datetime.timedelta(1), now=AFTER)
    assert not Alert.objects.exists()
    assert PatientEvaluation.objects.filter(patient=cast.patient).count() == 1


def test_inactive_patients_are_not_evaluated(cast):
    cast.patient.is_active = False
    cast.patient.save()
    assert services.evaluate_patients([cast.patient.pk], DAY, now=AFTER).evaluated == 0


def test_the_queries_of_a_batch_do_not_grow_with_its_size(cast):
    small = [cast.patient.pk]
    large = [PatientFactory(clinic=cast.clinic).pk for _ in range(12)]
    for pk in large[:4]:
        joined(PatientFactory._meta.model.objects.get(pk=pk), DAY - datetime.timedelta(days=9))
    with CaptureQueriesContext(connection) as one:
        services.evaluate_patients(small, DAY, now=AFTER)
    with CaptureQueriesContext(connection) as twelve:
        services.evaluate_patients(large, DAY, now=AFTER)
    assert len(twelve) <= len(one) + 2  # history of the gap alerts: one insert each way
    assert len(twelve) <= 12


def test_the_tick_runs_each_clinic_once_and_completes(cast):
    started = runs.start_due_nights(AFTER)
    assert len(started) == 2
    assert {(r.clinic_id, r.date) for r in NightRun.objects.all()} == {
        (cast.clinic.pk, DAY), (cast.other_clinic.pk, DAY),
    }  # fmt: skip
    assert all(r.completed_at for r in NightRun.objects.all())
    assert PatientEvaluation.objects.filter(date=DAY).count() == 3
    assert runs.start_due_nights(AFTER + datetime.timedelta(minutes=15)) == []
    assert PatientEvaluation.objects.count() == 3


def test_missed_nights_are_caught_up_once_each(cast):
    runs.start_due_nights(AFTER)
    runs.start_due_nights(AFTER + datetime.timedelta(days=3, hours=2))  # three nights missed
    for patient in (cast.patient, cast.other_patient, cast.unlinked_patient):
        assert evaluations(patient) == [DAY + datetime.timedelta(n) for n in range(4)]
    assert NightRun.objects.filter(completed_at__isnull=True).count() == 0
    runs.start_due_nights(AFTER + datetime.timedelta(days=3, hours=3))
    assert PatientEvaluation.objects.count() == 12


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        # London: BST cut-offs at 03:00 UTC, GMT from the 25th at 04:00 UTC.
        # Tokyo: every cut-off at 19:00 UTC the day before.
        (
            "2026-10-23 12:00",
            "2026-10-27 12:00",
            {
                ("clinic", D(2026, 10, 23)): at("2026-10-24 03:00"),
                ("clinic", D(2026, 10, 24)): at("2026-10-25 04:00"),
                ("clinic", D(2026, 10, 25)): at("2026-10-26 04:00"),
                ("clinic", D(2026, 10, 26)): at("2026-10-27 04:00"),
                ("other_clinic", D(2026, 10, 23)): at("2026-10-23 19:00"),
                ("other_clinic", D(2026, 10, 24)): at("2026-10-24 19:00"),
                ("other_clinic", D(2026, 10, 25)): at("2026-10-25 19:00"),
                ("other_clinic", D(2026, 10, 26)): at("2026-10-26 19:00"),
            },
        ),
        (
            "2026-03-27 12:00",
            "2026-03-31 12:00",
            {
                ("clinic", D(2026, 3, 27)): at("2026-03-28 04:00"),
                ("clinic", D(2026, 3, 28)): at("2026-03-29 03:00"),
                ("clinic", D(2026, 3, 29)): at("2026-03-30 03:00"),
                ("clinic", D(2026, 3, 30)): at("2026-03-31 03:00"),
                ("other_clinic", D(2026, 3, 27)): at("2026-03-27 19:00"),
                ("other_clinic", D(2026, 3, 28)): at("2026-03-28 19:00"),
                ("other_clinic", D(2026, 3, 29)): at("2026-03-29 19:00"),
                ("other_clinic", D(2026, 3, 30)): at("2026-03-30 19:00"),
            },
        ),
    ],
)
def test_around_a_dst_change_each_patient_day_is_evaluated_exactly_once_on_time(
    cast, start, end, expected
):
    moment = at(start)
    while moment <= at(end):
        runs.start_due_nights(moment)
        moment += datetime.timedelta(minutes=15)
    clinics = {cast.clinic.pk: "clinic", cast.other_clinic.pk: "other_clinic"}
    started = {
        (clinics[r.clinic_id], r.date): r.started_at
        for r in NightRun.objects.all()
        if (clinics[r.clinic_id], r.date) in expected
    }
    assert started == expected
    for patient in (cast.patient, cast.unlinked_patient, cast.other_patient):
        days = evaluations(patient)
        assert len(days) == len(set(days))
        assert {expected_day for _, expected_day in expected} <= set(days)


def test_a_run_whose_work_was_lost_is_handed_out_again(cast):
    run = NightRun.objects.create(
        clinic=cast.clinic, date=DAY, started_at=AFTER, dispatched_at=AFTER
    )  # as if its batches never reached a worker
    runs.start_due_nights(AFTER + datetime.timedelta(minutes=5))
    assert NightRun.objects.get(pk=run.pk).completed_at is None
    runs.start_due_nights(AFTER + datetime.timedelta(minutes=15))
    run.refresh_from_db()
    assert run.completed_at is not None
    assert run.patients_evaluated == 2


def test_a_backfill_runs_the_given_night_and_refuses_one_not_over(cast):
    run_ids = runs.run_night(DAY - datetime.timedelta(days=30), AFTER)
    assert NightRun.objects.filter(pk__in=run_ids, completed_at__isnull=False).count() == 2
    assert runs.run_night(DAY - datetime.timedelta(days=30), AFTER) == run_ids
    with pytest.raises(runs.NightNotOver):
        runs.run_night(DAY + datetime.timedelta(days=1), AFTER)


@pytest.fixture
def version_7(cast):
    """Clinic A adopts its own CANDLE diary, version 7, with a control threshold of 0.3."""
    derived = scoring.derive_instrument(
        scoring.instrument_for("CANDLE"), version=7, control_threshold=Fraction(3, 10)
    )

    def adopt():
        InstrumentDefinition.objects.create(
            disease="CANDLE", version=7, clinic=cast.clinic, definition=derived.to_dict()
        )

    return adopt


def test_each_window_is_scored_with_the_version_the_pages_use(cast, version_7):
    # Version 1 entries: every item 0 for 13 days, then 3 on the 18th: 7-day DDS 3/7 = 0.429,
    # controlled under version 1's threshold (0.5), active under version 7's (0.3).
    for offset in range(13, 0, -1):
        write_day(cast.patient, cast.carer, DAY - datetime.timedelta(days=offset), calm(0))
    write_day(cast.patient, cast.carer, DAY, calm(3))
    version_7()
    # The 18th's window holds version 1 entries only: the pages score it with version 1.
    services.evaluate_patients([cast.patient.pk], DAY, now=AFTER)
    assert not Alert.objects.exists()
    # A version 7 entry on the 19th (3 again): 6/7 = 0.857 under version 7, after a day that
    # was controlled under its own version: the DDS became active.
    write_day(cast.patient, cast.carer, DAY + datetime.timedelta(1), calm(3))
    services.evaluate_patients([cast.patient.pk], DAY + datetime.timedelta(1), now=AFTER)
    assert set(Alert.objects.values_list("rule", flat=True)) == {"above_threshold", "marked_rise"}
    assert "0.3" in Alert.objects.get(rule="above_threshold").reason


def test_a_patient_the_rules_refuse_is_left_out_and_the_night_shows_incomplete(cast, monkeypatch):
    real = scoring.evaluate_alerts
    refused = cast.unlinked_patient.pk

    def refusing(instrument, days, day, **kwargs):
        # Stands in for stored data the rules reject (the database's checks keep it out).
        if instrument.disease == "AGS":  # the unlinked patient
            raise ValueError("score 7 for item 'sleep' is outside 0-4")
        return real(instrument, days, day, **kwargs)

    monkeypatch.setattr(services.scoring, "evaluate_alerts", refusing)
    runs.start_due_nights(AFTER)
    assert evaluations(cast.patient) == [DAY]
    assert evaluations(cast.unlinked_patient) == []
    assert NightRun.objects.get(clinic=cast.clinic).completed_at is None
    report = health.nightly_health(AFTER + datetime.timedelta(hours=3))
    assert f"clinic {cast.clinic.pk}: the night of {DAY} did not complete" in report.problems
    assert refused not in PatientEvaluation.objects.values_list("patient_id", flat=True)
