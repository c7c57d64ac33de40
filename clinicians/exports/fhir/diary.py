"""The diary in FHIR: Questionnaires, QuestionnaireResponses, DDS and temperature Observations.

- a ``Questionnaire`` per instrument version (items as ``choice`` with the 0-4 anchors,
  temperature and sleep hours as ``decimal``, the note as ``text``);
- a ``QuestionnaireResponse`` per entry version: ``authored`` is the server receipt time,
  ``author`` who entered it (a carer as ``RelatedPerson``, clinic staff as ``Practitioner``),
  ``source`` who answered, the channel (web, offline, API, paper) as an extension, and
  ``status`` ``completed`` for a first version, ``amended`` for a correction; a meta tag says
  whether it is the latest version;
- an ``Observation`` per day with a 7-day DDS, ``derivedFrom`` the latest versions of the
  entries in its window;
- a vital-signs ``Observation`` (LOINC body temperature) per entry whose latest version has a
  temperature.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

import scoring
from clinicians.dashboard.scores import patient_days
from clinicians.exports.fhir.codes import (
    BODY_TEMPERATURE,
    LOINC,
    Urls,
    category,
    coding,
    person,
    subject,
    ucum,
)
from diary.instruments import instrument_version
from diary.models import EntryVersion, Patient, Role, Source
from diary.templatetags.diary_tags import status_words


def questionnaire(instrument: scoring.Instrument, urls: Urls) -> dict[str, Any]:
    """The FHIR Questionnaire of one instrument version."""
    items: list[dict[str, Any]] = [
        {
            "linkId": item.code,
            "text": item.label,
            "type": "choice",
            "required": False,
            "answerOption": [
                {"valueCoding": coding(urls.system("item-score"), str(score), anchor)}
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


def _author(version: EntryVersion, urls: Urls) -> dict[str, Any]:
    kind = "Practitioner" if version.entered_by_role == Role.CLINICIAN else "RelatedPerson"
    return person(version.entered_by, kind, urls)


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
            anchor = item.anchors_in("en")[score]
            answer["answer"] = [
                {"valueCoding": coding(urls.system("item-score"), str(score), anchor)}
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
    author = _author(version, urls)
    if version.source == Source.PAPER:
        source = {"type": "RelatedPerson", "display": "Carer, on a paper diary"}
    else:
        source = author
    return {
        "resourceType": "QuestionnaireResponse",
        "id": response_id(version),
        "meta": {"tag": [_version_state(is_latest, urls)]},
        "extension": _extensions(version, urls),
        "identifier": {"system": urls.identifier("entry-version"), "value": response_id(version)},
        "questionnaire": f"{urls.questionnaire(patient.disease)}|{version.instrument_version}",
        "status": "completed" if version.number == 1 else "amended",
        "subject": subject(patient),
        "authored": _instant(version.received_at),
        "author": author,
        "source": source,
        "item": items,
    }


def _version_state(is_latest: bool, urls: Urls) -> dict[str, str]:
    if is_latest:
        return coding(urls.system("version-state"), "latest", "Latest version")
    return coding(urls.system("version-state"), "superseded", "Superseded version")


def _extensions(version: EntryVersion, urls: Urls) -> list[dict[str, Any]]:
    extensions = [
        {"url": urls.extension("entry-source"), "valueCode": version.source},
        {"url": urls.extension("diary-date"), "valueDate": version.entry.date.isoformat()},
        {"url": urls.extension("timeliness"), "valueCode": version.entry.timeliness},
    ]
    if version.reason:
        extensions.append({"url": urls.extension("change-reason"), "valueString": version.reason})
    if version.captured_at is not None:
        extensions.append(
            {"url": urls.extension("captured-at"), "valueDateTime": _instant(version.captured_at)}
        )
    return extensions


def response_id(version: EntryVersion) -> str:
    return f"entry-{version.entry_id}-v{version.number}"


def _instant(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).isoformat()


def temperature_observations(
    patient: Patient, versions: list[EntryVersion], latest: set[int]
) -> list[dict[str, Any]]:
    """A body-temperature Observation for each entry whose latest version has a temperature:
    the highest temperature the carer typed for that diary day."""
    code, display, unit = BODY_TEMPERATURE
    return [
        {
            "resourceType": "Observation",
            "id": f"temperature-{version.entry_id}",
            "status": "final" if version.number == 1 else "amended",
            "category": category("vital-signs", "Vital Signs"),
            "code": {
                "coding": [coding(LOINC, code, display)],
                "text": "Highest body temperature of the diary day, typed by the carer",
            },
            "subject": subject(patient),
            "effectiveDateTime": version.entry.date.isoformat(),
            "issued": _instant(version.received_at),
            "valueQuantity": ucum(float(version.temperature_c), "°C", unit),
            "derivedFrom": [{"reference": f"QuestionnaireResponse/{response_id(version)}"}],
        }
        for version in versions
        if version.pk in latest and version.temperature_c is not None
    ]


def dds_observations(
    patient: Patient,
    versions: list[EntryVersion],
    latest: set[int],
    end: datetime.date,
    urls: Urls,
) -> list[dict[str, Any]]:
    """An Observation per day with a 7-day DDS, derived from the latest versions in its window."""
    if not versions:
        return []
    start = versions[0].entry.date
    days = patient_days([patient], start, end)[patient.pk]
    latest_by_day = {v.entry.date: response_id(v) for v in versions if v.pk in latest}
    observations = []
    for dds in days.series(start, end):
        if dds.score.value is None:
            continue
        window = [
            latest_by_day[d] for d in sorted(latest_by_day) if dds.score.start <= d <= dds.score.end
        ]
        observations.append(_dds_observation(patient, dds.score, dds.instrument, window, urls))
    return observations


def _dds_observation(
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
        "category": category("survey", "Survey"),
        "code": {
            "coding": [coding(urls.system("ifn-diary"), "dds-7d", "7-day mean Daily Diary Score")],
            "text": "7-day mean Daily Diary Score (0-4, higher is worse)",
        },
        "subject": subject(patient),
        "effectivePeriod": {"start": score.start.isoformat(), "end": score.end.isoformat()},
        "valueQuantity": ucum(_decimal(score.value), "score", "{score}"),
        "interpretation": [
            {
                "coding": [
                    coding(
                        urls.system("dds-status"),
                        score.status.value,
                        str(status_words(score.status)),
                    )
                ]
            }
        ],
        "method": {"text": f"{instrument.disease} diary version {instrument.version}"},
        "referenceRange": [_control_range(instrument.control_threshold)],
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


def _control_range(threshold: Fraction) -> dict[str, str]:
    # FHIR's referenceRange.high is inclusive, but a DDS equal to the threshold is active: the
    # rule "below the threshold" has no FHIR bound, so the range is given as text only.
    limit = _threshold_text(threshold)
    return {"text": f"below {limit} (the control threshold; {limit} or above is active)"}


def _threshold_text(value: Fraction) -> str:
    """A threshold written out exactly (0.5, 1, 0.15); a threshold is never rounded."""
    decimal = Decimal(value.numerator) / Decimal(value.denominator)
    if decimal * value.denominator != value.numerator:
        return f"{value.numerator}/{value.denominator}"
    return f"{decimal.normalize():f}"


def _count(code: str, text: str, value: int, urls: Urls) -> dict[str, Any]:
    return {
        "code": {"coding": [coding(urls.system("ifn-diary"), code, text)], "text": text},
        "valueInteger": value,
    }


def _decimal(value: Fraction | Decimal | None) -> float | None:
    """A JSON number with the display precision of a DDS (three decimals, truncated)."""
    if value is None:
        return None
    if isinstance(value, Fraction):
        value = scoring.round_score(value)
    return float(value)
