"""What every API class shares: JSON in and out, the body limit, pagination, query parameters."""

from __future__ import annotations

import datetime
import json
from collections.abc import Sequence
from typing import Any

from rest_framework import exceptions, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import BaseParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from diary.api.fields import DayField
from diary.api.problems import MAX_BODY_BYTES, BodyTooLarge

MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


class JSONBodyParser(BaseParser):
    """UTF-8 JSON of at most 64 KiB; anything unreadable is a 400, never a 500."""

    media_type = "application/json"

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        raw = stream.read(MAX_BODY_BYTES + 1)
        if len(raw) > MAX_BODY_BYTES:
            raise BodyTooLarge()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise exceptions.ParseError("The body is not valid UTF-8.") from None
        try:
            return json.loads(text, parse_constant=_refuse_constant)
        except RecursionError:
            # Python's decoder recurses once per level: a body nested past its limit.
            raise exceptions.ParseError("The JSON is nested too deeply.") from None
        except ValueError as error:
            # The decoder's messages name a position, never the text found there.
            raise exceptions.ParseError(f"The body is not valid JSON: {error}.") from None


class ApiView(APIView):
    # Base of every API class: JSON only, bodies checked once the caller is known. (A comment,
    # not a docstring: drf-spectacular would copy a docstring into every operation.)

    renderer_classes = [JSONRenderer]
    parser_classes = [JSONBodyParser]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        meta = request.META
        try:
            length = int(meta.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > MAX_BODY_BYTES:
            raise BodyTooLarge()
        if length and not meta.get("CONTENT_TYPE"):
            raise exceptions.UnsupportedMediaType("")


# --- pagination ------------------------------------------------------------------------------


class Pagination(PageNumberPagination):
    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE


class QuerySerializer(serializers.Serializer):
    """Query parameters: a parameter given empty (``?page=``) is refused, not ignored."""

    def to_internal_value(self, data: Any) -> Any:
        empty = [name for name in self.fields if hasattr(data, "get") and data.get(name) == ""]
        if empty:
            raise serializers.ValidationError({name: ["Give a value."] for name in empty})
        return super().to_internal_value(data)


class PageQuerySerializer(QuerySerializer):
    page = serializers.IntegerField(required=False, min_value=1, max_value=10**9)
    page_size = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_PAGE_SIZE,
        help_text=f"Items per page, {DEFAULT_PAGE_SIZE} unless given; at most {MAX_PAGE_SIZE}.",
    )


class Page:
    """One page of ``items`` as the query parameters ``page`` and ``page_size`` ask."""

    def __init__(self, request: Request, items: Any, view: APIView) -> None:
        PageQuerySerializer(data=request.query_params).is_valid(raise_exception=True)
        self.paginator = Pagination()
        self.items: Sequence[Any] = self.paginator.paginate_queryset(items, request, view) or []

    def response(self, data: Any) -> Response:
        return self.paginator.get_paginated_response(data)


def page_of(item: type[serializers.Serializer], name: str) -> type[serializers.Serializer]:
    """The serializer documenting one page of ``item`` (for the schema)."""
    fields = {
        "count": serializers.IntegerField(help_text="Items on every page together."),
        "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True),
        "results": item(many=True),
    }
    return type(name, (serializers.Serializer,), fields)


# --- date ranges -----------------------------------------------------------------------------


class DateRangeQuerySerializer(QuerySerializer):
    """``from`` and ``to``: ISO dates, inclusive; ``from`` on or before ``to``."""

    max_days: int | None = None

    def get_fields(self) -> dict[str, serializers.Field]:
        return {
            "from": DayField(required=False, help_text="First day, inclusive (YYYY-MM-DD)."),
            "to": DayField(required=False, help_text="Last day, inclusive (YYYY-MM-DD)."),
        }

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start, end = attrs.get("from"), attrs.get("to")
        if start and end and start > end:
            raise serializers.ValidationError({"from": "from must be on or before to."})
        if start and end and self.max_days and (end - start).days + 1 > self.max_days:
            raise serializers.ValidationError(
                {"from": f"A range covers at most {self.max_days} days."}
            )
        return attrs


class DdsRangeQuerySerializer(DateRangeQuerySerializer):
    """Defaults: ``to`` is the patient's current diary day, ``from`` 27 days before ``to``."""

    max_days = 3 * 366
    default_days = 28

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        end = attrs.get("to") or self.context["default_end"]
        start = attrs.get("from") or end - datetime.timedelta(days=self.default_days - 1)
        return super().validate({"from": start, "to": end})


def date_range(
    request: Request,
    query: type[DateRangeQuerySerializer] = DateRangeQuerySerializer,
    **context: Any,
) -> tuple[datetime.date | None, datetime.date | None]:
    serializer = query(data=request.query_params, context=context)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data.get("from"), serializer.validated_data.get("to")
