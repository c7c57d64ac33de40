"""Who is in the demo: the clinics, their staff, the patients with their profiles, the carers,
and the notes carers write."""

import datetime
from dataclasses import dataclass

DEMO_DAYS = 182

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
