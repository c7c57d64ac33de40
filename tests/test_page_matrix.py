"""The authorisation matrix for pages and exports: every page URL × every cast member → status.

Every URL pattern the resolver knows, except the API (its own matrix is
``tests/api/test_matrix.py``), the Django admin and static/media files, has a row in
``MATRIX``: the status a GET gets for each member of the named cast. Patient URLs target the
carer's ``patient`` (clinic A); clinic URLs clinic A; date URLs yesterday in the patient's zone,
which has an entry; alert URLs an open alert about ``patient``. Outside scope is 404, exactly like
a missing id (SPEC §4). Anonymous visitors are sent to sign in (302) from protected pages;
POST-only routes answer a GET with 405 before anything else. Routes that need a signed token
are probed with an invalid one, which answers the same for everyone.

``test_the_matrix_covers_every_page`` fails when the resolver gains a page the matrix lacks.
"""

import datetime
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from clinicians.alerts.models import Alert
from diary.days import DayRules
from diary.services import Submission, submit_entry
from tests.conftest import MEMBERS, sign_in

EXCLUDED = ("api/", "admin/", "static/", "media/", "bench/")

#              carer other_carer clinician clinic_admin outside_clinician anonymous
PUBLIC = dict(zip(MEMBERS, [200, 200, 200, 200, 200, 200], strict=True))
SIGNED_IN = dict(zip(MEMBERS, [200, 200, 200, 200, 200, 302], strict=True))
GUEST_ONLY = dict(zip(MEMBERS, [302, 302, 302, 302, 302, 200], strict=True))
REDIRECT = dict(zip(MEMBERS, [302, 302, 302, 302, 302, 302], strict=True))
TWO_FACTOR = dict(zip(MEMBERS, [302, 302, 200, 200, 200, 302], strict=True))
DIARY = dict(zip(MEMBERS, [200, 404, 200, 200, 404, 302], strict=True))
CARER_ONLY = dict(zip(MEMBERS, [200, 404, 404, 404, 404, 302], strict=True))
STAFF = dict(zip(MEMBERS, [404, 404, 200, 200, 200, 302], strict=True))
CLINIC_A = dict(zip(MEMBERS, [404, 404, 200, 200, 404, 302], strict=True))
ADMIN_A = dict(zip(MEMBERS, [404, 404, 404, 200, 404, 302], strict=True))
ADMIN_HOME = dict(zip(MEMBERS, [404, 404, 404, 302, 404, 302], strict=True))
POST_ONLY = dict(zip(MEMBERS, [405, 405, 405, 405, 405, 405], strict=True))
SIGNED_IN_POST = dict(zip(MEMBERS, [405, 405, 405, 405, 405, 302], strict=True))
BAD_TOKEN = dict(zip(MEMBERS, [404, 404, 404, 404, 404, 404], strict=True))

# url name → expected GET status per member
MATRIX = {
    # diary/urls.py
    "home": REDIRECT,  # to the member's own start page, or to sign in
    "diary_today": DIARY,
    "diary_save": SIGNED_IN_POST,
    "diary_history": DIARY,
    "diary_reminders": CARER_ONLY,
    "diary_day": DIARY,
    "diary_correct": DIARY,
    "set_language": POST_ONLY,
    "service_worker": PUBLIC,
    "manifest": PUBLIC,
    "login": GUEST_ONLY,
    "accept_invitation": BAD_TOKEN,
    "logout": POST_ONLY,
    "account": SIGNED_IN,
    "api_token_end": SIGNED_IN_POST,
    "password_change": SIGNED_IN,
    "password_change_done": SIGNED_IN,
    "two_factor_verify": TWO_FACTOR,
    "two_factor_setup": SIGNED_IN,
    "two_factor_recovery_codes": POST_ONLY,
    "password_reset": PUBLIC,
    "password_reset_done": PUBLIC,
    "password_reset_confirm": PUBLIC,  # the "link is invalid" page
    "password_reset_complete": PUBLIC,
    "healthz": PUBLIC,
    # clinicians/nightly/urls.py
    "nightly_health": PUBLIC,
    "reminders_unsubscribe": BAD_TOKEN,
    # clinicians/urls.py
    "clinic:dashboard": STAFF,
    "clinic:day": STAFF,
    "clinic:day_print": STAFF,
    "clinic:clinic_csv": CLINIC_A,  # ?clinic=<clinic A>
    "clinic:patient": CLINIC_A,
    "clinic:summary": CLINIC_A,
    "clinic:audit": CLINIC_A,
    "clinic:audit_csv": CLINIC_A,
    "clinic:audit_json": CLINIC_A,
    "clinic:alert_acknowledge": POST_ONLY,
    "clinic:alert_resolve": POST_ONLY,
    "clinic:records": CLINIC_A,
    "clinic:record_add": POST_ONLY,
    "clinic:record_remove": POST_ONLY,
    "clinic:transcribe": CLINIC_A,
    "clinic:patient_csv": CLINIC_A,
    "clinic:patient_fhir": CLINIC_A,
    "clinic:data_rights": ADMIN_A,
    "clinic:data_rights_export": ADMIN_A,
    "clinic:data_rights_erase": POST_ONLY,
    "clinic:admin_home": ADMIN_HOME,  # to the one clinic they administer
    "clinic:admin_clinic": ADMIN_A,
    "clinic:admin_member_add": POST_ONLY,
    "clinic:admin_member_new": POST_ONLY,
    "clinic:admin_member_role": POST_ONLY,
    "clinic:admin_member_remove": POST_ONLY,
    "clinic:admin_patient_new": ADMIN_A,
    "clinic:admin_patient_edit": ADMIN_A,
    "clinic:admin_patient_active": POST_ONLY,
    "clinic:admin_invite": POST_ONLY,
    "clinic:admin_thresholds": POST_ONLY,
    "clinic:admin_instrument": ADMIN_A,
    "clinic:admin_alert_rules": POST_ONLY,
    "clinic:admin_cohort_weeks": POST_ONLY,
    # clinicians/cohort/urls.py
    "cohort:page": CLINIC_A,
    "cohort:csv": CLINIC_A,
}

QUERY = {"clinic:clinic_csv": "?clinic={clinic_id}"}


def _page_routes(resolver=None, prefix="", namespace=""):
    """(url name, route) for every page pattern, walking the included URLconfs."""
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if route.startswith(EXCLUDED):
            continue
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _page_routes(entry, route, inner)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}", route


PAGES = dict(_page_routes())
CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")


def _day(cast):
    return DayRules.for_patient(cast.patient).offered_day(timezone.now()) - datetime.timedelta(1)


def _values(cast, route):
    """The cast's objects for the route's converters, created only when the route needs them."""
    names = set(CONVERTER.findall(route))
    values = {
        "patient_id": cast.patient.pk,
        "clinic_id": cast.clinic.pk,
        "token": "not-a-valid-token",
        "uidb64": "MQ",
        "kind": "measurement",
        "record_id": 999_999,  # POST-only: the GET is refused before the id is looked up
        "digest": "0" * 128,  # likewise
    }
    if "day" in names:
        day = _day(cast)
        submit_entry(
            patient=cast.patient,
            user=cast.carer,
            submission=Submission(date=day, scores={"fever": 1}),
            source="web",
        )
        values["day"] = day.isoformat()
    if "alert_id" in names:
        values["alert_id"] = Alert.objects.create(
            patient=cast.patient,
            rule="severe_symptom",
            audience=Alert.Audience.CARE_TEAM,
            diary_date=_day(cast),
            reason="An item was scored 4.",
            opened_at=timezone.now(),
        ).pk
    if "membership_id" in names:
        values["membership_id"] = cast.clinician.clinic_memberships.get(clinic=cast.clinic).pk
    return values


def _path(cast, name):
    route = PAGES[name]
    values = _values(cast, route)
    path = "/" + CONVERTER.sub(lambda match: str(values[match.group(1)]), route)
    return path + QUERY.get(name, "").format(**values)


def test_the_matrix_covers_every_page():
    assert set(PAGES) == set(MATRIX)


@pytest.mark.parametrize("member", MEMBERS)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_page_matrix(client, cast, name, member):
    if member != "anonymous":
        sign_in(client, cast.member(member))
    response = client.get(_path(cast, name))
    assert response.status_code == MATRIX[name][member], response.get("Location")
    if response.status_code == 302 and member == "anonymous":
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("member", "name"),
    [
        ("carer", "diary_today"),
        ("carer", "clinic:patient"),
        ("clinician", "clinic:patient"),
        ("clinician", "clinic:patient_csv"),
        ("clinic_admin", "clinic:data_rights"),
    ],
)
def test_outside_scope_answers_exactly_like_missing(client, cast, member, name):
    sign_in(client, cast.member(member))
    route = "/" + PAGES[name]
    outside = route.replace("<int:patient_id>", str(cast.other_patient.pk))
    missing = route.replace("<int:patient_id>", "999999")
    forbidden, absent = client.get(outside), client.get(missing)
    assert forbidden.status_code == absent.status_code == 404
    assert forbidden.content.replace(outside.encode(), b"") == absent.content.replace(
        missing.encode(), b""
    )
