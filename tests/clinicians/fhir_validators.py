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


def schema_errors(bundle: dict[str, Any], *, root: bool = False) -> list[str]:
    """Every error of the official R4 JSON schema in ``bundle``, with the path to it.

    The schema's root is a ``oneOf`` over all 145 resource types with a ``discriminator`` on
    ``resourceType``. ``jsonschema`` ignores the discriminator and tries every branch (12 s for
    one demo patient) and then says only "not valid under any of the given schemas"; so each
    resource is checked against the definition the discriminator names, and the bundle
    without its resources against ``Bundle``: the same verdict, with the path of each error.
    ``root=True`` also checks the whole bundle against the root, as the schema is written.
    """
    if not SCHEMA.exists():
        service_missing(f"the FHIR R4 JSON schema ({SCHEMA.relative_to(ROOT)}; run `npm ci`)")
    validator = _schema_validator()
    assert validator.schema["id"] == "http://hl7.org/fhir/json-schema/4.0"
    mapping = validator.schema["discriminator"]["mapping"]
    entries = bundle.get("entry", [])
    shell = {**bundle, "entry": [{k: v for k, v in e.items() if k != "resource"} for e in entries]}
    errors = _errors(validator, mapping["Bundle"], shell, "bundle")
    for index, entry in enumerate(entries):
        where = f"entry/{index}/resource"
        kind = entry.get("resource", {}).get("resourceType")
        if kind not in mapping:
            errors.append(f"{where}: no resource, or an unknown resourceType {kind!r}")
            continue
        errors += _errors(validator, mapping[kind], entry["resource"], where)
    if root:
        errors += [f"root: {e.message[:200]}" for e in validator.iter_errors(bundle)]
    return errors


def _errors(validator: Any, ref: str, instance: dict[str, Any], where: str) -> list[str]:
    # "$ref" beside the root's keywords replaces them (draft 6) while keeping its definitions.
    checker = validator.evolve(schema=validator.schema | {"$ref": ref})
    return [f"{where}/{_path(e)}: {e.message[:200]}" for e in checker.iter_errors(instance)]


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
