"""RFC 9457 problem details for every error the API answers, and the domain errors they map.

Every 4xx from ``/api/`` is ``application/problem+json``: ``type``, ``title``, ``status``,
``detail``, ``instance`` and, for invalid input, ``errors`` naming each offending field
(``scores.fever``, ``notes``, ``from``, the ``Idempotency-Key`` header, ``body``). DRF calls
:func:`exception_handler` (settings ``REST_FRAMEWORK["EXCEPTION_HANDLER"]``); the
``handler404``/``handler400``/``handler500`` views in ``config/urls.py`` answer the same way for
requests that never reach a DRF view. Messages never carry patient data: only field names,
ids and rules.

No maintained package does exactly this (drf-standardized-errors has its own non-RFC shape,
drf-problems has not been released since 2022), so it is a small handler of our own.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.views import defaults
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from diary.services import EntryExists, IdempotencyKeyReused

logger = logging.getLogger(__name__)

PROBLEM_MEDIA_TYPE = "application/problem+json"
API_PREFIX = "/api/"
MAX_BODY_BYTES = 64 * 1024
_MAX_ERRORS = 50
RETRY_AFTER_SECONDS = 30
_MAX_FIELD_CHARS = 80


def problem_type(slug: str) -> str:
    return f"urn:ifn-diary:problem:{slug}"


VALIDATION_ERROR = problem_type("validation-error")
ENTRY_EXISTS = problem_type("entry-exists")
IDEMPOTENCY_KEY_REUSED = problem_type("idempotency-key-reused")
BODY_TOO_LARGE = problem_type("body-too-large")
CONFLICT = problem_type("conflict")


class BodyTooLarge(exceptions.APIException):
    """SPEC §5 answers a body over 64 KiB with 400 naming the body (not 413)."""

    status_code = 400
    default_detail = f"The request body is larger than {MAX_BODY_BYTES // 1024} KiB."
    default_code = "body_too_large"


class Conflict(exceptions.APIException):
    status_code = 409
    default_detail = "The request conflicts with the current state of the resource."
    default_code = "conflict"


# --- the DRF exception handler ---------------------------------------------------------------


def exception_handler(exc: Exception, context: Mapping[str, Any]) -> Response | None:
    """Turn any exception a DRF view raises into a problem-details response (or ``None``: 500)."""
    request = context.get("request")
    if isinstance(exc, EntryExists):
        return _entry_exists(exc, request)
    if isinstance(exc, IdempotencyKeyReused):
        return _problem_response(
            422,
            str(exc),
            request,
            type_=IDEMPOTENCY_KEY_REUSED,
            title="Idempotency-Key reused with a different body",
            errors=[_error("Idempotency-Key", str(exc), "reused")],
        )
    if isinstance(exc, RequestDataTooBig):
        exc = BodyTooLarge()
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(_django_errors(exc))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    return _from_drf(exc, response, request)


def _from_drf(exc: Exception, response: Response, request: Any) -> Response:
    status = response.status_code
    headers = {k: v for k, v in response.items() if k in ("WWW-Authenticate", "Retry-After")}
    if isinstance(exc, exceptions.ValidationError):
        errors = flatten_errors(response.data)
        detail = "; ".join(_describe(e) for e in errors[:3]) or "The request is not valid."
        return _problem_response(
            status,
            detail,
            request,
            type_=VALIDATION_ERROR,
            title="The request is not valid",
            errors=errors,
            headers=headers,
        )
    if isinstance(exc, exceptions.ParseError):
        detail = str(exc.detail)
        return _problem_response(
            status,
            detail,
            request,
            type_=VALIDATION_ERROR,
            title="The request body cannot be read",
            errors=[_error("body", detail, "parse_error")],
        )
    if isinstance(exc, BodyTooLarge):
        detail = str(exc.detail)
        return _problem_response(
            status,
            detail,
            request,
            type_=BODY_TOO_LARGE,
            title="The request body is too large",
            errors=[_error("body", detail, "too_large")],
        )
    detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
    type_ = CONFLICT if isinstance(exc, Conflict) else "about:blank"
    return _problem_response(status, str(detail), request, type_=type_, headers=headers)


def _entry_exists(exc: EntryExists, request: Any) -> Response:
    location = entry_url(request, exc.entry.pk)
    body = problem(
        409,
        "This day already has an entry; correct it instead of creating another.",
        request,
        type_=ENTRY_EXISTS,
        title="An entry already exists for this day",
    )
    body.update(entry_id=exc.entry.pk, entry=location)
    return Response(
        body, status=409, headers={"Location": location}, content_type=PROBLEM_MEDIA_TYPE
    )


def entry_url(request: Any, entry_id: int) -> str:
    path = reverse("api-entry-detail", kwargs={"entry_id": entry_id})
    return request.build_absolute_uri(path) if request is not None else path


# --- building problems -----------------------------------------------------------------------


def problem(
    status: int,
    detail: str,
    request: Any,
    *,
    type_: str = "about:blank",
    title: str | None = None,
    errors: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": type_,
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail or HTTPStatus(status).description,
    }
    path = getattr(request, "path", None)
    if path:
        body["instance"] = path
    if errors:
        body["errors"] = errors
    return body


def _problem_response(
    status: int,
    detail: str,
    request: Any,
    *,
    headers: Mapping[str, str] | None = None,
    **kwargs: Any,
) -> Response:
    body = problem(status, detail, request, **kwargs)
    return Response(
        body, status=status, headers=dict(headers or {}), content_type=PROBLEM_MEDIA_TYPE
    )


def _error(field: str | None, detail: str, code: str) -> dict[str, Any]:
    if field is not None and len(field) > _MAX_FIELD_CHARS:
        field = field[: _MAX_FIELD_CHARS - 1] + "…"
    return {"field": field, "detail": detail, "code": code}


def _describe(error: Mapping[str, Any]) -> str:
    return f"{error['field']}: {error['detail']}" if error["field"] else str(error["detail"])


def flatten_errors(detail: Any, field: str | None = None) -> list[dict[str, Any]]:
    """DRF's nested error detail as a flat list, each naming its field with dots."""
    errors: list[dict[str, Any]] = []
    if isinstance(detail, Mapping):
        for key, value in detail.items():
            name = field if key in ("non_field_errors", "__all__") else _join(field, str(key))
            errors.extend(flatten_errors(value, name))
    elif isinstance(detail, list):
        for position, value in enumerate(detail):
            nested = isinstance(value, Mapping | list)
            errors.extend(flatten_errors(value, _join(field, str(position)) if nested else field))
    else:
        errors.append(_error(field, str(detail), getattr(detail, "code", "invalid")))
    return errors[:_MAX_ERRORS]


def _join(prefix: str | None, name: str) -> str:
    return name if not prefix else f"{prefix}.{name}"


def _django_errors(exc: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {field: list(messages) for field, messages in exc.message_dict.items()}
    return {"non_field_errors": list(exc.messages)}


# --- Django-level handlers (requests that no DRF view answers) -------------------------------


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def _json_problem(request: HttpRequest, status: int, detail: str) -> JsonResponse:
    return JsonResponse(
        problem(status, detail, request),
        status=status,
        content_type=PROBLEM_MEDIA_TYPE,
        json_dumps_params={"ensure_ascii": False},
    )


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return _json_problem(request, 404, "There is nothing at this address.")
    return defaults.page_not_found(request, exception)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        if isinstance(exception, RequestDataTooBig):
            return _json_problem(request, 400, BodyTooLarge.default_detail)
        return _json_problem(request, 400, "The request could not be read.")
    return defaults.bad_request(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if isinstance(sys.exc_info()[1], OperationalError):
        return database_unavailable(request)
    if _is_api(request):
        return _json_problem(request, 500, "Something went wrong on our side.")
    return defaults.server_error(request)


def database_unavailable(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After when PostgreSQL cannot be reached or takes no more connections.

    Django calls ``handler500`` inside its ``except`` block, so the exception is at hand. The
    answer says "try again" without touching the database: the phone's offline queue keeps an
    entry answered 503 and sends it again later (docs/carer.md).
    """
    detail = "The service is busy; nothing was saved. Try again in a minute."
    if _is_api(request):
        response: HttpResponse = _json_problem(request, 503, detail)
    else:
        response = HttpResponse(detail, status=503, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


# --- documentation ---------------------------------------------------------------------------


class ProblemFieldErrorSerializer(serializers.Serializer):
    field = serializers.CharField(
        allow_null=True, help_text="The offending field, e.g. scores.fever; null for the body."
    )
    detail = serializers.CharField()
    code = serializers.CharField()


class ProblemSerializer(serializers.Serializer):
    """An RFC 9457 problem details object."""

    type = serializers.CharField(help_text="A URI naming the kind of problem.")
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    instance = serializers.CharField(required=False)
    errors = ProblemFieldErrorSerializer(many=True, required=False)
    entry = serializers.URLField(required=False, help_text="409 only: the existing entry.")
    entry_id = serializers.IntegerField(required=False, help_text="409 only.")


_DESCRIPTIONS = {
    400: "Invalid input; `errors` names each offending field.",
    401: "Not signed in, or the token is not valid.",
    403: "Signed in, but this operation is not for this account (or the CSRF check failed).",
    404: "No such object, or not in the caller's scope (the two look the same).",
    406: "The Accept header asks for something other than JSON.",
    409: "Conflicts with what is stored.",
    413: "The request body is too large.",
    415: "The body is not application/json.",
    422: "The Idempotency-Key was already used with a different body.",
    429: "Too many failed sign-ins for this username: try again after the cool-off.",
}


def problems(*statuses: int) -> dict[tuple[int, str], OpenApiResponse]:
    """Problem responses for ``extend_schema(responses=...)``."""
    return {
        (status, PROBLEM_MEDIA_TYPE): OpenApiResponse(
            ProblemSerializer, description=_DESCRIPTIONS[status]
        )
        for status in statuses
    }


READ_PROBLEMS = (400, 401, 403, 404, 406)
WRITE_PROBLEMS = (400, 401, 403, 404, 406, 415)
