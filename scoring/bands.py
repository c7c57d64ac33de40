"""Bands that turn a measured temperature or sleep duration into a 0-4 item score.

Both band sets are PROVISIONAL defaults (SPEC §1) that a clinic may replace through a new
instrument version; the carer's raw measurement is kept by the caller, never only the score.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise

from scoring.quantities import Quantity, to_decimal, to_fraction

TEMPERATURE_RANGE_C = (Fraction(30), Fraction(45))
"""Plausible body temperatures in °C; anything outside is a typing error, not a fever."""

SLEEP_RANGE_HOURS = (Fraction(0), Fraction(24))
"""Plausible longest uninterrupted sleep in hours within one diary day."""


def parse_temperature(celsius: Quantity) -> Fraction:
    """Return a body temperature in °C as an exact ``Fraction``.

    Raises ``ValueError`` when it is not a finite number within 30-45 °C.
    """
    value = to_fraction(celsius, what="temperature")
    low, high = TEMPERATURE_RANGE_C
    if not low <= value <= high:
        raise ValueError(f"temperature {celsius} °C is outside the plausible range 30-45 °C")
    return value


def parse_sleep_hours(hours: Quantity) -> Fraction:
    """Return a sleep duration in hours as an exact ``Fraction``.

    Raises ``ValueError`` when it is not a finite number within 0-24 hours.
    """
    value = to_fraction(hours, what="sleep hours")
    low, high = SLEEP_RANGE_HOURS
    if not low <= value <= high:
        raise ValueError(f"sleep of {hours} hours is outside the plausible range 0-24 hours")
    return value


def _bounds(
    raw: Sequence[Decimal | int | str], *, what: str, limits: tuple[Fraction, Fraction]
) -> tuple[tuple[Decimal, ...], tuple[Fraction, ...]]:
    if isinstance(raw, str) or len(raw) != 4:
        raise ValueError(f"{what} need exactly four cut-points, got {raw!r}")
    decimals = tuple(to_decimal(bound, what=what) for bound in raw)
    exact = tuple(Fraction(bound) for bound in decimals)
    if any(lower >= upper for lower, upper in pairwise(exact)):
        raise ValueError(f"{what} must be strictly increasing, got {raw!r}")
    if not (limits[0] <= exact[0] and exact[-1] <= limits[1]):
        raise ValueError(f"{what} must lie within {limits[0]}-{limits[1]}, got {raw!r}")
    return decimals, exact


@dataclass(frozen=True)
class FeverBands:
    """Fever score from the day's highest temperature.

    ``bounds`` are the lower bounds, in °C, at which the score becomes 1, 2, 3 and 4. A
    temperature below the first bound scores 0; a temperature equal to a bound takes the higher
    score (38.0 → 1, 38.45 → 1, 38.5 → 2).
    """

    bounds: tuple[Decimal, ...]
    _exact: tuple[Fraction, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        decimals, exact = _bounds(self.bounds, what="fever bands", limits=TEMPERATURE_RANGE_C)
        object.__setattr__(self, "bounds", decimals)
        object.__setattr__(self, "_exact", exact)

    def score(self, celsius: Quantity) -> int:
        """Return the 0-4 fever score for a temperature in °C (ValueError if implausible)."""
        return bisect_right(self._exact, parse_temperature(celsius))

    def to_list(self) -> list[str]:
        """Return the bounds as decimal strings, for JSON storage."""
        return [str(bound) for bound in self.bounds]


@dataclass(frozen=True)
class SleepBands:
    """AGS sleep score from the night's longest stretch of uninterrupted sleep.

    ``bounds`` are ascending durations in hours: sleep of at least ``bounds[3]`` scores 0, at
    least ``bounds[2]`` scores 1, at least ``bounds[1]`` scores 2, at least ``bounds[0]`` scores 3,
    and anything shorter scores 4. Less sleep is worse. A duration equal to a bound takes the
    lower (better) score: with the defaults, exactly 8 h → 0 and exactly 2 h → 3.
    """

    bounds: tuple[Decimal, ...]
    _exact: tuple[Fraction, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        decimals, exact = _bounds(self.bounds, what="sleep bands", limits=SLEEP_RANGE_HOURS)
        object.__setattr__(self, "bounds", decimals)
        object.__setattr__(self, "_exact", exact)

    def score(self, hours: Quantity) -> int:
        """Return the 0-4 sleep score for a duration in hours (ValueError if implausible)."""
        return 4 - bisect_right(self._exact, parse_sleep_hours(hours))

    def to_list(self) -> list[str]:
        """Return the bounds as decimal strings, for JSON storage."""
        return [str(bound) for bound in self.bounds]


DEFAULT_FEVER_BANDS = FeverBands(
    (Decimal("38.0"), Decimal("38.5"), Decimal("39.0"), Decimal("39.5"))
)
"""PROVISIONAL: < 38.0 °C → 0, 38.0-38.4 → 1, 38.5-38.9 → 2, 39.0-39.4 → 3, ≥ 39.5 → 4."""

DEFAULT_SLEEP_BANDS = SleepBands((Decimal("2"), Decimal("4"), Decimal("6"), Decimal("8")))
"""PROVISIONAL: ≥ 8 h → 0, 6-< 8 → 1, 4-< 6 → 2, 2-< 4 → 3, < 2 → 4."""


def fever_score(celsius: Quantity) -> int:
    """Return the 0-4 fever score for the day's highest temperature in °C, default bands.

    Accepts ``Decimal``, ``int``, ``Fraction``, decimal text, or a float (read as its decimal
    text). Raises ``ValueError`` outside 30-45 °C or for NaN. There is no "missing" case: a
    carer who measured no temperature chooses the fever score directly.
    """
    return DEFAULT_FEVER_BANDS.score(celsius)


def sleep_score(hours: Quantity) -> int:
    """Return the 0-4 AGS sleep score for the longest uninterrupted sleep in hours, default bands.

    Accepts the same number types as :func:`fever_score`. Raises ``ValueError`` outside 0-24
    hours or for NaN.
    """
    return DEFAULT_SLEEP_BANDS.score(hours)
