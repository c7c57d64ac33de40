"""The carer's week and history score exactly like the clinic's pages and the API."""

import datetime
import zoneinfo
from fractions import Fraction

import scoring
from diary import carer_selectors
from diary.models import InstrumentDefinition
from diary.selectors import dds_series_for
from diary.services import Submission, submit_entry

LONDON = zoneinfo.ZoneInfo("Europe/London")
FIRST = datetime.date(2026, 11, 1)
CANDLE = ["fever", "rash", "musculoskeletal_pain", "headache", "fatigue"]


def _record(cast, day, scores):
    evening = datetime.datetime.combine(day, datetime.time(20), tzinfo=LONDON)
    submit_entry(
        patient=cast.patient,
        user=cast.carer,
        submission=Submission(date=day, scores=scores),
        source="web",
        now=evening,
    )


def test_a_week_spanning_a_diary_change_is_scored_with_the_entries_versions(cast):
    for n in range(4):
        _record(cast, FIRST + datetime.timedelta(days=n), dict.fromkeys(CANDLE, 1))
    cough = scoring.Item(
        code="cough",
        labels={"en": "Cough"},
        anchors={"en": ("None", "Mild", "Moderate", "Severe", "Very severe")},
    )
    version_9 = scoring.derive_instrument(
        scoring.instrument_for("CANDLE"),
        version=9,
        control_threshold=Fraction(2),
        extra_items=[cough],
    )
    InstrumentDefinition.objects.create(
        disease="CANDLE", version=9, clinic=cast.clinic, definition=version_9.to_dict()
    )
    for n in range(4, 7):
        _record(cast, FIRST + datetime.timedelta(days=n), {**dict.fromkeys(CANDLE, 1), "cough": 4})
    end = FIRST + datetime.timedelta(days=6)

    week = carer_selectors.trend(cast.patient, end)
    clinic = dds_series_for(cast.patient, end - datetime.timedelta(days=6), end)
    assert [s.value for s in week.scores] == [d.score.value for d in clinic]
    assert [s.status for s in week.scores] == [d.score.status for d in clinic]
    # The last window is governed by version 9: (1+1+1+1+1+4)/6 = 3/2, below its threshold 2.
    assert week.latest.value == Fraction(3, 2)
    assert week.latest.status == scoring.Status.CONTROLLED
    # Each day's daily score uses that day's own version.
    assert week.daily[FIRST] == Fraction(1)
    assert week.daily[end] == Fraction(9, 6)
