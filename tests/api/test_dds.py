"""The DDS series endpoint: computed by ``scoring`` with each entry's instrument version,
shown truncated to 3 decimals, status judged on the exact value. Values are worked by hand."""

import datetime
import zoneinfo
from fractions import Fraction

import pytest

import scoring
from diary.models import InstrumentDefinition
from diary.services import Submission, submit_entry

LONDON = zoneinfo.ZoneInfo("Europe/London")
START = datetime.date(2026, 11, 1)
CANDLE = ["fever", "rash", "musculoskeletal_pain", "headache", "fatigue"]


def record(cast, day, scores):
    """An on-time entry for ``day`` from the carer, saved that evening."""
    evening = datetime.datetime.combine(day, datetime.time(21, 0), tzinfo=LONDON)
    submit_entry(
        patient=cast.patient,
        user=cast.carer,
        submission=Submission(date=day, scores=scores),
        source="web",
        now=evening,
    )


def series(api, cast, start, end):
    response = api("clinician").get(
        f"/api/v1/patients/{cast.patient.pk}/dds/", {"from": str(start), "to": str(end)}
    )
    assert response.status_code == 200, response.content
    return {row["date"]: row for row in response.json()["days"]}


def day(n):
    return START + datetime.timedelta(days=n)


def test_a_full_week_scores_the_mean_of_item_means(api, cast):
    for n in range(7):
        record(cast, day(n), {"fever": 1, "rash": 0, "musculoskeletal_pain": 0,
                              "headache": 0, "fatigue": 0})  # fmt: skip
    row = series(api, cast, day(6), day(6))[str(day(6))]
    # fever mean 1, four items mean 0: (1 + 0 + 0 + 0 + 0) / 5 = 0.2
    assert row["dds"] == 0.2 and row["status"] == "controlled"
    assert (row["observed"], row["expected"], row["partial"]) == (35, 35, False)


def test_the_figure_is_truncated_and_the_status_is_exact(api, cast):
    # Item sums over 7 days: fever 7, rash 7, pain 3, headache 0, fatigue 0 → 17/35 = 0.48571…
    for n in range(7):
        scores = dict.fromkeys(CANDLE, 0)
        scores["fever"] = scores["rash"] = 1
        scores["musculoskeletal_pain"] = 1 if n < 3 else 0
        record(cast, day(n), scores)
    row = series(api, cast, day(6), day(6))[str(day(6))]
    assert row["dds"] == 0.485  # truncated; rounding would say 0.486
    assert row["status"] == "controlled"


def test_exactly_the_control_threshold_is_active(api, cast):
    # Six days of seven, each item's sums: fever 6, rash 6, pain 3 → (1 + 1 + 0.5 + 0 + 0) / 5
    for n in range(6):
        scores = dict.fromkeys(CANDLE, 0)
        scores["fever"] = scores["rash"] = 1
        scores["musculoskeletal_pain"] = n % 2
        record(cast, day(n), scores)
    row = series(api, cast, day(6), day(6))[str(day(6))]
    assert row["dds"] == 0.5 and row["status"] == "active"
    assert (row["observed"], row["expected"]) == (30, 35)


def test_too_few_scores_is_insufficient_with_a_null_dds(api, cast):
    for n in range(3):
        record(cast, day(n), dict.fromkeys(CANDLE, 1))
    row = series(api, cast, day(6), day(6))[str(day(6))]
    # 15 of 35 expected scores: fewer than half
    assert row["dds"] is None and row["status"] == "insufficient"
    assert row["observed"] == 15


def test_an_item_never_scored_makes_the_window_partial(api, cast):
    for n in range(7):
        record(cast, day(n), {**dict.fromkeys(CANDLE, 2), "headache": None})
    row = series(api, cast, day(6), day(6))[str(day(6))]
    assert row["dds"] == 2.0 and row["partial"] is True
    assert row["missing_items"] == ["headache"]


def test_one_row_per_day_matches_scoring_dds_series(api, cast):
    days = {}
    for n in range(10):
        scores = {code: (n + i) % 5 for i, code in enumerate(CANDLE)}
        record(cast, day(n), scores)
        days[day(n)] = scores
    rows = series(api, cast, day(0), day(13))
    assert list(rows) == [str(day(n)) for n in range(14)]
    expected = scoring.dds_series(scoring.instrument_for("CANDLE"), days, day(0), day(13))
    for score in expected:
        row = rows[str(score.end)]
        shown = None if score.value is None else float(scoring.round_score(score.value))
        assert (row["dds"], row["status"]) == (shown, score.status.value)


def test_windows_that_mix_instrument_versions_use_the_newest_entrys_version(api, cast):
    for n in range(4):
        record(cast, day(n), dict.fromkeys(CANDLE, 1))
    cough = scoring.Item(
        code="cough",
        labels={"en": "Cough"},
        anchors={"en": ("None", "Mild", "Moderate", "Severe", "Very severe")},
    )
    version_7 = scoring.derive_instrument(
        scoring.instrument_for("CANDLE"),
        version=7,
        control_threshold=Fraction(3, 10),
        extra_items=[cough],
    )
    InstrumentDefinition.objects.create(
        disease="CANDLE", version=7, clinic=cast.clinic, definition=version_7.to_dict()
    )
    for n in range(4, 7):
        record(cast, day(n), {**dict.fromkeys(CANDLE, 1), "cough": 4})
    rows = series(api, cast, day(3), day(6))
    # Day 3: only version-1 entries in the window → version 1, every item mean 1.
    assert rows[str(day(3))]["instrument_version"] == 1
    assert rows[str(day(3))]["dds"] == 1.0 and rows[str(day(3))]["status"] == "active"
    # Day 6: the newest entry is version 7; cough is blank on the older days.
    # (1 + 1 + 1 + 1 + 1 + 4) / 6 = 1.5; 38 of 42 expected scores.
    last = rows[str(day(6))]
    assert last["instrument_version"] == 7 and last["dds"] == 1.5
    assert (last["observed"], last["expected"]) == (38, 42)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"from": "2026-11-10", "to": "2026-11-01"}, "from"),
        ({"from": "2020-01-01", "to": "2026-01-01"}, "from"),  # over 3 years
        ({"from": "1800-01-01"}, "from"),
        ({"to": "next week"}, "to"),
    ],
)
def test_bad_ranges_are_400_naming_the_parameter(api, cast, query, field):
    response = api("carer").get(f"/api/v1/patients/{cast.patient.pk}/dds/", query)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == field
