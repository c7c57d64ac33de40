"""Clinical records in FHIR: vital signs, PGA and corticosteroid doses.

- a vital-signs ``Observation`` per weight (LOINC 29463-7, kg) and height (8302-2, cm);
- an ``Observation`` per PGA assessment (the app's ``pga`` code, 0-10);
- a ``MedicationStatement`` per corticosteroid dose row: the RxNorm ingredient beside the drug
  name, the route in SNOMED CT, the daily dose as a UCUM ``mg/d`` rate, and the period the dose
  was in force (until the next dose of the same drug, or its end date).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from clinicians.exports.fhir.codes import (
    BODY_HEIGHT,
    BODY_WEIGHT,
    LOINC,
    RXNORM,
    RXNORM_INGREDIENTS,
    SNOMED,
    SNOMED_ROUTES,
    Urls,
    category,
    coding,
    person,
    subject,
    ucum,
)
from clinicians.records.models import Measurement, PGAAssessment, SteroidDose
from diary.models import Patient

VITAL_SIGNS = {Measurement.Kind.WEIGHT: BODY_WEIGHT, Measurement.Kind.HEIGHT: BODY_HEIGHT}


def clinical_resources(patient: Patient, today: datetime.date, urls: Urls) -> list[dict[str, Any]]:
    """The patient's measurements, PGA assessments and corticosteroid doses as FHIR resources."""
    resources = [
        _vital_sign(patient, measurement)
        for measurement in Measurement.objects.filter(patient=patient).order_by("date", "kind")
    ]
    pgas = PGAAssessment.objects.filter(patient=patient).select_related("assessed_by")
    resources += [_pga(patient, pga, urls) for pga in pgas.order_by("date")]
    doses = list(
        SteroidDose.objects.filter(patient=patient)
        .select_related("recorded_by")
        .order_by("from_date", "pk")
    )
    resources += [_medication_statement(patient, dose, doses, today, urls) for dose in doses]
    return resources


def _vital_sign(patient: Patient, measurement: Measurement) -> dict[str, Any]:
    code, display, unit = VITAL_SIGNS[Measurement.Kind(measurement.kind)]
    return {
        "resourceType": "Observation",
        "id": f"{measurement.kind}-{measurement.pk}",
        "status": "final",
        "category": category("vital-signs", "Vital Signs"),
        "code": {"coding": [coding(LOINC, code, display)], "text": display},
        "subject": subject(patient),
        "effectiveDateTime": measurement.date.isoformat(),
        "valueQuantity": ucum(float(measurement.value), unit),
    }


def _pga(patient: Patient, pga: PGAAssessment, urls: Urls) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": f"pga-{pga.pk}",
        "status": "final",
        "category": category("survey", "Survey"),
        "code": {
            "coding": [coding(urls.system("ifn-diary"), "pga", "Physician's global assessment")],
            "text": "Physician's global assessment of disease activity (0-10)",
        },
        "subject": subject(patient),
        "effectiveDateTime": pga.date.isoformat(),
        "performer": [person(pga.assessed_by, "Practitioner", urls)],
        "valueQuantity": ucum(float(pga.score), "score", "{score}"),
    }


def _medication_statement(
    patient: Patient,
    dose: SteroidDose,
    doses: list[SteroidDose],
    today: datetime.date,
    urls: Urls,
) -> dict[str, Any]:
    end = dose_end(dose, doses)
    period = {"start": dose.from_date.isoformat()}
    if end is not None:
        period["end"] = end.isoformat()
    route_code, route_display = SNOMED_ROUTES[dose.route]
    route = str(SteroidDose.Route(dose.route).label)  # a lazy label is not JSON
    mg = _plain(dose.mg_per_day)
    return {
        "resourceType": "MedicationStatement",
        "id": f"steroid-dose-{dose.pk}",
        "status": _status(dose.from_date, end, today),
        "medicationCodeableConcept": {
            "coding": [coding(RXNORM, RXNORM_INGREDIENTS[dose.drug], dose.drug)],
            "text": dose.drug.capitalize(),
        },
        "subject": subject(patient),
        "effectivePeriod": period,
        "dateAsserted": dose.recorded_at.astimezone(datetime.UTC).isoformat(),
        "informationSource": person(dose.recorded_by, "Practitioner", urls),
        "dosage": [
            {
                "text": f"{mg} mg/day, {route.lower()}",
                "route": {"coding": [coding(SNOMED, route_code, route_display)], "text": route},
                # The app records a total daily dose, not how it is split over the day.
                "doseAndRate": [{"rateQuantity": ucum(float(dose.mg_per_day), "mg/d")}],
            }
        ],
    }


def dose_end(dose: SteroidDose, doses: list[SteroidDose]) -> datetime.date | None:
    """The last day ``dose`` was in force: the day before the next dose of the same drug, or
    its own end date, whichever is first; ``None`` while it goes on."""
    ends = [d.from_date - datetime.timedelta(days=1) for d in doses if _replaces(d, dose)]
    if dose.to_date is not None:
        ends.append(dose.to_date)
    return min(ends, default=None)


def _replaces(later: SteroidDose, dose: SteroidDose) -> bool:
    return later.drug == dose.drug and later.from_date > dose.from_date


def _status(start: datetime.date, end: datetime.date | None, today: datetime.date) -> str:
    if start > today:
        return "intended"
    if end is not None and end < today:
        return "completed"
    return "active"


def _plain(value: Decimal) -> str:
    """A dose as written, without trailing zeros (12.50 → 12.5, 10.00 → 10)."""
    return f"{value.normalize():f}"
