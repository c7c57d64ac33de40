"""WCAG 2.2 AA as axe-core checks it, on every carer and staff page, in English and Japanese,
at phone size, desk size and 200% zoom; and no page scrolls sideways at 390 px or 200% zoom.

axe-core comes from npm (pinned in package.json, installed by ``npm ci``) and is run in
Debian's Chromium. Each language × size is one test that walks every page of
``tests.browser.page_walk`` as the person who sees it and fails listing every violation (rule,
element, help), every id reference to a missing element and every page wider than the screen;
it also fails when a page template was not rendered by the walk (``test_page_walk.py`` does
the same for page URLs). 200% zoom is a 640 × 400 CSS-pixel viewport at device scale 2: what
Chromium lays out when a 1280 × 800 desk screen is zoomed to 200%, media queries included
(CSS ``zoom`` would leave the media queries at desk width).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.test.signals import template_rendered
from django_otp.plugins.otp_totp.models import TOTPDevice

from diary.models import User
from diary.security import start_signed_in_session
from tests.browser import page_walk
from tests.browser.page_walk import Visit, World
from tests.conftest import current_code, service_missing, sign_in, verified_device

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(django_settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0–2.2 A and AA, plus axe's best practices: the audit's findings (the footer's landmark
# and role, empty action-column headers) are best-practice rules.
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}
# axe reports a reference to a missing id (help text the template did not give its id) only as
# "needs review", so the walk checks every id reference itself.
MISSING_IDS = """() => {
  const names = ['aria-describedby', 'aria-labelledby', 'aria-controls', 'for'];
  const missing = [];
  for (const el of document.querySelectorAll(names.map(n => `[${n}]`).join(','))) {
    for (const name of names) {
      for (const id of (el.getAttribute(name) || '').split(/\\s+/).filter(Boolean)) {
        if (!document.getElementById(id)) missing.push(`${el.localName} ${name}="${id}"`);
      }
    }
  }
  return missing;
}"""
# The outermost elements that reach past the screen's right edge, to name in a failure.
TOO_WIDE = """(width) => [...document.body.querySelectorAll('*')]
  .filter(el => el.getBoundingClientRect().right > width + 1
    && el.parentElement.getBoundingClientRect().right <= width + 1)
  .slice(0, 4).map(el => [el.localName, ...el.classList].join('.'))"""
RUN_AXE = """async (options) => (await axe.run(document, options)).violations.map(v => ({
  id: v.id, help: v.help, targets: v.nodes.map(n => n.target.join(' '))}))"""
SIZES = {
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "is_mobile": True,
        "has_touch": True,
        "device_scale_factor": 2,
    },
    "desk": {"viewport": {"width": 1280, "height": 800}},
    "zoom200": {"viewport": {"width": 640, "height": 400}, "device_scale_factor": 2},
}
REFLOW_SIZES = {"phone", "zoom200"}  # WCAG 1.4.10: no sideways scrolling at these widths
LANGUAGES = {"en": "en-GB", "ja": "ja-JP"}
TEMPLATES = Path(django_settings.BASE_DIR) / "templates"


class Walk:
    """One browser context per person; collects axe violations and too-wide pages."""

    def __init__(self, chromium: Any, base_url: str, size: str, language: str) -> None:
        self.chromium, self.base_url, self.size, self.language = chromium, base_url, size, language
        self.axe = AXE.read_text(encoding="utf-8")
        self.problems: list[str] = []
        self.contexts: list[Any] = []

    def person(self) -> Any:
        """A new browser (context) for one person, in the walk's language and size."""
        context = self.chromium.new_context(
            base_url=self.base_url, locale=LANGUAGES[self.language], **SIZES[self.size]
        )
        context.set_default_timeout(15_000)
        self.contexts.append(context)
        return context.new_page()

    def check(self, page: Any, label: str) -> None:
        """Runs axe on the page as it is now (and checks its width at the narrow sizes)."""
        page.wait_for_load_state("load")
        where = f"{self.language} {self.size} {label} ({page.url.removeprefix(self.base_url)})"
        # Playwright's evaluate runs over the DevTools protocol, which the page's CSP does not
        # govern, so axe needs no inline <script> and the CSP is tested as served.
        page.evaluate(self.axe)
        for violation in page.evaluate(RUN_AXE, AXE_OPTIONS):
            targets = "; ".join(violation["targets"][:5])
            self.problems.append(f"{where}: {violation['id']} at {targets} — {violation['help']}")
        for reference in page.evaluate(MISSING_IDS):
            self.problems.append(f"{where}: {reference} names no element on the page")
        if self.size in REFLOW_SIZES:
            width = SIZES[self.size]["viewport"]["width"]  # type: ignore[index]
            scroll = page.evaluate("document.documentElement.scrollWidth")
            if scroll > width:
                wide = ", ".join(page.evaluate(TOO_WIDE, width))
                self.problems.append(
                    f"{where}: the page is {scroll} px wide on a {width} px screen ({wide})"
                )

    def visit(self, page: Any, visits: list[Visit], w: World) -> None:
        for visit in visits:
            page.goto(visit.path(w))
            self.check(page, visit.name)


def signed_in(walk: Walk, user: Any, *, second_factor: bool = True) -> Any:
    """A page whose browser holds a session of ``user``, made as a sign-in makes it (the
    sign-in pages themselves are walked as the anonymous visitor); staff have passed
    two-factor unless ``second_factor`` is false."""
    client = Client()
    if second_factor:
        sign_in(client, user)
    else:
        client.force_login(user)
        session = client.session
        start_signed_in_session(session, user)
        session.save()
    name = django_settings.SESSION_COOKIE_NAME
    page = walk.person()
    page.context.add_cookies(
        [{"name": name, "value": client.cookies[name].value, "url": walk.base_url}]
    )
    return page


@pytest.fixture
def rendered() -> Iterator[set[str]]:
    """The names of the templates the live server renders during the test."""
    names: set[str] = set()

    def note(sender: Any, template: Any, **kwargs: Any) -> None:
        names.add(template.name)

    template_rendered.connect(note)
    yield names
    template_rendered.disconnect(note)


@pytest.fixture
def walk(chromium: Any, live_server: Any, settings: Any, request: Any) -> Iterator[Walk]:
    if not AXE.exists():
        service_missing(f"axe-core at {AXE} (npm ci)")
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.AXES_FAILURE_LIMIT = 2  # the lockout page after one refused sign-in
    language, size = request.param
    walk = Walk(chromium, live_server.url, size, language)
    yield walk
    for context in walk.contexts:
        context.close()


def _anonymous(walk: Walk, w: World) -> None:
    page = walk.person()
    walk.visit(page, page_walk.ANONYMOUS, w)
    page.goto("/accounts/login/")
    for label in ("login refused", "locked out"):
        page.fill("#id_username", "nobody")
        page.fill("#id_password", "wrong")
        page.click("form.stack button[type=submit]")
        walk.check(page, label)


def _carers(walk: Walk, w: World, cast: Any) -> None:
    walk.visit(signed_in(walk, cast.carer), page_walk.CARER, w)
    newcomer = signed_in(walk, User.objects.get(username="new-carer"))
    newcomer.goto("/")
    walk.check(newcomer, "home")


def _staff(walk: Walk, w: World, cast: Any) -> None:
    newcomer = User.objects.get(username="new-clinician")
    page = signed_in(walk, newcomer, second_factor=False)
    page.goto("/accounts/two-factor/setup/")
    walk.check(page, "two_factor_setup")
    page.fill("#id_code", current_code(TOTPDevice.objects.get(user=newcomer)))
    page.click("form.stack button[type=submit]")
    walk.check(page, "two_factor_setup (recovery codes)")
    verified_device(cast.clinic_admin)  # an authenticator, so sign-in asks for its code
    page = signed_in(walk, cast.clinic_admin, second_factor=False)
    page.goto("/accounts/two-factor/")
    walk.check(page, "two_factor_verify")
    walk.visit(signed_in(walk, cast.clinic_admin), page_walk.STAFF, w)


@pytest.mark.parametrize(
    "walk",
    [(language, size) for language in LANGUAGES for size in SIZES],
    ids=lambda param: "-".join(param),
    indirect=True,
)
def test_every_page_passes_axe_and_reflows(walk, cast, rendered):
    w = page_walk.world(cast)
    _anonymous(walk, w)
    _carers(walk, w, cast)
    _staff(walk, w, cast)
    assert not walk.problems, f"{len(walk.problems)} problems:\n" + "\n".join(walk.problems)
    assert _page_templates() <= rendered, "pages not walked: " + ", ".join(
        sorted(_page_templates() - rendered)
    )


EXTENDS = re.compile(r"""{%\s*extends\s+["']([^"']+)["']""")


def _page_templates() -> set[str]:
    """Every template that is a page of its own: not a partial (``_name``), an email, or a
    layout other pages extend."""
    names = {
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if not path.name.startswith("_") and "email" not in str(path.relative_to(TEMPLATES))
    }
    layouts = {
        match
        for name in names
        for match in EXTENDS.findall((TEMPLATES / name).read_text(encoding="utf-8"))
    }
    return names - layouts
