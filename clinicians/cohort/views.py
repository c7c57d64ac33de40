"""The cohort page and its CSV: check (staff of the clinic), read (``report.cohort``), log the
read of every patient in it, render. Nothing here names a patient: references only."""

from __future__ import annotations

import csv
import io
import re

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from clinicians.audit.access_log import record_access
from clinicians.base import nav, staff_required
from clinicians.cohort.display import csv_rows, group_views
from clinicians.cohort.report import clinic_for, cohort
from clinicians.cohort.visits import Options


class CohortForm(forms.Form):
    """The page's switches (a GET form); unknown values are a 400 naming the parameter."""

    locf = forms.ChoiceField(
        choices=[("0", _("Observed values only")), ("1", _("Last observation carried forward"))],
        required=False,
        label=_("Missing visit values"),
    )
    threshold = forms.ChoiceField(
        choices=[("profile", _("Clinic threshold profile")), ("uniform", _("Uniform 0.5"))],
        required=False,
        label=_("Threshold"),
    )

    def options(self) -> Options:
        data = self.cleaned_data
        return Options(locf=data["locf"] == "1", threshold=data["threshold"] or "profile")


def _form(request: HttpRequest) -> CohortForm:
    return CohortForm({"locf": request.GET.get("locf", "0"), **_threshold(request)})


def _threshold(request: HttpRequest) -> dict[str, str]:
    return {"threshold": request.GET.get("threshold", "profile")}


@require_GET
@staff_required
def cohort_page(request: HttpRequest, clinic_id: int) -> HttpResponse:
    clinic = clinic_for(request.user, clinic_id)
    form = _form(request)
    context = {"clinic": clinic, "form": form, **nav(request, "cohort")}
    if not form.is_valid():
        return render(request, "clinicians/cohort/cohort.html", context, status=400)
    report = cohort(request.user, clinic, form.options(), figure=True)
    record_access(user=request.user, patient_ids=report.patient_ids, what="cohort_page")
    context |= {"report": report, "groups": group_views(report)}
    return render(request, "clinicians/cohort/cohort.html", context)


@require_GET
@staff_required
def cohort_csv(request: HttpRequest, clinic_id: int) -> HttpResponse:
    clinic = clinic_for(request.user, clinic_id)
    form = _form(request)
    if not form.is_valid():
        names = ", ".join(sorted(form.errors))
        return HttpResponse(f"Unknown value: {names}", status=400, content_type="text/plain")
    report = cohort(request.user, clinic, form.options())
    record_access(user=request.user, patient_ids=report.patient_ids, what="cohort_csv")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerows(csv_rows(report))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    name = re.sub(r"[^A-Za-z0-9._-]", "_", f"ifn-diary-cohort-{clinic.reference_prefix}.csv")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response
