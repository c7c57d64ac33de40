"""The clinician's reading pages: dashboard, patient, pre-clinic summary, clinic day.

Each view: check (staff gate, scoped look-up), read (one report selector), log the read of a
patient's record, render.
"""

from __future__ import annotations

import datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from clinicians.alerts.forms import NoteForm
from clinicians.audit.access_log import record_access
from clinicians.base import language, nav, staff_patient, staff_required
from clinicians.dashboard import context
from clinicians.dashboard.clinic_day import clinic_day, parse_day
from clinicians.dashboard.patient import review
from clinicians.dashboard.rows import STATUSES, Filters, dashboard
from clinicians.dashboard.summary import summaries
from diary.models import Disease


@require_GET
@staff_required
def dashboard_page(request: HttpRequest) -> HttpResponse:
    board = dashboard(request.user, Filters.from_query(request.GET))
    return render(
        request,
        "clinicians/dashboard/dashboard.html",
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
        "clinicians/dashboard/patient.html",
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
        "clinicians/dashboard/summary.html",
        {"summaries": [context.summary_context(summary)], **nav(request, "summary")},
    )


@require_GET
@staff_required
def clinic_day_page(request: HttpRequest) -> HttpResponse:
    day = parse_day(request.GET.get("date"), request.user, timezone.now())
    appointments = clinic_day(request.user, day)
    return render(
        request,
        "clinicians/dashboard/clinic_day.html",
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
        "clinicians/dashboard/summary.html",
        {
            "summaries": [context.summary_context(s, i) for i, s in enumerate(found)],
            "day": day,
            **nav(request, "day"),
        },
    )
