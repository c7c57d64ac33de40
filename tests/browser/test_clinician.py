"""The clinician side in real Chromium at desktop size: dashboard → patient → acknowledge an
alert → print the pre-clinic summary to PDF; and stored XSS: carer notes full of script,
event-handler and template payloads render as text on every clinician page."""

from __future__ import annotations

import datetime
import os
import re
import zoneinfo
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from clinicians.alerts.models import Alert
from clinicians.records import services as clinical
from diary.days import DayRules
from diary.models import User
from tests.clinicians.clinic_data import CANDLE, write_days
from tests.conftest import current_code, verified_device

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PAYLOADS = [
    "<script>window.__xss=1</script>",
    '<img src=x onerror="window.__xss=1">',
    "{{ 7*7 }}",
    '{% now "Y" %}',
]


@pytest.fixture
def desktop(chromium: Any, live_server: Any, settings: Any) -> Iterator[Any]:
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    context = chromium.new_context(base_url=live_server.url, locale="en-GB", **DESKTOP)
    context.set_default_timeout(10_000)
    yield context
    context.close()


def sign_in(page: Any, username: str) -> None:
    """Password, then the code from the staff member's authenticator (two-factor)."""
    device = verified_device(User.objects.get(username=username))
    page.goto("/accounts/login/")
    page.get_by_label(re.compile("Username")).fill(username)
    page.get_by_label(re.compile("^Password$")).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/accounts/two-factor/"))
    page.get_by_label(re.compile("authenticator app")).fill(current_code(device))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_load_state()


def csp_violations(page: Any) -> list[str]:
    """Collects every Content Security Policy violation the page reports from now on."""
    found: list[str] = []
    page.on(
        "console",
        lambda message: found.append(message.text)
        if "Content Security Policy" in message.text or "Refused to" in message.text
        else None,
    )
    return found


def snap(page: Any, name: str) -> None:
    folder = os.environ.get("SCREENSHOT_DIR")
    if folder:
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


def _clinic_world(cast: Any, notes: dict[int, str]) -> datetime.date:
    """28 days of diary (scores 1), notes on some days, an open alert, treatment, a steroid
    dose, a weight and an appointment tomorrow."""
    today = DayRules.for_patient(cast.patient).offered_day(timezone.now())
    days = {today - datetime.timedelta(days=d): dict.fromkeys(CANDLE, 1) for d in range(28)}
    write_days(
        cast.patient,
        cast.carer,
        days,
        notes={today - datetime.timedelta(days=d): text for d, text in notes.items()},
    )
    start = today - datetime.timedelta(days=14)
    user = cast.clinician
    clinical.add_treatment_course(
        patient=cast.patient, user=user, drug="baricitinib", start_date=start, regimen="2 mg bd"
    )
    clinical.add_measurement(
        patient=cast.patient, user=user, kind="weight", date=start, value=Decimal(25)
    )
    clinical.add_steroid_dose(
        patient=cast.patient,
        user=user,
        drug="prednisolone",
        mg_per_day=Decimal(10),
        from_date=start - datetime.timedelta(days=20),
    )
    clinical.add_appointment(
        patient=cast.patient,
        user=user,
        starts_at=timezone.now() + datetime.timedelta(days=1),
        clinician=user,
        purpose="Review",
    )
    Alert.objects.create(
        patient=cast.patient,
        rule="above_threshold",
        audience="care_team",
        diary_date=today,
        reason="7-day DDS 1.000 is at or above the control threshold 0.5.",
        opened_at=timezone.now(),
    )
    return today


def _appointment_day(cast: Any) -> datetime.date:
    """The clinic's calendar day of the appointment booked for tomorrow."""
    moment = timezone.now() + datetime.timedelta(days=1)
    return moment.astimezone(zoneinfo.ZoneInfo(cast.clinic.time_zone)).date()


def _pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def test_dashboard_patient_acknowledge_and_print_the_summary(desktop, cast, tmp_path):
    _clinic_world(cast, {0: "Rash worse this evening"})
    page = desktop.new_page()
    sign_in(page, "clinician")
    page.goto("/clinic/")
    row = page.get_by_role("row", name=re.compile("AAA-0001"))
    assert "1 open" in row.inner_text() and "active" in row.inner_text()
    snap(page, "clinician-dashboard")

    row.get_by_role("link", name=re.compile("AAA-0001")).click()
    page.wait_for_url(re.compile(rf"/clinic/patients/{cast.patient.pk}/$"))
    trend = page.get_by_role("img", name="7-day DDS")
    assert trend.is_visible()
    assert page.locator("svg.trend line.control-line").count() >= 1
    snap(page, "clinician-patient")

    alert = page.locator("article.alert-item.open")
    alert.get_by_label("Note").fill("Called the family; review tomorrow")
    alert.get_by_role("button", name="Acknowledge").click()
    page.wait_for_url(re.compile(r"#alerts$"))
    assert page.get_by_text("Alert acknowledged.").is_visible()
    acknowledged = Alert.objects.get()
    assert acknowledged.status == "acknowledged" and acknowledged.acknowledged_by == cast.clinician
    assert acknowledged.acknowledgement_note == "Called the family; review tomorrow"

    page.get_by_role("link", name="Pre-clinic summary").click()
    page.wait_for_url(re.compile(r"/summary/$"))
    assert page.get_by_text("Rash worse this evening").is_visible()
    page.emulate_media(media="print")
    assert not page.locator(".clinic-nav").is_visible()  # the print stylesheet hides navigation
    pdf = page.pdf(path=str(tmp_path / "summary.pdf"), format="A4", print_background=True)
    assert pdf.startswith(b"%PDF") and _pdf_pages(pdf) == 1
    folder = os.environ.get("SCREENSHOT_DIR")
    if folder:
        (tmp_path / "summary.pdf").replace(os.path.join(folder, "clinician-summary.pdf"))


def test_the_clinic_day_prints_every_summary_one_page_each(desktop, cast):
    _clinic_world(cast, {})
    page = desktop.new_page()
    sign_in(page, "clinician")
    page.goto(f"/clinic/day/?date={_appointment_day(cast).isoformat()}")
    page.get_by_role("link", name="Print all summaries").click()
    page.emulate_media(media="print")
    assert _pdf_pages(page.pdf(format="A4")) == page.locator("article.sheet").count() == 1


def test_stored_xss_in_notes_renders_as_text_on_every_clinician_page(desktop, cast):
    _clinic_world(cast, dict(enumerate(PAYLOADS)))
    cast.patient.identity.display_name = '<img src=x onerror="window.__xss=1">'
    cast.patient.identity.save()
    tomorrow = _appointment_day(cast)
    pk = cast.patient.pk
    pages = [
        "/clinic/",
        f"/clinic/patients/{pk}/",
        f"/clinic/patients/{pk}/?range=4w",
        f"/clinic/patients/{pk}/summary/",
        f"/clinic/patients/{pk}/records/",
        f"/clinic/patients/{pk}/transcribe/",
        f"/clinic/day/?date={tomorrow.isoformat()}",
        f"/clinic/day/print/?date={tomorrow.isoformat()}",
        f"/clinic/admin/{cast.clinic.pk}/",
    ]
    page = desktop.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    violations = csp_violations(page)
    sign_in(page, "clinic-admin")
    for url in pages:
        page.goto(url)
        page.wait_for_load_state("load")
        assert page.evaluate("window.__xss") is None, url
        text = page.locator("main").inner_text()
        assert '<img src=x onerror="window.__xss=1">' in text, url
        assert page.locator("main img[src=x]").count() == 0, url
        if "/patients/" in url and ("summary" in url or url.endswith(f"/{pk}/") or "range" in url):
            for payload in PAYLOADS:
                assert payload in text, (url, payload)
    assert dialogs == []
    # The strict CSP (no inline script or style) holds on every clinician page.
    assert violations == []
