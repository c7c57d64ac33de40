"""Systemic corticosteroid doses as prednisone equivalents, and the steroid response (SPEC §3.5)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from fractions import Fraction
from types import MappingProxyType

from scoring.quantities import Quantity, fraction_to_decimal, to_fraction

STEROID_FACTORS: Mapping[str, Fraction] = MappingProxyType(
    {
        "prednisone": Fraction(1),
        "prednisolone": Fraction(1),
        "methylprednisolone": Fraction(5, 4),
        "triamcinolone": Fraction(5, 4),
        "hydrocortisone": Fraction(1, 4),
        "cortisone": Fraction(1, 5),
        "dexamethasone": Fraction(20, 3),
        "betamethasone": Fraction(25, 3),
    }
)
"""mg of prednisone equivalent to 1 mg of each systemic (oral/IV) corticosteroid.

Kept as exact fractions: dexamethasone is 5 / 0.75 = 20/3 (the "6.67" of SPEC §3.5) and
betamethasone 5 / 0.6 = 25/3 ("8.33"), so 0.75 mg dexamethasone is exactly 5 mg prednisone.
"""

RESPONSE_MG_PER_KG = Fraction(3, 20)
"""A current dose below 0.15 mg/kg/day prednisone equivalent is a steroid response."""

EQUIVALENT_PLACES = 2
"""Prednisone equivalents are given to 0.01 mg/day, rounded half up."""

MG_PER_KG_PLACES = 4
"""Doses per kilogram are given to 0.0001 mg/kg/day, truncated (see mg_per_kg_per_day)."""


def _dose(value: Quantity, what: str) -> Fraction:
    dose = to_fraction(value, what=what)
    if dose < 0:
        raise ValueError(f"{what} must not be negative, got {value}")
    return dose


def prednisone_equivalent(drug: str, mg_per_day: Quantity) -> Decimal:
    """Return a daily dose of ``drug`` in mg/day as prednisone-equivalent mg/day.

    ``drug`` is a lower-case key of ``STEROID_FACTORS``. The product is exact and rounded once,
    half up, to 0.01 mg/day (1 mg dexamethasone → 6.67). Raises ``ValueError`` for an unknown
    drug, a negative dose or a non-number. A day without a recorded dose is the caller's
    concern: this function never assumes zero.
    """
    factor = STEROID_FACTORS.get(drug)
    if factor is None:
        raise ValueError(
            f"unknown corticosteroid {drug!r}; expected one of {sorted(STEROID_FACTORS)}"
        )
    dose = _dose(mg_per_day, "dose in mg/day")
    return fraction_to_decimal(dose * factor, EQUIVALENT_PLACES, rounding="half_up")


def mg_per_kg_per_day(prednisone_mg_per_day: Quantity, weight_kg: Quantity) -> Decimal:
    """Return a prednisone-equivalent dose in mg/kg/day for a body weight in kg.

    Truncated to 0.0001 mg/kg/day, so that the figure is below 0.15 exactly when the exact dose
    is. Raises ``ValueError`` for a negative dose or a weight that is not above zero.
    """
    dose = _dose(prednisone_mg_per_day, "prednisone-equivalent dose in mg/day")
    weight = to_fraction(weight_kg, what="weight in kg")
    if weight <= 0:
        raise ValueError(f"weight must be above 0 kg, got {weight_kg}")
    return fraction_to_decimal(dose / weight, MG_PER_KG_PLACES, rounding="down")


def weight_on(weights: Mapping[date, Decimal], day: date) -> Decimal | None:
    """Return the most recent weight in kg recorded on or before ``day``, or ``None`` if none.

    A weight recorded after ``day`` is never used for it.
    """
    recorded = [when for when in weights if when <= day]
    return weights[max(recorded)] if recorded else None


def steroid_response(baseline_mg_per_kg: Quantity | None, current_mg_per_kg: Quantity) -> bool:
    """Return whether the steroid criterion of the 2023 trial is met (doses in mg/kg/day).

    Met when the current dose is below 0.15 mg/kg/day, or, with a baseline dose above zero, at
    least 50% lower than baseline (current ≤ half of baseline). With no baseline dose (``None``
    or 0) only the first criterion applies. Comparisons are exact. Raises ``ValueError`` for a
    negative dose or a non-number.
    """
    current = _dose(current_mg_per_kg, "current dose in mg/kg/day")
    if current < RESPONSE_MG_PER_KG:
        return True
    if baseline_mg_per_kg is None:
        return False
    baseline = _dose(baseline_mg_per_kg, "baseline dose in mg/kg/day")
    return baseline > 0 and current * 2 <= baseline
