"""Exact conversion of measured quantities (temperatures, hours, doses, weights).

Every quantity that enters the scoring package becomes a ``Fraction`` before it is compared, so no
comparison ever depends on binary floating point. Floats are accepted for convenience (a JSON body
may carry ``38.5``) and are read through their shortest decimal text, ``Decimal(str(x))``, so the
float ``38.45`` means exactly 38.45 and not 38.4500000000000028...
"""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Literal

Quantity = Decimal | Fraction | int | float | str
"""A measured value: ``Decimal``, ``Fraction``, ``int``, ``str`` (decimal text) or ``float``."""


def to_fraction(value: Quantity, *, what: str) -> Fraction:
    """Return ``value`` as an exact ``Fraction``; ``what`` names the quantity in errors.

    Raises ``ValueError`` for booleans, NaN, infinities, unparsable text and other types.
    """
    if isinstance(value, bool):
        raise ValueError(f"{what} must be a number, not a boolean")
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{what} must be a finite number, got {value!r}")
        value = str(value)
    if isinstance(value, str):
        try:
            value = Decimal(value.strip())
        except InvalidOperation:
            raise ValueError(f"{what} must be a number, got {value!r}") from None
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{what} must be a finite number, got {value!r}")
        return Fraction(value)
    raise ValueError(f"{what} must be a number, got {type(value).__name__}")


def to_decimal(value: Decimal | int | str, *, what: str) -> Decimal:
    """Return ``value`` as a finite ``Decimal`` (kept as written: ``"38.0"`` stays ``38.0``)."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise ValueError(f"{what} must be a Decimal, int or decimal text, got {value!r}")
    try:
        result = Decimal(value.strip() if isinstance(value, str) else value)
    except InvalidOperation:
        raise ValueError(f"{what} must be a number, got {value!r}") from None
    if not result.is_finite():
        raise ValueError(f"{what} must be a finite number, got {value!r}")
    return result


def fraction_to_decimal(
    value: Fraction, places: int, *, rounding: Literal["down", "half_up"]
) -> Decimal:
    """Return ``value`` with ``places`` decimals, rounded once and exactly.

    ``"down"`` truncates toward zero; ``"half_up"`` rounds halves away from zero. The result has
    exactly ``places`` decimals (``Fraction(1, 2)`` with 3 places is ``Decimal("0.500")``).
    """
    scale = 10**places
    magnitude = abs(value)
    if rounding == "down":
        scaled = magnitude.numerator * scale // magnitude.denominator
    else:
        scaled = (2 * magnitude.numerator * scale + magnitude.denominator) // (
            2 * magnitude.denominator
        )
    signed = -scaled if value < 0 else scaled
    return Decimal(signed).scaleb(-places)
