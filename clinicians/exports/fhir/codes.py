"""Where every code in the FHIR export comes from, and how its resources refer to each other.

Standard codes are used wherever one exists (LOINC for vital signs, UCUM for units, RxNorm for
corticosteroids, SNOMED CT for routes, HL7's observation categories). What has no standard
code (the diary's item scores, the DDS and its status, PGA, a version's state) uses the app's
CodeSystems under ``SITE_URL/fhir/CodeSystem/``; ``code_systems`` builds them as resources so
that the bundle carries every code it uses (docs/exports.md lists them all).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import scoring
from diary.templatetags.diary_tags import STATUS_WORDS

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
SNOMED = "http://snomed.info/sct"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"

# LOINC code, display and UCUM unit of each vital sign (the FHIR R4 vital-signs profiles).
BODY_WEIGHT = ("29463-7", "Body weight", "kg")
BODY_HEIGHT = ("8302-2", "Body height", "cm")
BODY_TEMPERATURE = ("8310-5", "Body temperature", "Cel")

# RxNorm ingredient (TTY IN) of every corticosteroid the app records (scoring.STEROID_FACTORS).
RXNORM_INGREDIENTS = {
    "prednisone": "8640",
    "prednisolone": "8638",
    "methylprednisolone": "6902",
    "triamcinolone": "10759",
    "hydrocortisone": "5492",
    "cortisone": "2878",
    "dexamethasone": "3264",
    "betamethasone": "1514",
}

# SNOMED CT route of administration of each SteroidDose.Route.
SNOMED_ROUTES = {
    "oral": ("26643006", "Oral route"),
    "iv": ("47625008", "Intravenous route"),
}

# Scores are 0 none … 4 very severe (SPEC §1); each item words them in its own anchors.
SCORE_WORDS = ("none", "mild", "moderate", "severe", "very severe")

# The app's codes that are not item scores or statuses: (code, display, definition).
DIARY_CODES = (
    ("dds-7d", "7-day mean Daily Diary Score", "Mean of the item scores of 7 days (0-4)."),
    ("observed", "Item scores present in the window", "Non-blank item scores in the window."),
    ("expected", "Item scores expected in the window", "Items of the instrument × 7 days."),
    ("pga", "Physician's global assessment", "Disease activity 0-10 in steps of 0.5."),
)
VERSION_STATES = (
    ("latest", "Latest version", "The version of the entry that counts for scores."),
    ("superseded", "Superseded version", "A later version of the entry replaced this one."),
)


class Urls:
    """The canonical URLs of the app's FHIR resources and code systems under ``base``."""

    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/") + "/fhir"

    def full(self, resource: dict[str, Any]) -> str:
        return f"{self.base}/{resource['resourceType']}/{resource['id']}"

    def system(self, name: str) -> str:
        return f"{self.base}/CodeSystem/{name}"

    def identifier(self, name: str) -> str:
        # Identifier namespaces are not code systems: they hold no codes to resolve.
        return f"{self.base}/identifier/{name}"

    def extension(self, name: str) -> str:
        return f"{self.base}/StructureDefinition/{name}"

    def questionnaire(self, disease: str) -> str:
        return f"{self.base}/Questionnaire/ifn-diary-{disease.lower()}"


def patient_id(patient: Any) -> str:
    return f"patient-{patient.pk}"


def subject(patient: Any) -> dict[str, str]:
    return {"reference": f"Patient/{patient_id(patient)}"}


def person(user: Any, kind: str, urls: Urls) -> dict[str, Any]:
    """A reference to a user (``kind`` Practitioner or RelatedPerson) by username: the bundle
    holds no resource for people other than the patient."""
    return {
        "type": kind,
        "identifier": {"system": urls.identifier("user"), "value": user.username},
        "display": str(user),
    }


def category(code: str, display: str) -> list[dict[str, Any]]:
    """An Observation category from HL7's observation-category code system."""
    return [{"coding": [coding(OBSERVATION_CATEGORY, code, display)]}]


def coding(system: str, code: str, display: str) -> dict[str, str]:
    return {"system": system, "code": code, "display": display}


def ucum(value: float | None, unit: str, code: str | None = None) -> dict[str, Any]:
    """A FHIR Quantity in UCUM (``code`` defaults to ``unit``)."""
    return {"value": value, "unit": unit, "system": UCUM, "code": code or unit}


def score_display(score: int) -> str:
    return f"{score} ({SCORE_WORDS[score]})"


def code_systems(instruments: Iterable[scoring.Instrument], urls: Urls) -> list[dict[str, Any]]:
    """The app's CodeSystems, holding every code (and display) the bundle uses.

    The item-score displays are the generic severity words; each item's own anchor (the
    display of an answer) is a designation of its score, for the instruments in the bundle.
    """
    anchors: list[dict[str, None]] = [{} for _ in SCORE_WORDS]  # ordered sets
    for instrument in instruments:
        for item in instrument.items:
            for score, anchor in enumerate(item.anchors_in("en")):
                anchors[score][anchor] = None
    scores: list[dict[str, Any]] = []
    for score, words in enumerate(anchors):
        concept: dict[str, Any] = {"code": str(score), "display": score_display(score)}
        if words:
            concept["designation"] = [{"language": "en", "value": a} for a in words]
        scores.append(concept)
    statuses = [(s.value, str(STATUS_WORDS[s.value]), None) for s in scoring.Status]
    return [
        _code_system("item-score", "Diary item score (0-4)", scores, urls),
        _code_system("ifn-diary", "IFN Diary measures", _concepts(DIARY_CODES), urls),
        _code_system("dds-status", "7-day DDS status", _concepts(statuses), urls),
        _code_system("version-state", "Entry version state", _concepts(VERSION_STATES), urls),
    ]


def _concepts(rows: Iterable[tuple[str, str, str | None]]) -> list[dict[str, Any]]:
    concepts = []
    for code, display, definition in rows:
        concept: dict[str, Any] = {"code": code, "display": display}
        if definition:
            concept["definition"] = definition
        concepts.append(concept)
    return concepts


def _code_system(
    name: str, title: str, concepts: list[dict[str, Any]], urls: Urls
) -> dict[str, Any]:
    return {
        "resourceType": "CodeSystem",
        "id": name,
        "url": urls.system(name),
        "name": "".join(part.capitalize() for part in name.split("-")),
        "title": title,
        "status": "active",
        "caseSensitive": True,
        "content": "complete",
        "count": len(concepts),
        "concept": concepts,
    }
