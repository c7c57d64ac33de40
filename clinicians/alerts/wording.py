"""An alert's reason in the reader's language, written from its rule and ``details``.

``scoring.alerts`` stores the reason in English: it is the audit record, kept verbatim (the
audit trail and the exports show it as stored). Pages write the same facts from ``details``,
which hold every figure the reason names; an alert whose details lack one (written before a
rule recorded it) gets ``None``, and the page shows the stored English, marked as English.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import Any

from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

import scoring
from diary.instruments import current_instrument
from diary.templatetags.diary_tags import status_words

Details = Mapping[str, Any]


def alert_text(alert: Any) -> str | None:
    """The reason of ``alert`` in the active language, or ``None`` to show the stored one."""
    write = WRITERS.get(alert.rule)
    if write is None:
        return None
    try:
        return write(alert, alert.details)
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return None


def _score(text: str) -> str:
    """A stored DDS ("p/q") for display: truncated, never rounded across a threshold."""
    return str(scoring.round_score(Fraction(text)))


def _rule(text: str) -> str:
    return scoring.rule_figure(Fraction(text))


def _day(text: str) -> str:
    return date_format(datetime.date.fromisoformat(text), "SHORT_DATE_FORMAT")


def _above_threshold(alert: Any, details: Details) -> str:
    return _("7-day DDS %(dds)s ≥ control threshold %(threshold)s; previous day %(previous)s") % {
        "dds": _score(details["dds"]),
        "threshold": _rule(details["control_threshold"]),
        "previous": status_words(details["previous_status"]),
    }


def _marked_rise(alert: Any, details: Details) -> str:
    return _(
        "Marked rise: 7-day DDS rose by %(rise)s over 7 days, from %(earlier)s on %(day)s to "
        "%(dds)s (clinic rule: a rise of %(delta)s or more over 7 days); not a validated "
        "clinical difference"
    ) % {
        "rise": _score(details["rise"]),
        "earlier": _score(details["earlier_dds"]),
        "day": _day(details["earlier_day"]),
        "dds": _score(details["dds"]),
        "delta": _rule(details["delta"]),
    }


def _severe_symptom(alert: Any, details: Details) -> str:
    language = translation.get_language() or "en"
    labels = {item.code: item.label_in(language) for item in _items(alert)}
    parts = [labels.get(code, code) for code in details["items"]]
    if details["temperature_c"] is not None:
        parts.append(_("temperature %(value)s °C") % {"value": details["temperature_c"]})
    return _(
        "Severe symptom on %(day)s: %(what)s (clinic rule: an item scored %(score)s or more, "
        "or a temperature of %(temperature)s °C or more)"
    ) % {
        "day": _day(details["day"]),
        "what": _("; ").join(parts),
        "score": int(details["item_score_limit"]),
        "temperature": details["temperature_limit_c"],
    }


def _diary_gap(alert: Any, details: Details) -> str:
    words = {
        "days": int(details["days_without_entry"]),
        "day": _day(details["day"]),
        "reminder": int(details["reminder_days"]),
        "care_team": int(details["care_team_days"]),
    }
    if alert.rule == scoring.AlertRule.DIARY_GAP:
        text = _(
            "No diary entry for %(days)s or more consecutive days up to %(day)s (clinic rule: "
            "carers reminded after %(reminder)s days, care team told after %(care_team)s)"
        )
    else:
        text = _(
            "No diary entry for %(days)s consecutive days up to %(day)s (clinic rule: carers "
            "reminded after %(reminder)s days, care team told after %(care_team)s)"
        )
    return text % words


def _items(alert: Any) -> tuple[Any, ...]:
    return tuple(current_instrument(alert.patient).items)


WRITERS: dict[str, Callable[[Any, Details], str]] = {
    scoring.AlertRule.ABOVE_THRESHOLD: _above_threshold,
    scoring.AlertRule.MARKED_RISE: _marked_rise,
    scoring.AlertRule.SEVERE_SYMPTOM: _severe_symptom,
    scoring.AlertRule.DIARY_GAP: _diary_gap,
    scoring.AlertRule.DIARY_GAP_REMINDER: _diary_gap,
}
