"""Prednisone equivalents, mg/kg/day, weights and the steroid response (SPEC §3.5).

The chain dose → prednisone equivalent → mg/kg/day → response is exact; only the
``*_for_display`` helpers round, and a displayed figure never lands on the other side of
0.15 mg/kg/day from the response it is shown with.
"""

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import (
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


def test_the_response_threshold_is_exactly_0_15():
    assert Fraction(15, 100) == STEROID_RESPONSE_MG_PER_KG


@pytest.mark.parametrize(
    ("drug", "mg_per_day", "prednisone"),
    [
        ("prednisone", Decimal("10"), Fraction(10)),
        ("prednisolone", Decimal("7.5"), Fraction(15, 2)),
        ("methylprednisolone", Decimal("4"), Fraction(5)),
        ("methylprednisolone", Decimal("1"), Fraction(5, 4)),
        ("triamcinolone", Decimal("4"), Fraction(5)),
        ("hydrocortisone", Decimal("20"), Fraction(5)),
        ("hydrocortisone", Decimal("1"), Fraction(1, 4)),
        ("cortisone", Decimal("25"), Fraction(5)),
        ("cortisone", Decimal("1"), Fraction(1, 5)),
        ("dexamethasone", Decimal("0.75"), Fraction(5)),
        ("dexamethasone", Decimal("1"), Fraction(20, 3)),
        ("dexamethasone", Decimal("0.5"), Fraction(10, 3)),
        ("dexamethasone", Decimal("0.4"), Fraction(8, 3)),
        ("dexamethasone", Decimal("3"), Fraction(20)),
        ("betamethasone", Decimal("0.6"), Fraction(5)),
        ("betamethasone", Decimal("1"), Fraction(25, 3)),
        ("betamethasone", Decimal("0.3"), Fraction(5, 2)),
        ("prednisone", Decimal("0"), Fraction(0)),
        ("prednisone", Decimal("0.125"), Fraction(1, 8)),
        ("prednisone", 5, Fraction(5)),
        ("prednisone", "2.5", Fraction(5, 2)),
    ],
)
def test_prednisone_equivalent_is_exact(drug, mg_per_day, prednisone):
    result = prednisone_equivalent(drug, mg_per_day)
    assert isinstance(result, Fraction)
    assert result == prednisone


@pytest.mark.parametrize(
    ("prednisone", "shown"),
    [
        (Fraction(5), "5.00"),
        (Fraction(20, 3), "6.67"),  # 1 mg dexamethasone, the "6.67" of SPEC §3.5
        (Fraction(10, 3), "3.33"),
        (Fraction(25, 3), "8.33"),
        (Fraction(5, 4), "1.25"),
        (Fraction(0), "0.00"),
        # Rounded once, half up, to 0.01 mg/day.
        (Fraction(1, 8), "0.13"),
        (Fraction(124, 1000), "0.12"),
    ],
)
def test_prednisone_mg_for_display(prednisone, shown):
    assert str(prednisone_mg_for_display(prednisone)) == shown


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
        (Decimal("5.00"), Decimal("20"), Fraction(1, 4)),
        (Decimal("3"), Decimal("20"), Fraction(3, 20)),
        (Decimal("2.99"), Decimal("20"), Fraction(299, 2000)),
        (Decimal("5"), Decimal("33.3"), Fraction(50, 333)),
        (Decimal("2"), Decimal("3"), Fraction(2, 3)),
        (Decimal("0"), Decimal("12.4"), Fraction(0)),
        # An exact equivalent goes in whole: 0.4 mg dexamethasone on 17.8 kg.
        (Fraction(8, 3), Decimal("17.8"), Fraction(40, 267)),
    ],
)
def test_mg_per_kg_per_day_is_exact(prednisone, weight, expected):
    result = mg_per_kg_per_day(prednisone, weight)
    assert isinstance(result, Fraction)
    assert result == expected


@pytest.mark.parametrize(
    ("mg_per_kg", "shown"),
    [
        (Fraction(1, 4), "0.2500"),
        (Fraction(3, 20), "0.1500"),
        (Fraction(299, 2000), "0.1495"),
        # 5 / 33.3 = 0.150150...: truncated, so still not below 0.15.
        (Fraction(50, 333), "0.1501"),
        # 2 / 3 = 0.6666...: truncated, not rounded up.
        (Fraction(2, 3), "0.6666"),
        # 0.14998... is below 0.15 and must never read as "0.1500".
        (Fraction(40, 267), "0.1498"),
        (Fraction(3, 20) - Fraction(1, 10**9), "0.1499"),
        (Fraction(0), "0.0000"),
    ],
)
def test_mg_per_kg_for_display(mg_per_kg, shown):
    assert str(mg_per_kg_for_display(mg_per_kg)) == shown


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


# At 20 kg, 0.15 mg/kg/day is exactly 3 mg/day of prednisone: each drug's dose at the
# threshold is 3 / factor mg/day. Just below and just above are a hundredth of a milligram
# (the precision a dose is recorded with) either side.
AT_THRESHOLD_ON_20_KG = {
    "prednisone": Decimal("3"),
    "prednisolone": Decimal("3"),
    "methylprednisolone": Decimal("2.4"),
    "triamcinolone": Decimal("2.4"),
    "hydrocortisone": Decimal("12"),
    "cortisone": Decimal("15"),
    "dexamethasone": Decimal("0.45"),
    "betamethasone": Decimal("0.36"),
}
BOUNDARY_CASES = [
    (drug, at + offset, response)
    for drug, at in AT_THRESHOLD_ON_20_KG.items()
    for offset, response in (
        (Decimal("-0.01"), True),
        (Decimal("0"), False),
        (Decimal("0.01"), False),
    )
]


def test_every_drug_has_boundary_cases():
    assert set(AT_THRESHOLD_ON_20_KG) == set(STEROID_FACTORS)


@pytest.mark.parametrize(("drug", "mg_per_day", "response"), BOUNDARY_CASES)
def test_response_at_the_boundary_for_every_drug(drug, mg_per_day, response):
    mg_per_kg = mg_per_kg_per_day(prednisone_equivalent(drug, mg_per_day), Decimal("20"))
    assert (mg_per_kg < Fraction(3, 20)) is response
    assert mg_per_kg == Fraction(mg_per_day) * STEROID_FACTORS[drug] / 20
    assert steroid_response(None, mg_per_kg) is response
    # What is shown agrees with the response: below 0.15 exactly when the response is met.
    assert (mg_per_kg_for_display(mg_per_kg) < Decimal("0.15")) is response


@pytest.mark.parametrize(
    ("drug", "mg_per_day", "weight", "response", "shown"),
    [
        # 0.4 mg dexamethasone is 8/3 mg prednisone; on 17.8 kg that is 0.14981 mg/kg/day.
        # Rounding the equivalent to 2.67 first gave exactly 0.1500, "not met".
        ("dexamethasone", Decimal("0.4"), Decimal("17.8"), True, "0.1498"),
        # The same with betamethasone: 0.32 mg is 8/3 mg prednisone.
        ("betamethasone", Decimal("0.32"), Decimal("17.8"), True, "0.1498"),
        # And the other way: 0.2 mg dexamethasone (4/3 mg) on 8.88 kg is 0.15015 mg/kg/day,
        # not met; rounding the equivalent down to 1.33 first gave 0.1497, "met".
        ("dexamethasone", Decimal("0.2"), Decimal("8.88"), False, "0.1501"),
        # Half up at the second decimal: 2.5 mg hydrocortisone is 0.625 mg, not 0.63; on
        # 4.2 kg that is 0.1488 mg/kg/day, where 0.63 gave exactly 0.1500.
        ("hydrocortisone", Decimal("2.5"), Decimal("4.2"), True, "0.1488"),
    ],
)
def test_rounding_the_equivalent_first_would_flip_the_response(
    drug, mg_per_day, weight, response, shown
):
    exact = mg_per_kg_per_day(prednisone_equivalent(drug, mg_per_day), weight)
    rounded_first = prednisone_mg_for_display(prednisone_equivalent(drug, mg_per_day)) / weight
    assert (rounded_first < Decimal("0.15")) is not response  # the old, wrong chain
    assert steroid_response(None, exact) is response
    assert str(mg_per_kg_for_display(exact)) == shown


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
        # Half of an exact baseline that has no finite decimal form.
        (Fraction(4, 13), Fraction(2, 13), True),
        (Fraction(4, 13), Fraction(2, 13) + Fraction(1, 10**12), False),
    ],
)
def test_steroid_response(baseline, current, response):
    assert steroid_response(baseline, current) is response


@pytest.mark.parametrize(
    ("baseline", "current", "percent"),
    [
        (Decimal("0.4"), Decimal("0.2"), Fraction(-50)),
        (Decimal("0.4"), Decimal("0.3"), Fraction(-25)),
        (Decimal("0.4"), Decimal("0.4"), Fraction(0)),
        (Decimal("0.4"), Decimal("0.5"), Fraction(25)),
        (Decimal("0.3"), Decimal("0"), Fraction(-100)),
        (Fraction(1, 3), Fraction(1, 6), Fraction(-50)),
        (Fraction(3, 10), Fraction(1, 7), Fraction(-1100, 21)),
        # No baseline dose, or none known: a relative change has no meaning.
        (Decimal("0"), Decimal("0.2"), None),
        (None, Decimal("0.2"), None),
        (Decimal("0.4"), None, None),
    ],
)
def test_steroid_change_percent(baseline, current, percent):
    assert steroid_change_percent(baseline, current) == percent


DOSES = st.fractions(min_value=0, max_value=5, max_denominator=10**6)


@settings(max_examples=300, deadline=None)
@given(baseline=DOSES, current=DOSES)
def test_the_response_agrees_with_the_change_shown(baseline, current):
    """Met exactly when below 0.15 or when the change is -50% or more (exactly, not rounded)."""
    change = steroid_change_percent(baseline, current)
    expected = current < Fraction(3, 20) or (change is not None and change <= -50)
    assert steroid_response(baseline, current) is expected


@settings(max_examples=300, deadline=None)
@given(mg_per_kg=DOSES)
def test_the_figure_shown_is_on_the_same_side_of_0_15(mg_per_kg):
    assert (mg_per_kg_for_display(mg_per_kg) < Decimal("0.15")) is (mg_per_kg < Fraction(3, 20))


@pytest.mark.parametrize(
    ("baseline", "current"), [(None, Decimal("-0.1")), (Decimal("-1"), Decimal("0.5"))]
)
def test_steroid_response_rejects_negative_doses(baseline, current):
    with pytest.raises(ValueError, match="must not be negative"):
        steroid_response(baseline, current)
