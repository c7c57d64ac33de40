"""The clinician's reading pages: dashboard, patient, pre-clinic summary, clinic day, alerts.

Each view: check (staff gate, scoped look-up), read (one report selector), log the read of a
patient's record, render.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from clinicians.clinical.access_log import record_access
from clinicians.pages import context
from clinicians.pages.base import language, nav, staff_patient, staff_required
from clinicians.pages.forms import NoteForm
from clinicians.reports.clinic_day import clinic_day, parse_day
from clinicians.reports.dashboard import STATUSES, Filters, dashboard
from clinicians.reports.patient import review
from clinicians.reports.summary import summaries
from clinicians.selectors import alert_for
from clinicians.services import AlertStateError, acknowledge_alert, resolve_alert
from diary.models import Disease


@require_GET
@staff_required
def dashboard_page(request: HttpRequest) -> HttpResponse:
    board = dashboard(request.user, Filters.from_query(request.GET))
    return render(
        request,
        "clinicians/dashboard.html",
        {
            "board": board,
            "lines": context.dashboard_lines(board.rows),
            "diseases": Disease.choices,
            "statuses": STATUSES,
            **nav(request, "dashboard"),
        },
    )


@require_GET
@staff_required
def patient_page(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = staff_patient(request, patient_id)
    data = review(patient, request.GET.get("range", "3m"), language=language())
    record_access(user=request.user, patient_ids=[patient.pk], what="patient_page")
    return render(
        request,
        "clinicians/patient.html",
        {
            **context.patient_context(data, language()),
            "note_form": NoteForm(),
            **nav(request, "patient"),
        },
    )


@require_GET
@staff_required
def summary_page(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = staff_patient(request, patient_id)
    summary = summaries([patient], language=language())[0]
    record_access(user=request.user, patient_ids=[patient.pk], what="summary")
    return render(
        request,
        "clinicians/summary.html",
        {"summaries": [context.summary_context(summary)], **nav(request, "summary")},
    )


@require_GET
@staff_required
def clinic_day_page(request: HttpRequest) -> HttpResponse:
    day = parse_day(request.GET.get("date"), request.user, timezone.now())
    appointments = clinic_day(request.user, day)
    return render(
        request,
        "clinicians/clinic_day.html",
        {
            "day": day,
            "appointments": appointments,
            "previous": day - datetime.timedelta(days=1),
            "next": day + datetime.timedelta(days=1),
            **nav(request, "day"),
        },
    )


@require_GET
@staff_required
def clinic_day_print(request: HttpRequest) -> HttpResponse:
    day = parse_day(request.GET.get("date"), request.user, timezone.now())
    patients = list(dict.fromkeys(a.patient for a in clinic_day(request.user, day)))
    found = summaries(patients, language=language())
    record_access(user=request.user, patient_ids=[p.pk for p in patients], what="summary")
    return render(
        request,
        "clinicians/summary.html",
        {
            "summaries": [context.summary_context(s, i) for i, s in enumerate(found)],
            "day": day,
            **nav(request, "day"),
        },
    )


@require_POST
@staff_required
def alert_acknowledge(request: HttpRequest, patient_id: int, alert_id: int) -> HttpResponse:
    return _alert_action(request, patient_id, alert_id, acknowledge_alert, _("Alert acknowledged."))


@require_POST
@staff_required
def alert_resolve(request: HttpRequest, patient_id: int, alert_id: int) -> HttpResponse:
    return _alert_action(request, patient_id, alert_id, resolve_alert, _("Alert resolved."))


def _alert_action(
    request: HttpRequest, patient_id: int, alert_id: int, action: object, done: str
) -> HttpResponse:
    patient = staff_patient(request, patient_id)
    alert = alert_for(request.user, alert_id)
    if alert.patient_id != patient.pk:
        raise Http404("No such alert.")
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        action(alert=alert, user=request.user, note=note)  # type: ignore[operator]
        messages.success(request, done)
    except AlertStateError as error:
        messages.info(request, str(error))
    return redirect(reverse("clinic:patient", kwargs={"patient_id": patient.pk}) + "#alerts")
