"""How the clinician pages write scores, changes, proportions and doses."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from django import template

import scoring

register = template.Library()

SHORT_STATUS = {
    "insufficient": "not enough data",
    "remission": "remission range",
    "controlled": "controlled",
    "active": "active",
}


@register.filter
def dds(value: Fraction | None) -> str:
    """A DDS with three decimals, truncated (never rounded up across a threshold); "–" if none."""
    return "–" if value is None else str(scoring.round_score(value))


@register.filter
def signed(value: Fraction | None) -> str:
    """A change in DDS points with its sign: "+0.120", "−0.050", "±0.000"; "–" if none."""
    if value is None:
        return "–"
    text = str(scoring.round_score(abs(value)))
    if value > 0:
        return f"+{text}"
    if value < 0:
        return f"−{text}"
    return f"±{text}"


@register.filter
def percent(value: Fraction | None) -> str:
    """A proportion as a whole percentage (truncated); "–" if none."""
    if value is None:
        return "–"
    return f"{int(value * 100)}%"


@register.filter
def signed_percent(value: Fraction | None) -> str:
    if value is None:
        return "–"
    whole = int(abs(value))
    return f"+{whole}%" if value > 0 else (f"−{whole}%" if value < 0 else "0%")


@register.filter
def short_status(status: Any) -> str:
    return SHORT_STATUS.get(str(getattr(status, "value", status)), str(status))


@register.filter
def mgkg(value: Fraction | None) -> str:
    """An exact mg/kg/day to 4 decimals, truncated (0.14998 shows as 0.1499, never 0.1500)."""
    return "–" if value is None else str(scoring.mg_per_kg_for_display(value))


@register.filter
def prednisone_mg(value: Fraction | None) -> str:
    """An exact prednisone-equivalent mg/day to 0.01 mg, half up (1 mg dexamethasone: 6.67)."""
    return "–" if value is None else str(scoring.prednisone_mg_for_display(value))


@register.filter
def yes_no(value: bool | None) -> str:
    return "–" if value is None else ("met" if value else "not met")


RULE_WORDS = {
    "above_threshold": "7-day DDS at or above the control threshold",
    "marked_rise": "Marked rise of the 7-day DDS",
    "severe_symptom": "Severe symptom",
    "diary_gap": "Diary gap",
}


@register.filter
def rule_words(rule: str) -> str:
    """An alert rule in words ("marked rise" is not a validated difference, only a rise)."""
    return RULE_WORDS.get(rule, rule.replace("_", " ").capitalize())
