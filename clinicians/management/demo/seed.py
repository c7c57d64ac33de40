"""Writes the demo data: two clinics, their staff, carers and six months of diaries.

Everything except the passwords is the same on every run: each diary day is generated from a
random generator seeded with the patient reference and the date, so running the seeder again
later only adds the days that have passed since (and never rewrites a stored entry). Passwords
are fresh on every run and only ever printed, never stored in settings or code.
"""

import datetime
import random
import secrets
import uuid
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from clinicians.management.demo.cast import (
    CARER_NAMES,
    CLINICS,
    DEMO_DAYS,
    NOTES,
    PATIENTS,
    PROMINENT,
    STAFF,
    STORIES,
    DemoPatient,
    demo_language,
    in_clinic_language,
)
from clinicians.management.demo.nights import evaluate_last_nights
from clinicians.management.demo.records import seed_records
from diary.audit import ROLE_SYSTEM, audit_context
from diary.clinics import Clinic, ClinicMembership
from diary.entry_batches import Receipt, submit_entries
from diary.models import CarerLink, Patient, PatientIdentity, Source
from diary.services import Submission, correct_entry

KEY_NAMESPACE = uuid.UUID("6f1d2c1e-4b1a-4a55-9a34-1f0e1c2d3b4a")


@dataclass
class DemoAccount:
    username: str
    password: str
    role: str
    clinic: str | None
    patients: list[str] = field(default_factory=list)
    # Base32 key of the account's authenticator (staff and the site admin; carers have none).
    totp_secret: str | None = None


def seed(now: datetime.datetime | None = None) -> list[DemoAccount]:
    """Create or top up the demo data; return every demo account with a fresh password."""
    now = now or timezone.now()
    with (
        audit_context(role=ROLE_SYSTEM, reason="demo data", origin="command:seed_demo"),
        transaction.atomic(),
    ):
        clinics = {prefix: _clinic(prefix, name, tz) for prefix, name, tz in CLINICS}
        accounts = _staff(clinics) + _carers()
        users = {a.username: _user(a) for a in accounts}
        for spec in PATIENTS:
            patient = _patient(spec, clinics[spec.reference[:3]], now)
            for username, relationship in spec.carers:
                CarerLink.objects.get_or_create(
                    carer=users[username],
                    patient=patient,
                    defaults={"relationship": relationship},
                )
            _diaries(spec, patient, users[spec.carers[0][0]], now)
            seed_records(spec, patient, users, now)
        site_admin = DemoAccount("site-admin", secrets.token_urlsafe(12), "site_admin", None)
        users[site_admin.username] = _superuser(site_admin)
        for account in [*accounts, site_admin]:
            if account.role != "carer":
                account.totp_secret = _fresh_authenticator(users[account.username])
    # After the commit: the nightly job queues its work once what it reads is committed.
    evaluate_last_nights(now)
    by_clinic = {p: [s.reference for s in PATIENTS if s.reference[:3] == p] for p in clinics}
    for account in accounts:
        if account.clinic:
            account.patients = by_clinic[account.clinic]
        else:
            account.patients = [s.reference for s in PATIENTS if account.username in dict(s.carers)]
    return [*accounts, site_admin]


def _clinic(prefix: str, name: str, tz: str) -> Clinic:
    clinic, _ = Clinic.objects.get_or_create(
        reference_prefix=prefix, defaults={"name": name, "time_zone": tz}
    )
    return clinic


def _staff(clinics: dict[str, Clinic]) -> list[DemoAccount]:
    return [
        DemoAccount(username, secrets.token_urlsafe(12), role, prefix)
        for username, _first, _last, prefix, role, _lang in STAFF
    ]


def _carers() -> list[DemoAccount]:
    return [DemoAccount(u, secrets.token_urlsafe(12), "carer", None) for u in CARER_NAMES]


def _user(account: DemoAccount) -> Any:
    names = {s[0]: (s[1], s[2], s[5]) for s in STAFF} | CARER_NAMES
    first, last, language = names[account.username]
    user, _ = get_user_model().objects.get_or_create(
        username=account.username,
        defaults={
            "first_name": first,
            "last_name": last,
            "language": language,
            "email": f"{account.username}@example.org",
        },
    )
    user.set_password(account.password)
    user.save(update_fields=["password"])
    if account.clinic:
        clinic = Clinic.objects.get(reference_prefix=account.clinic)
        ClinicMembership.objects.get_or_create(
            user=user, clinic=clinic, defaults={"role": account.role}
        )
    return user


def _fresh_authenticator(user: Any) -> str:
    """A new confirmed TOTP device for a demo staff account; returns its base32 key."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from diary.two_factor import base32_secret

    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(user=user, name="demo authenticator", confirmed=True)
    return base32_secret(device)


def _superuser(account: DemoAccount) -> Any:
    user, _ = get_user_model().objects.get_or_create(
        username=account.username,
        defaults={"is_staff": True, "is_superuser": True, "email": "site-admin@example.org"},
    )
    user.set_password(account.password)
    user.save(update_fields=["password"])
    return user


def _patient(spec: DemoPatient, clinic: Clinic, now: datetime.datetime) -> Patient:
    patient, created = Patient.objects.get_or_create(
        reference=spec.reference,
        defaults={
            "clinic": clinic,
            "birth_year": spec.born.year,
            "disease": spec.disease,
            "time_zone": spec.time_zone,
        },
    )
    if created:
        PatientIdentity.objects.create(
            patient=patient, display_name=spec.name, date_of_birth=spec.born
        )
        # Registered the day before their first diary day: the nightly job counts missed days
        # from registration, and a diary gap in the demo's last nights should count.
        zone = zoneinfo.ZoneInfo(spec.time_zone)
        first = now.astimezone(zone).date() - datetime.timedelta(days=DEMO_DAYS - 1 - spec.joined)
        patient.created_at = datetime.datetime.combine(first, datetime.time(12), tzinfo=zone)
        patient.created_at -= datetime.timedelta(days=1)
        patient.save(update_fields=["created_at"])
    return patient


def _diaries(spec: DemoPatient, patient: Patient, carer: Any, now: datetime.datetime) -> None:
    """Store the days not stored yet in one batch, then the few corrections carers made."""
    zone = zoneinfo.ZoneInfo(spec.time_zone)
    today = now.astimezone(zone).date()
    first = today - datetime.timedelta(days=DEMO_DAYS - 1)
    stored = set(patient.entries.values_list("date", flat=True))
    from diary.instruments import current_instrument

    items = current_instrument(patient).item_codes
    receipts, corrections = [], []
    for offset in range(spec.joined, DEMO_DAYS):
        day = first + datetime.timedelta(days=offset)
        if day in stored:
            continue
        rng = random.Random(f"{spec.reference}:{day.isoformat()}")
        plan = _day_plan(spec, items, offset, rng, zone, day)
        if plan is None or plan["received_at"] > now:
            continue
        receipts.append(
            Receipt(
                submission=plan["submission"],
                source=plan["source"],
                received_at=plan["received_at"],
                idempotency_key=uuid.uuid5(KEY_NAMESPACE, f"{spec.reference}:{day.isoformat()}"),
            )
        )
        # Corrections one by one are slow; the last four months' are enough to show them.
        correction = plan["correction"]
        if correction is not None and correction[1] <= now and offset >= DEMO_DAYS - 120:
            corrections.append(correction)
    submit_entries(patient=patient, user=carer, receipts=receipts)
    entries = {e.date: e for e in patient.entries.filter(date__in=[c[0].date for c in corrections])}
    for submission, corrected_at in corrections:
        correct_entry(
            entry=entries[submission.date],
            user=carer,
            submission=submission,
            source=Source.WEB,
            reason=in_clinic_language(spec, "Scored the wrong item by mistake"),
            now=corrected_at,
        )


def _day_plan(
    spec: DemoPatient,
    items: tuple[str, ...],
    offset: int,
    rng: random.Random,
    zone: zoneinfo.ZoneInfo,
    day: datetime.date,
) -> dict[str, Any] | None:
    # A holiday gap for one patient, and the stories of the last days (STORIES).
    days_ago = DEMO_DAYS - 1 - offset
    story = STORIES.get(spec.story, range(0))
    if spec.reference == "GOS-0003" and 320 <= offset < 325:
        return None
    if spec.story == "gap" and days_ago in story:
        return None
    start = spec.treatment_day
    # About one missed evening in twelve, but families keep the week before a cohort visit.
    before_visit = start is not None and any(
        0 < start + 7 * week - offset <= 7 for week in (0, 20, 32, 52)
    )
    if rng.random() < 0.08 and not before_visit:
        return None
    # Improvement builds up over about six weeks after treatment start.
    ramp = 0.0 if start is None or offset < start else min(1.0, (offset - start) / 42)
    level = spec.severity * (1 - spec.response * ramp)
    flare = 0.8 if rng.random() < 0.04 else 0.0
    if spec.story == "flare" and days_ago in story:
        flare = 1.4
    scores: dict[str, int | None] = {}
    for code in items:
        weight = 1.25 if code in PROMINENT else 0.6
        value = rng.gauss(level * weight + flare, 0.55)
        scores[code] = max(0, min(4, round(value)))
        if rng.random() < 0.03:
            scores[code] = None  # not assessed
    temperature = None
    if scores.get("fever"):
        temperature = (
            Decimal("37.6")
            + Decimal(scores["fever"]) * Decimal("0.5")
            + Decimal(rng.randint(0, 4)) / 10
        )
        scores["fever"] = None  # the carer typed the temperature; the band gives the score
    if spec.story == "fever" and days_ago in story and "fever" in scores:
        temperature, scores["fever"] = Decimal("40.4"), None
    sleep = None
    if "sleep" in scores and scores["sleep"] is not None and rng.random() < 0.5:
        sleep = Decimal(str(max(1.0, 9.0 - 1.8 * scores["sleep"] - rng.random()))).quantize(
            Decimal("0.5")
        )
        scores["sleep"] = None
    late = rng.random() < 0.06
    evening = datetime.datetime.combine(day, datetime.time(19, 30), tzinfo=zone)
    received = evening + datetime.timedelta(minutes=rng.randint(0, 180))
    if late:
        received = datetime.datetime.combine(
            day + datetime.timedelta(days=1), datetime.time(12, 0), tzinfo=zone
        ) + datetime.timedelta(minutes=rng.randint(0, 360))
    notes = rng.choice(NOTES[demo_language(spec)]) if rng.random() < 0.12 else ""
    submission = Submission(
        date=day,
        scores=scores,
        temperature_c=temperature,
        sleep_hours=sleep,
        notes=notes,
        captured_at=received - datetime.timedelta(seconds=rng.randint(5, 90)),
    )
    correction = None
    if rng.random() < 0.03:
        fixed = dict(scores)
        code = rng.choice([c for c in items if c not in ("fever", "sleep")])
        fixed[code] = max(0, (fixed[code] or 0) - 1)
        correction = (
            Submission(
                date=day, scores=fixed, temperature_c=temperature, sleep_hours=sleep, notes=notes
            ),
            received + datetime.timedelta(days=1, hours=2),
        )
    return {
        "submission": submission,
        "source": Source.OFFLINE if rng.random() < 0.1 else Source.WEB,
        "received_at": received,
        "correction": correction,
    }
