"""Alerts through the API: the clinic's list, acknowledge, resolve, and the audit trail."""

import pytest
from django.utils import timezone

from clinicians.alerts.models import Alert


def make_alert(patient, rule="severe_symptom"):
    return Alert.objects.create(
        patient=patient,
        rule=rule,
        audience=Alert.Audience.CARE_TEAM,
        diary_date=timezone.now().date(),
        reason="An item was scored 4.",
        opened_at=timezone.now(),
    )


def test_clinicians_see_only_their_clinics_alerts(api, cast):
    mine = make_alert(cast.patient)
    make_alert(cast.other_patient)
    rows = api("clinician").get("/api/v1/alerts/").json()["results"]
    assert [row["id"] for row in rows] == [mine.pk]
    assert rows[0]["patient_reference"] == "AAA-0001" and rows[0]["status"] == "open"


def test_the_list_filters_by_status(api, cast):
    make_alert(cast.patient)
    assert api("clinician").get("/api/v1/alerts/", {"status": "resolved"}).json()["count"] == 0
    response = api("clinician").get("/api/v1/alerts/", {"status": "closed"})
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "status"


def test_acknowledge_then_resolve(api, cast):
    alert = make_alert(cast.patient)
    url = f"/api/v1/alerts/{alert.pk}"
    note = {"note": "called the family"}
    seen = api("clinician").post(f"{url}/acknowledge/", note, format="json")
    assert seen.status_code == 200
    assert seen.json()["status"] == "acknowledged" and seen.json()["acknowledged_by"] == "clinician"
    assert seen.json()["acknowledgement_note"] == "called the family"
    again = api("clinic_admin").post(f"{url}/acknowledge/", {}, format="json")
    assert again.status_code == 409 and again["Content-Type"] == "application/problem+json"
    done = api("clinic_admin").post(f"{url}/resolve/", {"note": "settled"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "resolved"
    assert api("clinician").post(f"{url}/resolve/", {}, format="json").status_code == 409
    history = list(Alert.history.filter(id=alert.pk).order_by("history_id"))
    assert [h.status for h in history] == ["open", "acknowledged", "resolved"]
    assert history[1].history_user == cast.clinician and history[1].history_role == "clinician"
    assert history[2].history_user == cast.clinic_admin
    assert history[2].history_role == "clinic_admin"


def test_resolving_an_open_alert_records_the_acknowledgement_too(api, cast):
    alert = make_alert(cast.patient)
    body = api("clinician").post(f"/api/v1/alerts/{alert.pk}/resolve/", {}, format="json").json()
    assert body["acknowledged_by"] == "clinician" and body["resolved_by"] == "clinician"


@pytest.mark.parametrize("member", ["carer", "outside_clinician"])
def test_alerts_outside_scope_are_404_and_unchanged(api, cast, member):
    alert = make_alert(cast.patient)
    response = api(member).post(f"/api/v1/alerts/{alert.pk}/acknowledge/", {}, format="json")
    assert response.status_code == 404
    alert.refresh_from_db()
    assert alert.status == "open"


def test_notes_are_text_and_only_notes(api, cast):
    alert = make_alert(cast.patient)
    url = f"/api/v1/alerts/{alert.pk}/acknowledge/"
    assert api("clinician").post(url, {"note": 5}, format="json").status_code == 400
    response = api("clinician").post(url, {"status": "resolved"}, format="json")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "status"
