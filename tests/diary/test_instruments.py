"""``diary.instruments``: built-in versions come from ``scoring``, clinic ones from their rows."""

from fractions import Fraction

import pytest

import scoring
from diary.instruments import instrument_version, instrument_versions
from diary.models import InstrumentDefinition


def _define(cast, version, threshold):
    derived = scoring.derive_instrument(
        scoring.instrument_for("CANDLE"), version=version, control_threshold=threshold
    )
    return InstrumentDefinition.objects.create(
        disease="CANDLE", version=version, clinic=cast.clinic, definition=derived.to_dict()
    )


def test_a_clinic_version_is_what_its_row_says_now(cast):
    # No copy kept in the process: every process answers with the row as it is.
    row = _define(cast, 7, Fraction(3, 10))
    assert instrument_version("CANDLE", 7).control_threshold == Fraction(3, 10)
    row.definition = scoring.derive_instrument(
        scoring.instrument_for("CANDLE"), version=7, control_threshold=Fraction(2, 5)
    ).to_dict()
    row.save()
    assert instrument_version("CANDLE", 7).control_threshold == Fraction(2, 5)


def test_many_versions_are_read_in_one_query(cast, django_assert_num_queries):
    _define(cast, 7, Fraction(3, 10))
    _define(cast, 8, Fraction(2, 5))
    keys = [("CANDLE", 1), ("SAVI", 1), ("CANDLE", 7), ("CANDLE", 8), ("CANDLE", 7)]
    with django_assert_num_queries(1):
        found = instrument_versions(keys)
    assert {key: instrument.version for key, instrument in found.items()} == {
        ("CANDLE", 1): 1,
        ("SAVI", 1): 1,
        ("CANDLE", 7): 7,
        ("CANDLE", 8): 8,
    }
    assert found["CANDLE", 8].control_threshold == Fraction(2, 5)
    with django_assert_num_queries(0):
        instrument_versions([("CANDLE", 1), ("AGS", 1)])


def test_an_unknown_version_is_refused(cast):
    _define(cast, 7, Fraction(3, 10))
    with pytest.raises(ValueError, match="SAVI"):
        instrument_version("SAVI", 7)  # version 7 is CANDLE's, not SAVI's
