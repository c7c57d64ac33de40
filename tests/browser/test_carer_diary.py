"""The carer's evening in real Chromium on a phone-sized screen, controls found by their
accessible names: sign in, record, confirm; double tap; offline and back; signed out while
offline; a day saved elsewhere meanwhile; two children; Japanese."""

from __future__ import annotations

import datetime
import os
import re
from typing import Any

import pytest
from django.utils import timezone, translation

from diary import wording
from diary.days import DayRules
from diary.models import CarerLink, DiaryEntry, EntryVersion
from diary.services import Submission, submit_entry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"
QUEUE = "ifn-diary-queue-v1"


def sign_in(page: Any, username: str, button: str = "Sign in") -> None:
    page.goto("/accounts/login/")
    page.get_by_label(re.compile("Username|ユーザー名")).fill(username)
    page.get_by_label(re.compile("^(Password|パスワード)$")).fill(PASSWORD)
    page.get_by_role("button", name=button).click()
    page.wait_for_url(re.compile(r"/diary/\d+/$"))


def tonight(patient: Any, language: str = "en") -> tuple[datetime.date, str]:
    day = DayRules.for_patient(patient).offered_day(timezone.now())
    with translation.override(language):
        return day, wording.long_day(day)


def temperature_label(patient: Any, language: str = "en") -> str:
    """The temperature question on the form of the offered day: "today" on the day itself; from
    midnight to the 04:00 cut-off the offered day is yesterday, and the question names it."""
    rules = DayRules.for_patient(patient)
    now = timezone.now()
    day = rules.offered_day(now)
    with translation.override(language):
        named = wording.short_day(day)
    if day == rules.local_date(now):
        return {
            "en": "Or type the highest temperature today (°C)",
            "ja": "または今日の最高体温を入力(°C)",
        }[language]
    return {
        "en": f"Or type the highest temperature on {named} (°C)",
        "ja": f"または{named}の最高体温を入力(°C)",
    }[language]


def fill_evening(page: Any) -> None:
    choose(page, "Fever", "1 Slightly raised temperature")
    choose(page, "Rash", "0 No rash")
    choose(page, "Joint or muscle pain", "2 Pain limits some activity")
    choose(page, "Headache", "Not assessed")
    choose(page, "Tiredness", "3 Rested for much of the day")


def choose(page: Any, item: str, choice: str) -> None:
    page.get_by_role("group", name=item).get_by_role("radio", name=choice, exact=True).check()


def kept_for_offline(page: Any) -> None:
    """Wait until the service worker controls the page and a copy of it is kept.

    Installing fetches every asset; with both database passes running at once on two cores
    that has taken over 10 s, so the wait allows 30."""
    page.wait_for_function("() => !!navigator.serviceWorker.controller", timeout=30_000)
    script = "async () => !!(await (await caches.open('ifn-diary-pages')).match(location.href))"
    for _ in range(300):
        if page.evaluate(script):
            return
        page.wait_for_timeout(100)
    raise AssertionError("the page was not kept for offline use")


def queued(page: Any) -> list[dict[str, Any]]:
    return list(
        page.evaluate(f"() => Object.values(JSON.parse(localStorage['{QUEUE}'] || '{{}}'))")
    )


def snap(page: Any, name: str) -> None:
    """A full-page screenshot into $SCREENSHOT_DIR, when set (to look at what a carer sees)."""
    folder = os.environ.get("SCREENSHOT_DIR")
    if folder:
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


def entry_count(patient: Any) -> int:
    return DiaryEntry.objects.filter(patient=patient).count()


def test_sign_in_record_an_evening_and_see_the_confirmation_and_chart(phone, cast):
    page = phone.new_page()
    violations: list[str] = []
    page.on(
        "console",
        lambda message: violations.append(message.text)
        if "Content Security Policy" in message.text or "Refused to" in message.text
        else None,
    )
    sign_in(page, "carer")
    day, words = tonight(cast.patient)
    assert page.get_by_role("heading", level=1).inner_text() == f"Diary for {words}"
    assert page.get_by_text(cast.patient.display_name).first.is_visible()
    assert page.get_by_role("contentinfo").get_by_text("not watched in real time").is_visible()
    fill_evening(page)
    page.get_by_label(temperature_label(cast.patient)).fill("38.7")
    # Fever follows the temperature bands, and says so.
    assert page.get_by_role("group", name="Fever").get_by_role("radio", name="2 Fever").is_checked()
    assert page.locator("#fever-derived").inner_text() == "Fever from the temperature: 2 (Fever)"
    page.get_by_label("Note (optional)").fill("Tired after school")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("heading", name=f"Saved for {words}").wait_for()
    assert page.get_by_role("img", name="7-day score this week").is_visible()
    assert page.get_by_text("not enough entries yet this week").is_visible()
    assert page.get_by_role("link", name="Correct this day").is_visible()
    version = EntryVersion.objects.get(entry__patient=cast.patient, entry__date=day)
    assert dict(version.scores.values_list("item_code", "score")) == {
        "fever": 2,
        "rash": 0,
        "musculoskeletal_pain": 2,
        "headache": None,
        "fatigue": 3,
    }
    assert str(version.temperature_c) == "38.7" and version.notes == "Tired after school"
    assert version.captured_at is not None
    snap(page, "carer-saved")
    # The strict CSP (no inline script or style) holds on the sign-in, diary and saved pages.
    assert violations == []


def test_double_tap_on_save_stores_one_entry(phone, cast):
    page = phone.new_page()
    sign_in(page, "carer")
    _day, words = tonight(cast.patient)
    fill_evening(page)
    page.get_by_role("button", name="Save").dblclick()
    page.get_by_role("heading", name=f"Saved for {words}").wait_for()
    assert entry_count(cast.patient) == 1
    assert EntryVersion.objects.filter(entry__patient=cast.patient).count() == 1


def test_offline_save_reload_and_reconnect_stores_exactly_one_entry(phone, cast):
    page = phone.new_page()
    sign_in(page, "carer")
    kept_for_offline(page)
    _day, words = tonight(cast.patient)
    phone.set_offline(True)
    fill_evening(page)
    page.get_by_role("button", name="Save").click()
    status = page.get_by_role("status").filter(has_text="waiting to send")
    status.wait_for()
    assert entry_count(cast.patient) == 0
    page.reload()  # offline: the service worker answers with the kept page
    page.get_by_role("heading", name=f"Diary for {words}").wait_for()
    status.wait_for()
    assert not page.locator("#diary-form").is_visible()  # no blank form for a waiting day
    assert [item["status"] for item in queued(page)] == ["pending"]
    assert entry_count(cast.patient) == 0
    phone.set_offline(False)
    page.get_by_role("heading", name=f"Saved for {words}").wait_for()
    assert entry_count(cast.patient) == 1
    assert EntryVersion.objects.get(entry__patient=cast.patient).source == "offline"
    page.reload()
    assert entry_count(cast.patient) == 1


def test_offline_save_then_signed_out_and_in_again_still_arrives(phone, cast, live_server):
    page = phone.new_page()
    sign_in(page, "carer")
    kept_for_offline(page)
    _day, words = tonight(cast.patient)
    phone.set_offline(True)
    fill_evening(page)
    page.get_by_role("button", name="Save").click()
    page.get_by_role("status").filter(has_text="waiting to send").wait_for()
    # Signed out meanwhile (the session ends on the server and the cookie goes).
    token = next(c["value"] for c in phone.cookies() if c["name"] == "csrftoken")
    phone.request.post(
        "/accounts/logout/",
        form={"csrfmiddlewaretoken": token},
        headers={"Referer": live_server.url + "/"},
    )
    phone.set_offline(False)  # the replay is refused (403) and stays queued
    page.get_by_role("status").filter(has_text="Sign in again to send it").wait_for()
    assert entry_count(cast.patient) == 0
    assert [item["status"] for item in queued(page)] == ["pending"]
    sign_in(page, "carer")  # the next page load sends it
    page.get_by_role("heading", name=f"Saved for {words}").wait_for()
    assert entry_count(cast.patient) == 1
    # Signing out clears what was sent, and the pages kept for offline use.
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile("/accounts/login/"))
    assert queued(page) == []
    assert not page.evaluate("async () => (await caches.keys()).includes('ifn-diary-pages')")
    phone.set_offline(True)  # and the diary no longer opens offline
    page.goto(f"/diary/{cast.patient.pk}/")
    assert "You are offline" in page.content()


def test_a_day_saved_elsewhere_while_offline_is_shown_not_dropped(phone, cast):
    page = phone.new_page()
    sign_in(page, "carer")
    kept_for_offline(page)
    day, _words = tonight(cast.patient)
    phone.set_offline(True)
    fill_evening(page)
    page.get_by_role("button", name="Save").click()
    page.get_by_role("status").filter(has_text="waiting to send").wait_for()
    scores = {"fever": 0, "rash": 0, "musculoskeletal_pain": 0, "headache": 0, "fatigue": 0}
    submit_entry(
        patient=cast.patient,
        user=cast.carer,
        submission=Submission(date=day, scores=scores),
        source="web",
    )
    phone.set_offline(False)
    page.get_by_role("status").filter(has_text="this day already has an entry").wait_for()
    assert entry_count(cast.patient) == 1
    assert [item["status"] for item in queued(page)] == ["conflict"]
    page.get_by_role("button", name="Dismiss").click()
    assert queued(page) == []


def test_a_carer_of_two_children_switches_between_them(phone, cast):
    CarerLink.objects.create(carer=cast.carer, patient=cast.unlinked_patient, relationship="mother")
    page = phone.new_page()
    sign_in(page, "carer")
    children = page.get_by_role("navigation", name="Your children")
    first, second = sorted([cast.patient, cast.unlinked_patient], key=lambda p: p.display_name)
    current = page.get_by_role("link", name=first.display_name)
    assert children.get_by_role("link", name=second.display_name).is_visible()
    children.get_by_role("link", name=second.display_name).click()
    page.wait_for_url(f"**/diary/{second.pk}/")
    assert children.get_by_role("link", name=second.display_name).get_attribute("aria-current")
    # The AGS diary of the second child asks for sleep hours; everything is per patient.
    if second.disease == "AGS":
        assert page.get_by_label("Or type the longest sleep without waking (hours)").is_visible()
    page.get_by_role("link", name="The last four weeks").click()
    children.get_by_role("link", name=first.display_name).click()
    page.wait_for_url(f"**/diary/{first.pk}/history/")
    assert current.count() == 1
    snap(page, "carer-history")


def test_the_diary_in_japanese(japanese_phone, cast):
    page = japanese_phone.new_page()
    sign_in(page, "carer", button="ログイン")
    day, words = tonight(cast.patient, "ja")
    assert page.get_by_role("heading", level=1).inner_text() == f"{words}の日誌"
    assert re.fullmatch(r"\d{1,2}月\d{1,2}日\(.\)", words)
    group = page.get_by_role("group", name="発熱")
    group.get_by_role("radio", name="0 熱なし").check()
    page.get_by_role("group", name="皮疹").get_by_role("radio", name="1 少しある").check()
    page.get_by_label(temperature_label(cast.patient, "ja")).fill("38.0")
    assert group.get_by_role("radio", name="1 微熱").is_checked()
    assert "リアルタイム" in page.get_by_role("contentinfo").inner_text()
    snap(page, "carer-ja")
    page.get_by_role("button", name="保存").click()
    page.get_by_role("heading", name=f"{words}の記録を保存しました").wait_for()
    assert page.get_by_role("img", name="今週の7日間スコア").is_visible()
    assert entry_count(cast.patient) == 1 and day
