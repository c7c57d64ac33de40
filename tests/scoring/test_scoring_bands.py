"""Fever and sleep scores from measurements, at every band boundary (SPEC §1)."""

from decimal import Decimal
from fractions import Fraction

import pytest

from scoring import FeverBands, SleepBands, fever_score, instrument_for, sleep_score


@pytest.mark.parametrize(
    ("celsius", "score"),
    [
        (Decimal("30.0"), 0),
        (Decimal("36.6"), 0),
        (Decimal("37.99"), 0),
        (Decimal("38.0"), 1),
        (Decimal("38.4"), 1),
        (Decimal("38.45"), 1),
        (Decimal("38.49"), 1),
        (Decimal("38.5"), 2),
        (Decimal("38.9"), 2),
        (Decimal("38.99"), 2),
        (Decimal("39.0"), 3),
        (Decimal("39.4"), 3),
        (Decimal("39.49"), 3),
        (Decimal("39.5"), 4),
        (Decimal("41.2"), 4),
        (Decimal("45"), 4),
    ],
)
def test_fever_bands(celsius, score):
    assert fever_score(celsius) == score
    assert instrument_for("CANDLE").fever_score(celsius) == score


@pytest.mark.parametrize(
    ("hours", "score"),
    [
        (Decimal("24"), 0),
        (Decimal("9.5"), 0),
        (Decimal("8"), 0),
        (Decimal("7.99"), 1),
        (Decimal("6"), 1),
        (Decimal("5.99"), 2),
        (Decimal("4"), 2),
        (Decimal("3.99"), 3),
        (Decimal("2"), 3),
        (Decimal("1.99"), 4),
        (Decimal("0.5"), 4),
        (Decimal("0"), 4),
    ],
)
def test_sleep_bands(hours, score):
    assert sleep_score(hours) == score
    assert instrument_for("AGS").sleep_score(hours) == score


@pytest.mark.parametrize("celsius", [38, "38.0", " 38.0 ", Fraction(38), 38.0, Decimal("38.00")])
def test_fever_accepts_exact_number_types(celsius):
    assert fever_score(celsius) == 1


def test_float_is_read_as_its_decimal_text():
    # 38.45 as a binary float is 38.4500000000000028...; read as text it is exactly 38.45.
    assert fever_score(38.45) == 1
    assert fever_score(38.5) == 2
    assert sleep_score(7.999999) == 1


@pytest.mark.parametrize(
    "celsius",
    [
        Decimal("29.99"),
        Decimal("45.01"),
        Decimal("NaN"),
        Decimal("Infinity"),
        float("nan"),
        float("inf"),
        "hot",
        "",
        True,
        None,
        -1,
        385,
    ],
)
def test_implausible_temperatures_are_rejected(celsius):
    with pytest.raises(ValueError):
        fever_score(celsius)


@pytest.mark.parametrize("hours", [Decimal("-0.1"), Decimal("24.01"), float("nan"), "long", False])
def test_implausible_sleep_is_rejected(hours):
    with pytest.raises(ValueError):
        sleep_score(hours)


def test_custom_bands():
    fever = FeverBands(("37.5", "38", "39", "40"))
    assert [fever.score(Decimal(t)) for t in ("37.4", "37.5", "38", "39", "40")] == [0, 1, 2, 3, 4]
    sleep = SleepBands((1, 3, 5, 7))
    assert [sleep.score(h) for h in (0, 1, 3, 5, 7)] == [4, 3, 2, 1, 0]
    assert fever.bounds == (Decimal("37.5"), Decimal("38"), Decimal("39"), Decimal("40"))
    assert fever.to_list() == ["37.5", "38", "39", "40"]


@pytest.mark.parametrize(
    ("bounds", "message"),
    [
        (("38.0", "38.5", "39.0"), "four"),
        (("38.0", "38.5", "39.0", "39.5", "40"), "four"),
        (("38.0", "38.0", "39.0", "39.5"), "strictly increasing"),
        (("39.5", "39.0", "38.5", "38.0"), "strictly increasing"),
        (("29", "38.5", "39.0", "39.5"), "within"),
        (("38.0", "38.5", "39.0", "46"), "within"),
        (("38.0", "38.5", "39.0", "NaN"), "finite"),
        ((38.0, 38.5, 39.0, 39.5), "Decimal, int or decimal text"),
        ("3839", "four"),
    ],
)
def test_fever_band_validation(bounds, message):
    with pytest.raises(ValueError, match=message):
        FeverBands(bounds)


def test_sleep_band_validation():
    with pytest.raises(ValueError, match="within"):
        SleepBands(("2", "4", "6", "25"))
