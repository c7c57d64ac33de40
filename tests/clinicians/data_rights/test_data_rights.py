"""Patient data rights: the full-record archive and erasure by pseudonymisation (clinic admins)."""

import datetime
import io
import json
import zipfile

import pytest
from django.utils import timezone

from clinicians.audit.models import RecordAccess
from diary.days import DayRules
from diary.models import CarerInvitation, CarerLink, EntryVersion, Patient, Source
from diary.services import Submission, correct_entry, submit_entry
from tests.clinicians.clinic_data import CANDLE
from tests.conftest import sign_in

JSON_FILES = [
    "patient.json",
    "entries.json",
    "clinical_records.json",
    "alerts.json",
    "audit.json",
    "access_log.json",
]


@pytest.fixture
def diary(cast):
    """One carer entry for the patient, corrected once by a clinician."""
    today = DayRules.for_patient(cast.patient).offered_day(timezone.now())
    result = submit_entry(
        patient=cast.patient,
        user=cast.carer,
        submission=Submission(
            date=today, scores=dict.fromkeys(CANDLE, 1), notes="tired", temperature_c="38.2"
        ),
        source=Source.WEB,
    )
    correct_entry(
        entry=result.entry,
        user=cast.clinician,
        submission=Submission(date=today, scores=dict.fromkeys(CANDLE, 2), notes="tired"),
        source=Source.WEB,
        reason="phoned the family",
    )
    return result.entry


def _base(cast):
    return f"/clinic/patients/{cast.patient.pk}/data-rights/"


def _archive(client, cast):
    response = client.get(f"{_base(cast)}export.zip")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.testzip() is None
    return archive


def _json(archive, name):
    return json.loads(archive.read(name).decode("utf-8"))


def _invite(cast):
    return CarerInvitation.objects.create(
        patient=cast.patient,
        email="aunt@example.org",
        relationship="other",
        token_hash="a" * 64,
        expires_at=timezone.now() + datetime.timedelta(days=7),
        invited_by=cast.clinic_admin,
    )


def test_clinic_admin_downloads_the_full_record(client, cast, diary):
    sign_in(client, cast.clinic_admin)
    assert client.get(_base(cast)).status_code == 200
    archive = _archive(client, cast)
    names = set(archive.namelist())
    assert names == {*JSON_FILES, "entries.csv", "README.txt"}
    data = {name: _json(archive, name) for name in JSON_FILES}
    assert data["patient.json"]["reference"] == "AAA-0001"
    [entry] = data["entries.json"]
    assert [v["number"] for v in entry["versions"]] == [1, 2]
    first, second = entry["versions"]
    assert first["entered_by"] == "carer" and first["entered_by_role"] == "carer"
    assert first["temperature_c"] == "38.2" and first["notes"] == "tired"
    assert first["scores"] == dict.fromkeys(CANDLE, 1)
    assert second["reason"] == "phoned the family" and second["entered_by"] == "clinician"
    assert {"source", "captured_at", "received_at", "instrument_version", "sleep_hours"} <= set(
        first
    )
    assert set(data["clinical_records.json"]) >= {"treatment_courses", "pga_assessments"}
    models = {row["model"] for row in data["audit.json"]}
    assert {"patient", "carer_link"} <= models
    for row in data["audit.json"]:
        assert row["history_date"].endswith("+00:00")
        assert {"history_user", "history_role", "history_type", "history_change_reason"} <= set(row)
    csv_text = archive.read("entries.csv").decode()
    assert csv_text.startswith("patient_reference,") and csv_text.count("\nAAA-0001,") == 2
    assert "entries.json" in archive.read("README.txt").decode()
    assert RecordAccess.objects.filter(
        user=cast.clinic_admin, patient=cast.patient, what="data export"
    ).exists()


@pytest.mark.parametrize("name", ["clinician", "outside_clinician", "carer", "other_carer"])
def test_everyone_but_the_clinic_admin_gets_404(client, cast, name):
    sign_in(client, cast.member(name))
    base = _base(cast)
    assert client.get(base).status_code == 404
    assert client.get(f"{base}export.zip").status_code == 404
    response = client.post(f"{base}erase/", {"reason": "x", "confirm_reference": "AAA-0001"})
    assert response.status_code == 404
    cast.patient.refresh_from_db()
    assert cast.patient.is_active and not cast.patient.display_name.startswith("Erased")
    assert not RecordAccess.objects.filter(what="data export").exists()


def test_an_admin_of_another_clinic_gets_404(client, cast):
    from diary.clinics import ClinicMembership

    ClinicMembership.objects.filter(user=cast.outside_clinician).update(role="clinic_admin")
    sign_in(client, cast.outside_clinician)
    assert client.get(f"{_base(cast)}export.zip").status_code == 404


@pytest.mark.parametrize(
    "form",
    [
        {"reason": "", "confirm_reference": "AAA-0001"},
        {"reason": "parents asked", "confirm_reference": ""},
        {"reason": "parents asked", "confirm_reference": "AAA-0002"},
    ],
)
def test_erasure_requires_a_reason_and_the_typed_reference(client, cast, form):
    sign_in(client, cast.clinic_admin)
    response = client.post(f"{_base(cast)}erase/", form)
    assert response.status_code == 400
    cast.patient.refresh_from_db()
    assert cast.patient.is_active and CarerLink.objects.filter(patient=cast.patient).exists()


def test_erasure_pseudonymises_and_cuts_carer_access(client, cast, diary):
    # The carer also cares for another child, so keeps their account (see
    # test_erasure_everywhere for a carer who had only this patient).
    CarerLink.objects.create(carer=cast.carer, patient=cast.unlinked_patient, relationship="other")
    invitation = _invite(cast)
    born = cast.patient.date_of_birth
    versions = EntryVersion.objects.filter(patient=cast.patient).count()
    sign_in(client, cast.carer)
    assert client.get(f"/diary/{cast.patient.pk}/").status_code == 200
    sign_in(client, cast.clinic_admin)
    response = client.post(
        f"{_base(cast)}erase/", {"reason": "parents asked", "confirm_reference": "AAA-0001"}
    )
    assert response.status_code == 302
    patient = Patient.objects.get(pk=cast.patient.pk)
    assert patient.display_name == "Erased patient AAA-0001"
    assert patient.date_of_birth == datetime.date(born.year, 1, 1)
    assert not patient.is_active
    assert not CarerLink.objects.filter(patient=patient).exists()
    assert not CarerInvitation.objects.filter(pk=invitation.pk).exists()
    assert EntryVersion.objects.filter(patient=patient).count() == versions == 2
    last = patient.history.order_by("-history_date", "-history_id").first()
    assert last.history_user_id == cast.clinic_admin.pk
    assert last.history_role == "clinic_admin"
    assert last.history_change_reason == "parents asked"
    deleted = CarerLink.history.filter(patient_id=patient.pk, history_type="-").get()
    assert deleted.history_role == "clinic_admin" and deleted.history_user == cast.clinic_admin
    # A second erasure is refused.
    again = client.post(
        f"{_base(cast)}erase/", {"reason": "again", "confirm_reference": "AAA-0001"}
    )
    assert again.status_code == 400
    # The carer no longer reaches the patient anywhere.
    sign_in(client, cast.carer)
    assert client.get(f"/diary/{patient.pk}/").status_code == 404
    # The archive shows the pseudonymised identity and the erasure in the audit trail.
    sign_in(client, cast.clinic_admin)
    archive = _archive(client, cast)
    identity = _json(archive, "patient.json")
    assert identity["display_name"] == "Erased patient AAA-0001"
    assert identity["date_of_birth"] == f"{born.year}-01-01" and identity["is_active"] is False
    assert len(_json(archive, "entries.json")[0]["versions"]) == 2
    audit = _json(archive, "audit.json")
    assert any(
        row["model"] == "patient"
        and row["history_user"] == "clinic-admin"
        and row["history_role"] == "clinic_admin"
        and row["history_change_reason"] == "parents asked"
        for row in audit
    )
