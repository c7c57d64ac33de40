"""Properties of the scoring rules that hold for any diary (hypothesis)."""

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from scoring import (
    Item,
    daily_score,
    dds_on,
    dds_series,
    derive_instrument,
    evaluate_alerts,
    fever_score,
    instrument_for,
    proportion_below,
    sleep_score,
    status_for,
    window_score,
)

FIRST = date(2025, 1, 1)
SPAN = 21
LAST = FIRST + timedelta(days=SPAN - 1)
COUGH = Item(code="cough", labels={"en": "Cough"}, anchors={"en": ("0", "1", "2", "3", "4")})
INSTRUMENTS = [
    instrument_for("CANDLE"),
    instrument_for("SAVI"),
    instrument_for("AGS"),
    derive_instrument(instrument_for("OTHER"), version=2, extra_items=[COUGH]),
]
SCORES = st.sampled_from([None, 0, 1, 2, 3, 4])
MOSTLY_SCORED = st.sampled_from([0, 1, 2, 3, 4, 0, 1, 2, 3, 4, None])
DAY_OFFSETS = st.integers(0, SPAN - 1)
PROPERTY_SETTINGS = settings(max_examples=150, deadline=None)


@st.composite
def diaries(draw):
    """An instrument and a diary over 1-21 January: days may lack an entry, items be blank."""
    instrument = draw(st.sampled_from(INSTRUMENTS))
    full = st.fixed_dictionaries(dict.fromkeys(instrument.item_codes, MOSTLY_SCORED))
    sparse = st.fixed_dictionaries({}, optional=dict.fromkeys(instrument.item_codes, SCORES))
    # Weighted so that about half of the windows have enough scores to be scored.
    kinds = draw(
        st.lists(st.sampled_from(["full", "full", "sparse", "none"]), min_size=SPAN, max_size=SPAN)
    )
    rows = [None if kind == "none" else draw(full if kind == "full" else sparse) for kind in kinds]
    days = {
        FIRST + timedelta(days=offset): row for offset, row in enumerate(rows) if row is not None
    }
    return instrument, days


@st.composite
def windows(draw):
    start = FIRST + timedelta(days=draw(DAY_OFFSETS))
    end = start + timedelta(days=draw(st.integers(0, (LAST - start).days)))
    return start, end


def reference_score(instrument, days, start, end):
    """SPEC §3.1 read literally, with Fractions everywhere."""
    scores = {code: [] for code in instrument.item_codes}
    day = start
    while day <= end:
        for code, score in days.get(day, {}).items():
            if score is not None:
                scores[code].append(score)
        day += timedelta(days=1)
    observed = sum(len(values) for values in scores.values())
    if observed * 2 < instrument.n * ((end - start).days + 1):
        return None
    means = [Fraction(sum(values), len(values)) for values in scores.values() if values]
    return sum(means) / len(means)


@PROPERTY_SETTINGS
@given(diaries(), windows())
def test_the_score_is_the_spec_formula_and_within_0_to_4(diary, window):
    instrument, days = diary
    score = window_score(instrument, days, *window)
    assert score.value == reference_score(instrument, days, *window)
    assert score.value is None or 0 <= score.value <= 4
    assert score.status is status_for(instrument, score.value)
    assert 0 <= score.observed <= score.expected
    assert score.partial == (score.value is not None and bool(score.missing_items))


@PROPERTY_SETTINGS
@given(diaries(), windows())
def test_order_of_entries_does_not_matter(diary, window):
    instrument, days = diary
    shuffled = {day: dict(reversed(entry.items())) for day, entry in reversed(days.items())}
    assert window_score(instrument, shuffled, *window) == window_score(instrument, days, *window)
    assert dds_series(instrument, shuffled, *window) == dds_series(instrument, days, *window)


@PROPERTY_SETTINGS
@given(diaries(), windows(), st.data())
def test_raising_one_score_never_lowers_the_score(diary, window, data):
    instrument, days = diary
    start, end = window
    raisable = [
        (day, code)
        for day, entry in days.items()
        if start <= day <= end
        for code, score in entry.items()
        if score is not None and score < 4
    ]
    assume(raisable)
    day, code = data.draw(st.sampled_from(raisable))
    worse = {**days, day: {**days[day], code: data.draw(st.integers(days[day][code] + 1, 4))}}
    before = window_score(instrument, days, start, end)
    after = window_score(instrument, worse, start, end)
    assert (before.value is None) == (after.value is None)
    if before.value is not None:
        assert after.value >= before.value


@PROPERTY_SETTINGS
@given(diaries(), windows())
def test_the_series_equals_the_dds_day_by_day(diary, window):
    instrument, days = diary
    start, end = window
    series = dds_series(instrument, days, start, end)
    assert len(series) == (end - start).days + 1
    for offset, score in enumerate(series):
        assert score == dds_on(instrument, days, start + timedelta(days=offset))


@PROPERTY_SETTINGS
@given(diaries(), windows(), st.booleans())
def test_blank_days_change_nothing(diary, window, with_none):
    instrument, days = diary
    blank = dict.fromkeys(instrument.item_codes) if with_none else {}
    padded = {FIRST + timedelta(days=offset): blank for offset in range(SPAN)} | days
    before = window_score(instrument, days, *window)
    after = window_score(instrument, padded, *window)
    # An insufficient window stays insufficient; a sufficient one keeps its value and items.
    assert after == before


@PROPERTY_SETTINGS
@given(diaries(), windows())
def test_daily_scores_and_proportions_are_bounded(diary, window):
    instrument, days = diary
    for entry in days.values():
        value = daily_score(instrument, entry)
        assert value is None or 0 <= value <= 4
    proportion = proportion_below(instrument, days, *window)
    assert proportion is None or 0 <= proportion <= 1


@PROPERTY_SETTINGS
@given(diaries(), st.integers(7, SPAN - 1))
def test_alerts_with_a_computed_or_given_previous_status_agree(diary, offset):
    instrument, days = diary
    day = FIRST + timedelta(days=offset)
    previous = dds_on(instrument, days, day - timedelta(days=1)).status
    assert evaluate_alerts(instrument, days, day) == evaluate_alerts(
        instrument, days, day, previous_status=previous
    )


def rules_read_literally(instrument, days, day, temperature):
    """SPEC §3.6 with default settings, every window from dds_on."""
    current = dds_on(instrument, days, day)
    previous = dds_on(instrument, days, day - timedelta(days=1))
    earlier = dds_on(instrument, days, day - timedelta(days=7))
    rules = []
    if current.status == "active" and previous.status != "active":
        rules.append("above_threshold")
    if None not in (current.value, earlier.value) and current.value - earlier.value >= Fraction(
        1, 2
    ):
        rules.append("marked_rise")
    scores = [score for score in days.get(day, {}).values() if score is not None]
    if max(scores, default=0) >= 4 or (temperature is not None and temperature >= 40):
        rules.append("severe_symptom")
    gap = 0
    while gap < 7 and day - timedelta(days=gap) not in days:
        gap += 1
    if gap >= 3:
        rules.append("diary_gap" if gap >= 7 else "diary_gap_reminder")
    return rules


@PROPERTY_SETTINGS
@given(diaries(), st.integers(0, SPAN - 1), st.none() | st.decimals(36, 41, places=1))
def test_alert_rules_match_a_literal_reading(diary, offset, temperature):
    instrument, days = diary
    day = FIRST + timedelta(days=offset)
    findings = evaluate_alerts(instrument, days, day, temperatures={day: temperature})
    assert [finding.rule for finding in findings] == rules_read_literally(
        instrument, days, day, temperature
    )


TEMPERATURES = st.decimals(min_value=Decimal(30), max_value=Decimal(45), places=2)
HOURS = st.decimals(min_value=Decimal(0), max_value=Decimal(24), places=2)


@given(TEMPERATURES, TEMPERATURES)
def test_a_higher_temperature_never_scores_lower(low, high):
    low, high = sorted((low, high))
    assert 0 <= fever_score(low) <= fever_score(high) <= 4


@given(HOURS, HOURS)
def test_more_sleep_never_scores_higher(short, long):
    short, long = sorted((short, long))
    assert 0 <= sleep_score(long) <= sleep_score(short) <= 4
