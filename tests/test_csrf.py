"""CSRF on every state-changing page: a signed-in clinic admin (who may reach every page) posts
to every URL of the site without a CSRF token, from a browser session. Every answer is 403
(refused by the CSRF check) or 405 (the URL takes no POST); nothing is ever accepted.

The routes come from the URLconf itself, so a new page is checked without a new test line.
"""

import datetime

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.conftest import sign_in

# Not cookie-authenticated, so no CSRF exposure: the API token endpoint takes a password, API
# sign-out only a token (a session gets 401: tests/api/test_tokens.py).
NO_SESSION = {"api/v1/auth/token/", "api/v1/auth/logout/"}


def _routes(resolver: URLResolver, prefix: str = "") -> list[tuple[str, URLPattern]]:
    routes = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            routes += _routes(entry, prefix + str(entry.pattern))
        else:
            routes.append((prefix + str(entry.pattern), entry))
    return routes


def _fill(route: str, values: dict[str, str]) -> str:
    import re

    def value(match: "re.Match[str]") -> str:
        return values.get(match.group(2), "1")

    url = re.sub(r"<(?:(\w+):)?(\w+)>", value, route)
    return "/" + url.lstrip("^").rstrip("$")


@pytest.fixture
def values(cast):
    from diary.services import Submission, submit_entry

    day = datetime.date.today() - datetime.timedelta(days=1)
    entry = submit_entry(
        patient=cast.patient,
        user=cast.carer,
        submission=Submission(date=day, scores={"fever": 1}),
        source="web",
    ).entry
    membership = cast.clinician.clinic_memberships.get()
    return {
        "patient_id": str(cast.patient.pk),
        "clinic_id": str(cast.clinic.pk),
        "entry_id": str(entry.pk),
        "membership_id": str(membership.pk),
        "day": day.isoformat(),
        "kind": "weight",
    }


def test_every_post_without_a_csrf_token_is_refused(cast, values):
    client = Client(enforce_csrf_checks=True)
    sign_in(client, cast.clinic_admin)
    checked = []
    for route, _pattern in _routes(get_resolver()):
        if route in NO_SESSION or "(?P<" in route or route.startswith(("admin/", "^")):
            continue
        url = _fill(route, values)
        answer = client.post(url, {"anything": "1"})
        assert answer.status_code in {403, 404, 405}, (url, answer.status_code)
        checked.append((url, answer.status_code))
    refused = [url for url, status in checked if status == 403]
    # The clinic's own forms are among them (a sanity check that the walk reached them).
    assert f"/clinic/admin/{cast.clinic.pk}/invitations/" in refused
    assert f"/diary/{cast.patient.pk}/save/" in refused
    assert "/accounts/logout/" in refused and "/language/" in refused


def test_the_login_form_needs_its_csrf_token(cast):
    client = Client(enforce_csrf_checks=True)
    answer = client.post(
        "/accounts/login/", {"username": "carer", "password": "correct horse battery staple"}
    )
    assert answer.status_code == 403


def test_the_admin_needs_its_csrf_token(cast):
    from diary.models import User

    admin = User.objects.create_superuser("root", "root@example.org", "x" * 20)
    client = Client(enforce_csrf_checks=True)
    sign_in(client, admin)
    answer = client.post(f"/admin/diary/patient/{cast.patient.pk}/change/", {"display_name": "x"})
    assert answer.status_code == 403
