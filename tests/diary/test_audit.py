import pytest
from django.core.management import call_command
from django.db import connection, transaction

from diary.audit import audit_context
from diary.models import Patient, PatientIdentity
from tests.conftest import sign_in
from tests.diary.factories import UserFactory


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def test_a_change_through_the_admin_is_recorded_with_the_user(client, cast, superuser):
    sign_in(client, superuser)
    patient = cast.patient
    url = f"/admin/diary/patient/{patient.pk}/change/"
    form = {
        "clinic": patient.clinic_id,
        "reference": patient.reference,
        "birth_year": "2015",
        "disease": "SAVI",
        "time_zone": patient.time_zone,
        "is_active": "on",
        "identity-TOTAL_FORMS": "1",
        "identity-INITIAL_FORMS": "1",
        "identity-MIN_NUM_FORMS": "0",
        "identity-MAX_NUM_FORMS": "1",
        "identity-0-id": patient.identity.pk,
        "identity-0-patient": patient.pk,
        "identity-0-display_name": "Renamed In Admin",
        "identity-0-date_of_birth": "2015-01-01",
    }
    response = client.post(url, form)
    assert response.status_code == 302, response.content[:2000]
    record = patient.history.order_by("-history_id").first()
    assert record.history_type == "~"
    assert record.history_user == superuser
    assert record.history_role == "site_admin"
    assert record.history_origin.startswith("web:/admin/")
    previous = record.prev_record
    delta = record.diff_against(previous)
    changed = {c.field: (c.old, c.new) for c in delta.changes}
    assert changed["disease"] == ("CANDLE", "SAVI")
    # The rename is recorded (who, role, origin, which field) without the names.
    renamed = PatientIdentity.history.filter(patient_id=patient.pk).order_by("-history_id")[0]
    assert renamed.history_type == "~" and renamed.history_changed_fields == "display_name"
    assert renamed.history_user == superuser and renamed.history_role == "site_admin"
    assert renamed.history_origin.startswith("web:/admin/")
    assert not hasattr(renamed, "display_name") and not hasattr(renamed, "date_of_birth")
    assert PatientIdentity.objects.get(patient=patient).display_name == "Renamed In Admin"


def test_a_service_change_records_who_role_and_why(cast):
    with audit_context(user=cast.clinician, role="clinician", reason="wrong time zone"):
        cast.patient.time_zone = "Europe/Dublin"
        cast.patient.save()
    record = cast.patient.history.first()
    assert record.history_user == cast.clinician
    assert record.history_role == "clinician"
    assert record.history_change_reason == "wrong time zone"


def test_a_delete_is_recorded(cast):
    link = cast.patient.carer_links.get()
    link_id = link.id
    with audit_context(user=cast.clinic_admin, role="clinic_admin", reason="carer moved away"):
        link.delete()
    record = type(link).history.filter(id=link_id).order_by("-history_id").first()
    assert record.history_type == "-"
    assert record.history_user == cast.clinic_admin


def test_a_management_command_change_is_recorded_as_system(db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    record = Patient.history.filter(reference="GOS-0001").earliest("history_date")
    assert record.history_type == "+"
    assert record.history_role == "system"
    assert record.history_origin == "command:seed_demo"
    assert record.history_change_reason == "demo data"


def test_history_rows_cannot_be_changed_on_postgresql(cast, postgres):
    cast.patient.time_zone = "Europe/Dublin"
    cast.patient.save()
    identity = cast.patient.identity
    identity.display_name = "Changed"
    identity.save()
    for model in (Patient, PatientIdentity):
        table = model.history.model._meta.db_table
        for sql in (f"UPDATE {table} SET history_role = 'forged'", f"DELETE FROM {table}"):
            with (
                pytest.raises(Exception, match="append-only"),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(sql)
        assert model.history.filter(history_role="forged").count() == 0
