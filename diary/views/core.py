"""The landing page, the language switch and the liveness check."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from diary.access import is_clinic_staff, patients_for
from diary.accounts import remember_language, set_language_cookie
from diary.views.carer import CURRENT_PATIENT_KEY


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Clinic staff go to their clinic dashboard; carers straight to tonight's diary."""
    if is_clinic_staff(request.user):
        return redirect("clinic:dashboard")
    patients = list(patients_for(request.user))
    if not patients:
        return render(request, "diary/home.html")
    current = request.session.get(CURRENT_PATIENT_KEY)
    patient = next((p for p in patients if p.pk == current), patients[0])
    return redirect("diary_today", patient_id=patient.pk)


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the page language on this device and remember it for the user's emails."""
    language = request.POST.get("language", "")
    target = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    response = HttpResponseRedirect(target)
    if language in dict(settings.LANGUAGES):
        set_language_cookie(response, language)
        remember_language(request.user, language)
    return response


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers and the database accepts a query."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
