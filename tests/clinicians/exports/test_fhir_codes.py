"""The FHIR export's codes: standard where one exists, the app's own resolvable in the bundle,
every URL under SITE_URL; and every demo patient's bundle valid for two independent validators."""

import datetime
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from clinicians.records import services as records
from clinicians.records.models import SteroidDose
from diary.clinics import ClinicMembership
from diary.days import DayRules
from diary.models import Patient, Source
from diary.services import Submission, correct_entry, submit_entry
from tests.clinicians.clinic_data import CANDLE, same_every_day, write_days
from tests.clinicians.fhir_validators import fhir_resources_errors, schema_errors
from tests.conftest import sign_in

SITE = "https://diary.example.org"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
SNOMED = "http://snomed.info/sct"
HL7_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
STANDARD = {LOINC, UCUM, RXNORM, SNOMED, HL7_CATEGORY}


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


def _today(patient):
    return DayRules.for_patient(patient).offered_day(timezone.now())


def _bundle(client, user, patient):
    sign_in(client, user)
    response = client.get(f"/clinic/patients/{patient.pk}/export.fhir.json")
    assert response.status_code == 200
    return json.loads(response.content)


def _resources(bundle, kind):
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


@pytest.fixture
def record(cast):
    """A week of diary with a temperature and a correction, growth, PGA and steroid doses."""
    patient, clinician, now = cast.patient, cast.clinician, timezone.now()
    today = _today(patient)
    day = today - datetime.timedelta(days=1)
    write_days(patient, cast.carer, same_every_day(CANDLE, 1, day, 6))
    first = submit_entry(
        patient=patient,
        user=cast.carer,
        submission=Submission(
            date=today, scores=dict.fromkeys(CANDLE, 1), temperature_c="38.6", notes=""
        ),
        source=Source.WEB,
        now=now,
    )
    correct_entry(
        entry=first.entry,
        user=clinician,
        submission=Submission(
            date=today, scores=dict.fromkeys(CANDLE, 2), temperature_c="39.2", notes=""
        ),
        source=Source.WEB,
        reason="carer phoned: typo",
    )
    common = {"patient": patient, "user": clinician, "now": now}
    records.add_measurement(**common, kind="weight", date=day, value=Decimal("20.5"))
    records.add_measurement(**common, kind="height", date=day, value=Decimal("112.0"))
    records.add_pga(**common, date=day, score=Decimal("3.5"))
    start = today - datetime.timedelta(days=30)
    records.add_steroid_dose(
        **common, drug="prednisolone", mg_per_day=Decimal("10.00"), from_date=start
    )
    records.add_steroid_dose(
        **common, drug="prednisolone", mg_per_day=Decimal("7.50"), from_date=day
    )
    records.add_steroid_dose(
        **common,
        drug="dexamethasone",
        mg_per_day=Decimal("0.75"),
        route="iv",
        from_date=start,
        to_date=start + datetime.timedelta(days=2),
    )
    return today


def test_weight_height_and_temperature_are_vital_signs_in_loinc_and_ucum(client, cast, record):
    bundle = _bundle(client, cast.clinician, cast.patient)
    vitals = {}
    for observation in _resources(bundle, "Observation"):
        category = observation["category"][0]["coding"][0]
        if category["code"] == "vital-signs":
            assert category["system"] == HL7_CATEGORY
            (code,) = observation["code"]["coding"]
            assert code["system"] == LOINC
            vitals[code["code"]] = observation
    assert set(vitals) == {"29463-7", "8302-2", "8310-5"}
    weight, height, temperature = vitals["29463-7"], vitals["8302-2"], vitals["8310-5"]
    assert weight["valueQuantity"] == {"value": 20.5, "unit": "kg", "system": UCUM, "code": "kg"}
    assert height["valueQuantity"] == {"value": 112, "unit": "cm", "system": UCUM, "code": "cm"}
    # The corrected temperature is the one observed; the Observation says it was amended.
    assert temperature["valueQuantity"] == {
        "value": 39.2,
        "unit": "°C",
        "system": UCUM,
        "code": "Cel",
    }
    assert temperature["status"] == "amended"
    assert temperature["effectiveDateTime"] == record.isoformat()
    ids = {f"QuestionnaireResponse/{r['id']}" for r in _resources(bundle, "QuestionnaireResponse")}
    assert temperature["derivedFrom"][0]["reference"] in ids


def test_corticosteroid_doses_are_medication_statements_with_rxnorm_and_ucum(client, cast, record):
    bundle = _bundle(client, cast.clinician, cast.patient)
    statements = _resources(bundle, "MedicationStatement")
    assert len(statements) == 3
    by_dose = {s["dosage"][0]["text"]: s for s in statements}
    tapered, current, dexamethasone = (
        by_dose["10 mg/day, oral"],
        by_dose["7.5 mg/day, oral"],
        by_dose["0.75 mg/day, intravenous"],
    )
    assert tapered["medicationCodeableConcept"] == {
        "coding": [{"system": RXNORM, "code": "8638", "display": "prednisolone"}],
        "text": "Prednisolone",
    }
    assert dexamethasone["medicationCodeableConcept"]["coding"][0]["code"] == "3264"
    assert tapered["dosage"][0]["doseAndRate"] == [
        {"rateQuantity": {"value": 10.0, "unit": "mg/d", "system": UCUM, "code": "mg/d"}}
    ]
    assert tapered["dosage"][0]["route"]["coding"] == [
        {"system": SNOMED, "code": "26643006", "display": "Oral route"}
    ]
    assert dexamethasone["dosage"][0]["route"]["coding"][0]["code"] == "47625008"
    # A dose is in force until the day before the next dose of the same drug, or its end date.
    day = record - datetime.timedelta(days=1)
    start = record - datetime.timedelta(days=30)
    assert tapered["effectivePeriod"] == {
        "start": start.isoformat(),
        "end": (day - datetime.timedelta(days=1)).isoformat(),
    }
    assert current["effectivePeriod"] == {"start": day.isoformat()}
    assert dexamethasone["effectivePeriod"]["end"] == (start + datetime.timedelta(2)).isoformat()
    statuses = [s["status"] for s in (tapered, current, dexamethasone)]
    assert statuses == ["completed", "active", "completed"]


def test_every_drug_the_app_records_has_an_rxnorm_ingredient():
    import scoring
    from clinicians.exports.fhir.codes import RXNORM_INGREDIENTS

    assert set(RXNORM_INGREDIENTS) == set(scoring.STEROID_FACTORS)


def _codings(node):
    """Every dict with a system and a code anywhere in ``node`` (codings and quantities)."""
    if isinstance(node, dict):
        if "system" in node and "code" in node:
            yield node
        for value in node.values():
            yield from _codings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _codings(value)


def test_every_code_of_the_app_resolves_to_a_code_system_in_the_bundle(client, cast, record):
    bundle = _bundle(client, cast.clinician, cast.patient)
    systems = {c["url"]: c for c in _resources(bundle, "CodeSystem")}
    assert set(systems) == {
        f"{SITE}/fhir/CodeSystem/{name}"
        for name in ("item-score", "ifn-diary", "dds-status", "version-state")
    }
    used = set()
    for coding in _codings([e["resource"] for e in bundle["entry"]]):
        if coding["system"] in STANDARD:
            continue
        assert coding["system"].startswith(f"{SITE}/fhir/CodeSystem/"), coding
        concepts = {c["code"]: c for c in systems[coding["system"]]["concept"]}
        concept = concepts[coding["code"]]
        names = {concept["display"]} | {d["value"] for d in concept.get("designation", [])}
        assert coding.get("display", concept["display"]) in names, coding
        used.add(coding["system"])
    assert used == set(systems)
    pga = next(o for o in _resources(bundle, "Observation") if o["id"].startswith("pga-"))
    assert pga["code"]["coding"][0]["code"] == "pga" and pga["valueQuantity"]["value"] == 3.5


def _strings(node):
    if isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)
    elif isinstance(node, str):
        yield node


def test_every_url_in_the_bundle_is_under_site_url_or_a_standard_system(client, cast, record):
    bundle = _bundle(client, cast.clinician, cast.patient)
    assert all(e["fullUrl"].startswith(f"{SITE}/fhir/") for e in bundle["entry"])
    urls = {s.split("|")[0] for s in _strings(bundle) if "://" in s}
    assert urls, "no URL at all"
    for url in urls:
        assert url.startswith(f"{SITE}/fhir/") or url in STANDARD, url


def test_the_control_range_does_not_read_as_inclusive(client, cast, record):
    bundle = _bundle(client, cast.clinician, cast.patient)
    dds = [o for o in _resources(bundle, "Observation") if o["id"].startswith("dds-")]
    assert dds
    for observation in dds:
        # FHIR's referenceRange.high is inclusive; a DDS of exactly 0.5 is active for CANDLE.
        (reference_range,) = observation["referenceRange"]
        assert "high" not in reference_range and "low" not in reference_range
        assert reference_range["text"].startswith("below 0.5 ")


def test_the_bundle_passes_both_validators(client, cast, record):
    bundle = _bundle(client, cast.clinician, cast.patient)
    assert schema_errors(bundle, root=True) == []
    assert fhir_resources_errors(bundle) == []


def test_the_schema_validator_finds_what_is_wrong(client, cast, record):
    bundle = _bundle(client, cast.clinician, cast.patient)
    statement = _resources(bundle, "MedicationStatement")[0]
    statement["dosage"][0]["doseAndRate"][0]["rateQuantity"]["value"] = "10"
    statement["effectivePeriod"]["start"] = "yesterday"
    bundle["entry"].append({"fullUrl": f"{SITE}/fhir/Basic/x", "resource": {"id": "x"}})
    bundle["type"] = "bag"
    errors = schema_errors(bundle, root=True)
    assert any("rateQuantity/value" in e for e in errors), errors
    assert any("effectivePeriod/start" in e for e in errors), errors
    assert any(e.startswith(f"entry/{len(bundle['entry']) - 1}/resource:") for e in errors)
    assert any(e.startswith("bundle/type:") for e in errors), errors
    assert any(e.startswith("root:") for e in errors), errors


def test_every_demo_patient_exports_a_bundle_both_validators_accept(client, db):
    call_command("seed_demo", stdout=StringIO())
    patients = Patient.objects.select_related("clinic").order_by("reference")
    assert patients.count() >= 12
    assert SteroidDose.objects.exists()
    for patient in patients:
        staff = ClinicMembership.objects.filter(clinic=patient.clinic, role="clinician").first()
        bundle = _bundle(client, staff.user, patient)
        kinds = {e["resource"]["resourceType"] for e in bundle["entry"]}
        assert {"CodeSystem", "Observation"} <= kinds, patient.reference
        # The demo has patients who take no corticosteroid: a statement exactly for each dose.
        doses = SteroidDose.objects.filter(patient=patient).count()
        statements = [
            e for e in bundle["entry"] if e["resource"]["resourceType"] == "MedicationStatement"
        ]
        assert len(statements) == doses, patient.reference
        assert schema_errors(bundle) == [], patient.reference
        assert fhir_resources_errors(bundle) == [], patient.reference
