"""How the audit page writes a stored value: the CSV and JSON keep it verbatim, the page shows
times in the clinic's zone and the reader's format, words in the reader's language, and
structured values (JSON details, field lists) as code.

An alert's ``reason`` is stored in English by the rules and is the audit record itself: it is
shown as stored and marked as English (the patient page writes it in the reader's language).
"""

from __future__ import annotations

import datetime
import re
from typing import Any, TypedDict

from django.utils import timezone
from django.utils.formats import date_format

from diary.wording import zone_place

ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ZONE = re.compile(r"^(Africa|America|Antarctica|Asia|Atlantic|Australia|Europe|Indian|Pacific)/")
# The stored English sentences: the alert's reason, on the application's and the database's rows.
ENGLISH_FIELDS = {("Alert", "reason"), ("clinicians_alert", "reason")}


class Value(TypedDict):
    text: str
    kind: str  # "text", "code" (structured), "time" (with ``iso``) or "en" (stored English)
    iso: str


def audit_value(text: str, model: str, field: str, translate: Any) -> Value:
    """``text`` as the page shows it; ``translate`` gives a stored word in the reader's words."""
    if not text:
        return {"text": "", "kind": "text", "iso": ""}
    if (model, field) in ENGLISH_FIELDS:
        return {"text": text, "kind": "en", "iso": ""}
    if text[0] in "{[":
        return {"text": text, "kind": "code", "iso": ""}
    if ISO_DATETIME.match(text):
        try:
            moment = datetime.datetime.fromisoformat(text)
        except ValueError:
            return {"text": text, "kind": "text", "iso": ""}
        shown = date_format(timezone.localtime(moment), "DATETIME_FORMAT")
        return {"text": shown, "kind": "time", "iso": text}
    if ISO_DATE.match(text):
        try:
            day = datetime.date.fromisoformat(text)
        except ValueError:
            return {"text": text, "kind": "text", "iso": ""}
        return {"text": date_format(day, "SHORT_DATE_FORMAT"), "kind": "time", "iso": text}
    if ZONE.match(text):
        return {"text": zone_place(text), "kind": "text", "iso": ""}
    return {"text": translate(text), "kind": "text", "iso": ""}
