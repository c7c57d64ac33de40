"""Clinic admin pages through their URLs: staff, patients, invitations, thresholds, diaries."""

from fractions import Fraction

import pytest
from django.core import mail

from diary.clinics import ClinicMembership
from diary.instruments import current_instrument
from diary.models import CarerInvitation, InstrumentDefinition, Patient, User
from tests.conftest import MEMBERS, sign_in


def _admin(client, cast):
    sign_in(client, cast.clinic_admin)
    return f"/clinic/admin/{cast.clinic.pk}/"


@pytest.mark.parametrize("name", MEMBERS)
def test_only_the_clinics_admins_reach_its_admin_pages(client, cast, name):
    if name != "anonymous":
        sign_in(client, cast.member(name))
    base = f"/clinic/admin/{cast.clinic.pk}/"
    for url in [base, f"{base}instrument/", f"{base}patients/new/"]:
        response = client.get(url)
        expected = {"clinic_admin": 200, "anonymous": 302}.get(name, 404)
        assert response.status_code == expected, (name, url)
    if name != "anonymous":
        response = client.post(f"{base}thresholds/", {"profile": "UNIFORM_0_5"})
        assert response.status_code == (302 if name == "clinic_admin" else 404)


def test_the_admin_home_goes_to_the_only_clinic(client, cast):
    sign_in(client, cast.clinic_admin)
    response = client.get("/clinic/admin/")
    assert (
        response.status_code == 302 and response["Location"] == f"/clinic/admin/{cast.clinic.pk}/"
    )
    sign_in(client, cast.clinician)
    assert client.get("/clinic/admin/").status_code == 404


def test_add_an_existing_account_and_change_its_role(client, cast):
    base = _admin(client, cast)
    response = client.post(
        f"{base}members/add/", {"identifier": "outside-clinician@example.org", "role": "clinician"}
    )
    assert response.status_code == 302
    membership = ClinicMembership.objects.get(user=cast.outside_clinician, clinic=cast.clinic)
    again = client.post(
        f"{base}members/add/", {"identifier": "outside-clinician", "role": "clinician"}
    )
    assert again.status_code == 400 and "already" in again.content.decode()
    missing = client.post(f"{base}members/add/", {"identifier": "nobody", "role": "clinician"})
    assert missing.status_code == 400
    client.post(f"{base}members/{membership.pk}/role/", {"role": "clinic_admin"})
    membership.refresh_from_db()
    assert membership.role == "clinic_admin"
    history = membership.history.first()
    assert history.history_user == cast.clinic_admin and history.history_role == "clinic_admin"


def test_create_a_staff_account_emails_a_set_password_link(
    client, cast, django_capture_on_commit_callbacks
):
    base = _admin(client, cast)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{base}members/new/",
            {
                "username": "dr-new",
                "email": "dr-new@example.org",
                "first_name": "Ada",
                "last_name": "New",
                "role": "clinician",
            },
        )
    assert response.status_code == 302
    user = User.objects.get(username="dr-new")
    assert not user.has_usable_password()
    (message,) = mail.outbox
    assert message.to == ["dr-new@example.org"] and "/accounts/reset/" in message.body
    assert "AAA-" not in message.body  # no patient data in the email


def test_the_last_clinic_admin_cannot_be_removed_or_demoted(client, cast):
    base = _admin(client, cast)
    own = ClinicMembership.objects.get(user=cast.clinic_admin)
    client.post(f"{base}members/{own.pk}/remove/")
    client.post(f"{base}members/{own.pk}/role/", {"role": "clinician"})
    own.refresh_from_db()
    assert own.role == "clinic_admin"
    other = ClinicMembership.objects.get(user=cast.clinician)
    client.post(f"{base}members/{other.pk}/remove/")
    assert not ClinicMembership.objects.filter(pk=other.pk).exists()
    outside = ClinicMembership.objects.get(user=cast.outside_clinician)
    assert client.post(f"{base}members/{outside.pk}/remove/").status_code == 404


def test_register_edit_and_deactivate_a_patient(client, cast):
    base = _admin(client, cast)
    page = client.get(f"{base}patients/new/").content.decode()
    assert 'value="AAA-0003"' in page  # the next free reference is suggested
    data = {
        "reference": "AAA-0003",
        "display_name": "New Child",
        "date_of_birth": "2019-05-01",
        "disease": "SAVI",
        "time_zone": "Europe/London",
    }
    wrong = client.post(f"{base}patients/new/", {**data, "reference": "BBB-0009"})
    assert wrong.status_code == 400 and not Patient.objects.filter(reference="BBB-0009").exists()
    bad_zone = client.post(f"{base}patients/new/", {**data, "time_zone": "Mars/Base"})
    assert bad_zone.status_code == 400
    assert client.post(f"{base}patients/new/", data).status_code == 302
    patient = Patient.objects.get(reference="AAA-0003")
    client.post(
        f"{base}patients/{patient.pk}/", {**data, "display_name": "Renamed", "reason": "typo"}
    )
    patient.refresh_from_db()
    assert patient.display_name == "Renamed"
    client.post(f"{base}patients/{patient.pk}/active/", {"active": "0", "reason": "moved away"})
    patient.refresh_from_db()
    assert not patient.is_active
    assert (
        client.post(f"{base}patients/{cast.other_patient.pk}/active/", {"reason": "x"}).status_code
        == 404
    )


def test_invite_a_carer_with_the_carer_invitation_service(
    client, cast, django_capture_on_commit_callbacks
):
    base = _admin(client, cast)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{base}invitations/",
            {
                "patient": cast.unlinked_patient.pk,
                "email": "new-carer@example.org",
                "relationship": "father",
                "language": "en",
            },
        )
    assert response.status_code == 302
    invitation = CarerInvitation.objects.get()
    assert (
        invitation.patient == cast.unlinked_patient and invitation.invited_by == cast.clinic_admin
    )
    assert mail.outbox[0].to == ["new-carer@example.org"]
    other = client.post(
        f"{base}invitations/",
        {
            "patient": cast.other_patient.pk,
            "email": "x@example.org",
            "relationship": "father",
            "language": "en",
        },
    )
    assert other.status_code == 400 and CarerInvitation.objects.count() == 1


def test_a_threshold_profile_makes_new_versions_where_the_threshold_changes(client, cast):
    base = _admin(client, cast)
    assert client.post(f"{base}thresholds/", {"profile": "UNIFORM_0_5"}).status_code == 302
    cast.clinic.refresh_from_db()
    assert cast.clinic.threshold_profile == "UNIFORM_0_5"
    # Only SAVI changes (1.0 → 0.5); CANDLE, AGS and OTHER are 0.5 in both profiles.
    (definition,) = InstrumentDefinition.objects.all()
    assert definition.disease == "SAVI" and definition.version == 2
    assert current_instrument(cast.other_patient).control_threshold == 1  # other clinic: unchanged
    savi = Patient.objects.create(
        clinic=cast.clinic,
        reference="AAA-0009",
        birth_year=2015,
        disease="SAVI",
        time_zone="Europe/London",
    )
    assert current_instrument(savi).control_threshold == Fraction(1, 2)
    client.post(f"{base}thresholds/", {"profile": "UNIFORM_0_5"})
    assert InstrumentDefinition.objects.count() == 1  # nothing changes the second time


def test_an_instrument_override_is_the_next_version_with_an_extra_item(client, cast):
    base = _admin(client, cast)
    nothing = client.post(f"{base}instrument/", {"disease": "CANDLE", "reason": "x"})
    assert nothing.status_code == 400
    response = client.post(
        f"{base}instrument/",
        {
            "disease": "CANDLE",
            "control_threshold": "0.6",
            "fever_bands": "37.8, 38.5, 39.0, 39.5",
            "item_code": "cold_fingers",
            "item_label_en": "Cold fingers",
            "reason": "Clinic protocol 2026",
        },
    )
    assert response.status_code == 302
    instrument = current_instrument(cast.patient)
    assert instrument.version == 2 and instrument.item_codes[-1] == "cold_fingers"
    assert instrument.control_threshold == Fraction(3, 5)
    assert instrument.threshold_profile == "CUSTOM"
    assert instrument.fever_score("37.9") == 1
    bad = client.post(
        f"{base}instrument/", {"disease": "CANDLE", "sleep_bands": "2,4,6,8", "reason": "x"}
    )
    assert bad.status_code == 400
