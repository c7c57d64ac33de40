"""The authorisation matrix: every API operation × every member of the named cast → status.

The targets are the carer's ``patient`` (clinic A), one entry of theirs and one alert about
them. Outside scope is 404, exactly like a missing id (SPEC §4). Alerts are for clinic staff:
carers get 403 on the list (the list exists but is not for them) and 404 on any alert id (no
alert is in their scope). ``anonymous`` is 401 everywhere except the token endpoint, where no
credentials means a 400 naming the problem.

``test_the_matrix_covers_every_operation`` fails when the schema gains an operation that the
matrix does not list.
"""

import datetime
import uuid

import pytest
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from clinicians.alerts.models import Alert
from diary.days import DayRules
from diary.models import DiaryEntry, EntryVersion
from diary.services import Submission, submit_entry
from tests.conftest import MEMBERS, current_code, sign_in, verified_device
from tests.diary.factories import UserFactory

PASSWORD = "correct horse battery staple"  # the UserFactory password

#            carer other_carer clinician clinic_admin outside_clinician anonymous
READ = dict(zip(MEMBERS, [200, 404, 200, 200, 404, 401], strict=True))
CREATE = dict(zip(MEMBERS, [201, 404, 201, 201, 404, 401], strict=True))
STAFF_LIST = dict(zip(MEMBERS, [403, 403, 200, 200, 200, 401], strict=True))
STAFF_ACTION = dict(zip(MEMBERS, [404, 404, 200, 200, 404, 401], strict=True))
TOKEN = dict(zip(MEMBERS, [200, 200, 200, 200, 200, 400], strict=True))
EVERYONE = dict(zip(MEMBERS, [200, 200, 200, 200, 200, 401], strict=True))
SIGN_OUT = dict(zip(MEMBERS, [204, 204, 204, 204, 204, 401], strict=True))


def _day(cast):
    return DayRules.for_patient(cast.patient).offered_day(timezone.now())


def _entry(cast):
    now = timezone.now()
    return submit_entry(
        patient=cast.patient,
        user=cast.carer,
        submission=Submission(date=_day(cast), scores={"fever": 1}),
        source="web",
        now=now,
    ).entry


def _alert(cast):
    return Alert.objects.create(
        patient=cast.patient,
        rule="severe_symptom",
        audience=Alert.Audience.CARE_TEAM,
        diary_date=_day(cast),
        reason="An item was scored 4.",
        opened_at=timezone.now(),
    )


def _token_body(cast, member):
    user = cast.member(member)
    if not user.is_authenticated:
        return {"username": "", "password": ""}
    if member in {"clinician", "clinic_admin", "outside_clinician"}:
        code = current_code(verified_device(user))
        return {"username": user.username, "password": PASSWORD, "otp": code}
    return {"username": user.username, "password": PASSWORD}


# operation id → (method, path for the cast, body or None, extra headers, expected statuses)
MATRIX = {
    "patients_list": (lambda c, m: ("get", "/api/v1/patients/", None, {}), EVERYONE),
    "patients_retrieve": (
        lambda c, m: ("get", f"/api/v1/patients/{c.patient.pk}/", None, {}),
        READ,
    ),
    "patients_entries_list": (
        lambda c, m: ("get", f"/api/v1/patients/{c.patient.pk}/entries/", None, {}),
        READ,
    ),
    "patients_entries_create": (
        lambda c, m: (
            "post",
            f"/api/v1/patients/{c.patient.pk}/entries/",
            {"date": _day(c).isoformat(), "scores": {"fever": 2}},
            {"HTTP_IDEMPOTENCY_KEY": str(uuid.uuid4())},
        ),
        CREATE,
    ),
    "patients_dds_retrieve": (
        lambda c, m: ("get", f"/api/v1/patients/{c.patient.pk}/dds/", None, {}),
        READ,
    ),
    "entries_retrieve": (lambda c, m: ("get", f"/api/v1/entries/{_entry(c).pk}/", None, {}), READ),
    "entries_corrections_create": (
        lambda c, m: (
            "post",
            f"/api/v1/entries/{_entry(c).pk}/corrections/",
            {"scores": {"fever": 3}, "reason": "phoned the clinic"},
            {},
        ),
        CREATE,
    ),
    "entries_history_retrieve": (
        lambda c, m: ("get", f"/api/v1/entries/{_entry(c).pk}/history/", None, {}),
        READ,
    ),
    "alerts_list": (lambda c, m: ("get", "/api/v1/alerts/", None, {}), STAFF_LIST),
    "alerts_acknowledge_create": (
        lambda c, m: ("post", f"/api/v1/alerts/{_alert(c).pk}/acknowledge/", {"note": "seen"}, {}),
        STAFF_ACTION,
    ),
    "alerts_resolve_create": (
        lambda c, m: ("post", f"/api/v1/alerts/{_alert(c).pk}/resolve/", {}, {}),
        STAFF_ACTION,
    ),
    "clinics_list": (lambda c, m: ("get", "/api/v1/clinics/", None, {}), STAFF_LIST),
    "clinics_cohort_retrieve": (
        lambda c, m: ("get", f"/api/v1/clinics/{c.clinic.pk}/cohort/", None, {}),
        STAFF_ACTION,
    ),
    "patients_periods_retrieve": (
        lambda c, m: ("get", f"/api/v1/patients/{c.patient.pk}/periods/", None, {}),
        READ,
    ),
    "auth_token_create": (
        lambda c, m: ("post", "/api/v1/auth/token/", _token_body(c, m), {}),
        TOKEN,
    ),
    "auth_logout_create": (lambda c, m: ("post", "/api/v1/auth/logout/", None, {}), SIGN_OUT),
}


def test_the_matrix_covers_every_operation():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = {
        operation["operationId"] for path in schema["paths"].values() for operation in path.values()
    }
    assert operations == set(MATRIX)


@pytest.mark.parametrize("member", MEMBERS)
@pytest.mark.parametrize("operation", sorted(MATRIX))
def test_authorisation_matrix(api, cast, operation, member):
    build, expected = MATRIX[operation]
    method, path, body, headers = build(cast, member)
    versions_before = EntryVersion.objects.count()
    response = getattr(api(member), method)(path, body, format="json", **headers)
    assert response.status_code == expected[member], response.content
    if response.status_code >= 400:
        assert response["Content-Type"] == "application/problem+json"
        assert EntryVersion.objects.count() == versions_before


@pytest.mark.parametrize("member", MEMBERS)
def test_the_patient_list_is_exactly_the_scope(api, cast, member):
    from tests.conftest import SEES

    response = api(member).get("/api/v1/patients/")
    if member == "anonymous":
        assert response.status_code == 401
        return
    listed = {row["reference"] for row in response.json()["results"]}
    assert listed == {getattr(cast, name).reference for name in SEES[member]}


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/patients/{patient}/",
        "/api/v1/patients/{patient}/entries/",
        "/api/v1/patients/{patient}/dds/",
        "/api/v1/patients/{patient}/periods/",
        "/api/v1/entries/{entry}/",
        "/api/v1/entries/{entry}/history/",
    ],
)
def test_outside_scope_answers_exactly_like_missing(api, cast, path):
    other_entry = submit_entry(
        patient=cast.other_patient,
        user=cast.other_carer,
        submission=Submission(date=timezone.now().date() - datetime.timedelta(days=1), scores={}),
        source="web",
    ).entry
    forbidden = api("carer").get(path.format(patient=cast.other_patient.pk, entry=other_entry.pk))
    missing = api("carer").get(path.format(patient=999_999, entry=999_999))
    assert forbidden.status_code == missing.status_code == 404
    assert _without_instance(forbidden.json()) == _without_instance(missing.json())


def _without_instance(problem):
    return {key: value for key, value in problem.items() if key != "instance"}


def test_no_write_reaches_a_patient_outside_scope(api, cast):
    day = DayRules.for_patient(cast.other_patient).offered_day(timezone.now())
    response = api("carer").post(
        f"/api/v1/patients/{cast.other_patient.pk}/entries/",
        {"date": day.isoformat(), "scores": {"fever": 1}},
        format="json",
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )
    assert response.status_code == 404
    assert not DiaryEntry.objects.filter(patient=cast.other_patient).exists()


def test_an_inactive_account_cannot_get_a_token(api, cast):
    user = UserFactory(username="left-the-clinic", is_active=False)
    response = api("anonymous").post(
        "/api/v1/auth/token/", {"username": user.username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 400


def test_the_token_endpoint_accepts_and_ignores_an_otp(api, cast):
    response = api("anonymous").post(
        "/api/v1/auth/token/",
        {"username": "carer", "password": PASSWORD, "otp": "123456"},
        format="json",
    )
    assert response.status_code == 200
    token = response.json()["token"]
    client = api("anonymous").__class__()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/patients/").status_code == 200


def test_a_browser_session_works_and_needs_the_csrf_token(cast):
    from rest_framework.test import APIClient

    browser = APIClient(enforce_csrf_checks=True)
    sign_in(browser, cast.carer)
    assert browser.get("/api/v1/patients/").status_code == 200
    response = browser.post(
        f"/api/v1/patients/{cast.patient.pk}/entries/",
        {"date": _day(cast).isoformat(), "scores": {}},
        format="json",
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )
    assert response.status_code == 403
    assert not DiaryEntry.objects.exists()
