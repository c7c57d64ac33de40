"""Forms of the clinic admin pages. They parse input; the services hold the rules."""

from __future__ import annotations

import zoneinfo
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from clinicians.base import DATE
from diary.clinics import ClinicMembership, ThresholdProfile
from diary.models import CarerLink, Disease, Language


class AddMemberForm(forms.Form):
    identifier = forms.CharField(label=_("Username or email of an existing account"))
    role = forms.ChoiceField(label=_("Role"), choices=ClinicMembership.Role.choices)


class NewStaffForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    email = forms.EmailField(label=_("Email"))
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=ClinicMembership.Role.choices)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=ClinicMembership.Role.choices)


class PatientForm(forms.Form):
    reference = forms.CharField(label=_("Reference"), max_length=20)
    display_name = forms.CharField(label=_("Name"), max_length=120)
    date_of_birth = forms.DateField(label=_("Date of birth"), widget=DATE)
    disease = forms.ChoiceField(label=_("Disease"), choices=Disease.choices)
    time_zone = forms.CharField(label=_("Time zone (IANA)"), max_length=64)
    reason = forms.CharField(label=_("Reason for the change"), max_length=500, required=False)

    def clean_time_zone(self) -> str:
        value = self.cleaned_data["time_zone"].strip()
        if value not in zoneinfo.available_timezones():
            raise ValidationError(_("Not an IANA time zone, e.g. Europe/London."))
        return value


class InvitationForm(forms.Form):
    patient = forms.ModelChoiceField(label=_("Patient"), queryset=None)
    email = forms.EmailField(label=_("Carer's email"))
    relationship = forms.ChoiceField(
        label=_("Relationship"), choices=CarerLink.Relationship.choices
    )
    language = forms.ChoiceField(label=_("Language of the email"), choices=Language.choices)

    def __init__(self, *args: Any, patients: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["patient"].queryset = patients


class ThresholdForm(forms.Form):
    profile = forms.ChoiceField(label=_("Threshold profile"), choices=ThresholdProfile.choices)


class AlertRulesForm(forms.Form):
    """A clinic's alert rules (SPEC §3.6); the bounds are checked by the service's model."""

    marked_rise_delta = forms.DecimalField(
        label=_("Marked rise: DDS points over 7 days"),
        max_digits=3,
        decimal_places=2,
        help_text=_("A rise of this much or more opens a marked rise alert."),
    )
    severe_temperature_c = forms.DecimalField(
        label=_("Severe temperature (°C)"),
        max_digits=3,
        decimal_places=1,
        help_text=_("A temperature of this or more opens a severe symptom alert."),
    )
    gap_reminder_days = forms.IntegerField(label=_("Diary gap: days before carers are reminded"))
    gap_care_team_days = forms.IntegerField(label=_("Diary gap: days before the care team is told"))
    reason = forms.CharField(label=_("Why the alert rules change"), max_length=500)


class PrimaryWeeksForm(forms.Form):
    """The cohort report's primary visit week per disease; the bounds are the service's."""

    primary_week_candle = forms.IntegerField(label=_("NNS/CANDLE: primary visit week"))
    primary_week_savi = forms.IntegerField(label=_("SAVI: primary visit week"))
    primary_week_ags = forms.IntegerField(label=_("AGS: primary visit week"))
    primary_week_other = forms.IntegerField(label=_("Other: primary visit week"))
    reason = forms.CharField(label=_("Why the primary visit weeks change"), max_length=500)


def _bounds(text: str) -> list[Decimal] | None:
    if not text.strip():
        return None
    try:
        values = [Decimal(part.strip()) for part in text.replace(";", ",").split(",")]
    except ArithmeticError:
        raise ValidationError(_("Give four numbers separated by commas.")) from None
    if len(values) != 4:
        raise ValidationError(_("Give four numbers separated by commas."))
    return values


class InstrumentForm(forms.Form):
    disease = forms.ChoiceField(label=_("Disease"), choices=Disease.choices)
    control_threshold = forms.DecimalField(
        label=_("Control threshold (DDS)"),
        required=False,
        min_value=Decimal("0.15"),
        max_value=Decimal("4"),
        decimal_places=3,
    )
    fever_bands = forms.CharField(
        label=_("Fever bands: °C at which the score becomes 1, 2, 3, 4"),
        required=False,
        help_text=_("e.g. 38.0, 38.5, 39.0, 39.5"),
    )
    sleep_bands = forms.CharField(
        label=_("Sleep bands (AGS): hours below which the score becomes 4, 3, 2, 1"),
        required=False,
        help_text=_("e.g. 2, 4, 6, 8"),
    )
    item_code = forms.RegexField(
        label=_("Extra item code"), regex=r"^[a-z][a-z0-9_]{0,39}$", required=False
    )
    item_label_en = forms.CharField(label=_("Extra item label (English)"), required=False)
    item_label_ja = forms.CharField(label=_("Extra item label (Japanese)"), required=False)
    reason = forms.CharField(label=_("Why the diary changes"), max_length=500)

    def clean_fever_bands(self) -> list[Decimal] | None:
        return _bounds(self.cleaned_data["fever_bands"])

    def clean_sleep_bands(self) -> list[Decimal] | None:
        return _bounds(self.cleaned_data["sleep_bands"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("item_code")) != bool(data.get("item_label_en")):
            raise ValidationError(_("An extra item needs both a code and an English label."))
        if data.get("sleep_bands") and data.get("disease") != "AGS":
            self.add_error("sleep_bands", _("Only the AGS diary has sleep bands."))
        changes = ("control_threshold", "fever_bands", "sleep_bands", "item_code")
        if not any(data.get(name) for name in changes):
            raise ValidationError(_("Nothing to change."))
        return data

    def threshold(self) -> Fraction | None:
        value = self.cleaned_data.get("control_threshold")
        return None if value is None else Fraction(value)
