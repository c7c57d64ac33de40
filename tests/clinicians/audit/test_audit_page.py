"""The per-patient audit trail page and its CSV and JSON exports, with the named cast."""

import csv
import datetime
import io
import json
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clinicians.audit.models import RecordAccess
from clinicians.exports.csv import unescape_cell
from clinicians.records.models import Measurement
from diary.audit import ROLE_CLINICIAN, audit_context
from diary.days import DayRules
from diary.models import Patient, RawChange, Source
from diary.services import Submission, correct_entry, submit_entry
from tests.clinicians.clinic_data import CANDLE, same_every_day, write_days
from tests.conftest import sign_in


def _url(patient, suffix="audit/"):
    return f"/clinic/patients/{patient.pk}/{suffix}"


@pytest.fixture
def corrected(cast):
    day = DayRules.for_patient(cast.patient).offered_day(timezone.now())
    entry = submit_entry(
        patient=cast.patient,
        user=cast.carer,
        submission=Submission(date=day, scores=dict.fromkeys(CANDLE, 1)),
        source=Source.WEB,
    ).entry
    correct_entry(
        entry=entry,
        user=cast.clinician,
        submission=Submission(date=day, scores={**dict.fromkeys(CANDLE, 1), "fever": 3}),
        source=Source.WEB,
        reason="=phoned the carer",
    )
    with audit_context(user=cast.clinician, role=ROLE_CLINICIAN, reason="scale recalibrated"):
        measurement = Measurement.objects.create(
            patient=cast.patient,
            kind="weight",
            date=day,
            value=Decimal("20.0"),
            recorded_by=cast.clinician,
            recorded_at=timezone.now(),
        )
        measurement.value = Decimal("21.5")
        measurement.save()
    return entry


def test_the_clinician_reads_a_correction_with_old_and_new_who_role_and_reason(
    client, cast, corrected
):
    sign_in(client, cast.clinician)
    response = client.get(_url(cast.patient))
    assert response.status_code == 200
    html = response.content.decode()
    assert "fever</code>: 1 → 3" in html
    assert "=phoned the carer" in html
    assert "clinician" in html
    assert "value</code>: 20.0 → 21.5" in html
    assert "scale recalibrated" in html
    assert "<script>" not in html and "style=" not in html
    assert RecordAccess.objects.filter(
        user=cast.clinician, patient=cast.patient, what="audit_page"
    ).exists()
    patient_page = client.get(f"/clinic/patients/{cast.patient.pk}/").content.decode()
    assert _url(cast.patient) in patient_page


@pytest.mark.parametrize("name", ["outside_clinician", "carer", "other_carer"])
@pytest.mark.parametrize("suffix", ["audit/", "audit.csv", "audit.json"])
def test_others_get_a_404(client, cast, name, suffix):
    sign_in(client, cast.member(name))
    assert client.get(_url(cast.patient, suffix)).status_code == 404
    assert not RecordAccess.objects.filter(what__startswith="audit").exists()


@pytest.mark.parametrize("suffix", ["audit/", "audit.csv", "audit.json"])
def test_anonymous_visitors_sign_in_first(client, cast, suffix):
    response = client.get(_url(cast.patient, suffix))
    assert response.status_code == 302
    assert "/login" in response["Location"] or "/accounts/" in response["Location"]


def test_a_clinician_cannot_read_another_clinics_patient(client, cast):
    sign_in(client, cast.clinician)
    assert client.get(_url(cast.other_patient)).status_code == 404


def test_csv_and_json_hold_the_same_rows_in_time_order(client, cast, corrected):
    sign_in(client, cast.clinician)
    csv_response = client.get(_url(cast.patient, "audit.csv"))
    json_response = client.get(_url(cast.patient, "audit.json"))
    assert csv_response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(csv_response.content.decode())))
    events = json.loads(json_response.content)["events"]
    assert len(rows) == len(events) > 0
    for row, event in zip(rows, events, strict=True):
        for key in ("at", "user", "role", "origin", "model", "object", "action", "reason"):
            assert unescape_cell(row[key]) == event[key]
    times = [datetime.datetime.fromisoformat(event["at"]) for event in events]
    assert times == sorted(times)
    assert all(time.utcoffset() == datetime.timedelta(0) for time in times)
    correction = next(e for e in events if e["reason"] == "=phoned the carer")
    assert correction["action"] == "changed"
    assert correction["user"] == "clinician" and correction["role"] == "clinician"
    assert {"field": "item_fever", "old": "1", "new": "3"} in correction["changes"]
    # Spreadsheet-safe: the formula-like reason is neutralised in the CSV only.
    assert any(row["reason"] == "'=phoned the carer" for row in rows)
    whats = set(RecordAccess.objects.filter(patient=cast.patient).values_list("what", flat=True))
    assert {"audit_csv", "audit_json"} <= whats


def _queries(client, patient):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(_url(patient)).status_code == 200
    return len(queries)


def test_the_query_count_does_not_grow_with_the_records(client, cast):
    sign_in(client, cast.clinician)
    end = DayRules.for_patient(cast.patient).offered_day(timezone.now())
    write_days(cast.patient, cast.carer, same_every_day(CANDLE, 1, end, 1))
    few = _queries(client, cast.patient)
    write_days(cast.patient, cast.carer, same_every_day(CANDLE, 2, end - datetime.timedelta(2), 40))
    for offset in range(15):
        Measurement.objects.create(
            patient=cast.patient,
            kind="height",
            date=end - datetime.timedelta(offset),
            value=Decimal("110.0"),
            recorded_by=cast.clinician,
            recorded_at=timezone.now(),
        )
    many = _queries(client, cast.patient)
    assert many == few
    assert many <= 25


def test_a_raw_sql_change_is_journalled_and_the_journal_is_append_only(client, cast, postgres):
    patient = cast.patient
    with connection.cursor() as cursor:
        cursor.execute("UPDATE diary_patient SET time_zone = 'x' WHERE id = %s", [patient.pk])
    change = RawChange.objects.filter(table_name="diary_patient", operation="UPDATE").last()
    assert change is not None
    assert change.old_row["id"] == patient.pk
    assert change.old_row["time_zone"] == patient.time_zone
    assert change.new_row["time_zone"] == "x"
    assert change.db_user and change.txid
    assert Patient.objects.get(pk=patient.pk).time_zone == "x"
    for statement in (
        "UPDATE audit_raw_change SET table_name = 'y' WHERE id = %s",
        "DELETE FROM audit_raw_change WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [change.pk])
    assert RawChange.objects.get(pk=change.pk).table_name == "diary_patient"
    sign_in(client, cast.clinician)
    events = json.loads(client.get(_url(patient, "audit.json")).content)["events"]
    raw = [e for e in events if e["origin"] == "database" and e["model"] == "diary_patient"]
    assert any(
        {"field": "time_zone", "old": patient.time_zone, "new": "x"} in e["changes"] for e in raw
    )


def test_a_raw_sql_change_of_the_identity_is_journalled_without_the_values(client, cast, postgres):
    patient = cast.patient
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE diary_patientidentity SET display_name = 'Forged Name' WHERE patient_id = %s",
            [patient.pk],
        )
    change = RawChange.objects.filter(table_name="diary_patientidentity").last()
    assert change.operation == "UPDATE" and change.db_user and change.txid
    assert change.old_row == {"id": patient.identity.pk, "patient_id": patient.pk}
    assert change.new_row["changed_fields"] == ["display_name"]
    assert "Forged" not in json.dumps([change.old_row, change.new_row])
    sign_in(client, cast.clinician)
    events = json.loads(client.get(_url(patient, "audit.json")).content)["events"]
    assert any(e["model"] == "diary_patientidentity" for e in events if e["origin"] == "database")


def test_identity_changes_show_who_when_why_and_which_field_but_not_the_values(client, cast):
    sign_in(client, cast.clinic_admin)
    base = f"/clinic/admin/{cast.clinic.pk}/patients/{cast.patient.pk}/"
    form = {
        "reference": "AAA-0001",
        "display_name": "Ada Lovelace-Byron",
        "date_of_birth": "2015-01-01",
        "disease": "CANDLE",
        "time_zone": "Europe/London",
        "reason": "spelling",
    }
    assert client.post(base, form).status_code == 302
    sign_in(client, cast.clinician)
    body = client.get(_url(cast.patient, "audit.json")).content.decode()
    assert "Lovelace" not in body and cast.patient.identity.display_name not in body
    events = json.loads(body)["events"]
    [renamed] = [e for e in events if e["model"] == "Patient identity" and e["action"] == "changed"]
    assert renamed["user"] == "clinic-admin" and renamed["role"] == "clinic_admin"
    assert renamed["reason"] == "spelling"
    assert renamed["changes"] == [
        {"field": "display_name", "old": "(not recorded)", "new": "(not recorded)"}
    ]
