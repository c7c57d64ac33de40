"""Export downloads: a patient's or a clinic's CSV, a patient's FHIR R4 bundle.

Every export logs one record access per patient it contains (what: the export's name).
"""

from __future__ import annotations

import datetime
import json
import re

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from clinicians.audit.access_log import record_access
from clinicians.base import staff_patient, staff_required
from clinicians.exports import csv as csv_export
from clinicians.exports import fhir
from clinicians.scope import staff_clinics
from diary.access import patients_for
from diary.days import DayRules
from diary.models import DiaryEntry, Patient

ROWS = ("versions", "days")


def _filename(*parts: str) -> str:
    """A download name from safe characters only (references and prefixes are free text)."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", "-".join(("ifn-diary", *parts)))


def _rows(request: HttpRequest) -> str:
    rows = request.GET.get("rows", "versions")
    if rows not in ROWS:
        raise Http404("Unknown export shape.")
    return rows


def _csv(
    patients: list[Patient], rows: str, filename: str, today: datetime.date
) -> StreamingHttpResponse:
    if rows == "versions":
        chunks = csv_export.version_rows(patients)
    else:
        first = (
            DiaryEntry.objects.filter(patient__in=patients)
            .order_by("date")
            .values_list("date", flat=True)
            .first()
        )
        chunks = csv_export.day_rows(patients, first or today, today)
    response = StreamingHttpResponse(chunks, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@staff_required
def patient_csv(request: HttpRequest, patient_id: int) -> StreamingHttpResponse:
    patient = staff_patient(request, patient_id)
    rows = _rows(request)
    record_access(user=request.user, patient_ids=[patient.pk], what=f"export_csv_{rows}")
    today = DayRules.for_patient(patient).offered_day(timezone.now())
    return _csv([patient], rows, _filename(patient.reference, f"{rows}.csv"), today)


@require_GET
@staff_required
def clinic_csv(request: HttpRequest) -> StreamingHttpResponse:
    clinic = staff_clinics(request.user).filter(pk=_int(request.GET.get("clinic"))).first()
    if clinic is None:
        raise Http404("No such clinic.")
    rows = _rows(request)
    patients = list(
        patients_for(request.user)
        .filter(clinic=clinic)
        .select_related("clinic")
        .order_by("reference")
    )
    record_access(
        user=request.user, patient_ids=[p.pk for p in patients], what=f"export_clinic_csv_{rows}"
    )
    now = timezone.now()
    today = max((DayRules.for_patient(p).offered_day(now) for p in patients), default=now.date())
    return _csv(patients, rows, _filename(clinic.reference_prefix, f"{rows}.csv"), today)


@require_GET
@staff_required
def patient_fhir(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = staff_patient(request, patient_id)
    record_access(user=request.user, patient_ids=[patient.pk], what="export_fhir")
    now = timezone.now()
    bundle = fhir.patient_bundle(
        patient,
        base_url=settings.SITE_URL,
        end=DayRules.for_patient(patient).offered_day(now),
        now=now,
    )
    response = HttpResponse(
        json.dumps(bundle, ensure_ascii=False, indent=1), content_type="application/fhir+json"
    )
    name = _filename(patient.reference, "fhir.json")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


def _int(value: str | None) -> int:
    try:
        number = int(value or "")
    except ValueError:
        raise Http404("No such clinic.") from None
    if not 0 < number < 2**63:
        raise Http404("No such clinic.")
    return number
