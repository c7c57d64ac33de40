"""Clinical scoring for IFN Diary: instruments, the 7-day DDS, statuses, steroids and alert rules.

Pure Python: no framework imports and no clock reads (callers pass the days they mean), exact
arithmetic (``int``, ``Fraction``; ``Decimal`` only for measured and displayed quantities).
Code outside this package imports only the names below.
"""

from scoring.alerts import (
    DEFAULT_ALERT_SETTINGS,
    AlertFinding,
    AlertRule,
    AlertSettings,
    Audience,
    evaluate_alerts,
)
from scoring.bands import (
    DEFAULT_FEVER_BANDS,
    DEFAULT_SLEEP_BANDS,
    FeverBands,
    SleepBands,
    fever_score,
    sleep_score,
)
from scoring.entries import Days, DayScores
from scoring.instruments import (
    BUILTIN_INSTRUMENTS,
    DISEASES,
    PROFILE_CUSTOM,
    PROFILE_JAGA,
    PROFILE_UNIFORM_0_5,
    REMISSION_THRESHOLD,
    THRESHOLD_PROFILES,
    Instrument,
    derive_instrument,
    instrument_for,
)
from scoring.items import LANGUAGES, Anchors, Item
from scoring.steroids import (
    STEROID_FACTORS,
    STEROID_RESPONSE_MG_PER_KG,
    mg_per_kg_for_display,
    mg_per_kg_per_day,
    prednisone_equivalent,
    prednisone_mg_for_display,
    steroid_change_percent,
    steroid_response,
    weight_on,
)
from scoring.summary import Change, change_from_baseline, daily_score, proportion_below
from scoring.versions import read_under, window_version
from scoring.window import (
    DDS_WINDOW_DAYS,
    Score,
    Status,
    baseline_score,
    dds_on,
    dds_series,
    period_score,
    round_score,
    status_for,
    visit_score,
    window_score,
)

__all__ = [
    "BUILTIN_INSTRUMENTS",
    "DDS_WINDOW_DAYS",
    "DEFAULT_ALERT_SETTINGS",
    "DEFAULT_FEVER_BANDS",
    "DEFAULT_SLEEP_BANDS",
    "DISEASES",
    "LANGUAGES",
    "PROFILE_CUSTOM",
    "PROFILE_JAGA",
    "PROFILE_UNIFORM_0_5",
    "REMISSION_THRESHOLD",
    "STEROID_FACTORS",
    "STEROID_RESPONSE_MG_PER_KG",
    "THRESHOLD_PROFILES",
    "AlertFinding",
    "AlertRule",
    "AlertSettings",
    "Anchors",
    "Audience",
    "Change",
    "DayScores",
    "Days",
    "FeverBands",
    "Instrument",
    "Item",
    "Score",
    "SleepBands",
    "Status",
    "baseline_score",
    "change_from_baseline",
    "daily_score",
    "dds_on",
    "dds_series",
    "derive_instrument",
    "evaluate_alerts",
    "fever_score",
    "instrument_for",
    "mg_per_kg_for_display",
    "mg_per_kg_per_day",
    "period_score",
    "prednisone_equivalent",
    "prednisone_mg_for_display",
    "proportion_below",
    "read_under",
    "round_score",
    "sleep_score",
    "status_for",
    "steroid_change_percent",
    "steroid_response",
    "visit_score",
    "weight_on",
    "window_score",
    "window_version",
]
