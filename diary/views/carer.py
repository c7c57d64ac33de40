"""The carer's diary pages: one day (new, saved, late or locked), its correction, the history.

Every page takes the patient from the URL through ``patient_for`` (outside scope → 404), so a
tampered id reveals nothing and stores nothing. Saving goes through ``submit_entry`` with the
idempotency key from the form, so a double tap or a resubmitted page stores one entry.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods, require_POST

from diary.access import patient_for
from diary.carer_services import carer_link_for, set_reminder
from diary.days import DayRules
from diary.forms import DiaryForm, ReminderForm
from diary.instruments import current_instrument
from diary.models import DiaryEntry, Patient, Source
from diary.services import EntryExists, IdempotencyKeyReused, correct_entry, submit_entry
from diary.views import pages

CURRENT_PATIENT_KEY = "current_patient"


@login_required
def diary_today(request: HttpRequest, patient_id: int) -> HttpResponse:
    """The day a carer is most likely to fill in now: last night's until the cut-off."""
    patient = _patient(request, patient_id)
    day = DayRules.for_patient(patient).offered_day(timezone.now())
    return render(request, "diary/day.html", pages.day_context(request, patient, day, today=True))


@login_required
def diary_day(request: HttpRequest, patient_id: int, day: str) -> HttpResponse:
    """One named day: saved, open (on time or late) or locked."""
    patient = _patient(request, patient_id)
    date = _date(day)
    if DayRules.for_patient(patient).is_future(date, timezone.now()):
        raise Http404("That day has not started yet.")
    return render(request, "diary/day.html", pages.day_context(request, patient, date))


@sensitive_variables()
@sensitive_post_parameters()
@login_required
@require_POST
def save_entry(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Store a day's entry from the plain form (the page also works without JavaScript)."""
    patient = _patient(request, patient_id)
    rules = DayRules.for_patient(patient)
    today = rules.local_date(timezone.now())
    instrument = current_instrument(patient)
    form = DiaryForm(request.POST, instrument=instrument, language=_lang(), today=today)
    if form.is_valid():
        try:
            result = submit_entry(
                patient=patient,
                user=request.user,
                submission=form.submission(),
                source=Source.WEB,
                idempotency_key=form.key(),
            )
        except ValidationError as error:
            form.add_service_errors(error)
        except EntryExists as exists:
            messages.info(request, _("This day already has an entry. You can correct it here."))
            return redirect(_day_url(patient, exists.entry.date))
        except IdempotencyKeyReused:
            messages.info(request, _("This page was already saved. Here is what was saved."))
            return redirect(_day_url(patient, form.cleaned_data["date"]))
        else:
            return redirect(_day_url(patient, result.entry.date))
    day = form.cleaned_data.get("date") or rules.offered_day(timezone.now())
    context = pages.day_context(request, patient, day, form=form)
    return render(request, "diary/day.html", context, status=400)


@sensitive_variables()
@sensitive_post_parameters()
@login_required
@require_http_methods(["GET", "POST"])
def correct_day(request: HttpRequest, patient_id: int, day: str) -> HttpResponse:
    """Correct a saved day: a new version, with a reason once the cut-off has passed."""
    patient = _patient(request, patient_id)
    entry = _entry(patient, _date(day))
    form = pages.correction_form(request, patient, entry)
    if request.method == "POST" and form.is_valid():
        try:
            correct_entry(
                entry=entry,
                user=request.user,
                submission=form.submission(),
                source=Source.WEB,
                reason=form.cleaned_data.get("reason", ""),
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Correction saved."))
            return redirect(_day_url(patient, entry.date))
    context = pages.correction_context(request, patient, entry, form)
    return render(request, "diary/correct.html", context, status=400 if form.errors else 200)


@login_required
def history(request: HttpRequest, patient_id: int) -> HttpResponse:
    """The last four weeks: a chart and a list in which missing days are shown as missing."""
    patient = _patient(request, patient_id)
    return render(request, "diary/history.html", pages.history_context(request, patient))


@login_required
@require_http_methods(["GET", "POST"])
def reminders(request: HttpRequest, patient_id: int) -> HttpResponse:
    """The carer's evening reminder for this child: a time (default 19:00) or none."""
    patient = _patient(request, patient_id)
    link = carer_link_for(request.user, patient)
    form = ReminderForm(request.POST or None, initial=pages.reminder_initial(link))
    if request.method == "POST" and form.is_valid():
        set_reminder(
            link=link,
            enabled=form.cleaned_data["reminders_enabled"],
            time=form.cleaned_data["reminder_time"],
            user=request.user,
        )
        messages.success(request, _("Reminder settings saved."))
        return redirect("diary_reminders", patient_id=patient.pk)
    context = {**pages.base_context(request, patient, "reminders"), "form": form, "link": link}
    return render(request, "diary/reminders.html", context, status=400 if form.errors else 200)


def _patient(request: HttpRequest, patient_id: Any) -> Patient:
    patient = patient_for(request.user, patient_id)
    if request.session.get(CURRENT_PATIENT_KEY) != patient.pk:
        request.session[CURRENT_PATIENT_KEY] = patient.pk
    return patient


def _entry(patient: Patient, date: datetime.date) -> DiaryEntry:
    entry = DiaryEntry.objects.select_related("patient__clinic").filter(patient=patient, date=date)
    found = entry.first()
    if found is None:
        raise Http404("No entry for that day.")
    return found


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise Http404("No such day.") from None


def _day_url(patient: Patient, date: datetime.date) -> str:
    return reverse("diary_day", args=[patient.pk, date.isoformat()])


def _lang() -> str:
    return translation.get_language() or "en"
