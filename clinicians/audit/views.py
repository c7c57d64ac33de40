"""A patient's audit trail for clinic staff: the page and its CSV and JSON exports.

Same gate as the other patient pages (staff only, the patient of one of their clinics, 404
otherwise); every read is logged as a record access.
"""

from __future__ import annotations

import csv
import io
import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from clinicians.audit.access_log import record_access
from clinicians.audit.selectors import COLUMNS, patient_audit
from clinicians.base import nav, staff_patient, staff_required
from clinicians.exports.csv import safe_cell
from clinicians.exports.views import _filename


@require_GET
@staff_required
def audit_page(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = staff_patient(request, patient_id)
    audit = patient_audit(patient)
    record_access(user=request.user, patient_ids=[patient.pk], what="audit_page")
    return render(
        request,
        "clinicians/audit/audit.html",
        {"patient": patient, "audit": audit, **nav(request, "patient")},
    )


@require_GET
@staff_required
def audit_csv(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = staff_patient(request, patient_id)
    audit = patient_audit(patient)
    record_access(user=request.user, patient_ids=[patient.pk], what="audit_csv")
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for event in audit.all_events:
        writer.writerow({key: safe_cell(value) for key, value in event.as_row().items()})
    return _download(
        buffer.getvalue(), "text/csv; charset=utf-8", _filename(patient.reference, "audit.csv")
    )


@require_GET
@staff_required
def audit_json(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = staff_patient(request, patient_id)
    audit = patient_audit(patient)
    record_access(user=request.user, patient_ids=[patient.pk], what="audit_json")
    body = json.dumps(
        {
            "patient_reference": patient.reference,
            "events": [event.as_dict() for event in audit.all_events],
        },
        ensure_ascii=False,
        indent=1,
    )
    return _download(body, "application/json", _filename(patient.reference, "audit.json"))


def _download(body: str, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response
