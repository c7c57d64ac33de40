"""Per-device API tokens (docs/security.md, "API tokens"): each sign-in at the token endpoint
issues a new key with a name, an expiry and a last-used time; a new password, a password reset
and page sign-out end every token of the user; API sign-out ends the token it is sent with.
Every path is tried for a carer and for clinic staff."""

import datetime
import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from diary.models import ApiToken
from diary.two_factor import must_use_two_factor, new_recovery_codes
from tests.conftest import sign_in

PASSWORD = "correct horse battery staple"  # the UserFactory password
PEOPLE = ["carer", "clinician"]


def issue(user, name="Test phone"):
    """``POST /api/v1/auth/token/`` as an app would, with a fresh recovery code when the user
    must use two-factor."""
    body = {"username": user.username, "password": PASSWORD, "name": name}
    if must_use_two_factor(user):
        body["otp"] = new_recovery_codes(user)[0]
    response = Client().post("/api/v1/auth/token/", body, content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()


def with_token(key):
    return Client(HTTP_AUTHORIZATION=f"Token {key}")


def answers(key):
    return with_token(key).get("/api/v1/patients/").status_code


@pytest.mark.parametrize("member", PEOPLE)
def test_each_sign_in_issues_a_new_key_for_its_device(cast, member):
    user = cast.member(member)
    phone, tablet = issue(user, "Phone"), issue(user, "Tablet")
    assert phone["token"] != tablet["token"]
    assert answers(phone["token"]) == answers(tablet["token"]) == 200
    assert {phone["name"], tablet["name"]} == {"Phone", "Tablet"}
    stored = ApiToken.objects.filter(user=user)
    assert stored.count() == 2
    # Only a digest is kept: the key itself is in no column.
    assert not any(phone["token"] in str(value) for value in stored.values_list())


@pytest.mark.parametrize(
    ("member", "lifetime"),
    [("carer", datetime.timedelta(days=30)), ("clinician", datetime.timedelta(hours=12))],
)
def test_a_token_expires(cast, member, lifetime, monkeypatch):
    before = timezone.now()
    token = issue(cast.member(member))
    expiry = datetime.datetime.fromisoformat(token["expiry"])
    assert before + lifetime <= expiry <= timezone.now() + lifetime
    assert answers(token["token"]) == 200
    later = expiry + datetime.timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    refused = with_token(token["token"]).get("/api/v1/patients/")
    assert refused.status_code == 401 and refused["WWW-Authenticate"] == "Token"
    assert not ApiToken.objects.filter(user=cast.member(member)).exists()


@pytest.mark.parametrize("member", PEOPLE)
def test_use_is_recorded_at_most_once_a_minute(cast, member, monkeypatch):
    token = issue(cast.member(member))
    stored = ApiToken.objects.get(user=cast.member(member))
    # Signing in is the first use.
    assert abs(stored.created - stored.last_used_at) < datetime.timedelta(seconds=1)
    start = stored.created + datetime.timedelta(minutes=5)
    monkeypatch.setattr(timezone, "now", lambda: start)
    assert answers(token["token"]) == 200
    stored.refresh_from_db()
    assert stored.last_used_at == start
    monkeypatch.setattr(timezone, "now", lambda: start + datetime.timedelta(seconds=30))
    assert answers(token["token"]) == 200
    stored.refresh_from_db()
    assert stored.last_used_at == start
    later = start + datetime.timedelta(minutes=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert answers(token["token"]) == 200
    stored.refresh_from_db()
    assert stored.last_used_at == later


@pytest.mark.parametrize("member", PEOPLE)
def test_a_password_change_ends_every_token(cast, member):
    user = cast.member(member)
    tokens = [issue(user)["token"], issue(user)["token"]]
    browser = Client()
    sign_in(browser, user)
    new = "a completely new passphrase"
    changed = browser.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert changed.status_code == 302
    assert [answers(key) for key in tokens] == [401, 401]
    assert browser.get("/accounts/").status_code == 200  # this session goes on


@pytest.mark.parametrize("member", PEOPLE)
def test_a_password_reset_ends_every_token(cast, member):
    user = cast.member(member)
    user.email = f"{member}@example.org"
    user.save()
    key = issue(user)["token"]
    client = Client()
    client.post("/accounts/password-reset/", {"email": user.email})
    link = re.search(r"/accounts/reset/\S+/\S+/", mail.outbox[-1].body).group(0)
    form = client.get(link, follow=True)
    new = "a brand new passphrase for the diary"
    client.post(form.request["PATH_INFO"], {"new_password1": new, "new_password2": new})
    assert answers(key) == 401


@pytest.mark.parametrize("member", PEOPLE)
def test_a_password_set_anywhere_ends_every_token(cast, member):
    # The admin's password form and ``manage.py changepassword`` do just this.
    user = cast.member(member)
    key = issue(user)["token"]
    user.set_password("set by a site admin for this user")
    user.save()
    assert answers(key) == 401


@pytest.mark.parametrize("member", PEOPLE)
def test_page_sign_out_ends_every_token(cast, member):
    user = cast.member(member)
    key = issue(user)["token"]
    browser = Client()
    sign_in(browser, user)
    assert browser.post("/accounts/logout/").status_code == 302
    assert answers(key) == 401
    assert answers(issue(user)["token"]) == 200  # signing in again works


@pytest.mark.parametrize("member", PEOPLE)
def test_api_sign_out_ends_only_the_token_it_is_sent_with(cast, member):
    user = cast.member(member)
    phone, tablet = issue(user, "Phone")["token"], issue(user, "Tablet")["token"]
    signed_out = with_token(phone).post("/api/v1/auth/logout/")
    assert signed_out.status_code == 204
    assert answers(phone) == 401
    assert answers(tablet) == 200
    again = with_token(phone).post("/api/v1/auth/logout/")
    assert again.status_code == 401
    assert again["Content-Type"] == "application/problem+json"
    assert list(ApiToken.objects.filter(user=user).values_list("name", flat=True)) == ["Tablet"]


def test_api_sign_out_needs_a_token_not_a_browser_session(cast):
    browser = Client()
    sign_in(browser, cast.carer)
    assert browser.post("/api/v1/auth/logout/").status_code == 401


def test_turning_on_two_factor_refuses_tokens_issued_without_it(cast):
    key = issue(cast.carer)["token"]
    new_recovery_codes(cast.carer)  # the carer opts in to two-factor sign-in
    refused = with_token(key).get("/api/v1/patients/")
    assert refused.status_code == 401
    assert answers(issue(cast.carer)["token"]) == 200  # issued after the code


def test_a_token_of_an_inactive_account_is_refused(cast):
    key = issue(cast.carer)["token"]
    cast.carer.is_active = False
    cast.carer.save()
    assert answers(key) == 401


@pytest.mark.parametrize("header", ["Token", "Token not-a-key", "Token \xff\xfe", "Token a b"])
def test_a_malformed_or_unknown_token_is_refused(cast, header):
    response = Client(HTTP_AUTHORIZATION=header).get("/api/v1/patients/")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_the_device_name_defaults_to_the_user_agent_and_is_checked(cast):
    body = {"username": "carer", "password": PASSWORD}
    named = Client(HTTP_USER_AGENT="DiaryApp/2.1 (Android 14)").post(
        "/api/v1/auth/token/", body, content_type="application/json"
    )
    assert named.json()["name"] == "DiaryApp/2.1 (Android 14)"
    too_long = Client().post(
        "/api/v1/auth/token/", {**body, "name": "x" * 65}, content_type="application/json"
    )
    assert too_long.status_code == 400
    assert too_long.json()["errors"][0]["field"] == "name"
    assert ApiToken.objects.filter(user=cast.carer).count() == 1
