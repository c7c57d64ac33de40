"""The carer's pages through their URLs: day rules, saving, bad input, scope, corrections,
history, reminders, invitations, sign-in, languages and the page's weight.

Times are pinned by replacing ``django.utils.timezone.now`` for the test, so the diary day and
the cut-off are exact; patients of the cast live in Europe/London (cut-off 04:00, three days of
back-fill).
"""

from __future__ import annotations

import datetime
import gzip
import re
import uuid
import zoneinfo
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from diary.invitations import create_invitation
from diary.models import CarerInvitation, CarerLink, DiaryEntry, EntryVersion, User
from diary.services import Submission, submit_entry
from tests.conftest import MEMBERS, PATIENTS, SEES, sign_in

LONDON = zoneinfo.ZoneInfo("Europe/London")


def at(day: str, clock: str) -> datetime.datetime:
    """A moment in London."""
    return datetime.datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=LONDON)


@pytest.fixture
def clock(monkeypatch: Any) -> Any:
    """Pins "now" for the pages and the services: ``clock("2026-11-18", "21:00")``."""

    def pin(day: str, time: str) -> datetime.datetime:
        moment = at(day, time)
        monkeypatch.setattr(timezone, "now", lambda: moment)
        return moment

    return pin


def form_data(day: str, key: uuid.UUID | None = None, **fields: Any) -> dict[str, Any]:
    data = {
        "date": day,
        "idempotency_key": str(key or uuid.uuid4()),
        "score_fever": "1",
        "score_rash": "0",
        "score_musculoskeletal_pain": "2",
        "score_headache": "na",
        "score_fatigue": "3",
        "temperature_c": "",
        "notes": "",
    }
    data.update(fields)
    return data


def save_url(patient: Any) -> str:
    return reverse("diary_save", args=[patient.pk])


def entries(patient: Any) -> int:
    return DiaryEntry.objects.filter(patient=patient).count()


# --- the day page and the day rules ----------------------------------------------------------


def test_today_page_names_the_patient_and_the_day_with_every_item(client, cast, clock):
    clock("2026-11-18", "21:00")
    sign_in(client, cast.carer)
    page = client.get(reverse("diary_today", args=[cast.patient.pk])).content.decode()
    assert cast.patient.display_name in page
    assert "Diary for Wednesday 18 November" in page
    for code in ("fever", "rash", "musculoskeletal_pain", "headache", "fatigue"):
        assert f'name="score_{code}" value="4"' in page
        assert f'name="score_{code}" value="na"' in page
    assert "Slightly raised temperature" in page  # the anchors are on the buttons
    assert "not watched in real time" in page
    assert 'name="sleep_hours"' not in page  # CANDLE has no sleep item


def test_ags_diary_asks_for_sleep_hours(client, cast, clock):
    clock("2026-11-18", "21:00")
    CarerLink.objects.create(carer=cast.carer, patient=cast.unlinked_patient, relationship="father")
    sign_in(client, cast.carer)
    page = client.get(reverse("diary_today", args=[cast.unlinked_patient.pk])).content.decode()
    assert 'name="sleep_hours"' in page
    assert 'name="score_irritability"' in page


def test_between_midnight_and_cutoff_last_nights_day_comes_first(client, cast, clock):
    clock("2026-11-19", "01:30")
    sign_in(client, cast.carer)
    page = client.get(reverse("diary_today", args=[cast.patient.pk])).content.decode()
    assert "Diary for Wednesday 18 November" in page
    assert "last night" in page
    clock("2026-11-19", "04:00")
    page = client.get(reverse("diary_today", args=[cast.patient.pk])).content.decode()
    assert "Diary for Thursday 19 November" in page


def test_yesterday_after_the_cutoff_is_marked_late_and_saved_late(client, cast, clock):
    clock("2026-11-19", "09:00")
    sign_in(client, cast.carer)
    page = client.get(reverse("diary_day", args=[cast.patient.pk, "2026-11-18"])).content.decode()
    assert "will be marked late" in page
    response = client.post(save_url(cast.patient), form_data("2026-11-18"))
    assert response.status_code == 302
    assert DiaryEntry.objects.get(patient=cast.patient).timeliness == "late"


def test_a_day_past_the_backfill_window_is_locked(client, cast, clock):
    clock("2026-11-22", "09:00")  # 18 Nov locked at 04:00 on 22 Nov
    sign_in(client, cast.carer)
    page = client.get(reverse("diary_day", args=[cast.patient.pk, "2026-11-18"])).content.decode()
    assert "This day is locked" in page
    assert 'id="diary-form"' not in page
    response = client.post(save_url(cast.patient), form_data("2026-11-18"))
    assert response.status_code == 400
    assert "locked" in response.content.decode()
    assert entries(cast.patient) == 0


def test_a_future_day_has_no_page_and_cannot_be_saved(client, cast, clock):
    clock("2026-11-18", "21:00")
    sign_in(client, cast.carer)
    assert client.get(reverse("diary_day", args=[cast.patient.pk, "2026-11-19"])).status_code == 404
    response = client.post(save_url(cast.patient), form_data("2026-11-19"))
    assert response.status_code == 400
    assert "has not started yet" in response.content.decode()
    assert entries(cast.patient) == 0


def test_the_open_days_are_listed_with_late_marks(client, cast, clock):
    clock("2026-11-18", "21:00")
    sign_in(client, cast.carer)
    page = client.get(reverse("diary_today", args=[cast.patient.pk])).content.decode()
    for day in ("Tuesday 17 November", "Monday 16 November", "Sunday 15 November"):
        assert day in page
    assert "Saturday 14 November" not in page
    assert page.count('class="tag tag-late"') == 3


@pytest.mark.parametrize(
    ("saved_at", "late"), [("03:59:59", False), ("04:00:00", True)], ids=["on-time", "late"]
)
def test_a_saved_day_is_tagged_late_only_if_it_was_received_after_its_cutoff(
    client, cast, clock, saved_at, late
):
    clock("2026-11-19", saved_at)  # the cut-off of 18 November is 04:00 on the 19th
    sign_in(client, cast.carer)
    assert client.post(save_url(cast.patient), form_data("2026-11-18")).status_code == 302
    clock("2026-11-19", "09:00")  # looked at after the cut-off
    day = client.get(reverse("diary_day", args=[cast.patient.pk, "2026-11-18"])).content.decode()
    tags = re.search(r'<p class="day-tags">(.*?)</p>', day, re.S).group(1)
    assert ("tag-late" in tags) is late
    today = client.get(reverse("diary_today", args=[cast.patient.pk])).content.decode()
    listed = re.search(r'<li data-day="2026-11-18">(.*?)</li>', today, re.S).group(1)
    assert "saved" in listed and ("tag-late" in listed) is late
    # Days without an entry are still marked late: entering them now would be.
    assert today.count('class="tag tag-late"') == (3 if late else 2)


# --- saving ----------------------------------------------------------------------------------


def test_saving_stores_one_entry_and_shows_the_confirmation_with_the_week(client, cast, clock):
    clock("2026-11-18", "21:00")
    sign_in(client, cast.carer)
    response = client.post(save_url(cast.patient), form_data("2026-11-18", temperature_c="38.6"))
    assert response.status_code == 302
    version = EntryVersion.objects.get(entry__patient=cast.patient)
    scores = dict(version.scores.values_list("item_code", "score"))
    assert scores == {
        "fever": 1,  # chosen by the carer; the temperature is kept as measured
        "rash": 0,
        "musculoskeletal_pain": 2,
        "headache": None,
        "fatigue": 3,
    }
    assert str(version.temperature_c) == "38.6"
    assert version.source == "web"
    assert version.entered_by_role == "carer"
    page = client.get(response["Location"]).content.decode()
    assert "Saved for Wednesday 18 November" in page
    assert "<svg" in page and "control threshold" in page
    # One day of seven cannot give a 7-day score: the page says so instead of a number.
    assert "not enough entries yet this week" in page
    assert "Correct this day" in page


def test_fever_is_derived_from_the_temperature_when_not_chosen(client, cast, clock):
    clock("2026-11-18", "21:00")
    sign_in(client, cast.carer)
    client.post(
        save_url(cast.patient), form_data("2026-11-18", score_fever="", temperature_c="39.1")
    )
    version = EntryVersion.objects.get(entry__patient=cast.patient)
    assert version.scores.get(item_code="fever").score == 3
    page = client.get(reverse("diary_day", args=[cast.patient.pk, "2026-11-18"])).content.decode()
    assert "39.1 °C" in page
    assert "High fever" in page


def test_double_submit_with_the_same_key_stores_one_entry(client, cast, clock):
    clock("2026-11-18", "21:00")
    sign_in(client, cast.carer)
    data = form_data("2026-11-18")
    first = client.post(save_url(cast.patient), data)
    second = client.post(save_url(cast.patient), data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert entries(cast.patient) == 1
    assert EntryVersion.objects.filter(entry__patient=cast.patient).count() == 1


def test_a_second_form_for_a_saved_day_shows_the_existing_entry(client, cast, clock):
    clock("2026-11-18", "21:00")
    sign_in(client, cast.carer)
    client.post(save_url(cast.patient), form_data("2026-11-18"))
    response = client.post(save_url(cast.patient), form_data("2026-11-18", score_rash="4"))
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "already has an entry" in page
    assert EntryVersion.objects.filter(entry__patient=cast.patient).count() == 1


@pytest.mark.parametrize(
    "field, value",
    [
        ("score_fever", "5"),
        ("score_fever", "-1"),
        ("score_rash", "two"),
        ("score_fatigue", "1.5"),
        ("temperature_c", "47"),
        ("temperature_c", "38.65"),
        ("temperature_c", "hot"),
        ("notes", "x" * 2001),
        ("date", "2026-02-30"),
        ("date", "yesterday"),
        ("idempotency_key", "not-a-uuid"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(client, cast, clock, field, value):
    clock("2026-11-18", "21:00")
    sign_in(client, cast.carer)
    response = client.post(save_url(cast.patient), form_data("2026-11-18", **{field: value}))
    assert response.status_code == 400
    assert "This entry was not saved" in response.content.decode()
    assert DiaryEntry.objects.count() == 0


@pytest.mark.parametrize(
    ("language", "line"),
    [
        (
            "en",
            "Or type the highest temperature today (°C): "
            "Type a temperature from 30 to 45 °C, for example 38.5.",
        ),
        ("ja", "または今日の最高体温を入力(°C): 30〜45°Cの体温を入力してください(例: 38.5)。"),
    ],
)
def test_a_refused_answer_is_named_by_its_question_by_the_field_and_in_the_summary(
    client, cast, clock, language, line
):
    clock("2026-11-18", "21:00")
    sign_in(client, cast.carer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.post(save_url(cast.patient), form_data("2026-11-18", temperature_c="50"))
    page = response.content.decode()
    assert response.status_code == 400
    summary = re.search(
        r'<div class="error-summary" id="error-summary"([^>]*)>(.*?)</div>', page, re.S
    )
    assert "autofocus" in summary.group(1) and "hidden" not in summary.group(1)
    assert f'<a href="#id_temperature_c">{line}</a>' in summary.group(2)
    field = re.search(r'<input type="number" name="temperature_c"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in field
    assert 'aria-describedby="fever-derived id_temperature_c-error"' in field
    assert '<p class="error" id="id_temperature_c-error">' in page
    assert "temperature_c:" not in page


def test_a_correction_without_its_required_reason_says_which_question(client, cast, clock):
    saved(cast, "2026-11-18", at("2026-11-18", "21:00"))
    clock("2026-11-19", "10:00")
    sign_in(client, cast.carer)
    url = reverse("diary_correct", args=[cast.patient.pk, "2026-11-18"])
    page = client.post(url, form_data("2026-11-18")).content.decode()
    assert '<a href="#id_reason">Reason for the correction (required): ' in page
    assert '<label for="id_reason">Reason for the correction (required)</label>' in page


def test_an_unknown_item_sent_by_a_tampered_form_is_ignored_not_stored(client, cast, clock):
    clock("2026-11-18", "21:00")
    sign_in(client, cast.carer)
    client.post(save_url(cast.patient), form_data("2026-11-18", score_respiratory="4"))
    version = EntryVersion.objects.get(entry__patient=cast.patient)
    assert not version.scores.filter(item_code="respiratory").exists()


def test_sleep_hours_on_a_diary_without_sleep_are_ignored(client, cast, clock):
    clock("2026-11-18", "21:00")
    sign_in(client, cast.carer)
    client.post(save_url(cast.patient), form_data("2026-11-18", sleep_hours="3"))
    assert EntryVersion.objects.get(entry__patient=cast.patient).sleep_hours is None


# --- scope: another patient's id answers 404 and stores nothing ------------------------------


@pytest.mark.parametrize("member", MEMBERS)
@pytest.mark.parametrize("target", PATIENTS)
def test_pages_answer_only_inside_scope(client, cast, clock, member, target):
    clock("2026-11-18", "21:00")
    user, patient = cast.member(member), cast.member(target)
    if member != "anonymous":
        sign_in(client, user)
    urls = [
        reverse("diary_today", args=[patient.pk]),
        reverse("diary_day", args=[patient.pk, "2026-11-17"]),
        reverse("diary_history", args=[patient.pk]),
    ]
    for url in urls:
        response = client.get(url)
        if member == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        else:
            assert response.status_code == (200 if target in SEES[member] else 404), url


@pytest.mark.parametrize("target", ["other_patient", "unlinked_patient"])
def test_saving_for_another_patients_id_is_404_and_stores_nothing(client, cast, clock, target):
    clock("2026-11-18", "21:00")
    sign_in(client, cast.carer)
    patient = cast.member(target)
    response = client.post(save_url(patient), form_data("2026-11-18"))
    assert response.status_code == 404
    assert DiaryEntry.objects.count() == 0
    for url in (
        reverse("diary_correct", args=[patient.pk, "2026-11-18"]),
        reverse("diary_reminders", args=[patient.pk]),
        "/diary/999999999/",
        "/diary/99999999999999999999/",
    ):
        assert client.get(url).status_code == 404


def test_a_signed_out_post_stores_nothing(client, cast, clock):
    clock("2026-11-18", "21:00")
    response = client.post(save_url(cast.patient), form_data("2026-11-18"))
    assert response.status_code == 302
    assert DiaryEntry.objects.count() == 0


# --- corrections -----------------------------------------------------------------------------


def saved(cast: Any, day: str, now: datetime.datetime) -> DiaryEntry:
    submission = Submission(
        date=datetime.date.fromisoformat(day),
        scores={"fever": 1, "rash": 0, "musculoskeletal_pain": 2, "headache": 0, "fatigue": 1},
    )
    return submit_entry(
        patient=cast.patient, user=cast.carer, submission=submission, source="web", now=now
    ).entry


def test_a_same_evening_correction_needs_no_reason(client, cast, clock):
    now = clock("2026-11-18", "21:00")
    entry = saved(cast, "2026-11-18", now)
    sign_in(client, cast.carer)
    url = reverse("diary_correct", args=[cast.patient.pk, "2026-11-18"])
    page = client.get(url).content.decode()
    assert 'name="score_musculoskeletal_pain" value="2" checked' in page  # filled in
    data = form_data("2026-11-18", score_fatigue="4")
    del data["idempotency_key"]
    response = client.post(url, data)
    assert response.status_code == 302
    latest = entry.versions.order_by("-number").first()
    assert latest.number == 2
    assert latest.reason == "same-day edit"
    assert latest.scores.get(item_code="fatigue").score == 4


def test_a_late_correction_needs_a_reason(client, cast, clock):
    saved(cast, "2026-11-18", at("2026-11-18", "21:00"))
    clock("2026-11-19", "10:00")
    sign_in(client, cast.carer)
    url = reverse("diary_correct", args=[cast.patient.pk, "2026-11-18"])
    data = form_data("2026-11-18", score_fatigue="4")
    response = client.post(url, data)
    assert response.status_code == 400
    assert EntryVersion.objects.count() == 1
    response = client.post(url, {**data, "reason": "Forgot the tiredness"})
    assert response.status_code == 302
    assert EntryVersion.objects.order_by("-number").first().reason == "Forgot the tiredness"


def test_a_locked_day_cannot_be_corrected_by_a_carer(client, cast, clock):
    saved(cast, "2026-11-18", at("2026-11-18", "21:00"))
    clock("2026-11-25", "10:00")
    sign_in(client, cast.carer)
    url = reverse("diary_correct", args=[cast.patient.pk, "2026-11-18"])
    assert "This day is locked" in client.get(url).content.decode()
    response = client.post(url, {**form_data("2026-11-18"), "reason": "late"})
    assert response.status_code == 400
    assert EntryVersion.objects.count() == 1


# --- history ---------------------------------------------------------------------------------


def test_history_lists_four_weeks_with_missing_days_marked(client, cast, clock):
    now = clock("2026-11-18", "21:00")
    saved(cast, "2026-11-18", now)
    saved(cast, "2026-11-16", now)
    sign_in(client, cast.carer)
    page = client.get(reverse("diary_history", args=[cast.patient.pk])).content.decode()
    rows = re.findall(r"<li class=\"(missing)?\" data-day=\"[\d-]{10}\">", page)
    assert len(rows) == 28
    assert sum(1 for row in rows if row == "missing") == 26
    assert "missing — fill in" in page  # 17 and 15 November are still open
    assert page.count("<svg") == 1


# --- reminder settings -----------------------------------------------------------------------


def test_reminder_defaults_to_seven_in_the_evening_and_can_be_changed(client, cast):
    sign_in(client, cast.carer)
    url = reverse("diary_reminders", args=[cast.patient.pk])
    page = client.get(url).content.decode()
    assert 'value="19:00"' in page
    assert "London" in page and "Europe/London" not in page  # the place, not the zone's id
    response = client.post(url, {"reminder_time": "20:30"})  # unticked: opted out
    assert response.status_code == 302
    link = CarerLink.objects.get(carer=cast.carer, patient=cast.patient)
    assert link.reminder_time == datetime.time(20, 30)
    assert link.reminders_enabled is False
    assert client.post(url, {"reminder_time": "25:00"}).status_code == 400


def test_reminders_belong_to_carers(client, cast):
    sign_in(client, cast.clinician)
    assert client.get(reverse("diary_reminders", args=[cast.patient.pk])).status_code == 404


# --- sign-in, invitations, password reset ----------------------------------------------------


def test_carers_stay_signed_in_for_the_documented_period_clinicians_do_not(client, cast):
    response = client.post(
        reverse("login"), {"username": "carer", "password": "correct horse battery staple"}
    )
    assert response.status_code == 302
    age = client.session.get_expiry_age()
    assert abs(age - settings.CARER_SESSION_DAYS * 86400) < 60
    client.post(reverse("logout"))
    client.post(
        reverse("login"), {"username": "clinician", "password": "correct horse battery staple"}
    )
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE


def test_invitation_emails_a_link_that_sets_a_password_once(
    client, cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation, token = create_invitation(
            patient=cast.patient,
            email="grandma@example.org",
            relationship="grandparent",
            invited_by=cast.clinic_admin,
        )
    assert invitation.token_hash != token and token not in invitation.token_hash
    url = reverse("accept_invitation", args=[token])
    assert [m.to for m in mail.outbox] == [["grandma@example.org"]]
    assert url in mail.outbox[0].body
    weak = client.post(url, {"username": "grandma", "password1": "12345", "password2": "12345"})
    assert weak.status_code == 200 and not User.objects.filter(username="grandma").exists()
    password = "violet kettle harbour 42"
    response = client.post(
        url, {"username": "grandma", "password1": password, "password2": password}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("diary_today", args=[cast.patient.pk])
    user = User.objects.get(username="grandma")
    assert user.email == "grandma@example.org" and user.check_password(password)
    assert CarerLink.objects.filter(carer=user, patient=cast.patient).exists()
    assert abs(client.session.get_expiry_age() - settings.CARER_SESSION_DAYS * 86400) < 60
    client.logout()
    assert client.get(url).status_code == 404  # used
    assert client.post(url, {"username": "x2", "password1": password, "password2": password})
    assert not User.objects.filter(username="x2").exists()


def test_an_expired_invitation_cannot_be_used(client, cast):
    _invitation, token = create_invitation(
        patient=cast.patient,
        email="late@example.org",
        relationship="father",
        invited_by=cast.clinic_admin,
        now=timezone.now() - datetime.timedelta(days=settings.CARER_INVITATION_DAYS + 1),
    )
    assert client.get(reverse("accept_invitation", args=[token])).status_code == 404
    assert client.get(reverse("accept_invitation", args=["not-a-token"])).status_code == 404


def test_a_signed_in_carer_adds_an_invited_child_to_their_diary(client, cast):
    _invitation, token = create_invitation(
        patient=cast.unlinked_patient,
        email=cast.carer.email,
        relationship="mother",
        invited_by=cast.clinic_admin,
    )
    sign_in(client, cast.carer)
    response = client.post(reverse("accept_invitation", args=[token]))
    assert response.status_code == 302
    assert CarerLink.objects.filter(carer=cast.carer, patient=cast.unlinked_patient).exists()
    assert CarerInvitation.objects.get().accepted_by == cast.carer


@pytest.mark.parametrize("member", ["clinician", "carer", "outside_clinician"])
def test_only_a_clinic_admin_invites(cast, member):
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    with pytest.raises((PermissionDenied, Http404)):
        create_invitation(
            patient=cast.patient,
            email="x@example.org",
            relationship="father",
            invited_by=cast.member(member),
        )
    assert CarerInvitation.objects.count() == 0


def test_password_reset_sends_a_link_by_email(client, cast):
    response = client.post(reverse("password_reset"), {"email": cast.carer.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    assert "Choose a new password" in form.content.decode()
    password = "quiet meadow lantern 7"
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": password, "new_password2": password}
    )
    assert done.status_code == 302
    cast.carer.refresh_from_db()
    assert cast.carer.check_password(password)


@pytest.mark.parametrize(
    ("language", "today_label", "past_label"),
    [
        ("en", "Or type the highest temperature today (°C)", "highest temperature on Wed 18 Nov"),
        ("ja", "または今日の最高体温を入力(°C)", "または11/18(水)の最高体温を入力(°C)"),
    ],
)
def test_a_past_days_temperature_question_names_the_day(
    client, cast, clock, language, today_label, past_label
):
    now = clock("2026-11-18", "21:00")
    saved(cast, "2026-11-18", now)
    now = clock("2026-11-19", "09:00")
    sign_in(client, cast.carer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    today = client.get(reverse("diary_today", args=[cast.patient.pk])).content.decode()
    assert today_label in today
    correct = reverse("diary_correct", args=[cast.patient.pk, "2026-11-18"])
    page = client.get(correct).content.decode()
    assert past_label in page and today_label not in page
    refused = client.post(correct, {**form_data("2026-11-18", temperature_c="50"), "reason": "x"})
    assert refused.status_code == 400 and past_label in refused.content.decode()
    late_day = client.get(reverse("diary_day", args=[cast.patient.pk, "2026-11-17"]))
    assert today_label not in late_day.content.decode()


# --- languages -------------------------------------------------------------------------------


def test_the_browser_language_picks_japanese_with_dates_in_japanese(client, cast, clock):
    clock("2026-11-18", "21:00")
    sign_in(client, cast.carer)
    page = client.get(
        reverse("diary_today", args=[cast.patient.pk]), HTTP_ACCEPT_LANGUAGE="ja"
    ).content.decode()
    assert '<html lang="ja">' in page
    assert "11月18日(水)" in page
    assert "発熱" in page and "熱なし" in page  # item label and anchor from the instrument
    assert "保存" in page  # Save
    assert "リアルタイム" in page  # the safety line


def test_the_language_switch_is_kept_on_the_device_and_for_emails(client, cast):
    sign_in(client, cast.carer)
    response = client.post(reverse("set_language"), {"language": "ja", "next": "/diary/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ja"
    cast.carer.refresh_from_db()
    assert cast.carer.language == "ja"
    evil = client.post(reverse("set_language"), {"language": "en", "next": "https://evil.test/"})
    assert evil["Location"] == "/"


def test_signing_in_with_a_japanese_browser_remembers_japanese_for_emails(client, cast):
    client.post(
        reverse("login"),
        {"username": "carer", "password": "correct horse battery staple"},
        HTTP_ACCEPT_LANGUAGE="ja",
    )
    cast.carer.refresh_from_db()
    assert cast.carer.language == "ja"


# --- the installable app and the page's weight ------------------------------------------------


def test_service_worker_is_served_from_the_root_scope(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Content-Type"].startswith("text/javascript")
    body = response.content.decode()
    assert body.startswith("const VERSION = ")
    assert "/static/css/app.css" in body


def test_manifest_makes_the_diary_installable(client):
    manifest = client.get("/manifest.webmanifest").json()
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes


def test_the_diary_page_transfers_under_60_kb_compressed(client, cast, clock):
    from django.contrib.staticfiles import finders

    clock("2026-11-18", "21:00")
    CarerLink.objects.create(carer=cast.carer, patient=cast.unlinked_patient, relationship="father")
    sign_in(client, cast.carer)
    html = client.get(reverse("diary_today", args=[cast.unlinked_patient.pk])).content
    assets = re.findall(rb'(?:href|src)="/static/([^"]+\.(?:css|js))"', html)
    assert sorted(assets) == [b"css/app.css", b"js/diary.js", b"js/form-errors.js"]
    assert not re.search(rb'(?:href|src)="(?:https?:)?//', html)  # no third-party request
    total = len(gzip.compress(html))
    for asset in assets:
        with open(finders.find(asset.decode()), "rb") as handle:
            total += len(gzip.compress(handle.read()))
    print(f"diary page, compressed: {total} bytes")
    assert total < 60 * 1024


def test_the_day_page_query_count_does_not_grow_with_history(
    client, cast, clock, django_assert_max_num_queries
):
    now = clock("2026-11-18", "21:00")
    for offset in range(4):
        saved(
            cast, (datetime.date(2026, 11, 15) + datetime.timedelta(days=offset)).isoformat(), now
        )
    sign_in(client, cast.carer)
    with django_assert_max_num_queries(20):
        client.get(reverse("diary_today", args=[cast.patient.pk]))
