"""Prednisone equivalents, mg/kg/day, weights and the steroid response (SPEC §3.5)."""

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from scoring import (
    STEROID_FACTORS,
    mg_per_kg_per_day,
    prednisone_equivalent,
    steroid_response,
    weight_on,
)


def test_factors_are_exact():
    assert dict(STEROID_FACTORS) == {
        "prednisone": Fraction(1),
        "prednisolone": Fraction(1),
        "methylprednisolone": Fraction(5, 4),
        "triamcinolone": Fraction(5, 4),
        "hydrocortisone": Fraction(1, 4),
        "cortisone": Fraction(1, 5),
        "dexamethasone": Fraction(5) / Fraction("0.75"),
        "betamethasone": Fraction(5) / Fraction("0.6"),
    }


@pytest.mark.parametrize(
    ("drug", "mg_per_day", "prednisone"),
    [
        ("prednisone", Decimal("10"), "10.00"),
        ("prednisolone", Decimal("7.5"), "7.50"),
        ("methylprednisolone", Decimal("4"), "5.00"),
        ("methylprednisolone", Decimal("1"), "1.25"),
        ("triamcinolone", Decimal("4"), "5.00"),
        ("hydrocortisone", Decimal("20"), "5.00"),
        ("hydrocortisone", Decimal("1"), "0.25"),
        ("cortisone", Decimal("25"), "5.00"),
        ("cortisone", Decimal("1"), "0.20"),
        ("dexamethasone", Decimal("0.75"), "5.00"),
        ("dexamethasone", Decimal("1"), "6.67"),
        ("dexamethasone", Decimal("0.5"), "3.33"),
        ("dexamethasone", Decimal("3"), "20.00"),
        ("betamethasone", Decimal("0.6"), "5.00"),
        ("betamethasone", Decimal("1"), "8.33"),
        ("betamethasone", Decimal("0.3"), "2.50"),
        ("prednisone", Decimal("0"), "0.00"),
        # Rounded once, half up, to 0.01 mg/day.
        ("prednisone", Decimal("0.125"), "0.13"),
        ("prednisone", Decimal("0.124"), "0.12"),
        ("prednisone", 5, "5.00"),
        ("prednisone", "2.5", "2.50"),
    ],
)
def test_prednisone_equivalent(drug, mg_per_day, prednisone):
    result = prednisone_equivalent(drug, mg_per_day)
    assert result == Decimal(prednisone)
    assert str(result) == prednisone


@pytest.mark.parametrize(
    ("drug", "mg_per_day", "message"),
    [
        ("Prednisone", Decimal("5"), "unknown corticosteroid"),
        ("budesonide", Decimal("5"), "unknown corticosteroid"),
        ("", Decimal("5"), "unknown corticosteroid"),
        ("prednisone", Decimal("-1"), "must not be negative"),
        ("prednisone", Decimal("NaN"), "finite"),
        ("prednisone", "five", "must be a number"),
        ("prednisone", True, "not a boolean"),
    ],
)
def test_prednisone_equivalent_rejects(drug, mg_per_day, message):
    with pytest.raises(ValueError, match=message):
        prednisone_equivalent(drug, mg_per_day)


@pytest.mark.parametrize(
    ("prednisone", "weight", "expected"),
    [
        (Decimal("5.00"), Decimal("20"), "0.2500"),
        (Decimal("3"), Decimal("20"), "0.1500"),
        (Decimal("2.99"), Decimal("20"), "0.1495"),
        # 5 / 33.3 = 0.150150...: truncated, so still not below 0.15.
        (Decimal("5"), Decimal("33.3"), "0.1501"),
        # 2 / 3 = 0.6666...: truncated, not rounded up.
        (Decimal("2"), Decimal("3"), "0.6666"),
        (Decimal("0"), Decimal("12.4"), "0.0000"),
    ],
)
def test_mg_per_kg_per_day(prednisone, weight, expected):
    assert str(mg_per_kg_per_day(prednisone, weight)) == expected


@pytest.mark.parametrize(
    ("prednisone", "weight", "message"),
    [
        (Decimal("5"), Decimal("0"), "above 0 kg"),
        (Decimal("5"), Decimal("-20"), "above 0 kg"),
        (Decimal("-5"), Decimal("20"), "must not be negative"),
    ],
)
def test_mg_per_kg_per_day_rejects(prednisone, weight, message):
    with pytest.raises(ValueError, match=message):
        mg_per_kg_per_day(prednisone, weight)


WEIGHTS = {date(2025, 1, 1): Decimal("20.0"), date(2025, 3, 1): Decimal("21.5")}


@pytest.mark.parametrize(
    ("day", "weight"),
    [
        (date(2024, 12, 31), None),
        (date(2025, 1, 1), Decimal("20.0")),
        (date(2025, 2, 28), Decimal("20.0")),
        (date(2025, 3, 1), Decimal("21.5")),
        (date(2026, 1, 1), Decimal("21.5")),
    ],
)
def test_weight_on(day, weight):
    assert weight_on(WEIGHTS, day) == weight


def test_weight_on_without_weights():
    assert weight_on({}, date(2025, 1, 1)) is None


@pytest.mark.parametrize(
    ("baseline", "current", "response"),
    [
        (None, Decimal("0.1499"), True),
        (None, Decimal("0.15"), False),
        (Decimal("0"), Decimal("0.14"), True),
        (Decimal("0"), Decimal("0.2"), False),
        # At least 50% lower than baseline: exactly half counts.
        (Decimal("1.0"), Decimal("0.5"), True),
        (Decimal("1.0"), Decimal("0.5001"), False),
        (Decimal("0.4"), Decimal("0.2"), True),
        (Decimal("0.4"), Decimal("0.21"), False),
        (Decimal("0.3"), Decimal("0.15"), True),
        # Below 0.15 whatever the baseline.
        (Decimal("0.2"), Decimal("0.149"), True),
        (Decimal("0.2"), Decimal("0.2"), False),
        (Decimal("0.1"), Decimal("0.12"), True),
        (Fraction(1, 3), Fraction(1, 6), True),
    ],
)
def test_steroid_response(baseline, current, response):
    assert steroid_response(baseline, current) is response


@pytest.mark.parametrize(
    ("baseline", "current"), [(None, Decimal("-0.1")), (Decimal("-1"), Decimal("0.5"))]
)
def test_steroid_response_rejects_negative_doses(baseline, current):
    with pytest.raises(ValueError, match="must not be negative"):
        steroid_response(baseline, current)
