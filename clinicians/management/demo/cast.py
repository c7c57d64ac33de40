"""Who is in the demo: the clinics, their staff, the patients with their profiles, the carers,
and the notes carers write."""

import datetime
from dataclasses import dataclass

# About 14 months: treatment started 6-8 weeks in for most patients, so each disease group in
# each clinic has patients with baseline, primary (week 20 or 32) and maintenance (week 52) visits.
DEMO_DAYS = 420

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
    treatment_day: int | None  # days after the start of the demo period; None: not started
    joined: int = 0  # the first diary day, in days after the start of the demo period
    steroids: bool = True  # on prednisolone from the first diary day
    story: str = ""  # what the last nights' alerts find: see STORIES


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
        42,
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
        49,
        story="flare",
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
        45,
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
        52,
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
        47,
        steroids=False,
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
        45,
        story="gap",
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
        43,
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
        48,
        story="flare",
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
        50,
        story="fever",
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
        47,
        story="gap",
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
        44,
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
        46,
        steroids=False,
    ),
    # Added so that every disease group has two patients a year on treatment in each clinic,
    # one recent start per clinic, and one patient per clinic not started yet.
    DemoPatient(
        "GOS-0007",
        "Ruby Clarke",
        datetime.date(2017, 10, 12),
        "AGS",
        "Europe/London",
        (("carer-clarke", "father"),),
        1.6,
        0.55,
        51,
    ),
    DemoPatient(
        "GOS-0008",
        "Arthur Singh",
        datetime.date(2012, 2, 29),
        "OTHER",
        "Europe/London",
        (("carer-singh", "mother"),),
        1.7,
        0.65,
        44,
    ),
    DemoPatient(
        "GOS-0009",
        "Mia Thompson",
        datetime.date(2019, 7, 3),
        "CANDLE",
        "Europe/London",
        (("carer-thompson", "mother"),),
        1.8,
        0.7,
        260,
        joined=225,
    ),
    DemoPatient(
        "GOS-0010",
        "Harry Wilson",
        datetime.date(2020, 9, 17),
        "AGS",
        "Europe/London",
        (("carer-wilson", "mother"),),
        1.5,
        0.0,
        None,
        joined=365,
    ),
    DemoPatient(
        "KYO-0007",
        "加藤 大和",
        datetime.date(2013, 4, 21),
        "SAVI",
        "Asia/Tokyo",
        (("carer-kato", "mother"),),
        1.9,
        0.6,
        53,
    ),
    DemoPatient(
        "KYO-0008",
        "吉田 さくら",
        datetime.date(2015, 12, 8),
        "OTHER",
        "Asia/Tokyo",
        (("carer-yoshida", "mother"),),
        1.4,
        0.45,
        41,
        steroids=False,
    ),
    DemoPatient(
        "KYO-0009",
        "山田 湊",
        datetime.date(2018, 3, 15),
        "SAVI",
        "Asia/Tokyo",
        (("carer-yamada", "father"),),
        2.0,
        0.5,
        275,
        joined=240,
    ),
    DemoPatient(
        "KYO-0010",
        "佐々木 葵",
        datetime.date(2021, 1, 30),
        "CANDLE",
        "Asia/Tokyo",
        (("carer-sasaki", "mother"),),
        1.8,
        0.0,
        None,
        joined=372,
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
    "carer-clarke": ("James", "Clarke", "en"),
    "carer-singh": ("Harpreet", "Singh", "en"),
    "carer-thompson": ("Laura", "Thompson", "en"),
    "carer-wilson": ("Emma", "Wilson", "en"),
    "carer-kato": ("美穂", "加藤", "ja"),
    "carer-yoshida": ("真由美", "吉田", "ja"),
    "carer-yamada": ("翔太", "山田", "ja"),
    "carer-sasaki": ("彩", "佐々木", "ja"),
}
# What the diary of the last days holds for a few patients, so that the nightly evaluation of
# the demo's last nights opens alerts (days are counted back from today, in the patient's zone):
STORIES = {
    "flare": range(1, 6),  # a flare on these days: a marked rise in the 7-day DDS
    "fever": range(2, 3),  # 40.4 °C on this day: a severe symptom
    "gap": range(3, 10),  # no entry on these 7 days: a diary gap for the care team
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
