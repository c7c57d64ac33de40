"""The patient page's alert actions: acknowledge or resolve, with an optional note."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clinicians.alerts.forms import NoteForm
from clinicians.alerts.selectors import alert_for
from clinicians.alerts.services import AlertStateError, acknowledge_alert, resolve_alert
from clinicians.base import staff_patient, staff_required


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
