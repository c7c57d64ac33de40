"""Wrong two-factor codes: a slip costs nothing (the right code typed straight after a wrong one
is accepted), guessing meets a growing wait, and the page says which of the two happened."""

import datetime

from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from diary import two_factor
from tests.conftest import current_code, verified_device

PASSWORD = "correct horse battery staple"
TOO_MANY = "Too many attempts"


def _signed_in(user) -> Client:
    client = Client()
    answer = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert answer.status_code == 302
    return client


def _type(client: Client, code: str):
    return client.post("/accounts/two-factor/", {"code": code, "next": "/clinic/"})


def _wrong_code(device: TOTPDevice) -> str:
    return f"{(int(current_code(device)) + 1) % 1_000_000:06d}"


def test_the_right_code_straight_after_a_wrong_one_is_accepted(cast):
    device = verified_device(cast.clinician)
    client = _signed_in(cast.clinician)
    wrong = _type(client, _wrong_code(device))
    assert wrong.status_code == 200
    assert "not right, or it was already used" in wrong.content.decode()
    assert TOO_MANY not in wrong.content.decode()
    device.refresh_from_db()
    right = _type(client, current_code(device))  # within the same second
    assert right.status_code == 302 and right["Location"] == "/clinic/"
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_guessing_meets_a_growing_wait_that_the_page_names(cast):
    device = verified_device(cast.clinician)
    client = _signed_in(cast.clinician)
    for _ in range(two_factor.FREE_WRONG_CODES):
        answer = _type(client, _wrong_code(device)).content.decode()
        assert TOO_MANY not in answer
    device.refresh_from_db()
    # Now even the right code waits, and the page says so rather than "not right".
    throttled = _type(client, current_code(device)).content.decode()
    assert "Too many attempts. Wait 2 seconds, then type the code again." in throttled
    assert "not right" not in throttled
    device.refresh_from_db()
    assert device.throttling_failure_count == two_factor.FREE_WRONG_CODES  # not counted
    # Once the wait is over, the right code is accepted.
    earlier = device.throttling_failure_timestamp - datetime.timedelta(seconds=3)
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=earlier)
    assert _type(client, current_code(device)).status_code == 302


def test_the_wait_doubles_with_each_further_wrong_code_up_to_an_hour(cast):
    device = verified_device(cast.clinician)
    device.throttling_failure_timestamp = datetime.datetime.now(datetime.UTC)
    waits = []
    for failures in (1, 2, 3, 4, 5, 13, 14, 40):
        device.throttling_failure_count = failures
        waits.append(two_factor.code_wait(device))
    assert waits == [0, 0, 2, 4, 8, 2048, 3600, 3600]


def test_the_api_says_when_to_try_again(client, cast):
    device = verified_device(cast.clinician)
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=5, throttling_failure_timestamp=datetime.datetime.now(datetime.UTC)
    )
    answer = client.post(
        "/api/v1/auth/token/",
        {"username": "clinician", "password": PASSWORD, "otp": current_code(device)},
        content_type="application/json",
    )
    assert answer.status_code == 400
    assert "wait 8 seconds" in answer.content.decode()
