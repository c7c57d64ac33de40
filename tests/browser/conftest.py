"""Real Chromium (Debian's, at /usr/bin/chromium) driven by Playwright at phone size.

Playwright never downloads a browser here. Without Chromium the tests skip, except under
CI=true, where they fail. The sync Playwright API keeps an event loop in the test thread, so
Django's guard against ORM calls from async code is lifted for these tests only.
"""

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import service_missing

CHROMIUM = Path("/usr/bin/chromium")
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    if not CHROMIUM.exists():
        service_missing(f"Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def phone(chromium: Any, live_server: Any, settings: Any) -> Iterator[Any]:
    """A fresh phone (browser context, English) pointed at the live server."""
    # The live server speaks plain HTTP on localhost.
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    context = chromium.new_context(base_url=live_server.url, locale="en-GB", **PHONE)
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def japanese_phone(chromium: Any, live_server: Any, settings: Any) -> Iterator[Any]:
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    context = chromium.new_context(base_url=live_server.url, locale="ja-JP", **PHONE)
    context.set_default_timeout(10_000)
    yield context
    context.close()
