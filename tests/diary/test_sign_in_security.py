"""Sign-in security: lockout with a cool-off, no user enumeration, the password rules,
two-factor for clinic staff (pages, API, admin, password reset, replay), carers opting in,
the staff session limits and sign-out ending every session."""

import datetime
import re
import time

import pytest
from django.contrib.auth import password_validation
from django.core import mail
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken

from diary.models import User
from diary.security import SESSION_SEEN, SESSION_STARTED
from tests.conftest import current_code, sign_in, verified_device

PASSWORD = "correct horse battery staple"


def _login(client, username, password, ip="10.0.0.1"):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def _locked(response) -> bool:
    return response.status_code == 429


# --- lockout --------------------------------------------------------------------------------


def test_twenty_wrong_passwords_lock_the_username_before_the_tenth(client, cast):
    answers = [_login(client, "carer", f"wrong guess {n}") for n in range(20)]
    first_locked = next(n for n, answer in enumerate(answers) if _locked(answer))
    assert first_locked < 9
    assert all(_locked(answer) for answer in answers[first_locked:])
    # Even the right password is refused while locked.
    assert _locked(_login(client, "carer", PASSWORD))


def test_another_user_on_the_same_address_is_unaffected(client, cast):
    for n in range(20):
        _login(client, "carer", f"wrong guess {n}", ip="192.0.2.7")
    other = _login(Client(), "other-carer", PASSWORD, ip="192.0.2.7")
    assert other.status_code == 302


def test_the_lock_lifts_after_the_cool_off(client, cast, settings):
    from axes.models import AccessAttempt

    for n in range(10):
        _login(client, "carer", f"wrong guess {n}")
    assert _locked(_login(client, "carer", PASSWORD))
    later = timezone.now() - settings.AXES_COOLOFF_TIME - datetime.timedelta(seconds=1)
    AccessAttempt.objects.update(attempt_time=later)
    assert _login(client, "carer", PASSWORD).status_code == 302


def test_unknown_and_known_usernames_get_the_same_answers(client, cast):
    known = _login(client, "carer", "wrong guess")
    unknown = _login(Client(), "nobody-by-that-name", "wrong guess")
    assert known.status_code == unknown.status_code == 200
    message = b"Your username and password did not match"
    assert message in known.content and message in unknown.content
    for n in range(10):
        known = _login(client, "carer", f"wrong {n}")
        unknown = _login(client, "nobody-by-that-name", f"wrong {n}")
    assert _locked(known) and _locked(unknown)
    assert _page(known.content) == _page(unknown.content)


def _page(content: bytes) -> bytes:
    # The masked CSRF token differs on every page; nothing else may.
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", content)


def test_the_api_token_endpoint_locks_too_with_a_problem(client, cast):
    answers = [
        client.post(
            "/api/v1/auth/token/",
            {"username": "carer", "password": f"wrong {n}"},
            content_type="application/json",
        )
        for n in range(12)
    ]
    assert answers[-1].status_code == 429
    assert answers[-1]["Content-Type"] == "application/problem+json"


def test_password_rules_length_common_similarity_and_no_composition(cast):
    user = User(username="rosalind", first_name="Rosalind", email="rosalind@example.org")

    def problems(password):
        try:
            password_validation.validate_password(password, user)
        except Exception as error:
            return error.messages
        return []

    assert problems("short words")  # 11 characters
    assert problems("password1234")  # on the common-password list
    assert problems("rosalind@example.org")  # like the user's own details
    assert problems("") != []
    assert problems("violet kettle harbour") == []  # no digits, capitals or symbols needed
    assert problems("149028375610") == []  # digits only is long enough; no composition rule
    assert problems("a long passphrase of many plain words " * 10) == []


# --- two-factor -----------------------------------------------------------------------------


def test_staff_without_two_factor_reach_no_patient_page_or_api(client, cast):
    client.force_login(cast.clinician)
    for url in (
        "/clinic/",
        f"/clinic/patients/{cast.patient.pk}/",
        f"/clinic/patients/{cast.patient.pk}/export.csv",
    ):
        answer = client.get(url)
        assert answer.status_code == 302 and "/accounts/two-factor/" in answer["Location"], url
    api = client.get(f"/api/v1/patients/{cast.patient.pk}/")
    assert api.status_code == 403 and b"two-factor" in api.content


def test_staff_enrol_then_verify_and_a_code_cannot_be_reused(client, cast):
    assert _login(client, "clinician", PASSWORD).status_code == 302
    setup = client.get("/clinic/", follow=True)
    assert setup.request["PATH_INFO"] == "/accounts/two-factor/setup/"
    secret = re.search(rb'id="totp-secret">([A-Z2-7]+)<', setup.content).group(1)
    assert b"otpauth://totp/" in setup.content and b"<svg" in setup.content
    device = cast.clinician.totpdevice_set.get(confirmed=False)
    codes = client.post("/accounts/two-factor/setup/", {"code": current_code(device)})
    assert codes.status_code == 200 and secret
    recovery = re.findall(rb"<li><code>([0-9a-f]{10})</code></li>", codes.content)
    assert len(recovery) == 10
    assert client.get(f"/clinic/patients/{cast.patient.pk}/").status_code == 200

    # A new session: password, then the same code again is refused (replay), a recovery code
    # works once.
    device.refresh_from_db()
    used = current_code(device)
    other = Client()
    assert _login(other, "clinician", PASSWORD).status_code == 302
    assert other.post("/accounts/two-factor/", {"code": used}).status_code == 200
    assert other.get("/clinic/").status_code == 302
    verified = other.post(
        "/accounts/two-factor/", {"code": recovery[0].decode(), "next": "/clinic/"}
    )
    assert verified.status_code == 302 and verified["Location"] == "/clinic/"
    assert other.get("/clinic/").status_code == 200
    assert not StaticToken.objects.filter(token=recovery[0].decode()).exists()


def test_the_api_token_needs_the_code_for_staff_and_is_tied_to_it(client, cast):
    device = verified_device(cast.clinician)
    body = {"username": "clinician", "password": PASSWORD}
    without = client.post("/api/v1/auth/token/", body, content_type="application/json")
    assert without.status_code == 400 and b"otp" in without.content
    right = client.post(
        "/api/v1/auth/token/",
        {**body, "otp": current_code(device)},
        content_type="application/json",
    )
    assert right.status_code == 200
    again = client.post(
        "/api/v1/auth/token/",
        {**body, "otp": current_code(device)},
        content_type="application/json",
    )
    assert again.status_code == 400  # the same code twice: refused
    wrong = client.post(
        "/api/v1/auth/token/", {**body, "otp": "000000"}, content_type="application/json"
    )
    assert wrong.status_code == 400
    token = right.json()["token"]
    api = Client(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get(f"/api/v1/patients/{cast.patient.pk}/").status_code == 200
    # A token made without the two-factor check (e.g. in the admin) is refused for staff.
    from diary.tokens import issue_token

    _, bare = issue_token(user=cast.clinician, name="no code", verified=False)
    refused = Client(HTTP_AUTHORIZATION=f"Token {bare}").get("/api/v1/patients/")
    assert refused.status_code == 401


def test_the_admin_site_requires_a_verified_device(client, cast):
    admin = User.objects.create_superuser("root", "root@example.org", PASSWORD)
    client.force_login(admin)
    assert client.get("/admin/").status_code == 302
    sign_in(client, admin)
    assert client.get("/admin/").status_code == 200


def test_password_reset_does_not_bypass_two_factor(client, cast):
    verified_device(cast.clinician)
    cast.clinician.email = "clinician@example.org"
    cast.clinician.save()
    client.post("/accounts/password-reset/", {"email": "clinician@example.org"})
    link = re.search(r"/accounts/reset/\S+/\S+/", mail.outbox[-1].body).group(0)
    form = client.get(link, follow=True)
    new = "a brand new passphrase for clinic"
    done = client.post(
        form.request["PATH_INFO"], {"new_password1": new, "new_password2": new}, follow=True
    )
    assert done.status_code == 200
    assert client.get("/clinic/").status_code == 302  # not signed in by the reset
    assert _login(client, "clinician", new).status_code == 302
    gate = client.get("/clinic/")
    assert gate.status_code == 302 and "/accounts/two-factor/" in gate["Location"]


def test_carers_may_opt_in_and_then_must_verify(client, cast):
    sign_in(client, cast.carer)
    assert client.get(f"/diary/{cast.patient.pk}/").status_code == 200
    setup = client.get("/accounts/two-factor/setup/")
    assert setup.status_code == 200
    device = cast.carer.totpdevice_set.get(confirmed=False)
    assert (
        client.post("/accounts/two-factor/setup/", {"code": current_code(device)}).status_code
        == 200
    )
    later = Client()
    assert _login(later, "carer", PASSWORD).status_code == 302
    gate = later.get(f"/diary/{cast.patient.pk}/")
    assert gate.status_code == 302 and "/accounts/two-factor/" in gate["Location"]


# --- sessions -------------------------------------------------------------------------------


def _age_session(client, *, idle=0, since_sign_in=0):
    session = client.session
    now = int(time.time())
    session[SESSION_SEEN] = now - idle
    session[SESSION_STARTED] = now - since_sign_in
    session.save()


@pytest.mark.parametrize(
    ("idle", "since_sign_in", "signed_out"),
    [
        (29 * 60, 29 * 60, False),
        (31 * 60, 31 * 60, True),  # 30 minutes idle
        (60, 11 * 3600, False),
        (60, 12 * 3600 + 60, True),  # 12 hours after sign-in, however active
    ],
)
def test_staff_sessions_end_when_idle_or_too_old(client, cast, idle, since_sign_in, signed_out):
    sign_in(client, cast.clinician)
    _age_session(client, idle=idle, since_sign_in=since_sign_in)
    answer = client.get("/clinic/")
    assert (answer.status_code == 302 and "/accounts/login/" in answer["Location"]) is signed_out


def test_carers_keep_their_phone_session_when_idle(client, cast):
    assert _login(client, "carer", PASSWORD).status_code == 302
    _age_session(client, idle=3 * 86400, since_sign_in=20 * 86400)
    assert client.get(f"/diary/{cast.patient.pk}/").status_code == 200


def test_sign_out_ends_every_other_session(cast):
    phone, tablet = Client(), Client()
    for device in (phone, tablet):
        assert _login(device, "carer", PASSWORD).status_code == 302
        assert device.get(f"/diary/{cast.patient.pk}/").status_code == 200
    phone.post("/accounts/logout/")
    assert tablet.get(f"/diary/{cast.patient.pk}/").status_code == 302


def test_password_change_ends_other_sessions_but_not_this_one(cast):
    phone, tablet = Client(), Client()
    for device in (phone, tablet):
        assert _login(device, "carer", PASSWORD).status_code == 302
    new = "a completely new passphrase"
    changed = phone.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert changed.status_code == 302
    assert phone.get(f"/diary/{cast.patient.pk}/").status_code == 200
    assert tablet.get(f"/diary/{cast.patient.pk}/").status_code == 302
