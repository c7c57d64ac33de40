"""Carer-facing text of every built-in diary item: label and five anchors, English and Japanese.

Scores are 0 none, 1 mild, 2 moderate, 3 severe, 4 very severe (SPEC §1); each anchor says that in
plain words for the item. The Japanese text is PROVISIONAL until a Japanese-speaking clinician has
reviewed it, like the items SPEC §1 marks as provisional (SAVI headache; AGS items other than skin,
irritability and sleep).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from scoring.items import Anchors, Item


def _item(code: str, en: str, ja: str, anchors_en: Anchors, anchors_ja: Anchors) -> Item:
    return Item(
        code=code, labels={"en": en, "ja": ja}, anchors={"en": anchors_en, "ja": anchors_ja}
    )


FEVER = _item(
    "fever",
    "Fever",
    "発熱",
    ("No fever", "Slightly raised temperature", "Fever", "High fever", "Very high fever"),
    ("熱なし", "微熱", "発熱あり", "高熱", "非常に高い熱"),
)
RASH = _item(
    "rash",
    "Rash",
    "皮疹",
    (
        "No rash",
        "A few spots",
        "Rash in several places",
        "Widespread rash",
        "Rash almost everywhere, or very painful",
    ),
    ("皮疹なし", "少しある", "数か所にある", "広い範囲にある", "ほぼ全身にある、または強く痛む"),
)
MUSCULOSKELETAL_PAIN = _item(
    "musculoskeletal_pain",
    "Joint or muscle pain",
    "関節や筋肉の痛み",
    (
        "No pain",
        "Mild pain, does not limit activity",
        "Pain limits some activity",
        "Pain limits most activity",
        "Pain stops all activity",
    ),
    (
        "痛みなし",
        "軽い痛み(活動に支障なし)",
        "痛みで活動が一部制限される",
        "痛みで活動の大部分が制限される",
        "痛みでまったく動けない",
    ),
)
HEADACHE = _item(
    "headache",
    "Headache",
    "頭痛",
    (
        "No headache",
        "Mild headache",
        "Headache needing rest or medicine",
        "Severe headache",
        "Very severe headache, could do nothing",
    ),
    (
        "頭痛なし",
        "軽い頭痛",
        "休息や薬が必要な頭痛",
        "強い頭痛",
        "何もできないほどの非常に強い頭痛",
    ),
)
FATIGUE = _item(
    "fatigue",
    "Tiredness",
    "だるさ・疲れ",
    (
        "Usual energy",
        "A little more tired than usual",
        "Needed extra rest",
        "Rested for much of the day",
        "Too tired to get up",
    ),
    (
        "いつも通り元気",
        "いつもより少し疲れやすい",
        "いつもより休息が必要だった",
        "一日の大半を休んで過ごした",
        "疲れて起き上がれなかった",
    ),
)
RESPIRATORY = _item(
    "respiratory",
    "Breathing or cough",
    "呼吸(せき・息苦しさ)",
    (
        "No breathing problems",
        "Mild cough or breathlessness",
        "Breathless with activity",
        "Breathless at rest",
        "Very hard to breathe",
    ),
    (
        "呼吸の症状なし",
        "軽いせきや息切れ",
        "動くと息苦しい",
        "安静にしていても息苦しい",
        "呼吸がとても苦しい",
    ),
)
SKIN = _item(
    "skin",
    "Skin (chilblains, sores)",
    "皮膚(しもやけ・ただれ)",
    (
        "Skin clear",
        "A few small marks",
        "Several sore or swollen areas",
        "Many painful sores",
        "Open or very painful sores",
    ),
    (
        "皮膚の症状なし",
        "小さな跡が少しある",
        "痛みや腫れのある所が数か所",
        "痛みのあるただれが多い",
        "傷が開いている、または非常に痛む",
    ),
)
IRRITABILITY = _item(
    "irritability",
    "Irritability or distress",
    "不機嫌・ぐずり",
    (
        "Settled and content",
        "A little unsettled",
        "Irritable at times, easily soothed",
        "Irritable much of the day, hard to soothe",
        "Distressed, could not be soothed",
    ),
    (
        "落ち着いて機嫌がよい",
        "少し落ち着かない",
        "時々不機嫌だが、あやすと落ち着く",
        "一日の多くが不機嫌で、なだめにくい",
        "ひどく苦しそうで、なだめられなかった",
    ),
)
SLEEP = _item(
    "sleep",
    "Sleep",
    "睡眠",
    ("Slept well", "Woke a little", "Broken sleep", "Very broken sleep", "Hardly slept"),
    (
        "よく眠れた",
        "少し目を覚ました",
        "何度も目を覚ました",
        "ほとんど続けて眠れなかった",
        "ほとんど眠れなかった",
    ),
)
FEEDING = _item(
    "feeding",
    "Feeding and swallowing",
    "食事・飲み込み",
    (
        "Fed as usual",
        "Fed a little less or more slowly",
        "Clearly harder, took about half",
        "Took very little",
        "Could not feed or swallow",
    ),
    (
        "いつも通り食べられた",
        "少し少なめ、または時間がかかった",
        "明らかに食べにくく、半分くらい",
        "ほんの少ししか食べられなかった",
        "食べる・飲み込むことができなかった",
    ),
)
VOMITING = _item(
    "vomiting",
    "Vomiting or reflux",
    "嘔吐・逆流",
    (
        "None",
        "Once, a small amount",
        "Two or three times",
        "Four or more times",
        "Kept nothing down",
    ),
    ("なし", "1回、少量", "2〜3回", "4回以上", "何も受けつけなかった"),
)
PAIN = _item(
    "pain",
    "Pain",
    "痛み",
    (
        "No signs of pain",
        "Mild pain, easily comforted",
        "Pain at times, needed comfort or medicine",
        "Pain much of the day",
        "Constant severe pain",
    ),
    (
        "痛がる様子なし",
        "軽い痛み(すぐ落ち着く)",
        "時々痛がり、あやしや薬が必要",
        "一日の多くを痛がっていた",
        "ずっと強く痛がっていた",
    ),
)

CANDLE_ITEMS = (FEVER, RASH, MUSCULOSKELETAL_PAIN, HEADACHE, FATIGUE)
SAVI_ITEMS = (*CANDLE_ITEMS, RESPIRATORY)
AGS_ITEMS = (FEVER, SKIN, IRRITABILITY, SLEEP, FEEDING, VOMITING, PAIN, FATIGUE)

ITEMS_BY_DISEASE: Mapping[str, tuple[Item, ...]] = MappingProxyType(
    {"CANDLE": CANDLE_ITEMS, "SAVI": SAVI_ITEMS, "AGS": AGS_ITEMS, "OTHER": CANDLE_ITEMS}
)
"""Version-1 items of each disease, in diary order (SPEC §1)."""
