from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from diary.access import patients_for
from diary.days import DayRules
from diary.selectors import latest_dds


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The patients the signed-in user may see, with each one's current 7-day DDS."""
    patients = list(patients_for(request.user).select_related("clinic"))
    now = timezone.now()
    rows = []
    for patient in patients:
        day = DayRules.for_patient(patient).offered_day(now)
        rows.append((patient, latest_dds([patient], day)[patient.pk]))
    return render(request, "diary/home.html", {"rows": rows})


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers and the database accepts a query."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
