"""Strict input fields: a JSON type the schema does not allow is refused, never coerced.

DRF's own fields accept ``"2"`` for an integer and ``42`` for a string; a diary score typed as
text, or a note sent as a number, is more likely a client bug than an intention, and the schema
promises a 400 for it.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

# The range of diary dates the API reads or writes: wide enough for any patient, narrow enough
# that a window around it never leaves the calendar Python can represent.
MIN_DATE = datetime.date(1900, 1, 1)
MAX_DATE = datetime.date(2100, 12, 31)

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATE_TIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([Zz]|[+-]\d{2}:\d{2})", re.ASCII
)
UUID_PATTERN = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_UUID = re.compile(UUID_PATTERN)
ITEM_CODE = re.compile(r"[a-z][a-z0-9_]{0,39}", re.ASCII)
MAX_ITEMS = 40


def parse_uuid(value: str) -> Any:
    """The UUID in ``value`` (the canonical 8-4-4-4-12 form only), or ``None``."""
    import uuid

    if not isinstance(value, str) or not _UUID.fullmatch(value):
        return None
    return uuid.UUID(value)


class TextField(serializers.CharField):
    """Text that must arrive as a JSON string (no NUL characters, as every DRF CharField)."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class DayField(serializers.DateField):
    """A calendar date written exactly ``YYYY-MM-DD``, from 1900-01-01 to 2100-12-31."""

    default_error_messages = {
        "invalid": "Give a date as YYYY-MM-DD.",
        "range": "Give a date from 1900-01-01 to 2100-12-31.",
    }

    def to_internal_value(self, value: Any) -> datetime.date:
        if not isinstance(value, str) or not _DATE.fullmatch(value):
            self.fail("invalid")
        try:
            day = datetime.date.fromisoformat(value)
        except ValueError:
            self.fail("invalid")
        if not MIN_DATE <= day <= MAX_DATE:
            self.fail("range")
        return day


class OffsetDateTimeField(serializers.DateTimeField):
    """An RFC 3339 date-time with its UTC offset, kept as sent (the offset is stored too)."""

    default_error_messages = {
        "invalid": "Give a date and time with its UTC offset, e.g. 2026-11-18T21:05:00+00:00.",
        "overflow": "This date and time is out of range.",
    }

    def to_internal_value(self, value: Any) -> datetime.datetime:
        if not isinstance(value, str) or not _DATE_TIME.fullmatch(value):
            self.fail("invalid")
        text = value.upper().replace("Z", "+00:00")
        try:
            moment = datetime.datetime.fromisoformat(text)
            moment.astimezone(datetime.UTC)
        except ValueError:
            self.fail("invalid")
        except OverflowError:
            self.fail("overflow")
        if not MIN_DATE.year <= moment.year <= MAX_DATE.year:
            self.fail("overflow")
        return moment


class NumberField(serializers.DecimalField):
    """A decimal quantity that must arrive as a JSON number (read exactly, as a Decimal).

    Not coerced to a string either way, so the schema types it as a number: a generated client
    then sends the number the server accepts, and reads one back.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(coerce_to_string=False, **kwargs)

    def to_internal_value(self, data: Any) -> Decimal:
        if isinstance(data, bool) or not isinstance(data, int | float):
            self.fail("invalid")
        return super().to_internal_value(data)


@extend_schema_field(
    {"type": "integer", "minimum": 0, "maximum": 4, "nullable": True, "example": 1}
)
class ScoreField(serializers.Field):
    """One item's score: a whole number 0–4, or null for "not assessed"."""

    default_error_messages = {"invalid": "A score is a whole number from 0 to 4, or null."}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> int:
        if type(data) is not int or not 0 <= data <= 4:
            self.fail("invalid")
        return data

    def to_representation(self, value: Any) -> Any:
        return value


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {"type": "integer", "minimum": 0, "maximum": 4, "nullable": True},
        "maxProperties": MAX_ITEMS,
        "description": "Item code → score 0–4, or null for not assessed. Items left out are "
        "stored as not assessed. The patient's instrument lists its item codes.",
        "example": {"fever": 1, "rash": 0, "musculoskeletal_pain": 2, "headache": None},
    }
)
class ScoresField(serializers.DictField):
    """Item code → score; codes are checked against the patient's instrument by the service."""

    default_error_messages = {
        "too_many": f"At most {MAX_ITEMS} items.",
        "code": "Item codes are lower_snake_case, at most 40 characters.",
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(child=ScoreField(), **kwargs)

    def to_internal_value(self, data: Any) -> dict[str, int | None]:
        if isinstance(data, dict):
            if len(data) > MAX_ITEMS:
                self.fail("too_many")
            if not all(isinstance(code, str) and ITEM_CODE.fullmatch(code) for code in data):
                self.fail("code")
        return super().to_internal_value(data)
