"""Window scores, the 7-day DDS and statuses, worked by hand (SPEC §3.1, §3.3).

Each row of a diary below is one day, scores in the instrument's item order; ``_`` is a blank
item and ``NO_ENTRY`` a day without an entry. The window is 1-7 March 2025.
"""

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest

from scoring import (
    Status,
    baseline_score,
    dds_on,
    dds_series,
    derive_instrument,
    instrument_for,
    period_score,
    round_score,
    status_for,
    visit_score,
    window_score,
)

_ = None
NO_ENTRY = "no entry"
DAY_1 = date(2025, 3, 1)
DAY_7 = date(2025, 3, 7)
ZEROS = (0, 0, 0, 0, 0)
ONES = (1, 1, 1, 1, 1)


def diary(disease, rows, first=DAY_1):
    codes = instrument_for(disease).item_codes
    return {
        first + timedelta(days=offset): dict(zip(codes, row, strict=True))
        for offset, row in enumerate(rows)
        if row != NO_ENTRY
    }


WINDOWS = [
    # (disease, seven rows, value, observed, status, missing items)
    ("CANDLE", [(1, 0, 2, 0, 1)] * 7, Fraction(4, 5), 35, Status.ACTIVE, ()),
    # 18 of 35 present is enough (18 * 2 >= 35); 17 is not.
    ("CANDLE", [ONES] * 3 + [(1, 1, 1, _, _)] + [NO_ENTRY] * 3, Fraction(1), 18, Status.ACTIVE, ()),
    ("CANDLE", [ONES] * 3 + [(1, 1, _, _, _)] + [NO_ENTRY] * 3, None, 17, Status.INSUFFICIENT, ()),
    # Each item 3/6: a DDS of exactly 1/2 is active at the 0.5 threshold.
    ("CANDLE", [ONES] * 3 + [ZEROS] * 3 + [NO_ENTRY], Fraction(1, 2), 30, Status.ACTIVE, ()),
    # Each item 3/7 = 0.43: controlled.
    ("CANDLE", [ONES] * 3 + [ZEROS] * 4, Fraction(3, 7), 35, Status.CONTROLLED, ()),
    # Fever 3/4, others 0: (3/4) / 5 = 3/20 = 0.15 exactly, controlled and not remission.
    (
        "CANDLE",
        [(1, 0, 0, 0, 0)] * 3 + [ZEROS] + [NO_ENTRY] * 3,
        Fraction(3, 20),
        20,
        Status.CONTROLLED,
        (),
    ),
    # Fever 5/7, others 0: 1/7 = 0.1428...: in the remission range.
    ("CANDLE", [(1, 0, 0, 0, 0)] * 5 + [ZEROS] * 2, Fraction(1, 7), 35, Status.REMISSION, ()),
    ("CANDLE", [ZEROS] * 7, Fraction(0), 35, Status.REMISSION, ()),
    ("CANDLE", [(4, 4, 4, 4, 4)] * 7, Fraction(4), 35, Status.ACTIVE, ()),
    # Headache blank all week: (2 + 1 + 0 + 1) / 4 = 1 (not 4/5), partial.
    ("CANDLE", [(2, 1, 0, _, 1)] * 7, Fraction(1), 28, Status.ACTIVE, ("headache",)),
    # Fever 2, musculoskeletal pain 1/7, fatigue 1: (3 + 1/7) / 3 = 22/21.
    (
        "CANDLE",
        [(2, _, 0, _, 1)] * 6 + [(2, _, 1, _, 1)],
        Fraction(22, 21),
        21,
        Status.ACTIVE,
        ("rash", "headache"),
    ),
    # Fever scored on 2 days only: its mean is 4, not 8/7, so (4 + 0 + 0 + 0 + 0) / 5.
    (
        "CANDLE",
        [(4, 0, 0, 0, 0)] * 2 + [(_, 0, 0, 0, 0)] * 5,
        Fraction(4, 5),
        30,
        Status.ACTIVE,
        (),
    ),
    # Four entries on non-consecutive days: fever 3/4, rash 2/4: (3/4 + 1/2) / 5 = 1/4.
    (
        "CANDLE",
        [NO_ENTRY, (1, 1, 0, 0, 0), NO_ENTRY, (1, 1, 0, 0, 0), ZEROS, NO_ENTRY, (1, 0, 0, 0, 0)],
        Fraction(1, 4),
        20,
        Status.CONTROLLED,
        (),
    ),
    ("CANDLE", [NO_ENTRY] * 4 + [ONES] * 3, None, 15, Status.INSUFFICIENT, ()),
    (
        "CANDLE",
        [NO_ENTRY] * 7,
        None,
        0,
        Status.INSUFFICIENT,
        ("fever", "rash", "musculoskeletal_pain", "headache", "fatigue"),
    ),
    ("OTHER", [ONES] * 3 + [ZEROS] * 3 + [NO_ENTRY], Fraction(1, 2), 30, Status.ACTIVE, ()),
    # SAVI: 6 items, 42 expected; 21 present is enough, 20 is not; threshold 1.
    (
        "SAVI",
        [(1,) * 6] * 3 + [(1, 1, 1, _, _, _)] + [NO_ENTRY] * 3,
        Fraction(1),
        21,
        Status.ACTIVE,
        (),
    ),
    (
        "SAVI",
        [(1,) * 6] * 3 + [(1, 1, _, _, _, _)] + [NO_ENTRY] * 3,
        None,
        20,
        Status.INSUFFICIENT,
        (),
    ),
    ("SAVI", [(1, 1, 1, 1, 1, 0)] * 7, Fraction(5, 6), 42, Status.CONTROLLED, ()),
    ("SAVI", [(2, 2, 2, 2, 2, 0)] * 7, Fraction(5, 3), 42, Status.ACTIVE, ()),
    # AGS: 8 items, 56 expected; 28 present is enough, 27 is not.
    (
        "AGS",
        [(1,) * 8] * 3 + [(1, 1, 1, 1, _, _, _, _)] + [NO_ENTRY] * 3,
        Fraction(1),
        28,
        Status.ACTIVE,
        (),
    ),
    (
        "AGS",
        [(1,) * 8] * 3 + [(1, 1, 1, _, _, _, _, _)] + [NO_ENTRY] * 3,
        None,
        27,
        Status.INSUFFICIENT,
        (),
    ),
    ("AGS", [(0, 0, 0, _, 0, 0, 1, 0)] * 7, Fraction(1, 7), 49, Status.REMISSION, ("sleep",)),
]


@pytest.mark.parametrize(("disease", "rows", "value", "observed", "status", "missing"), WINDOWS)
def test_window_score(disease, rows, value, observed, status, missing):
    instrument = instrument_for(disease)
    score = window_score(instrument, diary(disease, rows), DAY_1, DAY_7)
    assert score.value == value
    assert score.status is status
    assert score.observed == observed
    assert score.expected == 7 * instrument.n
    assert score.missing_items == missing
    assert score.partial == (value is not None and bool(missing))
    assert (score.start, score.end) == (DAY_1, DAY_7)
    assert dds_on(instrument, diary(disease, rows), DAY_7) == score


def test_absent_item_code_and_none_are_both_blank():
    instrument = instrument_for("CANDLE")
    with_none = {DAY_1: {"fever": 2, "rash": None, "musculoskeletal_pain": 1, "headache": 0}}
    without = {DAY_1: {"fever": 2, "musculoskeletal_pain": 1, "headache": 0}}
    assert window_score(instrument, with_none, DAY_1, DAY_1) == window_score(
        instrument, without, DAY_1, DAY_1
    )
    score = window_score(instrument, without, DAY_1, DAY_1)
    assert (score.value, score.observed, score.expected) == (Fraction(1), 3, 5)
    assert score.missing_items == ("rash", "fatigue")


def test_dds_on_reads_only_its_seven_days():
    instrument = instrument_for("CANDLE")
    days = diary("CANDLE", [ONES] * 7) | {
        date(2025, 2, 28): {"fever": 9},
        date(2025, 3, 8): {"sneezing": 1},
    }
    assert dds_on(instrument, days, DAY_7).value == Fraction(1)
    with pytest.raises(ValueError, match="score for 'fever'"):
        dds_on(instrument, days, date(2025, 3, 6))


def test_dds_series_by_hand():
    # 1-3 March all 4s, then 4-10 March all 0s. The DDS falls as the 4s leave the window.
    rows = [(4, 4, 4, 4, 4)] * 3 + [ZEROS] * 7
    instrument = instrument_for("CANDLE")
    series = dds_series(instrument, diary("CANDLE", rows), date(2025, 3, 4), date(2025, 3, 10))
    assert [score.end for score in series] == [date(2025, 3, d) for d in range(4, 11)]
    # Before 1 March there are no entries, so the early windows average fewer days.
    assert [score.value for score in series] == [
        Fraction(12, 4),
        Fraction(12, 5),
        Fraction(12, 6),
        Fraction(12, 7),
        Fraction(8, 7),
        Fraction(4, 7),
        Fraction(0),
    ]
    assert [score.status for score in series] == [Status.ACTIVE] * 6 + [Status.REMISSION]
    # On 4 March the window 26 Feb - 4 Mar holds 4 days of entries: 20 of 35 scores.
    assert series[0].observed == 20
    assert series[0].start == date(2025, 2, 26)


def test_dds_series_of_one_day_and_of_an_empty_diary():
    instrument = instrument_for("SAVI")
    assert dds_series(instrument, {}, DAY_7, DAY_7) == [dds_on(instrument, {}, DAY_7)]
    assert all(score.value is None for score in dds_series(instrument, {}, DAY_1, DAY_7))


def test_visit_baseline_and_period_scores():
    instrument = instrument_for("CANDLE")
    # 1-7 March all 1s, 8-14 March all 0s.
    days = diary("CANDLE", [ONES] * 7 + [ZEROS] * 7)
    # A visit on 8 March reports 1-7 March; treatment starting 8 March has the same baseline.
    assert visit_score(instrument, days, date(2025, 3, 8)).value == Fraction(1)
    assert baseline_score(instrument, days, date(2025, 3, 8)).value == Fraction(1)
    assert visit_score(instrument, days, date(2025, 3, 15)).value == Fraction(0)
    period = period_score(instrument, days, DAY_1, date(2025, 3, 14))
    assert (period.value, period.observed, period.expected) == (Fraction(1, 2), 70, 70)
    assert period.status is Status.ACTIVE


@pytest.mark.parametrize(
    ("disease", "profile", "value", "status"),
    [
        ("CANDLE", None, None, Status.INSUFFICIENT),
        ("CANDLE", None, Fraction(0), Status.REMISSION),
        ("CANDLE", None, Fraction(149, 1000), Status.REMISSION),
        ("CANDLE", None, Fraction(3, 20), Status.CONTROLLED),
        ("CANDLE", None, Fraction(4999, 10000), Status.CONTROLLED),
        ("CANDLE", None, Fraction(1, 2), Status.ACTIVE),
        ("AGS", None, Fraction(1, 2), Status.ACTIVE),
        ("SAVI", None, Fraction(1, 2), Status.CONTROLLED),
        ("SAVI", None, Fraction(999, 1000), Status.CONTROLLED),
        ("SAVI", None, Fraction(1), Status.ACTIVE),
        ("SAVI", "UNIFORM_0_5", Fraction(1, 2), Status.ACTIVE),
        ("SAVI", "UNIFORM_0_5", Fraction(499, 1000), Status.CONTROLLED),
    ],
)
def test_status_thresholds(disease, profile, value, status):
    instrument = instrument_for(disease)
    if profile:
        instrument = derive_instrument(instrument, version=2, threshold_profile=profile)
    assert status_for(instrument, value) is status


def test_status_values_are_the_stored_strings():
    assert [status.value for status in Status] == [
        "insufficient",
        "remission",
        "controlled",
        "active",
    ]
    assert Status("active") is Status.ACTIVE
    assert f"{Status.CONTROLLED}" == "controlled"


@pytest.mark.parametrize(
    "entry",
    [
        {"fever": 5},
        {"fever": -1},
        {"fever": True},
        {"fever": False},
        {"fever": 1.0},
        {"fever": "2"},
        {"fever": Decimal(2)},
        {"sneezing": 1},
        {"respiratory": 1},
        {"Fever": 1},
    ],
)
def test_invalid_entries_are_rejected(entry):
    instrument = instrument_for("CANDLE")
    days = {DAY_7: entry}
    for score_it in (
        lambda: window_score(instrument, days, DAY_1, DAY_7),
        lambda: dds_on(instrument, days, DAY_7),
        lambda: dds_series(instrument, days, DAY_7, DAY_7),
    ):
        with pytest.raises(ValueError, match=r"unknown item|integer 0-4"):
            score_it()


def test_inverted_ranges_are_rejected():
    instrument = instrument_for("CANDLE")
    with pytest.raises(ValueError, match="inverted date range"):
        window_score(instrument, {}, DAY_7, DAY_1)
    with pytest.raises(ValueError, match="inverted date range"):
        dds_series(instrument, {}, DAY_7, DAY_1)
    with pytest.raises(ValueError, match="inverted date range"):
        period_score(instrument, {}, DAY_7, DAY_1)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Fraction(1, 2), "0.500"),
        (Fraction(2, 3), "0.666"),
        (Fraction(4999, 10000), "0.499"),
        (Fraction(3, 20), "0.150"),
        (Fraction(22, 21), "1.047"),
        (Fraction(4), "4.000"),
        (Fraction(0), "0.000"),
        (Fraction(-1, 3), "-0.333"),
    ],
)
def test_round_score_truncates_to_three_decimals(value, shown):
    assert round_score(value) == Decimal(shown)
    assert str(round_score(value)) == shown
