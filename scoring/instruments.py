"""Versioned diary instruments: items, thresholds and bands per disease (SPEC §1 and §3.3).

An instrument never changes once defined. A clinic-level override (other bands, thresholds, an
extra item) is a new instrument with a higher version, made by :func:`derive_instrument`; every
stored entry records the version it was captured with, and scores are computed with that version.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from types import MappingProxyType
from typing import Any

from scoring.bands import DEFAULT_FEVER_BANDS, DEFAULT_SLEEP_BANDS, FeverBands, SleepBands
from scoring.catalogue import ITEMS_BY_DISEASE
from scoring.items import Item, check_keys
from scoring.quantities import Quantity

DISEASES = ("CANDLE", "SAVI", "AGS", "OTHER")
"""Disease codes, in display order. OTHER uses the CANDLE diary, as the JAGA programme did."""

PROFILE_JAGA = "JAGA"
"""Control thresholds of the JAGA programme: CANDLE 0.5, SAVI 1.0, AGS 0.5, OTHER 0.5."""
PROFILE_UNIFORM_0_5 = "UNIFORM_0_5"
"""The 2023 trial analysis: a control threshold of 0.5 for every disease."""
PROFILE_CUSTOM = "CUSTOM"
"""Recorded on an instrument whose control threshold a clinic set by hand."""

THRESHOLD_PROFILES: Mapping[str, Mapping[str, Fraction]] = MappingProxyType(
    {
        PROFILE_JAGA: MappingProxyType(
            {
                "CANDLE": Fraction(1, 2),
                "SAVI": Fraction(1),
                "AGS": Fraction(1, 2),
                "OTHER": Fraction(1, 2),
            }
        ),
        PROFILE_UNIFORM_0_5: MappingProxyType({code: Fraction(1, 2) for code in DISEASES}),
    }
)
"""Named control-threshold profiles: profile key → disease code → DDS threshold."""

REMISSION_THRESHOLD = Fraction(3, 20)
"""A DDS below 0.15 is "in the remission range" (never label the patient "in remission")."""


def _fraction(value: object, what: str) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, Fraction):
        raise ValueError(f"{what} must be a Fraction, got {value!r}")
    return value


@dataclass(frozen=True)
class Instrument:
    """One version of a disease's diary: ordered items, status thresholds and measurement bands.

    ``control_threshold`` and ``remission_threshold`` are DDS values (0-4 scale) as ``Fraction``:
    a score below the remission threshold is in the remission range, below the control threshold
    controlled, at or above it active. ``threshold_profile`` names where the control threshold
    came from (a key of ``THRESHOLD_PROFILES`` or ``PROFILE_CUSTOM``).
    """

    disease: str
    version: int
    items: tuple[Item, ...]
    control_threshold: Fraction
    remission_threshold: Fraction
    fever_bands: FeverBands
    sleep_bands: SleepBands | None
    threshold_profile: str
    index: Mapping[str, int] = field(init=False, repr=False, compare=False)
    """Item code → position in ``items``."""
    item_codes: tuple[str, ...] = field(init=False, repr=False, compare=False)
    """Item codes in diary order."""
    n: int = field(init=False, repr=False, compare=False)
    """Number of items; a day of this diary holds at most ``n`` scores."""

    def __post_init__(self) -> None:
        if self.disease not in DISEASES:
            raise ValueError(f"unknown disease {self.disease!r}; expected one of {DISEASES}")
        if isinstance(self.version, bool) or not isinstance(self.version, int) or self.version < 1:
            raise ValueError(f"instrument version must be a positive integer, got {self.version!r}")
        object.__setattr__(self, "items", tuple(self.items))
        self._check_items()
        self._check_thresholds()
        if self.sleep_bands is not None and "sleep" not in self.index:
            raise ValueError("sleep bands need a 'sleep' item")

    def _check_items(self) -> None:
        if not self.items or not all(isinstance(item, Item) for item in self.items):
            raise ValueError("an instrument needs at least one Item")
        index = {item.code: position for position, item in enumerate(self.items)}
        if len(index) != len(self.items):
            raise ValueError(f"duplicate item codes in {[item.code for item in self.items]}")
        object.__setattr__(self, "index", MappingProxyType(index))
        object.__setattr__(self, "item_codes", tuple(index))
        object.__setattr__(self, "n", len(index))

    def _check_thresholds(self) -> None:
        control = _fraction(self.control_threshold, "control threshold")
        remission = _fraction(self.remission_threshold, "remission threshold")
        if not 0 < remission <= control <= 4:
            raise ValueError(
                f"thresholds must satisfy 0 < remission ({remission}) <= control ({control}) <= 4"
            )
        if self.threshold_profile == PROFILE_CUSTOM:
            return
        profile = THRESHOLD_PROFILES.get(self.threshold_profile)
        if profile is None:
            raise ValueError(f"unknown threshold profile {self.threshold_profile!r}")
        if profile[self.disease] != control:
            raise ValueError(
                f"profile {self.threshold_profile} sets {self.disease} to {profile[self.disease]},"
                f" not {control}"
            )

    def __hash__(self) -> int:
        return hash((self.disease, self.version, self.item_codes))

    def fever_score(self, celsius: Quantity) -> int:
        """Return the 0-4 fever score for a temperature in °C with this version's bands."""
        return self.fever_bands.score(celsius)

    def sleep_score(self, hours: Quantity) -> int:
        """Return the 0-4 sleep score for hours of sleep; ``ValueError`` without sleep bands."""
        if self.sleep_bands is None:
            raise ValueError(f"{self.disease} version {self.version} has no sleep bands")
        return self.sleep_bands.score(hours)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict (Fractions as ``"1/2"``, Decimals as strings)."""
        return {
            "disease": self.disease,
            "version": self.version,
            "threshold_profile": self.threshold_profile,
            "control_threshold": str(self.control_threshold),
            "remission_threshold": str(self.remission_threshold),
            "fever_bands": self.fever_bands.to_list(),
            "sleep_bands": None if self.sleep_bands is None else self.sleep_bands.to_list(),
            "items": [item.to_dict() for item in self.items],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Instrument:
        """Rebuild an instrument from :meth:`to_dict` output; ``ValueError`` when malformed."""
        check_keys(data, set(_KEYS), what="instrument")
        items = data["items"]
        if not isinstance(items, list | tuple):
            raise ValueError(f"instrument items must be a list, got {items!r}")
        sleep = data["sleep_bands"]
        return cls(
            disease=data["disease"],
            version=data["version"],
            items=tuple(Item.from_dict(item) for item in items),
            control_threshold=_parse_fraction(data["control_threshold"], "control threshold"),
            remission_threshold=_parse_fraction(data["remission_threshold"], "remission threshold"),
            fever_bands=FeverBands(tuple(data["fever_bands"])),
            sleep_bands=None if sleep is None else SleepBands(tuple(sleep)),
            threshold_profile=data["threshold_profile"],
        )


_KEYS = (
    "disease",
    "version",
    "threshold_profile",
    "control_threshold",
    "remission_threshold",
    "fever_bands",
    "sleep_bands",
    "items",
)


def _parse_fraction(text: object, what: str) -> Fraction:
    if not isinstance(text, str):
        raise ValueError(f"{what} must be text such as '1/2', got {text!r}")
    try:
        return Fraction(text)
    except (ValueError, ZeroDivisionError):
        raise ValueError(f"{what} must be text such as '1/2', got {text!r}") from None


def _version_1(disease: str) -> Instrument:
    return Instrument(
        disease=disease,
        version=1,
        items=ITEMS_BY_DISEASE[disease],
        control_threshold=THRESHOLD_PROFILES[PROFILE_JAGA][disease],
        remission_threshold=REMISSION_THRESHOLD,
        fever_bands=DEFAULT_FEVER_BANDS,
        sleep_bands=DEFAULT_SLEEP_BANDS if disease == "AGS" else None,
        threshold_profile=PROFILE_JAGA,
    )


BUILTIN_INSTRUMENTS: Mapping[str, tuple[Instrument, ...]] = MappingProxyType(
    {disease: (_version_1(disease),) for disease in DISEASES}
)
"""Built-in instrument versions per disease, oldest first."""


def instrument_for(disease: str, version: int | None = None) -> Instrument:
    """Return the built-in instrument of ``disease``: the latest version, or ``version``.

    Clinic overrides are not built in: the caller stores them with :meth:`Instrument.to_dict`
    and rebuilds them with :meth:`Instrument.from_dict`. Raises ``ValueError`` for an unknown
    disease code or version.
    """
    versions = BUILTIN_INSTRUMENTS.get(disease)
    if versions is None:
        raise ValueError(f"unknown disease {disease!r}; expected one of {DISEASES}")
    if version is None:
        return versions[-1]
    for instrument in versions:
        if instrument.version == version:
            return instrument
    known = [instrument.version for instrument in versions]
    raise ValueError(f"{disease} has no built-in version {version!r}; known versions {known}")


def derive_instrument(
    base: Instrument,
    *,
    version: int,
    threshold_profile: str | None = None,
    control_threshold: Fraction | None = None,
    remission_threshold: Fraction | None = None,
    fever_bands: FeverBands | None = None,
    sleep_bands: SleepBands | None = None,
    extra_items: Sequence[Item] = (),
) -> Instrument:
    """Return a new version of ``base`` with a clinic's overrides; ``base`` is left unchanged.

    ``threshold_profile`` takes the control threshold from a named profile; ``control_threshold``
    sets it by hand (recorded as ``PROFILE_CUSTOM``); giving both is a ``ValueError``. Extra items
    are appended after the base items. ``version`` must exceed ``base.version``; a duplicate item
    code is a ``ValueError``.
    """
    if isinstance(version, bool) or not isinstance(version, int) or version <= base.version:
        raise ValueError(f"a derived version must exceed {base.version}, got {version!r}")
    if threshold_profile is not None and control_threshold is not None:
        raise ValueError("give a threshold profile or a control threshold, not both")
    profile, control = base.threshold_profile, base.control_threshold
    if threshold_profile is not None:
        if threshold_profile not in THRESHOLD_PROFILES:
            raise ValueError(f"unknown threshold profile {threshold_profile!r}")
        profile, control = threshold_profile, THRESHOLD_PROFILES[threshold_profile][base.disease]
    elif control_threshold is not None:
        profile, control = PROFILE_CUSTOM, control_threshold
    return Instrument(
        disease=base.disease,
        version=version,
        items=(*base.items, *extra_items),
        control_threshold=control,
        remission_threshold=base.remission_threshold
        if remission_threshold is None
        else remission_threshold,
        fever_bands=base.fever_bands if fever_bands is None else fever_bands,
        sleep_bands=base.sleep_bands if sleep_bands is None else sleep_bands,
        threshold_profile=profile,
    )
