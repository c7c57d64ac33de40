"""Security middleware and hooks: no caching of pages, the staff session limits, the sign-in
lockout answer, and the guards that keep patient data out of logs and error reports.

See docs/security.md for the requirements each piece meets.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.debug import SafeExceptionReporterFilter

from diary.redaction import SENSITIVE_NAMES

API_PREFIX = "/api/"
SESSION_STARTED = "session_started"
SESSION_SEEN = "session_seen"
# Writing the session on every request is wasteful; "last seen" moves at most once a minute.
_SEEN_RESOLUTION = 60
_SENSITIVE_VARIABLE = re.compile(
    r"patient|entry|entries|version|notes?|scores?|display_name|password|otp|token|secret",
    re.IGNORECASE,
)


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every response Django renders (pages, API, errors).

    Static files are answered by whitenoise above this middleware and keep their long cache.
    Patient data must never stay in a shared or back-button cache.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response["Cache-Control"] = "no-store"
        return response


class SessionPolicyMiddleware:
    """Clinic staff (and anyone not on a carer's phone session) are signed out after
    ``STAFF_SESSION_IDLE_MINUTES`` without a request and ``STAFF_SESSION_MAX_HOURS`` after
    sign-in. Carers keep their rolling phone session (``diary.accounts``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.user.is_authenticated
            and not _on_carer_phone(request)
            and _session_expired(request, now=int(time.time()))
        ):
            logout(request)
            if request.path.startswith(API_PREFIX):
                return JsonResponse(
                    {"type": "about:blank", "title": "Session expired", "status": 401},
                    status=401,
                    content_type="application/problem+json",
                )
            return redirect_to_login(request.get_full_path())
        return self.get_response(request)


def start_signed_in_session(session: Any, user: Any) -> None:
    """At sign-in: start the session clocks and note whether a second factor is needed."""
    from diary.two_factor import remember_if_not_needed

    now = int(time.time())
    session[SESSION_STARTED] = now
    session[SESSION_SEEN] = now
    remember_if_not_needed(session, user)


def _on_carer_phone(request: HttpRequest) -> bool:
    from diary.accounts import CARER_SESSION_FLAG

    return bool(request.session.get(CARER_SESSION_FLAG))


def _session_expired(request: HttpRequest, *, now: int) -> bool:
    session = request.session
    started = session.setdefault(SESSION_STARTED, now)
    seen = session.get(SESSION_SEEN, now)
    idle = settings.STAFF_SESSION_IDLE_MINUTES * 60
    absolute = settings.STAFF_SESSION_MAX_HOURS * 3600
    if now - seen > idle or now - started > absolute:
        return True
    if now - seen >= _SEEN_RESOLUTION or SESSION_SEEN not in session:
        session[SESSION_SEEN] = now
    return False


def locked_out(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """django-axes' answer once a username is locked: the same for every username, known or
    not, so the lockout reveals nothing about which accounts exist."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    if request.path.startswith(API_PREFIX):
        return JsonResponse(
            {
                "type": "urn:ifn-diary:problem:too-many-attempts",
                "title": "Too many sign-in attempts",
                "status": 429,
                "detail": f"Try again in {minutes} minutes.",
            },
            status=429,
            content_type="application/problem+json",
            headers={"Retry-After": str(minutes * 60)},
        )
    response = render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response


class PatientSafeExceptionReporterFilter(SafeExceptionReporterFilter):
    """Error reports (the 500 email to admins, the DEBUG page) never show patient data: clinical
    form fields and any local variable about a patient, entry or score are cleansed."""

    def get_post_parameters(self, request: HttpRequest | None) -> Any:
        parameters = super().get_post_parameters(request)
        if request is None:
            return parameters
        cleansed = parameters.copy()
        for name in cleansed:
            if name.lower() in SENSITIVE_NAMES:
                cleansed[name] = self.cleansed_substitute
        return cleansed

    def get_traceback_frame_variables(self, request: Any, tb_frame: Any) -> Any:
        variables = super().get_traceback_frame_variables(request, tb_frame)
        return [
            (name, self.cleansed_substitute if _SENSITIVE_VARIABLE.search(name) else value)
            for name, value in variables
        ]
