"""What an accessibility engine cannot see on the carer's pages, in real Chromium at phone size:
focused controls never hidden by the Save bar, a refused save that is announced where the
carer is looking (with and without JavaScript, in English and Japanese), the focus ring's
contrast, touch targets, and the offline banner and day list."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.utils import timezone, translation

from diary import wording
from diary.days import DayRules
from diary.models import DiaryEntry
from diary.services import Submission, submit_entry
from tests.browser.conftest import PHONE
from tests.browser.test_carer_diary import (
    PASSWORD,
    fill_evening,
    kept_for_offline,
    queued,
    sign_in,
    temperature_label,
    tonight,
)
from tests.conftest import current_code, verified_device

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The focused element (by its box), the Save bar's box, and whether one overlaps the other.
FOCUS_BOXES = """() => {
  const el = document.activeElement;
  const bar = el && el.form ? el.form.querySelector('.save-bar') : null;
  if (!el || el === document.body) return null;
  const box = el.getBoundingClientRect();
  const result = {name: el.name || el.id || el.textContent.trim(), top: box.top,
                  bottom: box.bottom, inBar: !!(bar && bar.contains(el)), covered: false};
  if (bar && !result.inBar) {
    const b = bar.getBoundingClientRect();
    result.covered = box.bottom > b.top && box.top < b.bottom;
  }
  result.offscreen = box.bottom > innerHeight || box.top < 0;
  return result;
}"""

# WCAG relative luminance contrast of two computed "rgb(...)" colours.
CONTRAST = """([first, second]) => {
  const lum = (css) => {
    const [r, g, b] = css.match(/[\\d.]+/g).slice(0, 3).map(Number).map((c) => {
      c /= 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [a, b] = [lum(first), lum(second)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}"""

# The colour behind an element's outline: the nearest ancestor's opaque background.
BACKGROUND_BEHIND = """(el) => {
  for (let node = el.parentElement; node; node = node.parentElement) {
    const colour = getComputedStyle(node).backgroundColor;
    if (colour !== 'rgba(0, 0, 0, 0)' && colour !== 'transparent') return colour;
  }
  return 'rgb(255, 255, 255)';
}"""


def focused(page: Any) -> dict[str, Any] | None:
    return page.evaluate(FOCUS_BOXES)  # type: ignore[no-any-return]


# --- focus never hidden (WCAG 2.4.11) --------------------------------------------------------


def test_tabbing_through_the_form_never_hides_the_focused_control_behind_the_save_bar(phone, cast):
    page = phone.new_page()
    sign_in(page, "carer")
    page.get_by_role("heading", level=1).click()
    seen, hidden = [], []
    for _ in range(60):
        page.keyboard.press("Tab")
        where = focused(page)
        if where is None:
            continue
        if where["name"] and where["name"].startswith("score_"):
            # Every option of a score group, with the arrow keys, as a keyboard user meets them.
            for _option in range(5):
                page.keyboard.press("ArrowDown")
                option = focused(page)
                if option and (option["covered"] or option["offscreen"]):
                    hidden.append(option)
        seen.append(where["name"])
        if where["covered"] or where["offscreen"]:
            hidden.append(where)
        if where["inBar"]:
            break
    assert "temperature_c" in seen and "score_fatigue" in seen and "notes" in seen
    assert seen[-1] == "Save", seen
    assert hidden == []


# --- the focus ring --------------------------------------------------------------------------


def test_the_focus_ring_on_score_options_has_three_to_one_contrast(phone, cast):
    page = phone.new_page()
    sign_in(page, "carer")
    fever = page.get_by_role("group", name="Fever")
    fever.get_by_role("radio", name="1 Slightly raised temperature").focus()
    page.keyboard.press("ArrowDown")  # keyboard focus, so :focus-visible applies
    for checked in (True, False):
        face = page.locator("input[name=score_fever]:focus + .face")
        style = face.evaluate("el => getComputedStyle(el)")
        assert style["outlineStyle"] != "none" and float(style["outlineWidth"][:-2]) >= 2
        behind = face.evaluate(BACKGROUND_BEHIND)
        ratio = page.evaluate(CONTRAST, [style["outlineColor"], behind])
        assert ratio >= 3, (style["outlineColor"], behind, ratio)
        if checked:
            page.keyboard.press("Tab")
            page.keyboard.press("Shift+Tab")  # the same option, now focused and checked
    # A gap of the card's colour separates the ring from a checked option's own colour.
    assert float(style["outlineOffset"][:-2]) >= 2


# --- touch targets ---------------------------------------------------------------------------


def test_the_carers_links_are_at_least_44_pixels_square(phone, cast):
    page = phone.new_page()
    sign_in(page, "carer")
    for name in ("The last four weeks", "Evening reminder"):
        box = page.get_by_role("link", name=name).bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44, (name, box)


def test_the_forgotten_password_link_is_at_least_44_pixels_square(phone, cast):
    page = phone.new_page()
    page.goto("/accounts/login/")
    box = page.get_by_role("link", name="Forgotten your password?").bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44, box


# --- a refused save --------------------------------------------------------------------------

# "label" is the temperature question on today's form (tests of tonight's form use
# ``temperature_label``: after midnight the offered day is yesterday's and the question names it).
ENGLISH = {
    "label": "Or type the highest temperature today (°C)",
    "message": "Type a temperature from 30 to 45 °C, for example 38.5.",
    "save": "Save",
    "sign_in": "Sign in",
}
JAPANESE = {
    "label": "または今日の最高体温を入力(°C)",
    "message": "30〜45°Cの体温を入力してください(例: 38.5)。",
    "save": "保存",
    "sign_in": "ログイン",
}


def assert_refusal_shown_where_the_carer_looks(page: Any, words: dict[str, str]) -> None:
    """The summary at the top has focus and names the question; the field says it too."""
    summary = page.locator("#error-summary")
    summary.wait_for()
    assert page.evaluate("() => document.activeElement.id") == "error-summary"
    link = summary.get_by_role("link", name=f"{words['label']}: {words['message']}")
    assert link.get_attribute("href") == "#id_temperature_c"
    field = page.get_by_label(words["label"])
    assert field.get_attribute("aria-invalid") == "true"
    described = field.get_attribute("aria-describedby").split()
    said = [page.locator(f"#{name}").inner_text() for name in described]
    assert words["message"] in said
    assert "temperature_c" not in page.locator("main").inner_text()
    link.click()  # the summary leads to the question
    assert page.evaluate("() => document.activeElement.id") == "id_temperature_c"


def test_a_refused_save_without_javascript_is_shown_by_the_field_and_in_a_summary(
    chromium, live_server, settings, cast
):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    context = chromium.new_context(
        base_url=live_server.url, locale="en-GB", java_script_enabled=False, **PHONE
    )
    try:
        words = {**ENGLISH, "label": temperature_label(cast.patient)}
        page = context.new_page()
        sign_in(page, "carer")
        fill_evening(page)
        page.get_by_label(words["label"]).fill("50")
        page.get_by_role("button", name="Save").click()
        page.get_by_role("heading", name="This entry was not saved.").wait_for()
        # Without the page's script the summary link is an ordinary in-page link.
        summary = page.locator("#error-summary")
        assert page.evaluate("() => document.activeElement.id") == "error-summary"
        assert summary.get_by_role("link").inner_text() == (
            f"{words['label']}: {ENGLISH['message']}"
        )
        field = page.get_by_label(words["label"])
        assert field.get_attribute("aria-invalid") == "true"
        assert "id_temperature_c-error" in field.get_attribute("aria-describedby").split()
        assert page.locator("#id_temperature_c-error").inner_text() == ENGLISH["message"]
        assert field.input_value() == "50"  # what the carer typed is kept
        assert "temperature_c" not in page.locator("main").inner_text()
        assert DiaryEntry.objects.count() == 0
    finally:
        context.close()


@pytest.mark.parametrize("language", ["en", "ja"])
def test_a_save_the_api_refuses_is_shown_by_the_field_and_in_a_summary(
    phone, japanese_phone, cast, language
):
    words = ENGLISH if language == "en" else JAPANESE
    words = {**words, "label": temperature_label(cast.patient, language)}
    page = (phone if language == "en" else japanese_phone).new_page()
    sign_in(page, "carer", button=words["sign_in"])
    page.locator("input[name=score_rash][value='0']").check()
    page.get_by_label(words["label"]).fill("50")
    page.get_by_role("button", name=words["save"]).click()
    assert_refusal_shown_where_the_carer_looks(page, words)
    assert DiaryEntry.objects.count() == 0 and queued(page) == []
    assert page.locator("#queue").is_hidden()  # no line in the queue's box
    # Corrected, the entry is saved, and the marks go.
    page.get_by_label(words["label"]).fill("38.5")
    assert page.get_by_label(words["label"]).get_attribute("aria-invalid") == "true"
    page.get_by_role("button", name=words["save"]).click()
    _day, day_words = tonight(cast.patient, language)
    page.wait_for_function("() => !document.getElementById('diary-form')")
    assert DiaryEntry.objects.count() == 1
    assert day_words in page.get_by_role("heading", level=1).inner_text()


# --- offline ---------------------------------------------------------------------------------


def test_offline_is_shown_at_once_the_waiting_day_is_listed_and_both_survive_a_reload(phone, cast):
    page = phone.new_page()
    sign_in(page, "carer")
    kept_for_offline(page)
    day, _words = tonight(cast.patient)
    banner = page.locator("#offline-banner")
    assert banner.is_hidden()
    phone.set_offline(True)  # no Save yet: the banner comes with the lost connection
    banner.wait_for()
    assert "You are offline. You can still fill in the diary" in banner.inner_text()
    page.get_by_role("button", name="Save").scroll_into_view_if_needed()
    assert -1 <= banner.bounding_box()["y"] < 20  # in sight at the bottom of the form too
    fill_evening(page)
    page.get_by_role("button", name="Save").click()
    page.get_by_role("status").filter(has_text="waiting to send").first.wait_for()
    listed = page.locator(f"[data-day-list] [data-day='{day.isoformat()}']")
    assert "waiting to send" in listed.inner_text()
    assert "not filled in" not in listed.inner_text()
    page.reload()  # still offline: the kept page, with the banner and the waiting day
    banner.wait_for()
    assert "waiting to send" in listed.inner_text()
    assert [item["status"] for item in queued(page)] == ["pending"]
    phone.set_offline(False)  # sent, and the page shows it saved
    page.get_by_role("heading", name=re.compile("^Saved for")).wait_for()
    assert banner.is_hidden()
    assert DiaryEntry.objects.filter(patient=cast.patient, date=day).count() == 1


# --- a past day's question, and the two-factor code ------------------------------------------


@pytest.mark.parametrize("language", ["en", "ja"])
def test_correcting_a_past_day_asks_for_that_days_temperature(
    phone, japanese_phone, cast, language
):
    rules = DayRules.for_patient(cast.patient)
    yesterday = rules.local_date(timezone.now()) - datetime.timedelta(days=1)
    scores = {"fever": 0, "rash": 0, "musculoskeletal_pain": 0, "headache": 0, "fatigue": 0}
    submission = Submission(date=yesterday, scores=scores)
    submit_entry(patient=cast.patient, user=cast.carer, submission=submission, source="web")
    words = ENGLISH if language == "en" else JAPANESE
    page = (phone if language == "en" else japanese_phone).new_page()
    sign_in(page, "carer", button=words["sign_in"])
    page.goto(f"/diary/{cast.patient.pk}/{yesterday.isoformat()}/correct/")
    with translation.override(language):
        named = wording.short_day(yesterday)
    expected = {
        "en": f"Or type the highest temperature on {named} (°C)",
        "ja": f"または{named}の最高体温を入力(°C)",
    }[language]
    assert page.get_by_label(expected).is_visible()
    assert page.get_by_label(words["label"]).count() == 0


def test_the_right_two_factor_code_straight_after_a_wrong_one_signs_in(phone, cast):
    device = verified_device(cast.carer)
    page = phone.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("carer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile("/accounts/two-factor/"))
    code = page.get_by_label("Code from your authenticator app, or a recovery code")
    code.fill(f"{(int(current_code(device)) + 1) % 1_000_000:06d}")
    page.get_by_role("button", name="Verify").click()
    page.get_by_role("alert").filter(has_text="That code is not right").wait_for()
    device.refresh_from_db()
    code.fill(current_code(device))  # at once, as a carer who mistyped one digit would
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(re.compile(r"/diary/\d+/$"))
