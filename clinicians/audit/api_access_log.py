"""The record access log for the API: every read of a patient's data by clinic staff through
``/api/v1/`` is logged like a page view (SPEC §4: every read of a patient's record by clinic
staff is logged). Carers reading their own child's diary are not clinic staff reads."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

from clinicians.audit.access_log import record_access
from diary.access import is_clinic_staff, role_for
from diary.audit import ROLE_CARER
from diary.models import DiaryEntry, Patient

# URL name → what the log says was read.
PATIENT_READS = {
    "api-patient-detail": "api_patient",
    "api-patient-entries": "api_entries",
    "api-patient-dds": "api_dds",
    "api-patient-periods": "api_periods",
}
ENTRY_READS = {"api-entry-detail": "api_entry", "api-entry-history": "api_entry_history"}


class ApiReadLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method == "GET" and response.status_code == 200:
            _log_read(request)
        return response


def _log_read(request: HttpRequest) -> None:
    match = getattr(request, "resolver_match", None)
    name = getattr(match, "url_name", None)
    if match is None or name not in PATIENT_READS | ENTRY_READS:
        return
    user = request.user
    staff = getattr(user, "is_clinic_staff_member", None)  # set by the token authentication
    if not (is_clinic_staff(user) if staff is None else staff):
        return
    patient_id = _patient_id(name, match.kwargs)
    patient = Patient.objects.filter(pk=patient_id).first()
    if patient is None or role_for(user, patient) == ROLE_CARER:
        return
    what = PATIENT_READS.get(name) or ENTRY_READS[name]
    record_access(user=user, patient_ids=[patient.pk], what=what)


def _patient_id(name: str, kwargs: dict[str, Any]) -> Any:
    if name in PATIENT_READS:
        return kwargs.get("patient_id")
    entry = DiaryEntry.objects.filter(pk=kwargs.get("entry_id")).values("patient_id").first()
    return entry["patient_id"] if entry else None
