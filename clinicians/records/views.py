"""Clinical records and paper transcription: the forms page and the writes it posts to."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods, require_POST

from clinicians.audit.access_log import record_access
from clinicians.base import ReasonForm, language, nav, staff_patient, staff_required
from clinicians.records import services
from clinicians.records.forms import RECORD_FORMS, AppointmentForm
from clinicians.records.models import (
    Appointment,
    Measurement,
    PGAAssessment,
    SteroidDose,
    StudyPeriod,
    TreatmentCourse,
)
from clinicians.records.selectors import clinical_records
from diary.forms import DiaryForm
from diary.instruments import current_instrument
from diary.models import Patient, Source
from diary.services import EntryExists, submit_entry

SERVICES = {
    "treatment": services.add_treatment_course,
    "measurement": services.add_measurement,
    "steroid": services.add_steroid_dose,
    "pga": services.add_pga,
    "appointment": services.add_appointment,
    "period": services.add_study_period,
}
MODELS = {
    "treatment": TreatmentCourse,
    "measurement": Measurement,
    "steroid": SteroidDose,
    "pga": PGAAssessment,
    "appointment": Appointment,
    "period": StudyPeriod,
}


def _form(kind: str, patient: Patient, data: Any = None) -> Any:
    form_class = RECORD_FORMS[kind]
    if form_class is AppointmentForm:
        return AppointmentForm(data, clinic=patient.clinic, prefix=kind)
    return form_class(data, prefix=kind)


@require_http_methods(["GET"])
@staff_required
def records_page(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = staff_patient(request, patient_id)
    record_access(user=request.user, patient_ids=[patient.pk], what="records_page")
    return _render(request, patient, {})


def _render(
    request: HttpRequest, patient: Patient, forms: dict[str, Any], status: int = 200
) -> HttpResponse:
    all_forms = {kind: forms.get(kind) or _form(kind, patient) for kind in RECORD_FORMS}
    return render(
        request,
        "clinicians/records/records.html",
        {
            "patient": patient,
            "records": clinical_records([patient.pk])[patient.pk],
            "forms": all_forms,
            "reason_form": ReasonForm(),
            **nav(request, "records"),
        },
        status=status,
    )


@sensitive_variables()
@sensitive_post_parameters()
@require_POST
@staff_required
def add_record(request: HttpRequest, patient_id: int, kind: str) -> HttpResponse:
    patient = staff_patient(request, patient_id)
    if kind not in SERVICES:
        raise Http404("No such record kind.")
    form = _form(kind, patient, request.POST)
    if form.is_valid():
        try:
            SERVICES[kind](patient=patient, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "Recorded.")
            return redirect("clinic:records", patient_id=patient.pk)
    return _render(request, patient, {kind: form}, status=400)


@require_POST
@staff_required
def remove(request: HttpRequest, patient_id: int, kind: str, record_id: int) -> HttpResponse:
    patient = staff_patient(request, patient_id)
    model = MODELS.get(kind)
    record = None if model is None else model.objects.filter(pk=record_id, patient=patient).first()
    if record is None:
        raise Http404("No such record.")
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason to remove a record."))
    elif kind == "appointment":
        services.cancel_appointment(appointment=record, user=request.user, **form.cleaned_data)
        messages.success(request, _("Appointment cancelled."))
    else:
        services.remove_record(record=record, user=request.user, **form.cleaned_data)
        messages.success(request, "Removed; the audit trail keeps it with your reason.")
    return redirect("clinic:records", patient_id=patient.pk)


@sensitive_variables()
@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
@staff_required
def transcribe(request: HttpRequest, patient_id: int) -> HttpResponse:
    """A paper diary day typed in by clinic staff: source "paper", a reason required."""
    patient = staff_patient(request, patient_id)
    form = TranscriptionForm(
        request.POST or None, instrument=current_instrument(patient), language=language()
    )
    if request.method == "POST" and form.is_valid():
        try:
            submit_entry(
                patient=patient,
                user=request.user,
                submission=form.submission(),
                source=Source.PAPER,
                reason=form.cleaned_data["reason"],
            )
        except EntryExists:
            form.add_error("date", _("This day already has an entry; see its versions below."))
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Paper diary day saved."))
            return redirect("clinic:patient", patient_id=patient.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "clinicians/records/transcribe.html",
        {"patient": patient, "form": form, **nav(request, "records")},
        status=status,
    )


class TranscriptionForm(DiaryForm):
    """The diary form with a visible date and a required reason."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].widget = forms.DateInput(attrs={"type": "date"})
        self.fields["date"].label = _("Diary day")
        self.fields["reason"] = forms.CharField(
            label=_("Reason (e.g. paper diary brought to clinic)"), max_length=500
        )
        del self.fields["idempotency_key"]


def _add_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)
