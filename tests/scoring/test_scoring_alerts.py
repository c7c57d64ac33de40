"""The nightly alert rules, each firing and not firing, worked by hand (SPEC §3.6).

The diary day evaluated is 14 March 2025: its 7-day DDS covers 8-14 March, the previous day's
7-13 March, and the DDS 7 days earlier 1-7 March.
"""

import json
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest

from scoring import (
    DEFAULT_ALERT_SETTINGS,
    AlertRule,
    AlertSettings,
    Audience,
    Status,
    alert_settings_out_of_bounds,
    evaluate_alerts,
    instrument_for,
)

_ = None
NO_ENTRY = "no entry"
DAY = date(2025, 3, 14)
CANDLE = instrument_for("CANDLE")
ZEROS = (0, 0, 0, 0, 0)
ONES = (1, 1, 1, 1, 1)


def march(*rows):
    """Diary rows from 1 March onward, scores in CANDLE item order."""
    return {
        date(2025, 3, 1) + timedelta(days=offset): dict(zip(CANDLE.item_codes, row, strict=True))
        for offset, row in enumerate(rows)
        if row != NO_ENTRY
    }


def rules(findings):
    return [finding.rule for finding in findings]


def test_enum_values_are_the_stored_strings():
    assert [rule.value for rule in AlertRule] == [
        "above_threshold",
        "marked_rise",
        "severe_symptom",
        "diary_gap_reminder",
        "diary_gap",
    ]
    assert [audience.value for audience in Audience] == ["care_team", "carers"]


def test_above_threshold_fires_when_the_dds_becomes_active():
    # 1-13 March (1, 1, 0, 0, 0): DDS 2/5 on 13 March, controlled. 14 March all 3s:
    # fever and rash 9/7, the other three 3/7: DDS (27/7) / 5 = 27/35 = 0.771, active.
    # The rise over 7 days is 27/35 - 2/5 = 13/35, not marked.
    days = march(*[(1, 1, 0, 0, 0)] * 13, (3, 3, 3, 3, 3))
    (finding,) = evaluate_alerts(CANDLE, days, DAY)
    assert finding.rule is AlertRule.ABOVE_THRESHOLD
    assert finding.audience is Audience.CARE_TEAM
    assert finding.reason == ("7-day DDS 0.771 ≥ control threshold 0.5; previous day controlled")
    assert finding.details == {
        "day": "2025-03-14",
        "dds": "27/35",
        "control_threshold": "1/2",
        "previous_status": "controlled",
    }


def test_above_threshold_does_not_fire_when_already_active():
    days = march(*[(3, 3, 3, 3, 3)] * 14)
    assert evaluate_alerts(CANDLE, days, DAY) == ()


def test_above_threshold_uses_the_given_previous_status():
    days = march(*[(1, 1, 0, 0, 0)] * 13, (3, 3, 3, 3, 3))
    assert evaluate_alerts(CANDLE, days, DAY, previous_status=Status.ACTIVE) == ()
    (finding,) = evaluate_alerts(CANDLE, days, DAY, previous_status=Status.REMISSION)
    assert finding.details["previous_status"] == "remission"


def test_an_insufficient_previous_day_counts_as_not_active():
    # Entries 11-14 March only: 7-13 March has 15 of 35 scores (insufficient), 8-14 March 20.
    # Fever and rash (1 + 1 + 1 + 3) / 4 = 3/2, the others 3/4: DDS (21/4) / 5 = 21/20.
    days = march(*[NO_ENTRY] * 10, *[(1, 1, 0, 0, 0)] * 3, (3, 3, 3, 3, 3))
    (finding,) = evaluate_alerts(CANDLE, days, DAY)
    assert finding.rule is AlertRule.ABOVE_THRESHOLD
    assert finding.details["dds"] == "21/20"
    assert finding.details["previous_status"] == "insufficient"


def test_exactly_at_the_threshold_and_exactly_the_rise():
    # 8-14 March: no entry, two days of 1s, three of 0s, a day of 1s: DDS 3/6 = 1/2, active.
    # 7-13 March: 0s, 1s, 1s, 0s, 0s, 0s: 2/6 = 1/3, controlled. 1-7 March all 0s: DDS 0,
    # so the rise is exactly 1/2.
    days = march(*[ZEROS] * 7, NO_ENTRY, ONES, ONES, ZEROS, ZEROS, ZEROS, ONES)
    findings = evaluate_alerts(CANDLE, days, DAY)
    assert rules(findings) == [AlertRule.ABOVE_THRESHOLD, AlertRule.MARKED_RISE]
    assert findings[1].details["rise"] == "1/2"


def test_just_below_the_threshold_and_the_rise():
    # As above, but fatigue 0 on 14 March: (3/6 * 4 + 2/6) / 5 = 7/15, controlled, and the
    # rise of 7/15 is below 1/2.
    days = march(*[ZEROS] * 7, NO_ENTRY, ONES, ONES, ZEROS, ZEROS, ZEROS, (1, 1, 1, 1, 0))
    assert evaluate_alerts(CANDLE, days, DAY) == ()


def test_marked_rise():
    # 1-7 March all 0s (DDS 0); 8-14 March (1, 1, 1, 1, 0): DDS 4/5. The day before was
    # already active (24/35), so only the rise fires.
    days = march(*[ZEROS] * 7, *[(1, 1, 1, 1, 0)] * 7)
    (finding,) = evaluate_alerts(CANDLE, days, DAY)
    assert finding.rule is AlertRule.MARKED_RISE
    assert finding.audience is Audience.CARE_TEAM
    assert finding.reason == (
        "Marked rise: 7-day DDS rose by 0.800 over 7 days, from 0.000 on 2025-03-07 to 0.800"
        " (clinic rule: a rise of 0.5 or more over 7 days); not a validated clinical difference"
    )
    assert "significant" not in finding.reason
    assert finding.details == {
        "day": "2025-03-14",
        "dds": "4/5",
        "earlier_day": "2025-03-07",
        "earlier_dds": "0",
        "rise": "4/5",
        "delta": "1/2",
    }


def test_marked_rise_needs_both_scores():
    days = march(*[NO_ENTRY] * 7, *[(1, 1, 1, 1, 0)] * 7)
    assert evaluate_alerts(CANDLE, days, DAY) == ()


def test_marked_rise_with_a_clinic_delta():
    days = march(*[ZEROS] * 7, *[(1, 1, 1, 1, 0)] * 7)
    settings = AlertSettings(marked_rise_delta=Fraction(1))
    assert evaluate_alerts(CANDLE, days, DAY, settings=settings) == ()


def test_a_fall_is_not_a_rise():
    days = march(*[(1, 1, 1, 1, 0)] * 7, *[ZEROS] * 7)
    assert evaluate_alerts(CANDLE, days, DAY) == ()


SEVERE_RULE = " (clinic rule: an item scored 4 or more, or a temperature of 40.0 °C or more)"
GAP_RULE = " (clinic rule: carers reminded after 3 days, care team told after 7)"


@pytest.mark.parametrize(
    ("row", "temperature", "items", "reason"),
    [
        (
            (4, 0, 0, 0, 0),
            None,
            ["fever"],
            "Severe symptom on 2025-03-14: Fever scored 4" + SEVERE_RULE,
        ),
        (
            (0, 4, _, 4, 0),
            None,
            ["rash", "headache"],
            "Severe symptom on 2025-03-14: Rash scored 4; Headache scored 4" + SEVERE_RULE,
        ),
        (
            ZEROS,
            Decimal("40.0"),
            [],
            "Severe symptom on 2025-03-14: temperature 40.0 °C" + SEVERE_RULE,
        ),
        (
            (3, 0, 0, 0, 4),
            Decimal("41.2"),
            ["fatigue"],
            "Severe symptom on 2025-03-14: Tiredness scored 4; temperature 41.2 °C" + SEVERE_RULE,
        ),
    ],
)
def test_severe_symptom_fires(row, temperature, items, reason):
    days = {DAY: dict(zip(CANDLE.item_codes, row, strict=True))}
    temperatures = {DAY: temperature}
    (finding,) = evaluate_alerts(CANDLE, days, DAY, temperatures=temperatures)
    assert finding.rule is AlertRule.SEVERE_SYMPTOM
    assert finding.audience is Audience.CARE_TEAM
    assert finding.reason == reason
    assert finding.details == {
        "day": "2025-03-14",
        "items": items,
        "temperature_c": None if temperature is None else str(temperature),
        "item_score_limit": 4,
        "temperature_limit_c": "40.0",
    }


@pytest.mark.parametrize(
    ("row", "temperatures"),
    [
        ((3, 3, 3, 3, 3), None),
        ((3, 3, 3, 3, 3), {DAY: Decimal("39.9")}),
        ((3, 3, 3, 3, 3), {DAY: None}),
        ((3, 3, 3, 3, 3), {DAY - timedelta(days=1): Decimal("40.5")}),
        ((_, _, _, _, _), {}),
    ],
)
def test_severe_symptom_does_not_fire(row, temperatures):
    days = {DAY: dict(zip(CANDLE.item_codes, row, strict=True))}
    findings = evaluate_alerts(CANDLE, days, DAY, temperatures=temperatures)
    assert AlertRule.SEVERE_SYMPTOM not in rules(findings)


def test_severe_symptom_with_clinic_settings():
    days = {DAY: dict(zip(CANDLE.item_codes, (3, 0, 0, 0, 0), strict=True))}
    settings = AlertSettings(severe_item_score=3, severe_temperature_c=Decimal("39.5"))
    (finding,) = evaluate_alerts(
        CANDLE, days, DAY, temperatures={DAY: Decimal("39.5")}, settings=settings
    )
    assert finding.details["items"] == ["fever"]
    assert finding.details["temperature_c"] == "39.5"


def test_an_implausible_temperature_is_an_error():
    with pytest.raises(ValueError, match="plausible range"):
        evaluate_alerts(CANDLE, {DAY: {}}, DAY, temperatures={DAY: Decimal("50")})


@pytest.mark.parametrize(
    ("last_entry_day", "diary_start", "rule", "gap"),
    [
        (14, None, None, 0),
        (12, None, None, 2),
        (11, None, AlertRule.DIARY_GAP_REMINDER, 3),
        (8, None, AlertRule.DIARY_GAP_REMINDER, 6),
        (7, None, AlertRule.DIARY_GAP, 7),
        # Counting stops at the care-team threshold: the rule only needs to know it is reached.
        (3, None, AlertRule.DIARY_GAP, 7),
        # Days before the diary started are not a gap.
        (None, date(2025, 3, 13), None, 2),
        (None, date(2025, 3, 12), AlertRule.DIARY_GAP_REMINDER, 3),
        (None, date(2025, 3, 8), AlertRule.DIARY_GAP, 7),
        (None, date(2025, 3, 15), None, 0),
    ],
)
def test_diary_gap(last_entry_day, diary_start, rule, gap):
    days = {} if last_entry_day is None else march(*[ZEROS] * last_entry_day)
    findings = evaluate_alerts(CANDLE, days, DAY, diary_start=diary_start)
    gaps = [f for f in findings if f.rule in {AlertRule.DIARY_GAP, AlertRule.DIARY_GAP_REMINDER}]
    if rule is None:
        assert gaps == []
        return
    (finding,) = gaps
    assert finding.rule is rule
    assert finding.details == {
        "day": "2025-03-14",
        "days_without_entry": gap,
        "reminder_days": 3,
        "care_team_days": 7,
    }
    if rule is AlertRule.DIARY_GAP:
        assert finding.audience is Audience.CARE_TEAM
        assert finding.reason == (
            "No diary entry for 7 or more consecutive days up to 2025-03-14" + GAP_RULE
        )
    else:
        assert finding.audience is Audience.CARERS
        assert finding.reason == (
            f"No diary entry for {gap} consecutive days up to 2025-03-14" + GAP_RULE
        )


def test_a_day_with_an_entry_of_blanks_is_not_a_gap():
    days = {DAY - timedelta(days=offset): {} for offset in range(3)}
    assert evaluate_alerts(CANDLE, days, DAY) == ()


def test_diary_gap_with_clinic_settings():
    days = march(*[ZEROS] * 9)
    settings = AlertSettings(gap_reminder_days=2, gap_care_team_days=5)
    (finding,) = evaluate_alerts(CANDLE, days, DAY, settings=settings)
    assert finding.rule is AlertRule.DIARY_GAP
    assert finding.details["days_without_entry"] == 5


def test_other_instruments_and_bad_entries():
    savi = instrument_for("SAVI")
    # SAVI's threshold is 1: a DDS of 4/5 after 0s is controlled, so only the rise fires.
    codes = savi.item_codes
    days = {
        date(2025, 3, 1) + timedelta(days=offset): dict(zip(codes, row, strict=True))
        for offset, row in enumerate([(0,) * 6] * 7 + [(1, 1, 1, 1, 0, _)] * 7)
    }
    assert rules(evaluate_alerts(savi, days, DAY)) == [AlertRule.MARKED_RISE]
    with pytest.raises(ValueError, match="unknown item 'respiratory'"):
        evaluate_alerts(CANDLE, {DAY: {"respiratory": 1}}, DAY)
    with pytest.raises(ValueError, match="integer 0-4"):
        evaluate_alerts(CANDLE, {DAY: {"fever": 7}}, DAY)


def test_settings_defaults_and_round_trip():
    assert (
        AlertSettings(
            marked_rise_delta=Fraction(1, 2),
            severe_item_score=4,
            severe_temperature_c=Decimal("40.0"),
            gap_reminder_days=3,
            gap_care_team_days=7,
        )
        == DEFAULT_ALERT_SETTINGS
    )
    data = json.loads(json.dumps(DEFAULT_ALERT_SETTINGS.to_dict()))
    assert data == {
        "marked_rise_delta": "1/2",
        "severe_item_score": 4,
        "severe_temperature_c": "40.0",
        "gap_reminder_days": 3,
        "gap_care_team_days": 7,
    }
    assert AlertSettings.from_dict(data) == DEFAULT_ALERT_SETTINGS
    assert AlertSettings.from_dict({"gap_reminder_days": 2}).gap_care_team_days == 7


@pytest.mark.parametrize(
    "data",
    [
        {"colour": "red"},
        {"marked_rise_delta": "0"},
        {"marked_rise_delta": "half"},
        {"marked_rise_delta": 0.5},
        {"severe_item_score": 5},
        {"severe_item_score": 0},
        {"severe_item_score": True},
        {"severe_temperature_c": "29"},
        {"severe_temperature_c": "hot"},
        {"gap_reminder_days": 0},
        {"gap_reminder_days": 8},
        {"gap_care_team_days": "7"},
    ],
)
def test_settings_validation(data):
    with pytest.raises(ValueError):
        AlertSettings.from_dict(data)


def test_the_reasons_name_the_clinics_own_rule_values():
    settings = AlertSettings(
        marked_rise_delta=Fraction(3, 5),
        severe_temperature_c=Decimal("39.5"),
        gap_reminder_days=2,
        gap_care_team_days=10,
    )
    days = march(*[ZEROS] * 7, *[(1, 1, 1, 1, 0)] * 6, (1, 1, 1, 1, 0))
    findings = evaluate_alerts(
        CANDLE, days, DAY, temperatures={DAY: Decimal("39.6")}, settings=settings
    )
    reasons = {finding.rule: finding.reason for finding in findings}
    assert "(clinic rule: a rise of 0.6 or more over 7 days)" in reasons[AlertRule.MARKED_RISE]
    assert reasons[AlertRule.SEVERE_SYMPTOM] == (
        "Severe symptom on 2025-03-14: temperature 39.6 °C (clinic rule: an item scored 4 or"
        " more, or a temperature of 39.5 °C or more)"
    )
    gap = evaluate_alerts(CANDLE, march(*[ZEROS] * 12), DAY, settings=settings)
    assert gap[0].reason == (
        "No diary entry for 2 consecutive days up to 2025-03-14 (clinic rule: carers reminded"
        " after 2 days, care team told after 10)"
    )
    assert gap[0].details["reminder_days"] == 2 and gap[0].details["care_team_days"] == 10


@pytest.mark.parametrize(
    ("values", "outside"),
    [
        ({}, ()),
        ({"marked_rise_delta": Fraction(1, 100)}, ()),
        ({"marked_rise_delta": Fraction(3)}, ()),
        ({"marked_rise_delta": Fraction(0)}, ("marked_rise_delta",)),
        ({"marked_rise_delta": Fraction(301, 100)}, ("marked_rise_delta",)),
        ({"severe_temperature_c": Decimal("37.5")}, ()),
        ({"severe_temperature_c": Decimal("42.0")}, ()),
        ({"severe_temperature_c": Decimal("37.4")}, ("severe_temperature_c",)),
        ({"severe_temperature_c": Decimal("42.1")}, ("severe_temperature_c",)),
        ({"gap_reminder_days": 1, "gap_care_team_days": 28}, ()),
        ({"gap_reminder_days": 0}, ("gap_reminder_days",)),
        ({"gap_care_team_days": 29}, ("gap_care_team_days",)),
        ({"gap_reminder_days": 7, "gap_care_team_days": 7}, ("gap_care_team_days",)),
        ({"gap_reminder_days": 8, "gap_care_team_days": 7}, ("gap_care_team_days",)),
    ],
)
def test_the_bounds_a_clinic_may_choose(values, outside):
    chosen = {
        "marked_rise_delta": Fraction(1, 2),
        "severe_temperature_c": Decimal("40.0"),
        "gap_reminder_days": 3,
        "gap_care_team_days": 7,
        **values,
    }
    assert alert_settings_out_of_bounds(**chosen) == outside
    if outside:
        with pytest.raises(ValueError, match=outside[0]):
            AlertSettings(**chosen)
    else:
        assert AlertSettings(**chosen).marked_rise_delta == chosen["marked_rise_delta"]
