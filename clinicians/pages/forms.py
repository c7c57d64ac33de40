"""Forms of the clinician pages. They parse input; the services hold the rules.

``RECORD_FORMS`` maps each kind of clinical record (the ``<kind>`` in its URL) to its form; a
form's ``save_kwargs()`` is what the kind's service takes besides patient and user.
"""

from __future__ import annotations

import datetime
import zoneinfo
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clinicians.records import PGA_STEPS, Measurement, SteroidDose, StudyPeriod
from diary.clinics import ClinicMembership, ThresholdProfile
from diary.models import CarerLink, Disease, Language, User
from diary.wording import zone_place

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TreatmentForm(forms.Form):
    drug = forms.CharField(label=_("Drug"), max_length=80, initial="baricitinib")
    start_date = forms.DateField(label=_("Start date"), widget=DATE)
    end_date = forms.DateField(label=_("End date (optional)"), widget=DATE, required=False)
    regimen = forms.CharField(
        label=_("Regimen, as prescribed"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Written as you prescribe it. IFN Diary never calculates a dose."),
    )


class MeasurementForm(forms.Form):
    kind = forms.ChoiceField(label=_("Measurement"), choices=Measurement.Kind.choices)
    date = forms.DateField(label=_("Date"), widget=DATE)
    value = forms.DecimalField(
        label=_("Value (kg or cm)"), max_digits=5, decimal_places=1, min_value=Decimal("0.1")
    )


class SteroidForm(forms.Form):
    drug = forms.ChoiceField(label=_("Corticosteroid"), choices=SteroidDose.DRUG_CHOICES)
    mg_per_day = forms.DecimalField(
        label=_("Dose (mg/day)"), max_digits=7, decimal_places=2, min_value=Decimal("0")
    )
    route = forms.ChoiceField(label=_("Route"), choices=SteroidDose.Route.choices)
    from_date = forms.DateField(label=_("From"), widget=DATE)
    to_date = forms.DateField(label=_("Until (optional)"), widget=DATE, required=False)


class PGAForm(forms.Form):
    date = forms.DateField(label=_("Visit date"), widget=DATE)
    score = forms.TypedChoiceField(
        label=_("PGA (0 = no disease activity, 10 = most severe)"),
        choices=[(str(step), str(step)) for step in PGA_STEPS],
        coerce=Decimal,
    )


class AppointmentForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("Date and time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    clinician = forms.ModelChoiceField(label=_("Clinician"), queryset=None, required=False)
    purpose = forms.CharField(label=_("Purpose"), max_length=200, required=False)

    def __init__(self, *args: Any, clinic: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.clinic = clinic
        self.fields["clinician"].queryset = User.objects.filter(
            clinic_memberships__clinic_id=clinic.pk
        ).order_by("last_name", "username")
        self.fields["starts_at"].help_text = _("Local time at the clinic (%(zone)s).") % {
            "zone": zone_place(clinic.time_zone)
        }

    def clean_starts_at(self) -> datetime.datetime:
        """The time typed is the clinic's wall-clock time, whatever the server's zone."""
        typed = self.cleaned_data["starts_at"]
        wall = timezone.make_naive(typed) if timezone.is_aware(typed) else typed
        return wall.replace(tzinfo=zoneinfo.ZoneInfo(self.clinic.time_zone))


class StudyPeriodForm(forms.Form):
    name = forms.ChoiceField(label=_("Period"), choices=StudyPeriod.Name.choices)
    label = forms.CharField(label=_("Label (optional)"), max_length=60, required=False)
    start = forms.DateField(label=_("First day"), widget=DATE)
    end = forms.DateField(label=_("Last day"), widget=DATE)
    is_pre_treatment = forms.BooleanField(
        label=_("Pre-treatment period (its whole-period score is the baseline)"), required=False
    )


RECORD_FORMS: dict[str, type[forms.Form]] = {
    "treatment": TreatmentForm,
    "measurement": MeasurementForm,
    "steroid": SteroidForm,
    "pga": PGAForm,
    "appointment": AppointmentForm,
    "period": StudyPeriodForm,
}


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


# --- clinic admin -----------------------------------------------------------------------------


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
