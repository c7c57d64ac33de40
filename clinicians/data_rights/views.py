"""Patient data rights pages: the full-record archive (export) and erasure by pseudonymisation.

Only clinic admins of the patient's clinic reach them; everyone else gets 404, like anything
outside their scope.
"""

from __future__ import annotations

import re

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET, require_POST

from clinicians.audit.access_log import record_access
from clinicians.base import nav, staff_patient, staff_required
from clinicians.data_rights import services
from clinicians.data_rights.archive import build_archive
from diary.models import Patient


class EraseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    confirm_reference = forms.CharField(
        max_length=20, label=_("Type the patient's reference to confirm")
    )


def _admin_patient(request: HttpRequest, patient_id: int) -> Patient:
    patient = staff_patient(request, patient_id)
    if not services.is_clinic_admin(request.user, patient):
        raise Http404("No such patient.")
    return patient


def _page(
    request: HttpRequest, patient: Patient, form: EraseForm, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "clinicians/data_rights/data_rights.html",
        {
            "patient": patient,
            "form": form,
            "erased": services.is_erased(patient),
            **nav(request, "admin"),
        },
        status=status,
    )


@require_GET
@staff_required
def data_rights_page(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = _admin_patient(request, patient_id)
    return _page(request, patient, EraseForm())


@sensitive_variables("archive")
@require_GET
@staff_required
def export_archive(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = _admin_patient(request, patient_id)
    now = timezone.now()
    record_access(user=request.user, patient_ids=[patient.pk], what=services.EXPORT_WHAT, now=now)
    archive = build_archive(patient=patient, user=request.user, now=now)
    name = re.sub(r"[^A-Za-z0-9._-]", "_", f"ifn-diary-{patient.reference}-record.zip")
    response = HttpResponse(archive, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@sensitive_post_parameters("reason")
@require_POST
@staff_required
def erase(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = _admin_patient(request, patient_id)
    form = EraseForm(request.POST)
    if form.is_valid():
        try:
            services.erase_patient(patient=patient, admin=request.user, **form.cleaned_data)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    form.add_error(field, errors)
            else:
                form.add_error(None, error.messages)
        else:
            messages.success(request, f"{patient.reference} erased (pseudonymised).")
            return redirect("clinic:data_rights", patient_id=patient.pk)
    return _page(request, patient, form, status=400)
