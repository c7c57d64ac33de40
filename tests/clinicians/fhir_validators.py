"""Two independent FHIR R4 validators for the export: the official JSON schema and fhir.resources.

The schema is HL7's ``fhir.schema.json`` for R4, pinned in the top-level ``package.json``
(``npm ci`` installs it; scripts/test runs that when it is missing). It is read with the
``jsonschema`` library; under CI a missing schema fails the test instead of skipping it.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import jsonschema
import pydantic
from fhir.resources import get_fhir_model_class

from tests.conftest import service_missing

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "node_modules" / "@asymmetrik" / "fhir-json-schema-validator" / "fhir.schema.json"


@functools.cache
def _schema_validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SCHEMA.read_text())
    validator_class = jsonschema.validators.validator_for(schema)
    return validator_class(schema)


def schema_errors(bundle: dict[str, Any]) -> list[str]:
    """Every error of the official R4 JSON schema in ``bundle``, with the path to it."""
    if not SCHEMA.exists():
        service_missing(f"the FHIR R4 JSON schema ({SCHEMA.relative_to(ROOT)}; run `npm ci`)")
    validator = _schema_validator()
    assert validator.schema["id"] == "http://hl7.org/fhir/json-schema/4.0"
    errors = []
    # The whole bundle against the schema's root (a oneOf over every resource type) says only
    # "not valid under any of the given schemas"; each resource against its own definition
    # says where and why.
    for error in validator.iter_errors(bundle):
        errors.append(f"bundle/{_path(error)}: {error.message[:200]}")
    for index, entry in enumerate(bundle.get("entry", [])):
        resource = entry["resource"]
        definition = {"$ref": f"#/definitions/{resource['resourceType']}"}
        for error in validator.evolve(schema=validator.schema | definition).iter_errors(resource):
            errors.append(f"entry/{index}/resource/{_path(error)}: {error.message[:200]}")
    return errors


def _path(error: jsonschema.ValidationError) -> str:
    return "/".join(str(part) for part in error.absolute_path)


def fhir_resources_errors(bundle: dict[str, Any]) -> list[str]:
    """Every error fhir.resources (the R4 4.0.1 models) finds in the bundle and its resources."""
    errors = []
    for what, data in [("bundle", bundle)] + [
        (f"entry/{i}/resource", e["resource"]) for i, e in enumerate(bundle.get("entry", []))
    ]:
        try:
            get_fhir_model_class(data["resourceType"]).parse_obj(data)
        except pydantic.ValidationError as error:
            errors += [f"{what}: {e['loc']}: {e['msg']}" for e in error.errors()]
    return errors
