"""The cohort report's primary visit week per disease, on the clinic admin page (issue 20):
a form with a reason, each change a version in the audit trail, only the clinic's admins.

Cast: clinic A with ``clinician``, ``clinic_admin``, ``patient`` (CANDLE, started 400 days ago
in the cohort data); clinic B with ``other_patient``.
"""

import pytest

from clinicians.cohort.models import CohortSettings
from tests.clinicians.cohort.cohort_data import build_cohort
from tests.conftest import MEMBERS, sign_in

VALID = {
    "primary_week_candle": "24",
    "primary_week_savi": "32",
    "primary_week_ags": "30",
    "primary_week_other": "20",
    "reason": "agreed with the study team",
}


def url_of(client, cast, clinic=None):
    sign_in(client, cast.clinic_admin)
    return f"/clinic/admin/{(clinic or cast.clinic).pk}/cohort-weeks/"


def test_the_page_shows_the_trials_weeks_until_a_change(client, cast):
    sign_in(client, cast.clinic_admin)
    page = client.get(f"/clinic/admin/{cast.clinic.pk}/")
    assert page.status_code == 200
    form = page.context["cohort_weeks_form"]
    assert form.initial == {
        "primary_week_candle": 20,
        "primary_week_savi": 32,
        "primary_week_ags": 32,
        "primary_week_other": 20,
    }
    assert "Not changed yet: the clinic uses the trial" in page.content.decode()


def test_a_change_is_versioned_audited_and_used_by_the_report(client, cast):
    build_cohort(cast)
    url = url_of(client, cast)
    assert client.post(url, VALID).status_code == 302
    assert (
        client.post(url, VALID | {"primary_week_candle": "26", "reason": "protocol v2"}).status_code
        == 302
    )
    settings = CohortSettings.objects.get(clinic=cast.clinic)
    assert settings.primary_weeks() == {"CANDLE": 26, "SAVI": 32, "AGS": 30, "OTHER": 20}
    newest, first = settings.history.order_by("-history_date", "-history_id")
    assert (first.primary_week_candle, newest.primary_week_candle) == (24, 26)
    assert newest.history_user == cast.clinic_admin
    assert newest.history_role == "clinic_admin"
    assert newest.history_change_reason == "protocol v2"
    assert newest.history_origin == "page:clinic:admin_cohort_weeks"
    page = client.get(f"/clinic/admin/{cast.clinic.pk}/").content.decode()
    assert "protocol v2" in page and "agreed with the study team" in page
    sign_in(client, cast.clinician)
    report = client.get(f"/clinic/cohort/{cast.clinic.pk}/").content.decode()
    assert "Primary (week 26)" in report and "Primary (week 30)" in report


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"primary_week_candle": "0"}, "primary_week_candle"),
        ({"primary_week_savi": "52"}, "primary_week_savi"),
        ({"primary_week_ags": "-3"}, "primary_week_ags"),
        ({"primary_week_other": "twenty"}, "primary_week_other"),
        ({"reason": "  "}, "reason"),
    ],
)
def test_a_week_outside_1_to_51_or_no_reason_is_a_400_naming_the_field(
    client, cast, changes, field
):
    response = client.post(url_of(client, cast), VALID | changes)
    assert response.status_code == 400
    assert list(response.context["cohort_weeks_form"].errors) == [field]
    assert not CohortSettings.objects.exists()


def test_the_bounds_themselves_are_accepted_and_the_same_weeks_again_change_nothing(client, cast):
    url = url_of(client, cast)
    edges = VALID | {"primary_week_candle": "1", "primary_week_savi": "51"}
    assert client.post(url, edges).status_code == 302
    again = client.post(url, edges | {"reason": "again"})
    assert again.status_code == 400
    assert "already the clinic" in again.content.decode()
    assert CohortSettings.history.count() == 1


@pytest.mark.parametrize("name", MEMBERS)
def test_only_the_clinics_admins_change_the_weeks(client, cast, name):
    if name != "anonymous":
        sign_in(client, cast.member(name))
    response = client.post(f"/clinic/admin/{cast.clinic.pk}/cohort-weeks/", VALID)
    assert response.status_code == {"clinic_admin": 302, "anonymous": 302}.get(name, 404)
    assert CohortSettings.objects.count() == (1 if name == "clinic_admin" else 0)


def test_an_admin_of_clinic_a_cannot_change_clinic_b(client, cast):
    response = client.post(url_of(client, cast, cast.other_clinic), VALID)
    assert response.status_code == 404
    assert not CohortSettings.objects.exists()
