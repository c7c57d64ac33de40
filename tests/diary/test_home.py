import pytest

from tests.conftest import sign_in


@pytest.mark.parametrize("member", ["clinician", "clinic_admin", "outside_clinician"])
def test_clinic_staff_land_on_their_clinic_dashboard(client, cast, member):
    sign_in(client, cast.member(member))
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/clinic/"


def test_a_carer_lands_on_tonights_diary(client, cast):
    sign_in(client, cast.carer)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(f"/diary/{cast.patient.pk}/")


def test_an_account_without_patients_is_told_so(client, db):
    from tests.diary.factories import UserFactory

    sign_in(client, UserFactory(username="new-carer"))
    response = client.get("/")
    assert response.status_code == 200
    assert b"No patients are linked to your account yet." in response.content


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
