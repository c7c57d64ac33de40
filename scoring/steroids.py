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

STEROID_RESPONSE_MG_PER_KG = Fraction(3, 20)
"""A current dose below 0.15 mg/kg/day prednisone equivalent is a steroid response."""

STEROID_RESPONSE_FALL_PERCENT = Fraction(-50)
"""A change from baseline of -50% or less (at least 50% lower) is a steroid response."""

EQUIVALENT_PLACES = 2
"""Prednisone equivalents are shown to 0.01 mg/day, rounded half up (display only)."""

MG_PER_KG_PLACES = 4
"""Doses per kilogram are shown to 0.0001 mg/kg/day, truncated (display only)."""


def _dose(value: Quantity, what: str) -> Fraction:
    dose = to_fraction(value, what=what)
    if dose < 0:
        raise ValueError(f"{what} must not be negative, got {value}")
    return dose


def prednisone_equivalent(drug: str, mg_per_day: Quantity) -> Fraction:
    """Return a daily dose of ``drug`` in mg/day as exact prednisone-equivalent mg/day.

    ``drug`` is a lower-case key of ``STEROID_FACTORS``; 1 mg dexamethasone is exactly 20/3 mg.
    Nothing is rounded: show the result with :func:`prednisone_mg_for_display`. Raises
    ``ValueError`` for an unknown drug, a negative dose or a non-number. A day without a
    recorded dose is the caller's concern: this function never assumes zero.
    """
    factor = STEROID_FACTORS.get(drug)
    if factor is None:
        raise ValueError(
            f"unknown corticosteroid {drug!r}; expected one of {sorted(STEROID_FACTORS)}"
        )
    return _dose(mg_per_day, "dose in mg/day") * factor


def mg_per_kg_per_day(prednisone_mg_per_day: Quantity, weight_kg: Quantity) -> Fraction:
    """Return an exact prednisone-equivalent dose in mg/kg/day for a body weight in kg.

    Pass the exact equivalent (a ``Fraction`` from :func:`prednisone_equivalent`), never a
    rounded one. Show the result with :func:`mg_per_kg_for_display`. Raises ``ValueError`` for
    a negative dose or a weight that is not above zero.
    """
    dose = _dose(prednisone_mg_per_day, "prednisone-equivalent dose in mg/day")
    weight = to_fraction(weight_kg, what="weight in kg")
    if weight <= 0:
        raise ValueError(f"weight must be above 0 kg, got {weight_kg}")
    return dose / weight


def prednisone_mg_for_display(prednisone_mg_per_day: Fraction) -> Decimal:
    """Return prednisone-equivalent mg/day for display: 0.01 mg/day, rounded half up.

    For showing only (1 mg dexamethasone shows as 6.67); never divide or compare the result.
    """
    return fraction_to_decimal(prednisone_mg_per_day, EQUIVALENT_PLACES, rounding="half_up")


def mg_per_kg_for_display(mg_per_kg: Fraction) -> Decimal:
    """Return mg/kg/day for display: 0.0001 mg/kg/day, truncated.

    Truncation keeps the figure on the same side of 0.15 as the exact dose, so a dose of
    0.14998 mg/kg/day, which meets the response criterion, shows as 0.1499 and never as 0.1500.
    """
    return fraction_to_decimal(mg_per_kg, MG_PER_KG_PLACES, rounding="down")


def weight_on(weights: Mapping[date, Decimal], day: date) -> Decimal | None:
    """Return the most recent weight in kg recorded on or before ``day``, or ``None`` if none.

    A weight recorded after ``day`` is never used for it.
    """
    recorded = [when for when in weights if when <= day]
    return weights[max(recorded)] if recorded else None


def steroid_change_percent(
    baseline_mg_per_kg: Quantity | None, current_mg_per_kg: Quantity | None
) -> Fraction | None:
    """Return the exact change of the dose from baseline in percent of the baseline dose.

    Doses in mg/kg/day; negative values are reductions (-50 is half the baseline dose).
    ``None`` when either dose is unknown or the baseline dose is 0, where a relative change has
    no meaning. Raises ``ValueError`` for a negative dose or a non-number.
    """
    if baseline_mg_per_kg is None or current_mg_per_kg is None:
        return None
    baseline = _dose(baseline_mg_per_kg, "baseline dose in mg/kg/day")
    current = _dose(current_mg_per_kg, "current dose in mg/kg/day")
    if baseline == 0:
        return None
    return (current - baseline) * 100 / baseline


def steroid_response(baseline_mg_per_kg: Quantity | None, current_mg_per_kg: Quantity) -> bool:
    """Return whether the steroid criterion of the 2023 trial is met (doses in mg/kg/day).

    Met when the current dose is below 0.15 mg/kg/day, or, with a baseline dose above zero, at
    least 50% lower than baseline (:func:`steroid_change_percent` ≤ -50). With no baseline dose
    (``None`` or 0) only the first criterion applies. Both comparisons are on exact values.
    Raises ``ValueError`` for a negative dose or a non-number.
    """
    current = _dose(current_mg_per_kg, "current dose in mg/kg/day")
    if current < STEROID_RESPONSE_MG_PER_KG:
        return True
    change = steroid_change_percent(baseline_mg_per_kg, current)
    return change is not None and change <= STEROID_RESPONSE_FALL_PERCENT
