"""Who is in the demo: the clinics, their staff, the patients with their profiles, the carers,
and the notes carers write."""

import datetime
from dataclasses import dataclass

DEMO_DAYS = 182

CLINICS = [
    ("GOS", "Great Ormond Street Hospital – Paediatric Rheumatology", "Europe/London"),
    ("KYO", "Kyoto University Hospital – Paediatrics", "Asia/Tokyo"),
]
STAFF = [
    # username, first name, last name, clinic prefix, role, language
    ("gos-dr-okafor", "Ngozi", "Okafor", "GOS", "clinician", "en"),
    ("gos-dr-hughes", "Tom", "Hughes", "GOS", "clinician", "en"),
    ("gos-admin", "Priya", "Shah", "GOS", "clinic_admin", "en"),
    ("kyo-dr-tanaka", "Yuki", "Tanaka", "KYO", "clinician", "ja"),
    ("kyo-dr-sato", "Kenji", "Sato", "KYO", "clinician", "ja"),
    ("kyo-admin", "Aiko", "Mori", "KYO", "clinic_admin", "ja"),
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
        "Haruto Kobayashi",
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
        "Yui Nakamura",
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
        "Sota Yamamoto",
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
        "Mei Ito",
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
        "Ren Watanabe",
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
        "Hina Suzuki",
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
    "carer-kobayashi-m": ("Emi", "Kobayashi", "ja"),
    "carer-kobayashi-f": ("Daiki", "Kobayashi", "ja"),
    "carer-nakamura": ("Sakura", "Nakamura", "ja"),
    "carer-yamamoto": ("Takashi", "Yamamoto", "ja"),
    "carer-ito": ("Naomi", "Ito", "ja"),
    "carer-watanabe": ("Yoko", "Watanabe", "ja"),
    "carer-suzuki": ("Hina", "Suzuki", "ja"),
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

NOTES = [
    "Tired after school, early night.",
    "Rash worse on cheeks and hands this evening.",
    "Cold fingers and toes in the morning.",
    "Good day, played outside.",
    "Woke twice in the night.",
    "Missed a dose at lunchtime, given late.",
    "Sore knees after PE.",
    "Ate less than usual.",
]
