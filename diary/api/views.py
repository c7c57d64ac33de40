"""The diary API (SPEC §5): thin classes that check scope, validate, call one service or
selector and render.

Scope goes through ``diary.access`` only: a patient or entry outside the caller's scope answers
404 exactly like a missing one, and writes are refused the same way before anything is read
from the body.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from diary import entry_reads, selectors, services, tokens
from diary.access import entry_for, patient_for, patients_for
from diary.api.authentication import TwoFactorTokenAuthentication
from diary.api.base import (
    ApiView,
    DateRangeQuerySerializer,
    DdsRangeQuerySerializer,
    Page,
    PageQuerySerializer,
    date_range,
    page_of,
)
from diary.api.fields import UUID_PATTERN, parse_uuid
from diary.api.problems import READ_PROBLEMS, WRITE_PROBLEMS, entry_url, problems
from diary.api.serializers import (
    CorrectionInputSerializer,
    DdsSeriesSerializer,
    EntryCreatedSerializer,
    EntryHistorySerializer,
    EntryInputSerializer,
    EntryVersionSerializer,
    PatientDetailSerializer,
    PatientSerializer,
    TokenInputSerializer,
    TokenSerializer,
)
from diary.instruments import current_instrument

IDEMPOTENCY_KEY = "Idempotency-Key"

# Text, not ``format: uuid``: a generated client would otherwise expect a UUID object, which
# an HTTP library cannot put in a header. The server still checks the form (400 if not).
_KEY_SCHEMA = {
    "type": "string",
    "pattern": f"^{UUID_PATTERN}$",
    "example": "3f2b8c1e-7d4a-4e0b-9c6f-2a5d8e1b7c40",
}
_KEY_PARAMETER = OpenApiParameter(
    IDEMPOTENCY_KEY,
    _KEY_SCHEMA,
    OpenApiParameter.HEADER,
    required=True,
    description="A UUID written as text (8-4-4-4-12 hexadecimal digits) that the client makes "
    "once per entry and sends again on every retry.",
)
_OPTIONAL_KEY_PARAMETER = OpenApiParameter(
    IDEMPOTENCY_KEY,
    _KEY_SCHEMA,
    OpenApiParameter.HEADER,
    required=False,
    description="Optional: a UUID written as text (8-4-4-4-12 hexadecimal digits) that the "
    "client makes once per correction and sends again on every retry, so a retried correction "
    "is recorded once.",
)
_LOCATION = OpenApiParameter(
    "Location",
    OpenApiTypes.URI,
    OpenApiParameter.HEADER,
    required=True,
    response=[201],
    description="The entry's address.",
)
_REPLAYED = OpenApiParameter(
    "Idempotency-Replayed",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    enum=["true"],
    response=[200],
    description="Present when the answer repeats the original one for a retried request.",
)


def _idempotency_key(request: Request, *, required: bool = True) -> Any:
    raw = request.headers.get(IDEMPOTENCY_KEY)
    if not raw:
        if not required:
            return None
        raise serializers.ValidationError({IDEMPOTENCY_KEY: ["This header is required."]})
    key = parse_uuid(raw)
    if key is None:
        raise serializers.ValidationError({IDEMPOTENCY_KEY: ["Give a UUID."]})
    return key


def _language(request: Request) -> str:
    return getattr(request.user, "language", "en") or "en"


class PatientListApi(ApiView):
    """Patients in scope: a carer's linked patients, clinic staff's clinic patients."""

    @extend_schema(
        operation_id="patients_list",
        summary="Patients in the caller's scope, each with the current 7-day DDS",
        parameters=[PageQuerySerializer],
        responses={200: page_of(PatientSerializer, "PatientPage"), **problems(*READ_PROBLEMS)},
    )
    def get(self, request: Request) -> Response:
        page = Page(request, patients_for(request.user).select_related("clinic"), self)
        latest = selectors.current_dds(page.items)
        return page.response(
            PatientSerializer(page.items, many=True, context={"latest": latest}).data
        )


class PatientDetailApi(ApiView):
    """One patient in the caller's scope; any other id answers 404."""

    @extend_schema(
        operation_id="patients_retrieve",
        summary="One patient, with the diary instrument new entries use",
        responses={200: PatientDetailSerializer, **problems(*READ_PROBLEMS)},
    )
    def get(self, request: Request, patient_id: int) -> Response:
        patient = patient_for(request.user, patient_id)
        context = {
            "latest": selectors.current_dds([patient]),
            "instrument": current_instrument(patient),
            "language": _language(request),
        }
        return Response(PatientDetailSerializer(patient, context=context).data)


class PatientEntriesApi(ApiView):
    """A patient's diary entries: list them, or record a new day."""

    @extend_schema(
        operation_id="patients_entries_list",
        summary="The patient's entries (latest version of each), newest day first",
        parameters=[DateRangeQuerySerializer, PageQuerySerializer],
        responses={200: page_of(EntryVersionSerializer, "EntryPage"), **problems(*READ_PROBLEMS)},
    )
    def get(self, request: Request, patient_id: int) -> Response:
        patient = patient_for(request.user, patient_id)
        start, end = date_range(request)
        page = Page(request, entry_reads.entry_list(patient, start, end), self)
        context = {"request": request}
        return page.response(EntryVersionSerializer(page.items, many=True, context=context).data)

    @extend_schema(
        operation_id="patients_entries_create",
        summary="Record one diary day (idempotent with Idempotency-Key)",
        description="201 with the new entry. The same Idempotency-Key with the same body again "
        "answers 200 with the original entry (`replayed: true`); with another body, 422. "
        "A different key for a day that already has an entry answers 409 pointing at it. "
        "Future days, days before the patient's birth and (for carers) days past the back-fill "
        "window are refused with 400 naming `date`.",
        parameters=[_KEY_PARAMETER, _LOCATION, _REPLAYED],
        request=EntryInputSerializer,
        responses={
            201: EntryCreatedSerializer,
            200: EntryCreatedSerializer,
            **problems(*WRITE_PROBLEMS, 409, 422),
        },
    )
    def post(self, request: Request, patient_id: int) -> Response:
        key = _idempotency_key(request)
        patient = patient_for(request.user, patient_id)
        data = EntryInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.submit_entry(
            patient=patient,
            user=request.user,
            submission=data.submission(data.validated_data["date"]),
            source=data.validated_data["source"],
            idempotency_key=key,
            reason=data.validated_data["reason"],
        )
        context = {"request": request, "replayed": result.replayed}
        body = EntryCreatedSerializer(result.version, context=context).data
        if result.replayed:
            return Response(body, status=200, headers={"Idempotency-Replayed": "true"})
        return Response(body, status=201, headers={"Location": body["url"]})


class EntryDetailApi(ApiView):
    """One diary entry, as its latest version."""

    @extend_schema(
        operation_id="entries_retrieve",
        summary="One entry, as its latest version",
        responses={200: EntryVersionSerializer, **problems(*READ_PROBLEMS)},
    )
    def get(self, request: Request, entry_id: int) -> Response:
        entry = entry_for(request.user, entry_id)
        version = entry_reads.latest_version(entry)
        return Response(EntryVersionSerializer(version, context={"request": request}).data)


class EntryCorrectionApi(ApiView):
    """Corrections: each one is a new version; earlier versions stay."""

    @extend_schema(
        operation_id="entries_corrections_create",
        summary="Correct an entry: a new version, earlier ones kept",
        description="The body is the complete new content. A reason is required once the "
        "day's cut-off has passed (400 naming `reason`); before it the version is recorded as "
        "a same-day edit. Carers cannot correct locked days. With an Idempotency-Key, a retry "
        "of the same correction answers 200 with the version already recorded; the key with "
        "other content, or already used for another entry, answers 422.",
        parameters=[_OPTIONAL_KEY_PARAMETER, _LOCATION, _REPLAYED],
        request=CorrectionInputSerializer,
        responses={
            201: EntryVersionSerializer,
            200: EntryVersionSerializer,
            **problems(*WRITE_PROBLEMS, 422),
        },
    )
    def post(self, request: Request, entry_id: int) -> Response:
        key = _idempotency_key(request, required=False)
        entry = entry_for(request.user, entry_id)
        data = CorrectionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.correct_entry(
            entry=entry,
            user=request.user,
            submission=data.submission(entry.date),
            source=data.validated_data["source"],
            reason=data.validated_data["reason"],
            idempotency_key=key,
        )
        url = entry_url(request, entry.pk)
        body = EntryVersionSerializer(result.version, context={"request": request}).data
        if result.replayed:
            return Response(body, status=200, headers={"Idempotency-Replayed": "true"})
        return Response(body, status=201, headers={"Location": url})


class EntryHistoryApi(ApiView):
    """Every version of one entry."""

    @extend_schema(
        operation_id="entries_history_retrieve",
        summary="Every version of an entry: who, in which role, from where, when and why",
        responses={200: EntryHistorySerializer, **problems(*READ_PROBLEMS)},
    )
    def get(self, request: Request, entry_id: int) -> Response:
        entry = entry_for(request.user, entry_id)
        history = {"entry": entry, "versions": entry_reads.entry_history(entry)}
        return Response(EntryHistorySerializer(history, context={"request": request}).data)


class PatientDdsApi(ApiView):
    """The 7-day Daily Diary Score series, computed by ``scoring``."""

    @extend_schema(
        operation_id="patients_dds_retrieve",
        summary="The 7-day DDS on each day of a range",
        description="Defaults to the 28 days ending on the patient's current diary day; a "
        "range covers at most 1,098 days. Each window is scored with the instrument version of "
        "its newest entry.",
        parameters=[DdsRangeQuerySerializer],
        responses={200: DdsSeriesSerializer, **problems(*READ_PROBLEMS)},
    )
    def get(self, request: Request, patient_id: int) -> Response:
        patient = patient_for(request.user, patient_id)
        today = selectors.current_diary_day(patient)
        start, end = date_range(request, DdsRangeQuerySerializer, default_end=today)
        days = selectors.dds_series_for(patient, start, end)
        series = {"patient": patient.pk, "from": start, "to": end, "days": days}
        return Response(DdsSeriesSerializer(series).data)


class TokenApi(ApiView):
    """A new API token for this device, for apps and integrations (browsers use the session)."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="auth_token_create",
        summary="Exchange a username, password and (for two-factor accounts) a one-time code "
        "for a new API token for this device",
        request=TokenInputSerializer,
        responses={200: TokenSerializer, **problems(400, 406, 415, 429)},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        data = TokenInputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        name = data.validated_data["name"] or _device_name(request)
        token, key = tokens.issue_token(
            user=data.validated_data["user"], name=name, verified=data.validated_data["verified"]
        )
        fields = {"name": token.name, "created": token.created, "expiry": token.expiry}
        return Response(TokenSerializer({"token": key, **fields}).data)


class SignOutApi(ApiView):
    """Ends the token this request is sent with; the user's other devices stay signed in."""

    authentication_classes = [TwoFactorTokenAuthentication]

    @extend_schema(
        operation_id="auth_logout_create",
        summary="Sign this device out: end the API token the request is sent with",
        request=None,
        responses={204: None, **problems(401, 406, 415)},
    )
    def post(self, request: Request) -> Response:
        tokens.end_token(token=request.auth, why="api sign-out")
        return Response(status=204)


def _device_name(request: Request) -> str:
    return request.headers.get("User-Agent", "")[:64].strip() or "API client"
