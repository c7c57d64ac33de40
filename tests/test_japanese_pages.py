"""Every staff and carer page, read in Japanese, has no English words but a short allowlist.

The pages come from the page matrix (``tests/test_page_matrix.py``): each URL name there is
either rendered here (``PAGES``) or named in ``NOT_HTML`` with the reason, so a new page fails
``test_every_page_is_scanned`` until it is read in Japanese too. The patient's diary, records,
alerts and notes are written in Japanese first, so English on a page is the product's own.
Visible text and the attributes people read or hear (``alt``, ``aria-label``, ``title``,
``placeholder``, a button's ``value``) are checked; scripts, styles, identifiers shown as
``<code>`` (the audit trail's field names and origins) and anything marked ``lang="en"``
(the switch to English) are not. Usernames are data, not words of the product.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.utils import timezone

from clinicians.models import Alert
from clinicians.nightly.reminders import unsubscribe_token
from clinicians.records import services as records
from diary.clinics import Clinic
from diary.days import DayRules
from diary.invitations import create_invitation
from diary.models import User
from diary.services import Submission, correct_entry, submit_entry
from tests.clinicians.clinic_data import CANDLE, write_days
from tests.conftest import sign_in
from tests.test_page_matrix import MATRIX, _path

# Words a Japanese page may show in Latin letters: the product's initials, disease codes and
# score names as Japanese clinicians write them, file formats, units.
ALLOWED = {
    "IFN",
    "ID",
    "PRAAS",
    "English",  # the language's own name, in the language choice
    "DDS",
    "PGA",
    "CANDLE",
    "NNS",
    "SAVI",
    "STING",
    "AGS",
    "CSV",
    "FHIR",
    "JSON",
    "ZIP",
    "QR",
    "mg",
    "kg",
    "cm",
    "iv",
    "IV",
    "API",
    "JAGA",
    "PostgreSQL",
    "README",
}
# Patient references (ABC-0001), e-mail addresses, web and authenticator addresses, paths, an
# authenticator key, the time zone a form asks for by example, units after a number.
NOT_WORDS = re.compile(
    r"[A-Z]{3}-\d{4}|[\w.+-]+@[\w.-]+|\w+://\S+|/[\w/.-]+|\b[A-Z2-7]{16,}\b|Asia/Tokyo"
    r"|mg/kg(?:/day)?|°C|\d+\s*[a-z]{1,2}\b"
)
WORD = re.compile(r"[A-Za-z]{2,}")
READ_ATTRIBUTES = ("alt", "aria-label", "title", "placeholder")

# url name → (who reads it, the path or None for the matrix's path)
PAGES = {
    "diary_today": ("carer", None),
    "diary_history": ("carer", None),
    "diary_reminders": ("carer", None),
    "diary_day": ("carer", "day"),
    "diary_correct": ("carer", "correct"),
    "login": ("anonymous", None),
    "accept_invitation": ("anonymous", "invitation"),
    "account": ("carer", None),
    "password_change": ("carer", None),
    "password_change_done": ("carer", None),
    "two_factor_verify": ("clinician", None),
    "two_factor_setup": ("carer", None),
    "password_reset": ("anonymous", None),
    "password_reset_done": ("anonymous", None),
    "password_reset_confirm": ("anonymous", "reset"),
    "password_reset_complete": ("anonymous", None),
    "reminders_unsubscribe": ("anonymous", "unsubscribe"),
    "clinic:dashboard": ("clinician", None),
    "clinic:day": ("clinician", None),
    "clinic:day_print": ("clinician", None),
    "clinic:patient": ("clinician", None),
    "clinic:summary": ("clinician", None),
    "clinic:audit": ("clinician", None),
    "clinic:records": ("clinician", None),
    "clinic:transcribe": ("clinician", None),
    "clinic:data_rights": ("clinic_admin", None),
    "clinic:admin_clinic": ("clinic_admin", None),
    "clinic:admin_patient_new": ("clinic_admin", None),
    "clinic:admin_patient_edit": ("clinic_admin", None),
    "clinic:admin_instrument": ("clinic_admin", None),
    "cohort:page": ("clinician", None),
}
NOT_HTML = {
    "home": "redirects to the reader's start page",
    "clinic:admin_home": "redirects to the clinic page",
    "service_worker": "script",
    "manifest": "JSON, read in test_the_manifest_is_japanese",
    "healthz": "monitoring",
    "nightly_health": "monitoring",
    "clinic:clinic_csv": "CSV: column names are the export's documented interface",
    "clinic:patient_csv": "CSV",
    "clinic:audit_csv": "CSV",
    "clinic:audit_json": "JSON",
    "clinic:patient_fhir": "FHIR JSON",
    "clinic:data_rights_export": "ZIP archive",
    "cohort:csv": "CSV",
}


class _Reader(HTMLParser):
    """The text a person reads or hears on a page."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skipping: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if self.skipping or tag in ("script", "style", "code") or attributes.get("lang") == "en":
            if tag not in ("input", "img", "br", "meta", "link"):
                self.skipping.append(tag)
            return
        self.parts.extend(attributes[name] or "" for name in READ_ATTRIBUTES if name in attributes)
        if tag == "input" and attributes.get("type") in ("submit", "button"):
            self.parts.append(attributes.get("value") or "")

    def handle_endtag(self, tag):
        if self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def english_words(html: str, data: tuple[str, ...] = ()) -> list[str]:
    """The Latin-letter words of ``html`` that are not on the allowlist or in ``data``."""
    reader = _Reader()
    reader.feed(html)
    text = NOT_WORDS.sub(" ", " ".join(reader.parts))
    for value in data:
        text = text.replace(value, " ")
    return sorted({word for word in WORD.findall(text) if word not in ALLOWED})


@pytest.fixture
def japanese_world(cast):
    """The cast's patient with five weeks of diary, a correction, alerts, records and a visit
    today, all written in Japanese, and staff with Japanese names."""
    names = {"clinician": ("一郎", "山田"), "clinic_admin": ("花子", "佐藤"), "carer": ("母", "")}
    for member, (first, last) in names.items():
        user = cast.member(member)
        user.first_name, user.last_name, user.language = first, last, "ja"
        user.save()
    cast.clinic.name = "京都小児科"
    cast.clinic.save()
    for patient, name in ((cast.patient, "はなこ"), (cast.unlinked_patient, "たろう")):
        patient.identity.display_name = name
        patient.identity.save()
    patient = cast.patient
    today = DayRules.for_patient(patient).offered_day(timezone.now())
    days = {today - datetime.timedelta(days=n): dict.fromkeys(CANDLE, n % 4) for n in range(2, 36)}
    write_days(patient, cast.carer, days, notes={today - datetime.timedelta(2): "夕方に発熱"})
    submit_entry(
        patient=patient,
        user=cast.carer,
        submission=Submission(
            date=today - datetime.timedelta(1), scores={"fever": 4}, notes="高熱"
        ),
        source="web",
    )
    entry = patient.entries.get(date=today - datetime.timedelta(2))
    correct_entry(
        entry=entry,
        user=cast.clinician,
        submission=Submission(date=entry.date, scores=dict.fromkeys(CANDLE, 1)),
        source="web",
        reason="電話で確認",
    )
    _records(cast, today)
    _alerts(cast, today)
    return cast


def _records(cast, today):
    patient, user, now = cast.patient, cast.clinician, timezone.now()
    start = today - datetime.timedelta(20)
    records.add_treatment_course(
        patient=patient, user=user, drug="バリシチニブ", start_date=start, regimen="1日2回 2 mg"
    )
    records.add_measurement(
        patient=patient, user=user, kind="weight", date=start, value=Decimal("21.5")
    )
    records.add_measurement(
        patient=patient, user=user, kind="height", date=start, value=Decimal("118")
    )
    records.add_steroid_dose(
        patient=patient, user=user, drug="prednisolone", mg_per_day=Decimal("5"), from_date=start
    )
    records.add_pga(patient=patient, user=user, date=start, score=Decimal("4.5"))
    records.add_appointment(
        patient=patient, user=user, starts_at=now + datetime.timedelta(hours=1), clinician=user
    )
    records.add_study_period(
        patient=patient,
        user=user,
        name="baseline",
        start=start - datetime.timedelta(14),
        end=start - datetime.timedelta(1),
        is_pre_treatment=True,
    )


def _alerts(cast, today):
    from clinicians.nightly.services import evaluate_patients

    evaluate_patients([cast.patient.pk], today - datetime.timedelta(1), now=timezone.now())
    for alert in Alert.objects.filter(patient=cast.patient)[:1]:
        alert.status, alert.acknowledged_by = Alert.Status.ACKNOWLEDGED, cast.clinician
        alert.acknowledged_at, alert.acknowledgement_note = timezone.now(), "家族に電話した"
        alert.save()


def _special_path(world, kind):
    if kind in ("day", "correct"):
        day = DayRules.for_patient(world.patient).offered_day(timezone.now())
        path = f"/diary/{world.patient.pk}/{day - datetime.timedelta(1)}/"
        return path + "correct/" if kind == "correct" else path
    if kind == "invitation":
        return "/invite/{}/".format(
            create_invitation(
                patient=world.patient,
                email="new@example.org",
                relationship="father",
                invited_by=world.clinic_admin,
                language="ja",
            )[1]
        )
    if kind == "unsubscribe":
        link = world.carer.carer_links.get(patient=world.patient)
        return f"/reminders/unsubscribe/{unsubscribe_token(link.pk)}/"
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(world.carer.pk))
    return f"/accounts/reset/{uid}/{default_token_generator.make_token(world.carer)}/"


def test_every_page_is_scanned():
    answers_a_page = {name for name, statuses in MATRIX.items() if 200 in statuses.values()}
    assert answers_a_page <= set(PAGES) | set(NOT_HTML)
    assert set(PAGES) <= set(MATRIX) and not set(PAGES) & set(NOT_HTML)


def _read_in_japanese(client, world, name):
    member, special = PAGES[name]
    if member != "anonymous":
        sign_in(client, world.member(member))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ja"
    path = _special_path(world, special) if special else _path(world, name)
    response = client.get(path, follow=True)
    assert response.status_code == 200, path
    return response.content.decode()


@pytest.mark.parametrize("name", sorted(PAGES))
def test_the_page_reads_in_japanese(client, japanese_world, name):
    html = _read_in_japanese(client, japanese_world, name)
    assert Alert.objects.filter(patient=japanese_world.patient).exists()
    data = (
        *User.objects.values_list("username", flat=True),
        *Clinic.objects.values_list("reference_prefix", flat=True),
    )
    words = english_words(html, data)
    assert not words, f"{name}: {len(words)} English words: {' '.join(words)}"
