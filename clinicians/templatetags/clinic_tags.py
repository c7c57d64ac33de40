"""How the clinician pages write scores, changes, proportions and doses."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

import scoring
from clinicians.alerts import wording
from clinicians.audit import display
from clinicians.records.models import STEROID_NAMES

register = template.Library()

SHORT_STATUS = {
    "insufficient": _("not enough data"),
    "remission": _("remission range"),
    "controlled": _("controlled"),
    "active": _("active"),
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
    return str(SHORT_STATUS.get(str(getattr(status, "value", status)), status))


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
    return "–" if value is None else str(_("met") if value else _("not met"))


RULE_WORDS = {
    "above_threshold": _("7-day DDS at or above the control threshold"),
    "marked_rise": _("Marked rise of the 7-day DDS"),
    "severe_symptom": _("Severe symptom"),
    "diary_gap": _("Diary gap"),
    "diary_gap_reminder": _("Diary gap (reminder to the carers)"),
}


@register.filter
def rule_words(rule: str) -> str:
    """An alert rule in words ("marked rise" is not a validated difference, only a rise)."""
    return str(RULE_WORDS.get(rule, rule.replace("_", " ").capitalize()))


# The audit trail stores these words in English (its CSV and JSON keep them so); pages show
# them in the reader's language. Identifiers (field names, origins) are shown as code.
AUDIT_WORDS = {
    "created": _("created"),
    "changed": _("changed"),
    "deleted": _("deleted"),
    "carer": _("carer"),
    "clinician": _("clinician"),
    "clinic_admin": _("clinic admin"),
    "site_admin": _("site admin"),
    "system": _("system"),
    "database": _("database"),
    "Carer link": _("Carer link"),
    "Alert": _("Alert"),
    "Treatment course": _("Treatment course"),
    "Measurement": _("Measurement"),
    "Steroid dose": _("Corticosteroid dose"),
    "Pga assessment": _("PGA assessment"),
    "Appointment": _("Appointment"),
    "Study period": _("Study period"),
    "Patient": _("Patient"),
    "Patient identity": _("Patient identity"),
    "Diary entry": _("Diary entry"),
    "treatment course recorded": _("treatment course recorded"),
    "weight recorded": _("weight recorded"),
    "height recorded": _("height recorded"),
    "corticosteroid dose recorded": _("corticosteroid dose recorded"),
    "PGA recorded": _("PGA recorded"),
    "appointment booked": _("appointment booked"),
    "study period defined": _("study period defined"),
    "opened by the nightly evaluation": _("opened by the nightly evaluation"),
    "unsubscribed by email link": _("unsubscribed by email link"),
    "staff member added": _("staff member added"),
    "staff account created": _("staff account created"),
    "staff role changed": _("staff role changed"),
    "staff member removed": _("staff member removed"),
    "patient registered": _("patient registered"),
    "reminder settings": _("reminder settings"),
    "accepted a clinic invitation": _("accepted a clinic invitation"),
    "demo data": _("demo data"),
    "(not recorded)": _("(not recorded)"),
    "open": _("Open"),
    "acknowledged": _("Acknowledged"),
    "resolved": _("Resolved"),
    "care_team": _("Care team"),
    "carers": _("Carers"),
    "weight": _("Weight (kg)"),
    "height": _("Height (cm)"),
    "oral": _("Oral"),
    "iv": _("Intravenous"),
    "baseline": _("Baseline"),
    "primary": _("Primary"),
    "maintenance": _("Maintenance"),
    "custom": _("Custom"),
    "mother": _("Mother"),
    "father": _("Father"),
    "guardian": _("Guardian"),
    "grandparent": _("Grandparent"),
    "self": _("Self (adult patient)"),
    "other": _("Other"),
    "True": _("yes"),
    "False": _("no"),
}


@register.filter
def alert_text(alert: Any) -> str | None:
    """An alert's reason in the reader's language; ``None``: show the stored English."""
    return wording.alert_text(alert)


@register.filter
def disease_code(code: object) -> str:
    """A disease as its short code (CANDLE, SAVI, AGS); the code OTHER in words."""
    return str(_("Other")) if str(code) == "OTHER" else str(code)


@register.filter
def audit_word(value: object) -> str:
    """An audit trail's stored word (action, role, record, reason) in the reader's language."""
    text = str(value)
    return str(AUDIT_WORDS.get(text) or RULE_WORDS.get(text) or STEROID_NAMES.get(text, text))


@register.filter
def audit_change(change: Any, model: str) -> dict[str, Any]:
    """A change's field, old and new values as the audit page shows them."""
    return {
        "field": change.field,
        "old": display.audit_value(change.old, model, change.field, audit_word),
        "new": display.audit_value(change.new, model, change.field, audit_word),
    }
