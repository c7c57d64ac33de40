"""Deterministic demo data: two clinics, their staff, carers and six months of diaries.

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

from diary.audit import ROLE_SYSTEM, audit_context
from diary.clinics import Clinic, ClinicMembership
from diary.models import CarerLink, Patient, PatientIdentity, Source
from diary.services import Submission, correct_entry, submit_entry

DEMO_DAYS = 182
KEY_NAMESPACE = uuid.UUID("6f1d2c1e-4b1a-4a55-9a34-1f0e1c2d3b4a")

CLINICS = [
    ("GOS", "Great Ormond Street Hospital – Paediatric Rheumatology", "Europe/London"),
    ("KYO", "京都大学医学部附属病院 小児科", "Asia/Tokyo"),
]
STAFF = [
    # username, first name, last name, clinic prefix, role, language
    ("gos-dr-okafor", "Ngozi", "Okafor", "GOS", "clinician", "en"),
    ("gos-dr-hughes", "Tom", "Hughes", "GOS", "clinician", "en"),
    ("gos-admin", "Priya", "Shah", "GOS", "clinic_admin", "en"),
    ("kyo-dr-tanaka", "由紀", "田中", "KYO", "clinician", "ja"),
    ("kyo-dr-sato", "健二", "佐藤", "KYO", "clinician", "ja"),
    ("kyo-admin", "愛子", "森", "KYO", "clinic_admin", "ja"),
]


@dataclass(frozen=True)
class DemoPatient:
    reference: str
    name: str
    born: datetime.date
    disease: str
    time_zone: str
    carers: tuple[tuple[str, str], ...]  # (carer username, relationship)
    severity: float  # mean item score before treatment
    response: float  # fraction of the burden that treatment removes
    treatment_day: int  # days after the start of the demo period


PATIENTS = [
    DemoPatient(
        "GOS-0001",
        "Amelia Patel",
        datetime.date(2016, 3, 14),
        "CANDLE",
        "Europe/London",
        (("carer-patel", "mother"),),
        1.9,
        0.85,
        70,
    ),
    DemoPatient(
        "GOS-0002",
        "Oliver Evans",
        datetime.date(2013, 9, 2),
        "SAVI",
        "Europe/London",
        (("carer-evans", "father"),),
        2.1,
        0.45,
        84,
    ),
    DemoPatient(
        "GOS-0003",
        "Isla Murphy",
        datetime.date(2019, 1, 27),
        "AGS",
        "Europe/London",
        (("carer-murphy", "mother"),),
        1.5,
        0.35,
        60,
    ),
    DemoPatient(
        "GOS-0004",
        "Noah Patel",
        datetime.date(2018, 11, 5),
        "CANDLE",
        "Europe/London",
        (("carer-patel", "mother"),),
        1.4,
        0.7,
        98,
    ),
    DemoPatient(
        "GOS-0005",
        "Freya Williams",
        datetime.date(2010, 6, 19),
        "OTHER",
        "Europe/London",
        (("carer-williams", "grandparent"),),
        1.3,
        0.6,
        77,
    ),
    DemoPatient(
        "GOS-0006",
        "Leo Brown",
        datetime.date(2015, 4, 8),
        "SAVI",
        "America/New_York",
        (("carer-brown", "guardian"),),
        1.8,
        0.3,
        91,
    ),
    DemoPatient(
        "KYO-0001",
        "小林 陽翔",
        datetime.date(2014, 8, 30),
        "CANDLE",
        "Asia/Tokyo",
        (("carer-kobayashi-m", "mother"), ("carer-kobayashi-f", "father")),
        2.0,
        0.8,
        63,
    ),
    DemoPatient(
        "KYO-0002",
        "中村 結衣",
        datetime.date(2017, 2, 11),
        "AGS",
        "Asia/Tokyo",
        (("carer-nakamura", "mother"),),
        1.7,
        0.4,
        70,
    ),
    DemoPatient(
        "KYO-0003",
        "山本 颯太",
        datetime.date(2012, 12, 1),
        "SAVI",
        "Asia/Tokyo",
        (("carer-yamamoto", "father"),),
        2.3,
        0.5,
        88,
    ),
    DemoPatient(
        "KYO-0004",
        "伊藤 芽依",
        datetime.date(2020, 5, 23),
        "AGS",
        "Asia/Tokyo",
        (("carer-ito", "mother"),),
        1.2,
        0.3,
        105,
    ),
    DemoPatient(
        "KYO-0005",
        "渡辺 蓮",
        datetime.date(2011, 10, 9),
        "CANDLE",
        "Asia/Tokyo",
        (("carer-watanabe", "mother"),),
        1.6,
        0.9,
        56,
    ),
    DemoPatient(
        "KYO-0006",
        "鈴木 陽菜",
        datetime.date(2016, 7, 4),
        "OTHER",
        "Asia/Tokyo",
        (("carer-suzuki", "self"),),
        1.1,
        0.5,
        80,
    ),
]
CARER_NAMES = {
    "carer-patel": ("Anita", "Patel", "en"),
    "carer-evans": ("Gareth", "Evans", "en"),
    "carer-murphy": ("Siobhan", "Murphy", "en"),
    "carer-williams": ("Margaret", "Williams", "en"),
    "carer-brown": ("Dana", "Brown", "en"),
    "carer-kobayashi-m": ("恵美", "小林", "ja"),
    "carer-kobayashi-f": ("大輝", "小林", "ja"),
    "carer-nakamura": ("さくら", "中村", "ja"),
    "carer-yamamoto": ("隆", "山本", "ja"),
    "carer-ito": ("直美", "伊藤", "ja"),
    "carer-watanabe": ("洋子", "渡辺", "ja"),
    "carer-suzuki": ("陽菜", "鈴木", "ja"),
}
# Items that carry most of each disease's burden (others stay lower), for plausible profiles.
PROMINENT = {
    "fever",
    "rash",
    "skin",
    "musculoskeletal_pain",
    "fatigue",
    "respiratory",
    "irritability",
}


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
    from clinicians.demo_records import seed_records

    now = now or timezone.now()
    with (
        audit_context(role=ROLE_SYSTEM, reason="demo data", origin="command:seed_demo"),
        transaction.atomic(),
    ):
        clinics = {prefix: _clinic(prefix, name, tz) for prefix, name, tz in CLINICS}
        accounts = _staff(clinics) + _carers()
        users = {a.username: _user(a) for a in accounts}
        for spec in PATIENTS:
            patient = _patient(spec, clinics[spec.reference[:3]])
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


def _patient(spec: DemoPatient, clinic: Clinic) -> Patient:
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
    return patient


def _diaries(spec: DemoPatient, patient: Patient, carer: Any, now: datetime.datetime) -> None:
    zone = zoneinfo.ZoneInfo(spec.time_zone)
    today = now.astimezone(zone).date()
    first = today - datetime.timedelta(days=DEMO_DAYS - 1)
    stored = set(patient.entries.values_list("date", flat=True))
    from diary.instruments import current_instrument

    items = current_instrument(patient).item_codes
    for offset in range(DEMO_DAYS):
        day = first + datetime.timedelta(days=offset)
        if day in stored:
            continue
        rng = random.Random(f"{spec.reference}:{day.isoformat()}")
        plan = _day_plan(spec, items, offset, rng, zone, day)
        if plan is None or plan["received_at"] > now:
            continue
        result = submit_entry(
            patient=patient,
            user=carer,
            submission=plan["submission"],
            source=plan["source"],
            idempotency_key=uuid.uuid5(KEY_NAMESPACE, f"{spec.reference}:{day.isoformat()}"),
            now=plan["received_at"],
        )
        correction = plan["correction"]
        if correction is not None and correction[1] <= now:
            correct_entry(
                entry=result.entry,
                user=carer,
                submission=correction[0],
                source=Source.WEB,
                reason=in_clinic_language(spec, "Scored the wrong item by mistake"),
                now=correction[1],
            )


def _day_plan(
    spec: DemoPatient,
    items: tuple[str, ...],
    offset: int,
    rng: random.Random,
    zone: zoneinfo.ZoneInfo,
    day: datetime.date,
) -> dict[str, Any] | None:
    # A holiday gap for one patient, and about one missed evening in twelve for everyone.
    if spec.reference == "GOS-0003" and 120 <= offset < 125:
        return None
    if rng.random() < 0.08:
        return None
    treated = offset >= spec.treatment_day
    # Improvement builds up over about six weeks after treatment start.
    ramp = min(1.0, (offset - spec.treatment_day) / 42) if treated else 0.0
    level = spec.severity * (1 - spec.response * ramp)
    flare = 0.8 if rng.random() < 0.04 else 0.0
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


NOTES = {
    "en": [
        "Tired after school, early night.",
        "Rash worse on cheeks and hands this evening.",
        "Cold fingers and toes in the morning.",
        "Good day, played outside.",
        "Woke twice in the night.",
        "Missed a dose at lunchtime, given late.",
        "Sore knees after PE.",
        "Ate less than usual.",
    ],
    # The Kyoto families write in Japanese, as they would.
    "ja": [
        "学校のあと疲れて、早めに寝ました。",
        "夕方から頬と手の発疹がひどくなりました。",
        "朝、手足の指が冷たかったです。",
        "調子が良く、外で遊びました。",
        "夜中に2回起きました。",
        "昼の薬を飲み忘れ、遅れて飲ませました。",
        "体育のあと膝を痛がっていました。",
        "いつもより食欲がありませんでした。",
    ],
}
JAPANESE = {
    "Scored the wrong item by mistake": "別の項目に誤って点数をつけたため",
    "Screening visit": "スクリーニング受診",
    "Treatment start": "治療開始",
    "Review": "定期診察",
    "baricitinib": "バリシチニブ",
}


def demo_language(spec: DemoPatient) -> str:
    return "ja" if spec.reference.startswith("KYO") else "en"


def in_clinic_language(spec: DemoPatient, text: str) -> str:
    return JAPANESE.get(text, text) if demo_language(spec) == "ja" else text
