"""The nightly job's two pages: its health check, and the reminder unsubscribe link."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from clinicians.nightly import emails, health, reminders


@require_GET
def nightly_health(request: HttpRequest) -> JsonResponse:
    """200 when the last nights completed and their emails went out, 503 with the problems."""
    report = health.nightly_health(timezone.now())
    return JsonResponse(report.as_dict(), status=200 if report.ok else 503)


# The signed token is the credential, so the page works without signing in, and mail clients'
# one-click unsubscribe (RFC 8058) can POST to it without a CSRF token.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks to confirm (link scanners must not unsubscribe anyone); POST turns reminders off."""
    link = reminders.link_for_token(token)
    if link is None:
        raise Http404("This link is not valid.")
    if request.method == "POST":
        reminders.stop_reminders(link=link)
    context = {
        "done": request.method == "POST" or not link.reminders_enabled,
        "reference": link.patient.reference,
        "language": emails.language_of(link.carer),
    }
    return render(request, "clinicians/nightly/unsubscribe.html", context)
