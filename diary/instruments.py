"""Which diary instrument (and version) applies: built-in versions from ``scoring``, clinic
overrides from ``InstrumentDefinition`` rows. Versions are immutable, so lookups are cached."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import scoring
from diary.models import InstrumentDefinition


def current_instrument(patient: Any) -> scoring.Instrument:
    """The instrument a new entry for ``patient`` is captured with today."""
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
        version = overrides.get((patient.clinic_id, patient.disease))
        result[patient.pk] = (
            instrument_version(patient.disease, version)
            if version is not None
            else scoring.instrument_for(patient.disease)
        )
    return result


@lru_cache(maxsize=256)
def instrument_version(disease: str, version: int) -> scoring.Instrument:
    """The instrument ``disease`` at ``version``, built-in or clinic-defined."""
    try:
        return scoring.instrument_for(disease, version)
    except ValueError:
        row = InstrumentDefinition.objects.filter(disease=disease, version=version).first()
        if row is None:
            raise
        return scoring.Instrument.from_dict(row.definition)
