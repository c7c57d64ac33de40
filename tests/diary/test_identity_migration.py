"""Migrations 0007–0009 move names and birthdays out of the patient table and every history.

The database is taken back to ``diary.0006``, filled as the old schema held patients (a live
one, one erased the old way, their history rows and, on PostgreSQL, the journal's copies) and
migrated forward again. Runs on SQLite and on PostgreSQL.
"""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from diary.models import Patient, PatientIdentity
from tests.database_search import holding

BEFORE = [("diary", "0006_raw_change")]
LIVE_NAMES = ["Wilhelmina Oddfellow", "2017-08-23"]
OLD_NAMES = ["Billie Oddfellow", "Bartholomew Snark", "2014-06-30"]
ERASED_AT = datetime.datetime(2025, 3, 1, 10, tzinfo=datetime.UTC)


def _history(model, patient, at, history_type, **values):
    fields = {
        name: getattr(patient, name)
        for name in ("reference", "display_name", "date_of_birth", "disease", "time_zone")
    }
    model.objects.create(
        **{**fields, **values},
        id=patient.pk,
        clinic_id=patient.clinic_id,
        is_active=True,
        created_at=at,
        history_date=at,
        history_type=history_type,
        history_role="clinic_admin",
        history_origin="web:/clinic/",
    )


def _fill_the_old_schema(apps):
    clinic = apps.get_model("clinicians", "Clinic").objects.create(
        name="Migrating clinic", reference_prefix="MIG", time_zone="Europe/London"
    )
    patients = apps.get_model("diary", "Patient")
    history = apps.get_model("diary", "HistoricalPatient")
    common = {"clinic": clinic, "disease": "SAVI", "time_zone": "Europe/London"}
    live = patients.objects.create(
        **common,
        reference="MIG-0001",
        display_name="Wilhelmina Oddfellow",
        date_of_birth=datetime.date(2017, 8, 23),
    )
    erased = patients.objects.create(
        **common,
        reference="MIG-0002",
        display_name="Erased patient MIG-0002",
        date_of_birth=datetime.date(2014, 1, 1),
    )
    then = ERASED_AT - datetime.timedelta(days=400)
    _history(history, live, then, "+", display_name="Billie Oddfellow")
    _history(history, live, then + datetime.timedelta(days=1), "~")
    _history(
        history,
        erased,
        then,
        "+",
        display_name="Bartholomew Snark",
        date_of_birth=datetime.date(2014, 6, 30),
    )
    _history(history, erased, ERASED_AT, "~")


@pytest.mark.django_db(transaction=True)
def test_names_and_birthdays_leave_the_patient_table_and_every_history():
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(BEFORE)
    try:
        _fill_the_old_schema(executor.loader.project_state(BEFORE).apps)
        assert {needle for *_, needle in holding(LIVE_NAMES + OLD_NAMES)} == set(
            LIVE_NAMES + OLD_NAMES
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(latest)

    live = Patient.objects.get(reference="MIG-0001")
    identity = PatientIdentity.objects.get(patient=live)
    assert (identity.display_name, identity.date_of_birth) == (
        "Wilhelmina Oddfellow",
        datetime.date(2017, 8, 23),
    )
    assert live.birth_year == 2017 and live.erased_at is None
    [created] = PatientIdentity.history.filter(patient_id=live.pk)
    assert created.history_type == "+" and created.history_origin == "migration:diary.0008"
    assert created.history_changed_fields == "display_name date_of_birth"
    erased = Patient.objects.get(reference="MIG-0002")
    assert not PatientIdentity.objects.filter(patient=erased).exists()
    assert erased.erased_at == ERASED_AT and erased.birth_year == 2014
    assert erased.display_name == "Erased patient MIG-0002"
    assert erased.date_of_birth == datetime.date(2014, 1, 1)
    assert sorted(Patient.history.values_list("birth_year", flat=True)) == [2014] * 2 + [2017] * 2
    # Only the live identity row holds the live patient's name and birthday; nothing else does.
    assert holding(LIVE_NAMES + OLD_NAMES) == {
        ("diary_patientidentity", "display_name", "Wilhelmina Oddfellow"),
        ("diary_patientidentity", "date_of_birth", "2017-08-23"),
    }
