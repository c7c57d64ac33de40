"""A patient's diary and clinical records as a FHIR R4 (4.0.1) Bundle of plain JSON.

The bundle (type ``collection``, documented in docs/exports.md) holds the ``Patient`` with the
pseudonymous reference only (no name, no date of birth); the diary (``diary``); the clinical
records (``clinical``); and the app's own CodeSystems (``codes``), so that every code in it
resolves. Every URL is under ``SITE_URL``.

Nothing here needs a FHIR library; the tests validate the output with the official FHIR R4
JSON schema and with ``fhir.resources``.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import translation

from clinicians.exports.fhir.clinical import clinical_resources
from clinicians.exports.fhir.codes import Urls, code_systems, patient_id
from clinicians.exports.fhir.diary import (
    dds_observations,
    questionnaire,
    questionnaire_response,
    temperature_observations,
)
from diary.instruments import current_instruments, instrument_version
from diary.models import EntryVersion, ItemScore, Patient
from diary.selectors import latest_versions

__all__ = ["patient_bundle"]


def patient_bundle(
    patient: Patient,
    *,
    base_url: str,
    end: datetime.date,
    now: datetime.datetime,
) -> dict[str, Any]:
    """The whole diary and clinical record of ``patient`` up to ``end`` as one FHIR R4
    collection Bundle, in English whatever the reader's language."""
    urls = Urls(base_url)
    with translation.override("en"):
        resources = _resources(patient, urls, end)
    return {
        "resourceType": "Bundle",
        "id": f"ifn-diary-{patient_id(patient)}",
        "type": "collection",
        "timestamp": now.astimezone(datetime.UTC).isoformat(),
        "entry": [{"fullUrl": urls.full(r), "resource": r} for r in resources],
    }


def _resources(patient: Patient, urls: Urls, end: datetime.date) -> list[dict[str, Any]]:
    versions = list(
        EntryVersion.objects.filter(patient=patient, entry__date__lte=end)
        .select_related("entry", "entered_by")
        .order_by("entry__date", "number")
    )
    scores: dict[int, dict[str, int | None]] = {}
    for version_id, code, score in (
        ItemScore.objects.filter(version__patient=patient, version__entry__date__lte=end)
        .values_list("version_id", "item_code", "score")
        .order_by("pk")
    ):
        scores.setdefault(version_id, {})[code] = score
    latest = set(latest_versions().filter(patient=patient).values_list("pk", flat=True))
    current = current_instruments([patient])[patient.pk]
    used = sorted({v.instrument_version for v in versions}) or [current.version]
    instruments = [instrument_version(patient.disease, number) for number in used]
    return [
        _patient(patient, urls),
        *(questionnaire(instrument, urls) for instrument in instruments),
        *code_systems(instruments, urls),
        *(
            questionnaire_response(patient, v, scores.get(v.pk, {}), v.pk in latest, urls)
            for v in versions
        ),
        *dds_observations(patient, versions, latest, end, urls),
        *temperature_observations(patient, versions, latest),
        *clinical_resources(patient, end, urls),
    ]


def _patient(patient: Patient, urls: Urls) -> dict[str, Any]:
    return {
        "resourceType": "Patient",
        "id": patient_id(patient),
        "identifier": [
            {"system": urls.identifier("patient-reference"), "value": patient.reference}
        ],
        "active": patient.is_active,
    }
