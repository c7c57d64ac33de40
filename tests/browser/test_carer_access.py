"""What an accessibility engine cannot see on the carer's pages, in real Chromium at phone size:
focused controls never hidden by the Save bar, a refused save that is announced where the
carer is looking (with and without JavaScript, in English and Japanese), the focus ring's
contrast, touch targets, and the offline banner and day list."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.test_carer_diary import (
    sign_in,
)

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
