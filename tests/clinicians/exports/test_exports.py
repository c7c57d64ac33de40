"""CSV and FHIR exports: round-trips, spreadsheet safety, FHIR R4 validation, scope and logging."""

import csv
import datetime
import io
import json

import pytest
from django.utils import timezone

from clinicians.audit.models import RecordAccess
from clinicians.exports.csv import DAY_COLUMNS, VERSION_COLUMNS, safe_cell, unescape_cell
from diary.days import DayRules
from diary.models import EntryVersion, Source
from diary.services import Submission, correct_entry, submit_entry
from tests.clinicians.clinic_data import CANDLE, same_every_day, write_days
from tests.clinicians.fhir_validators import fhir_resources_errors, schema_errors
from tests.conftest import sign_in

DANGEROUS = ['=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)", "\tTab", "\rCR", "'=quoted"]


@pytest.mark.parametrize("text", DANGEROUS)
def test_dangerous_cells_are_neutralised_and_undone(text):
    cell = safe_cell(text)
    assert cell.startswith("'") and cell[1:] == text
    assert unescape_cell(cell) == text


@pytest.mark.parametrize("text", ["plain", "38.5", "", "a=b", "O'Brien"])
def test_harmless_cells_are_left_alone(text):
    assert safe_cell(text) == text and unescape_cell(text) == text


def _today(patient):
    return DayRules.for_patient(patient).offered_day(timezone.now())


@pytest.fixture
def diary(cast):
    """Three days of the patient: a correction, a temperature, formula-like notes."""
    today = _today(cast.patient)
    entries = []
    for offset, score, note in [(2, 1, "=cmd|' /C calc'!A0"), (1, 2, "+fine"), (0, 0, "@home")]:
        day = today - datetime.timedelta(days=offset)
        scores = dict.fromkeys(CANDLE, score)
        scores["headache"] = None
        result = submit_entry(
            patient=cast.patient,
            user=cast.carer,
            submission=Submission(date=day, scores=scores, notes=note, temperature_c="38.6"),
            source=Source.WEB,
            now=timezone.now(),
        )
        entries.append(result.entry)
    corrected = dict.fromkeys(CANDLE, 3)
    correct_entry(
        entry=entries[0],
        user=cast.clinician,
        submission=Submission(date=entries[0].date, scores=corrected, notes="-corrected"),
        source=Source.WEB,
        reason="=wrong day",
    )
    return entries


def _rows(response):
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_one_row_per_version_round_trips(client, cast, diary):
    sign_in(client, cast.clinician)
    response = client.get(f"/clinic/patients/{cast.patient.pk}/export.csv?rows=versions")
    assert response["Content-Type"].startswith("text/csv")
    rows = _rows(response)
    assert list(rows[0]) == VERSION_COLUMNS + [f"item_{c}" for c in CANDLE]
    assert len(rows) == EntryVersion.objects.count() == 4
    for row, version in zip(
        rows, EntryVersion.objects.order_by("entry__date", "number"), strict=True
    ):
        back = {key: unescape_cell(value) for key, value in row.items()}
        assert back["date"] == version.entry.date.isoformat()
        assert back["version"] == str(version.number)
        assert back["notes"] == version.notes and back["reason"] == version.reason
        assert back["entered_by"] == version.entered_by.username
        assert back["source"] == "web" and back["temperature_c"] == str(version.temperature_c or "")
        stored = {s.item_code: s.score for s in version.scores.all()}
        for code in CANDLE:
            assert back[f"item_{code}"] == ("" if stored[code] is None else str(stored[code]))
    assert [r["is_latest"] for r in rows] == ["no", "yes", "yes", "yes"]
    # No cell reaches a spreadsheet starting with a formula character.
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_csv_one_row_per_day_has_the_daily_score_and_7_day_dds(client, cast, diary):
    sign_in(client, cast.clinician)
    rows = _rows(client.get(f"/clinic/patients/{cast.patient.pk}/export.csv?rows=days"))
    assert list(rows[0])[: len(DAY_COLUMNS)] == DAY_COLUMNS
    assert [r["date"] for r in rows] == [e.date.isoformat() for e in diary]
    first, second, third = rows
    # Day 1 corrected to all 3s; day 2 all 2s except a blank headache; day 3 all 0s.
    assert first["daily_score"] == "3.000" and first["item_headache"] == "3"
    assert second["daily_score"] == "2.000" and second["item_headache"] == ""
    # 7-day window on day 3: 5 + 4 + 4 of 35 scores present → insufficient.
    assert third["dds_status"] == "insufficient" and third["dds_7d"] == ""
    assert third["dds_observed"] == "13" and third["dds_expected"] == "35"


def test_clinic_csv_holds_the_clinics_patients_only_and_logs_each(client, cast, diary):
    sign_in(client, cast.clinician)
    response = client.get(f"/clinic/export.csv?clinic={cast.clinic.pk}&rows=versions")
    refs = {r["patient_reference"] for r in _rows(response)}
    assert refs == {"AAA-0001"}  # AAA-0002 has no entries, BBB-0001 is another clinic's
    logged = set(RecordAccess.objects.values_list("patient__reference", "what"))
    assert logged == {
        ("AAA-0001", "export_clinic_csv_versions"),
        ("AAA-0002", "export_clinic_csv_versions"),
    }
    assert client.get(f"/clinic/export.csv?clinic={cast.other_clinic.pk}").status_code == 404
    assert client.get(f"/clinic/export.csv?clinic={cast.clinic.pk}&rows=x").status_code == 404
    assert client.get("/clinic/export.csv?clinic=abc").status_code == 404


def _fhir(client, cast):
    sign_in(client, cast.clinician)
    response = client.get(f"/clinic/patients/{cast.patient.pk}/export.fhir.json")
    assert response["Content-Type"] == "application/fhir+json"
    return json.loads(response.content)


def test_fhir_bundle_validates_as_r4(client, cast, diary):
    from fhir.resources import __fhir_version__

    assert __fhir_version__ == "4.0.1"
    data = _fhir(client, cast)
    assert fhir_resources_errors(data) == []
    assert schema_errors(data) == []
    kinds = [entry["resource"]["resourceType"] for entry in data["entry"]]
    assert kinds.count("Questionnaire") == 1
    assert kinds.count("QuestionnaireResponse") == 4  # one per entry version


def test_fhir_responses_carry_author_source_and_versions(client, cast, diary):
    resources = [e["resource"] for e in _fhir(client, cast)["entry"]]
    responses = [r for r in resources if r["resourceType"] == "QuestionnaireResponse"]
    first = next(
        r
        for r in responses
        if r["id"].endswith("-v1") and r["item"][0]["answer"][0]["valueCoding"]["code"] == "1"
    )
    assert first["status"] == "completed" and first["meta"]["tag"][0]["code"] == "superseded"
    assert first["author"]["type"] == "RelatedPerson"
    assert first["author"]["identifier"]["value"] == "carer"
    source = next(x for x in first["extension"] if x["url"].endswith("entry-source"))
    assert source["valueCode"] == "web"
    correction = next(r for r in responses if r["id"].endswith("-v2"))
    assert correction["status"] == "amended" and correction["author"]["type"] == "Practitioner"
    reason = next(x for x in correction["extension"] if x["url"].endswith("change-reason"))
    assert reason["valueString"] == "=wrong day"
    headache = next(i for i in responses[-1]["item"] if i["linkId"] == "headache")
    assert "answer" not in headache  # blank: not assessed
    notes = [i for r in responses for i in r["item"] if i["linkId"] == "notes"]
    assert {n["answer"][0]["valueString"] for n in notes} >= {"+fine", "@home", "-corrected"}


def test_fhir_observations_are_derived_from_the_latest_versions_in_their_window(client, cast):
    today = _today(cast.patient)
    write_days(cast.patient, cast.carer, same_every_day(CANDLE, 1, today, 7))
    resources = [e["resource"] for e in _fhir(client, cast)["entry"]]
    by_id = {f"{r['resourceType']}/{r['id']}" for r in resources}
    observations = [r for r in resources if r["resourceType"] == "Observation"]
    # Days 4-7 of the diary have at least half of their window's scores.
    assert len(observations) == 4
    latest = observations[-1]
    assert latest["valueQuantity"]["value"] == 1.0
    assert latest["interpretation"][0]["coding"][0]["code"] == "active"
    assert latest["effectivePeriod"] == {
        "start": (today - datetime.timedelta(days=6)).isoformat(),
        "end": today.isoformat(),
    }
    assert len(latest["derivedFrom"]) == 7
    assert all(ref["reference"] in by_id for o in observations for ref in o["derivedFrom"])
    assert latest["subject"]["reference"] in by_id
