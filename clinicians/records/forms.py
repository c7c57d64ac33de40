"""Forms of the clinical records. They parse input; the services hold the rules.

``RECORD_FORMS`` maps each kind of clinical record (the ``<kind>`` in its URL) to its form; a
form's ``save_kwargs()`` is what the kind's service takes besides patient and user.
"""

from __future__ import annotations

import datetime
import zoneinfo
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clinicians.base import DATE
from clinicians.records.models import PGA_STEPS, Measurement, SteroidDose, StudyPeriod
from diary.models import User
from diary.wording import zone_place


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
