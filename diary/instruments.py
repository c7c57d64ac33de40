"""Which diary instrument (and version) applies: built-in versions from ``scoring``, clinic
overrides from ``InstrumentDefinition`` rows, read by query each time they are needed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import OuterRef, Subquery

import scoring
from diary.models import InstrumentDefinition

# A patient read with this annotation (``diary.access.patient_for`` does) carries its clinic's
# newest instrument version for its disease, or None for the built-in one.
CURRENT_VERSION = "_current_instrument_version"


def current_version_annotation() -> Subquery:
    return Subquery(
        InstrumentDefinition.objects.filter(
            clinic_id=OuterRef("clinic_id"), disease=OuterRef("disease")
        )
        .order_by("-version")
        .values("version")[:1]
    )


def current_instrument(patient: Any) -> scoring.Instrument:
    """The instrument a new entry for ``patient`` is captured with today."""
    if hasattr(patient, CURRENT_VERSION):
        return _instrument(patient.disease, getattr(patient, CURRENT_VERSION))
    return current_instruments([patient])[patient.pk]


def current_instruments(patients: Iterable[Any]) -> dict[int, scoring.Instrument]:
    """The current instrument of each patient, keyed by patient id, in one query."""
    patients = list(patients)
    overrides: dict[tuple[int, str], int] = {}
    rows = InstrumentDefinition.objects.filter(
        clinic_id__in={p.clinic_id for p in patients}
    ).values_list("clinic_id", "disease", "version")
    for clinic_id, disease, version in rows:
        key = (clinic_id, disease)
        overrides[key] = max(version, overrides.get(key, 0))
    result = {}
    for patient in patients:
        result[patient.pk] = _instrument(
            patient.disease, overrides.get((patient.clinic_id, patient.disease))
        )
    return result


def _instrument(disease: str, clinic_version: int | None) -> scoring.Instrument:
    if clinic_version is None:
        return scoring.instrument_for(disease)
    return instrument_version(disease, clinic_version)


def instrument_version(disease: str, version: int) -> scoring.Instrument:
    """The instrument ``disease`` at ``version``, built-in or clinic-defined."""
    return instrument_versions([(disease, version)])[disease, version]


def instrument_versions(
    keys: Iterable[tuple[str, int]],
) -> dict[tuple[str, int], scoring.Instrument]:
    """The instrument of each (disease, version), with the clinic-defined ones in one query:
    what a loop over many entries looks its instruments up in."""
    found: dict[tuple[str, int], scoring.Instrument] = {}
    defined = set()
    for disease, version in set(keys):
        try:
            found[disease, version] = scoring.instrument_for(disease, version)
        except ValueError:
            defined.add((disease, version))
    if defined:
        rows = InstrumentDefinition.objects.filter(
            disease__in={d for d, _ in defined}, version__in={v for _, v in defined}
        ).values_list("disease", "version", "definition")
        for disease, version, definition in rows:
            if (disease, version) in defined:
                found[disease, version] = scoring.Instrument.from_dict(definition)
    missing = defined - set(found)
    if missing:
        raise ValueError(f"No instrument version {sorted(missing)}.")
    return found
