"""The nightly job's emails, one function per email type, each built from its templates.

``templates/clinicians/nightly/emails/<name>_subject.txt``, ``<name>_body.txt`` and
``<name>_body.html``. Every email is in the recipient's language (English or Japanese) and
carries no patient name, no score and no note: a pseudonymous reference, what happened and a
link.

The clinician's link points at the clinician's patient page (``clinic:patient``, with the
patient's alerts to acknowledge and resolve); carers' links go to their diary pages.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

import scoring

LANGUAGES = ("en", "ja")
WEEKDAYS = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "ja": ("月", "火", "水", "木", "金", "土", "日"),
}
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
# Each rule's words, then the same with the clinic's rule values the alert was opened with
# (``Alert.details``): an email never shows a rule value the clinic did not choose. An alert
# opened before its details named them gets the words without values.
RULE_LABELS = {
    "above_threshold": {
        "en": "7-day DDS at or above the control threshold",
        "ja": "7日間DDSがコントロール閾値以上",
    },
    "marked_rise": {
        "en": "Marked rise of the 7-day DDS over 7 days",
        "ja": "7日間DDSの7日前からの顕著な上昇",
    },
    "severe_symptom": {"en": "Severe symptom recorded", "ja": "重い症状の記録"},
    "diary_gap": {"en": "No diary entry for several days", "ja": "数日間日誌の記録なし"},
    "diary_gap_reminder": {"en": "No diary entry for several days", "ja": "数日間日誌の記録なし"},
}
RULE_LABELS_WITH_VALUES = {
    "marked_rise": {
        "en": "Marked rise of the 7-day DDS over 7 days (clinic rule: a rise of {delta} or more)",
        "ja": "7日間DDSの7日前からの顕著な上昇（クリニックの基準：{delta}以上の上昇）",
    },
    "severe_symptom": {
        "en": "Severe symptom recorded (clinic rule: an item at {item_score_limit} or more,"
        " or a temperature of {temperature_limit_c} °C or more)",
        "ja": "重い症状の記録（クリニックの基準：いずれかの項目が{item_score_limit}以上、"
        "または体温{temperature_limit_c}℃以上）",
    },
    "diary_gap": {
        "en": "No diary entry for {care_team_days} days or more",
        "ja": "{care_team_days}日以上日誌の記録なし",
    },
    "diary_gap_reminder": {
        "en": "No diary entry for {reminder_days} days",
        "ja": "{reminder_days}日間日誌の記録なし",
    },
}


def alert_digest(to: Any, *, day: datetime.date, lines: Sequence[Any]) -> EmailMultiAlternatives:
    """A clinician's digest of the night of ``day``: each new alert's reference, rule and link."""
    language = language_of(to)
    alerts = [
        {
            "reference": line.reference,
            "rule": rule_label(line.rule, language, line.details),
            "url": settings.SITE_URL + reverse("clinic:patient", args=[line.patient_id]),
        }
        for line in lines
    ]
    context = {"day": long_day(day, language), "alerts": alerts, "count": len(alerts)}
    return _message("alert_digest", to, language, context)


def evening_reminder(
    to: Any, *, reference: str, day: datetime.date, diary_url: str, unsubscribe_url: str
) -> EmailMultiAlternatives:
    """A carer's reminder that the diary for ``day`` has not been saved yet."""
    language = language_of(to)
    context = {
        "reference": reference,
        "day": long_day(day, language),
        "diary_url": diary_url,
        "unsubscribe_url": unsubscribe_url,
    }
    return _message("evening_reminder", to, language, context, _unsubscribe(unsubscribe_url))


def gap_reminder(
    to: Any, *, reference: str, days_without_entry: int, diary_url: str, unsubscribe_url: str
) -> EmailMultiAlternatives:
    """A carer's reminder that no diary has been saved for ``days_without_entry`` days."""
    language = language_of(to)
    context = {
        "reference": reference,
        "days": days_without_entry,
        "diary_url": diary_url,
        "unsubscribe_url": unsubscribe_url,
    }
    return _message("gap_reminder", to, language, context, _unsubscribe(unsubscribe_url))


def language_of(user: Any) -> str:
    language = getattr(user, "language", "en")
    return language if language in LANGUAGES else "en"


def rule_label(rule: str, language: str, details: Mapping[str, Any] | None = None) -> str:
    """An alert's rule in ``language``, with the clinic's values it was opened with if known."""
    with_values = RULE_LABELS_WITH_VALUES.get(rule)
    if with_values is not None:
        try:
            return with_values[language].format(**_rule_values(details or {}))
        except KeyError:
            pass  # opened before alerts recorded their rule values
    labels = RULE_LABELS.get(rule)
    return labels[language] if labels else rule


def _rule_values(details: Mapping[str, Any]) -> dict[str, Any]:
    values = {
        name: details[name]
        for name in ("item_score_limit", "temperature_limit_c", "reminder_days", "care_team_days")
        if details.get(name) is not None
    }
    if details.get("delta"):
        values["delta"] = scoring.rule_figure(Fraction(details["delta"]))
    return values


def long_day(day: datetime.date, language: str) -> str:
    """'Wednesday 18 November 2026' or '2026年11月18日（水）'."""
    weekday = WEEKDAYS[language][day.weekday()]
    if language == "ja":
        return f"{day.year}年{day.month}月{day.day}日（{weekday}）"
    return f"{weekday} {day.day} {MONTHS[day.month - 1]} {day.year}"


def _unsubscribe(url: str) -> dict[str, str]:
    # RFC 8058 one-click unsubscribe: mail clients POST to the same signed link.
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def _message(
    name: str,
    to: Any,
    language: str,
    context: dict[str, Any],
    headers: dict[str, str] | None = None,
) -> EmailMultiAlternatives:
    context = {**context, "language": language, "site_url": settings.SITE_URL}
    subject = render_to_string(f"clinicians/nightly/emails/{name}_subject.txt", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=render_to_string(f"clinicians/nightly/emails/{name}_body.txt", context),
        to=[to.email],
        headers={"Auto-Submitted": "auto-generated", **(headers or {})},
    )
    message.attach_alternative(
        render_to_string(f"clinicians/nightly/emails/{name}_body.html", context), "text/html"
    )
    return message
