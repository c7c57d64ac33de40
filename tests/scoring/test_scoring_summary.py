"""Daily scores, proportion of days below a threshold, change from baseline (SPEC §3.2, §3.4)."""

from datetime import date, timedelta
from fractions import Fraction

import pytest

from scoring import change_from_baseline, daily_score, instrument_for, proportion_below

_ = None
NO_ENTRY = "no entry"
DAY_1 = date(2025, 3, 1)
DAY_7 = date(2025, 3, 7)


def scores(disease, row):
    return dict(zip(instrument_for(disease).item_codes, row, strict=True))


@pytest.mark.parametrize(
    ("disease", "row", "expected"),
    [
        ("CANDLE", (1, 2, 3, 4, 0), Fraction(2)),
        ("CANDLE", (0, 0, 0, 0, 1), Fraction(1, 5)),
        # 3 of 5 scored is enough; 2 of 5 is fewer than half.
        ("CANDLE", (1, 2, 3, _, _), Fraction(2)),
        ("CANDLE", (1, 2, _, _, _), None),
        ("CANDLE", (_, _, _, _, _), None),
        # SAVI: exactly half (3 of 6) is enough.
        ("SAVI", (1, 1, 2, _, _, _), Fraction(4, 3)),
        ("SAVI", (1, 1, _, _, _, _), None),
        # AGS: 4 of 8 is enough, 3 of 8 is not.
        ("AGS", (0, 1, _, 2, _, 4, _, _), Fraction(7, 4)),
        ("AGS", (0, 1, _, 2, _, _, _, _), None),
    ],
)
def test_daily_score(disease, row, expected):
    assert daily_score(instrument_for(disease), scores(disease, row)) == expected


def test_daily_score_of_an_empty_day_and_bad_input():
    instrument = instrument_for("CANDLE")
    assert daily_score(instrument, {}) is None
    with pytest.raises(ValueError, match="unknown item 'sneezing'"):
        daily_score(instrument, {"sneezing": 1})
    with pytest.raises(ValueError, match="integer 0-4"):
        daily_score(instrument, {"fever": 5})


# Daily scores: 0, 2/5, 1, no entry, none (2 of 5 items), exactly 1/2, 2/3.
WEEK = {
    DAY_1 + timedelta(days=offset): scores("CANDLE", row)
    for offset, row in enumerate(
        [
            (0, 0, 0, 0, 0),
            (1, 1, 0, 0, 0),
            (1, 1, 1, 1, 1),
            NO_ENTRY,
            (1, 1, _, _, _),
            (1, 0, 1, 0, _),
            (2, 0, 0, _, _),
        ]
    )
    if row != NO_ENTRY
}


@pytest.mark.parametrize(
    ("start", "end", "threshold", "expected"),
    [
        # Below the control threshold 0.5: days 1 and 2 of the 5 days with a daily score;
        # day 6, exactly 1/2, is not below.
        (DAY_1, DAY_7, None, Fraction(2, 5)),
        (DAY_1, DAY_7, Fraction(1, 2), Fraction(2, 5)),
        (DAY_1, DAY_7, Fraction(1), Fraction(4, 5)),
        (DAY_1, DAY_7, Fraction(3, 20), Fraction(1, 5)),
        (DAY_1, DAY_7, Fraction(0), Fraction(0)),
        (DAY_1, DAY_1, None, Fraction(1)),
        (date(2025, 3, 4), date(2025, 3, 5), None, None),
        (date(2025, 2, 1), date(2025, 2, 28), None, None),
    ],
)
def test_proportion_below(start, end, threshold, expected):
    instrument = instrument_for("CANDLE")
    assert proportion_below(instrument, WEEK, start, end, threshold) == expected


def test_proportion_below_uses_the_instruments_threshold():
    # Daily score 5/6 is controlled for SAVI (threshold 1) though not below 0.5.
    savi = instrument_for("SAVI")
    days = {DAY_1: scores("SAVI", (1, 1, 1, 1, 1, 0))}
    assert proportion_below(savi, days, DAY_1, DAY_1) == Fraction(1)
    assert proportion_below(savi, days, DAY_1, DAY_1, Fraction(1, 2)) == Fraction(0)


def test_proportion_below_rejects_bad_input():
    instrument = instrument_for("CANDLE")
    with pytest.raises(ValueError, match="inverted date range"):
        proportion_below(instrument, WEEK, DAY_7, DAY_1)
    with pytest.raises(ValueError, match="integer 0-4"):
        proportion_below(instrument, {DAY_1: {"fever": -1}}, DAY_1, DAY_7)


@pytest.mark.parametrize(
    ("baseline", "current", "absolute", "percent"),
    [
        (Fraction(1), Fraction(1, 2), Fraction(-1, 2), Fraction(-50)),
        (Fraction(1, 2), Fraction(1), Fraction(1, 2), Fraction(100)),
        (Fraction(2, 3), Fraction(1, 3), Fraction(-1, 3), Fraction(-50)),
        (Fraction(3, 7), Fraction(3, 7), Fraction(0), Fraction(0)),
        (Fraction(12, 7), Fraction(0), Fraction(-12, 7), Fraction(-100)),
        (Fraction(3), Fraction(1), Fraction(-2), Fraction(-200, 3)),
        # A baseline of 0 has no relative change.
        (Fraction(0), Fraction(1, 5), Fraction(1, 5), None),
        (Fraction(0), Fraction(0), Fraction(0), None),
    ],
)
def test_change_from_baseline(baseline, current, absolute, percent):
    change = change_from_baseline(baseline, current)
    assert change is not None
    assert (change.absolute, change.percent) == (absolute, percent)


@pytest.mark.parametrize(("baseline", "current"), [(None, Fraction(1)), (Fraction(1), None)])
def test_no_change_without_both_scores(baseline, current):
    assert change_from_baseline(baseline, current) is None
