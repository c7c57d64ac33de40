"""A patient's diary as a FHIR R4 (4.0.1) Bundle of plain JSON (documented in docs/exports.md).

The bundle (type ``collection``) holds:

- a ``Patient`` with the pseudonymous reference only (no name, no date of birth);
- a ``Questionnaire`` per instrument version the entries use (items as ``choice`` with the 0-4
  anchors, temperature and sleep hours as ``decimal``, the note as ``text``);
- a ``QuestionnaireResponse`` per entry version: ``authored`` is the server receipt time,
  ``author`` who entered it (a carer as ``RelatedPerson``, clinic staff as ``Practitioner``),
  ``source`` who answered, the channel (web, offline, API, paper) as an extension, and
  ``status`` ``completed`` for a first version, ``amended`` for a correction; a meta tag says
  whether it is the latest version;
- an ``Observation`` per day with a 7-day DDS, ``derivedFrom`` the latest versions of the
  entries in its window.

Nothing here needs a FHIR library; the tests validate the output with ``fhir.resources``.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

import scoring
from clinicians.reports.scores import patient_days
from diary.instruments import current_instruments, instrument_version
from diary.models import EntryVersion, ItemScore, Patient, Role, Source
from diary.selectors import latest_versions
from diary.templatetags.diary_tags import status_words

UCUM = "http://unitsofmeasure.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"


class Urls:
    """The canonical URLs of the app's FHIR resources and code systems under ``base``."""

    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/") + "/fhir"

    def full(self, resource: dict[str, Any]) -> str:
        return f"{self.base}/{resource['resourceType']}/{resource['id']}"

    def system(self, name: str) -> str:
        return f"{self.base}/CodeSystem/{name}"

    def extension(self, name: str) -> str:
        return f"{self.base}/StructureDefinition/{name}"

    def questionnaire(self, disease: str) -> str:
        return f"{self.base}/Questionnaire/ifn-diary-{disease.lower()}"


def patient_bundle(
    patient: Patient,
    *,
    base_url: str,
    end: datetime.date,
    now: datetime.datetime,
) -> dict[str, Any]:
    """The whole diary of ``patient`` up to ``end`` as one FHIR R4 collection Bundle."""
    urls = Urls(base_url)
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
    resources: list[dict[str, Any]] = [_patient(patient, urls)]
    used = sorted({v.instrument_version for v in versions})
    current = current_instruments([patient])[patient.pk]
    for number in used or [current.version]:
        resources.append(questionnaire(instrument_version(patient.disease, number), urls))
    for version in versions:
        resources.append(
            questionnaire_response(
                patient, version, scores.get(version.pk, {}), version.pk in latest, urls
            )
        )
    if versions:
        resources += _observations(patient, versions, latest, current, end, urls)
    return {
        "resourceType": "Bundle",
        "id": f"ifn-diary-{_patient_id(patient)}",
        "type": "collection",
        "timestamp": now.astimezone(datetime.UTC).isoformat(),
        "entry": [{"fullUrl": urls.full(r), "resource": r} for r in resources],
    }


def _patient(patient: Patient, urls: Urls) -> dict[str, Any]:
    return {
        "resourceType": "Patient",
        "id": _patient_id(patient),
        "identifier": [{"system": urls.system("patient-reference"), "value": patient.reference}],
        "active": patient.is_active,
    }


def _patient_id(patient: Patient) -> str:
    return f"patient-{patient.pk}"


def questionnaire(instrument: scoring.Instrument, urls: Urls) -> dict[str, Any]:
    """The FHIR Questionnaire of one instrument version."""
    items: list[dict[str, Any]] = [
        {
            "linkId": item.code,
            "text": item.label,
            "type": "choice",
            "required": False,
            "answerOption": [
                {
                    "valueCoding": {
                        "system": urls.system("item-score"),
                        "code": str(score),
                        "display": anchor,
                    }
                }
                for score, anchor in enumerate(item.anchors_in("en"))
            ],
        }
        for item in instrument.items
    ]
    items.append({"linkId": "temperature_c", "text": "Highest temperature (°C)", "type": "decimal"})
    if instrument.sleep_bands is not None:
        items.append(
            {"linkId": "sleep_hours", "text": "Longest sleep without waking (h)", "type": "decimal"}
        )
    items.append({"linkId": "notes", "text": "Note", "type": "text"})
    return {
        "resourceType": "Questionnaire",
        "id": f"ifn-diary-{instrument.disease.lower()}-v{instrument.version}",
        "url": urls.questionnaire(instrument.disease),
        "version": str(instrument.version),
        "name": f"IFNDiary{instrument.disease}",
        "title": f"IFN Diary daily symptom diary ({instrument.disease}), version "
        f"{instrument.version}",
        "status": "active",
        "subjectType": ["Patient"],
        "item": items,
    }


def _person(version: EntryVersion, urls: Urls) -> dict[str, Any]:
    kind = "Practitioner" if version.entered_by_role == Role.CLINICIAN else "RelatedPerson"
    return {
        "type": kind,
        "identifier": {"system": urls.system("user"), "value": version.entered_by.username},
        "display": str(version.entered_by),
    }


def questionnaire_response(
    patient: Patient,
    version: EntryVersion,
    scores: dict[str, int | None],
    is_latest: bool,
    urls: Urls,
) -> dict[str, Any]:
    """The FHIR QuestionnaireResponse of one entry version."""
    instrument = instrument_version(patient.disease, version.instrument_version)
    items: list[dict[str, Any]] = []
    for item in instrument.items:
        answer: dict[str, Any] = {"linkId": item.code, "text": item.label}
        score = scores.get(item.code)
        if score is not None:
            answer["answer"] = [
                {
                    "valueCoding": {
                        "system": urls.system("item-score"),
                        "code": str(score),
                        "display": item.anchors_in("en")[score],
                    }
                }
            ]
        items.append(answer)
    for link_id, value in (
        ("temperature_c", version.temperature_c),
        ("sleep_hours", version.sleep_hours),
    ):
        if value is not None:
            items.append({"linkId": link_id, "answer": [{"valueDecimal": float(value)}]})
    if version.notes:
        items.append({"linkId": "notes", "answer": [{"valueString": version.notes}]})
    extensions = [
        {"url": urls.extension("entry-source"), "valueCode": version.source},
        {"url": urls.extension("diary-date"), "valueDate": version.entry.date.isoformat()},
        {"url": urls.extension("timeliness"), "valueCode": version.entry.timeliness},
    ]
    if version.reason:
        extensions.append({"url": urls.extension("change-reason"), "valueString": version.reason})
    if version.captured_at is not None:
        extensions.append(
            {
                "url": urls.extension("captured-at"),
                "valueDateTime": version.captured_at.astimezone(datetime.UTC).isoformat(),
            }
        )
    author = _person(version, urls)
    if version.source == Source.PAPER:
        source = {"type": "RelatedPerson", "display": "Carer, on a paper diary"}
    else:
        source = author
    return {
        "resourceType": "QuestionnaireResponse",
        "id": _response_id(version),
        "meta": {
            "tag": [
                {
                    "system": urls.system("version-state"),
                    "code": "latest" if is_latest else "superseded",
                }
            ]
        },
        "extension": extensions,
        "identifier": {"system": urls.system("entry-version"), "value": _response_id(version)},
        "questionnaire": f"{urls.questionnaire(patient.disease)}|{version.instrument_version}",
        "status": "completed" if version.number == 1 else "amended",
        "subject": {"reference": f"Patient/{_patient_id(patient)}"},
        "authored": version.received_at.astimezone(datetime.UTC).isoformat(),
        "author": author,
        "source": source,
        "item": items,
    }


def _response_id(version: EntryVersion) -> str:
    return f"entry-{version.entry_id}-v{version.number}"


def _observations(
    patient: Patient,
    versions: list[EntryVersion],
    latest: set[int],
    current: scoring.Instrument,
    end: datetime.date,
    urls: Urls,
) -> list[dict[str, Any]]:
    start = versions[0].entry.date
    days = patient_days([patient], start, end)[patient.pk]
    latest_by_day = {v.entry.date: _response_id(v) for v in versions if v.pk in latest}
    observations = []
    for dds in days.series(start, end):
        if dds.score.value is None:
            continue
        window = [
            latest_by_day[d] for d in sorted(latest_by_day) if dds.score.start <= d <= dds.score.end
        ]
        observations.append(_observation(patient, dds.score, dds.instrument, window, urls))
    return observations


def _observation(
    patient: Patient,
    score: scoring.Score,
    instrument: scoring.Instrument,
    derived_from: list[str],
    urls: Urls,
) -> dict[str, Any]:
    observation: dict[str, Any] = {
        "resourceType": "Observation",
        "id": f"dds-{patient.pk}-{score.end.isoformat()}",
        "status": "final",
        "category": [{"coding": [{"system": OBSERVATION_CATEGORY, "code": "survey"}]}],
        "code": {
            "coding": [
                {
                    "system": urls.system("ifn-diary"),
                    "code": "dds-7d",
                    "display": "7-day mean Daily Diary Score",
                }
            ],
            "text": "7-day mean Daily Diary Score (0-4, higher is worse)",
        },
        "subject": {"reference": f"Patient/{_patient_id(patient)}"},
        "effectivePeriod": {"start": score.start.isoformat(), "end": score.end.isoformat()},
        "valueQuantity": {
            "value": _decimal(score.value),
            "unit": "score",
            "system": UCUM,
            "code": "{score}",
        },
        "interpretation": [
            {
                "coding": [
                    {
                        "system": urls.system("dds-status"),
                        "code": score.status.value,
                        "display": status_words(score.status),
                    }
                ]
            }
        ],
        "method": {"text": f"{instrument.disease} diary version {instrument.version}"},
        "referenceRange": [
            {
                "high": {"value": _decimal(instrument.control_threshold), "unit": "score"},
                "text": "control threshold (at or above: active)",
            }
        ],
        "component": [
            _count("observed", "Item scores present in the window", score.observed, urls),
            _count("expected", "Item scores expected in the window", score.expected, urls),
        ],
        "derivedFrom": [{"reference": f"QuestionnaireResponse/{rid}"} for rid in derived_from],
    }
    if score.partial:
        missing = ", ".join(score.missing_items)
        observation["note"] = [{"text": f"Partial: no score in the window for {missing}."}]
    return observation


def _count(code: str, text: str, value: int, urls: Urls) -> dict[str, Any]:
    return {
        "code": {"coding": [{"system": urls.system("ifn-diary"), "code": code}], "text": text},
        "valueInteger": value,
    }


def _decimal(value: Fraction | Decimal | None) -> float | None:
    """A JSON number with the display precision of a DDS (three decimals, truncated)."""
    if value is None:
        return None
    if isinstance(value, Fraction):
        value = scoring.round_score(value)
    return float(value)
