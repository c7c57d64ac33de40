"""The account page lists the apps signed in with the account (name, created, last used,
expiry) and ends any one of them: a POST with the CSRF token, logged without names."""

import logging

import pytest
from django.test import Client
from django.utils import formats, timezone

from diary.models import ApiToken
from tests.api.test_tokens import answers, issue
from tests.conftest import sign_in

PEOPLE = ["carer", "clinician"]


def end_url(digest):
    return f"/accounts/tokens/{digest}/end/"


@pytest.mark.parametrize("member", PEOPLE)
def test_the_account_page_lists_the_users_live_tokens(client, cast, member):
    user = cast.member(member)
    issue(user, "Mum's phone")
    used = issue(user, "Kitchen tablet")
    answers(used["token"])
    issue(cast.other_carer, "Someone else's phone")
    sign_in(client, user)
    page = client.get("/accounts/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Mum&#x27;s phone" in text and "Kitchen tablet" in text
    assert "Someone else" not in text
    tablet = ApiToken.objects.get(user=user, name="Kitchen tablet")
    for moment in (tablet.created, tablet.last_used_at, tablet.expiry):
        shown = formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")
        assert shown in text
    assert text.count('action="/accounts/tokens/') == 2


@pytest.mark.parametrize("member", PEOPLE)
def test_ending_a_token_signs_that_app_out_and_is_logged(client, cast, member, caplog):
    user = cast.member(member)
    lost = issue(user, "Lost phone")
    kept = issue(user, "New phone")
    sign_in(client, user)
    digest = ApiToken.objects.get(user=user, name="Lost phone").digest
    with caplog.at_level(logging.INFO, logger="diary.tokens"):
        ended = client.post(end_url(digest))
    assert ended.status_code == 302 and ended["Location"] == "/accounts/"
    assert answers(lost["token"]) == 401
    assert answers(kept["token"]) == 200
    [record] = [r for r in caplog.records if r.name == "diary.tokens"]
    message = record.getMessage()
    assert f"user {user.pk}" in message and "account page" in message
    assert "Lost phone" not in message and lost["token"] not in message
    assert user.username not in message


def test_one_user_cannot_end_anothers_token(client, cast):
    theirs = issue(cast.other_carer, "Their phone")
    sign_in(client, cast.carer)
    digest = ApiToken.objects.get(user=cast.other_carer).digest
    assert client.post(end_url(digest)).status_code == 404
    assert client.post(end_url("0" * 128)).status_code == 404
    assert answers(theirs["token"]) == 200


def test_ending_a_token_needs_the_csrf_token_and_a_post(cast):
    key = issue(cast.carer)["token"]
    digest = ApiToken.objects.get(user=cast.carer).digest
    browser = Client(enforce_csrf_checks=True)
    sign_in(browser, cast.carer)
    assert browser.get(end_url(digest)).status_code == 405
    assert browser.post(end_url(digest)).status_code == 403
    assert answers(key) == 200
    page = browser.get("/accounts/")
    csrf = page.context["csrf_token"]
    assert browser.post(end_url(digest), {"csrfmiddlewaretoken": csrf}).status_code == 302
    assert answers(key) == 401


def test_anonymous_visitors_are_sent_to_sign_in(client, cast):
    assert client.get("/accounts/")["Location"].startswith("/accounts/login/")
    assert client.post(end_url("0" * 128))["Location"].startswith("/accounts/login/")
