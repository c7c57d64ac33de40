"""drf-spectacular post-processing: request bodies are closed objects.

The input serializers refuse fields they do not declare, so the schema says so
(``additionalProperties: false``) and a generated client or fuzzer sends only what is allowed.
"""

from __future__ import annotations

from typing import Any

_REF = "#/components/schemas/"


def strict_request_bodies(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    components = result.get("components", {}).get("schemas", {})
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            body = operation.get("requestBody") if isinstance(operation, dict) else None
            for media in (body or {}).get("content", {}).values():
                ref = media.get("schema", {}).get("$ref", "")
                if ref.startswith(_REF) and ref[len(_REF) :] in components:
                    components[ref[len(_REF) :]]["additionalProperties"] = False
    return result
