"""Signing in on a phone: how long a carer stays signed in, and which language they read.

Carers sign in once on their phone and stay signed in for ``CARER_SESSION_DAYS`` (default 30),
counted from their last visit: a carer who opens the diary every evening is never asked to sign
in again, while a lost phone left unused signs itself out. Clinic staff keep the project-wide
session policy (``SESSION_COOKIE_AGE``), which this module does not touch.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

from diary.access import is_clinic_staff
from diary.models import CarerLink

CARER_SESSION_FLAG = "carer_device"
_SEEN_KEY = "carer_seen"


def carer_session_age() -> datetime.timedelta:
    return datetime.timedelta(days=settings.CARER_SESSION_DAYS)


def is_carer(user: Any) -> bool:
    """True for someone who acts only as a carer (clinic staff keep the staff session policy)."""
    if not user.is_authenticated or is_clinic_staff(user):
        return False
    return CarerLink.objects.filter(carer_id=user.pk).exists()


def start_session(request: HttpRequest, user: Any) -> None:
    """After sign-in: give a carer the long, rolling session of a personal phone."""
    if is_carer(user):
        request.session[CARER_SESSION_FLAG] = True
        request.session[_SEEN_KEY] = timezone.localdate().isoformat()
        request.session.set_expiry(carer_session_age())


class CarerSessionMiddleware:
    """Keeps a carer's session rolling: once a day a visit moves its expiry 30 days ahead.

    Writing the session once a day, not on every request, keeps an evening's taps cheap.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and session.get(CARER_SESSION_FLAG):
            today = timezone.localdate().isoformat()
            if session.get(_SEEN_KEY) != today:
                session[_SEEN_KEY] = today
                session.set_expiry(carer_session_age())
        return self.get_response(request)


def remember_language(user: Any, language: str) -> None:
    """Keep the language a user chose, for the emails they get when no request is at hand."""
    codes = {code for code, _name in settings.LANGUAGES}
    if user.is_authenticated and language in codes and user.language != language:
        user.language = language
        user.save(update_fields=["language"])


def set_language_cookie(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE or 365 * 24 * 3600,
        path=settings.LANGUAGE_COOKIE_PATH,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def language_after_sign_in(request: HttpRequest, user: Any) -> str | None:
    """The language to switch to at sign-in, if it differs from what this phone shows now.

    A choice made on this phone (the language cookie) wins and is remembered for emails;
    otherwise a language the user chose elsewhere applies; otherwise the browser's language
    is remembered.
    """
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen and translation.check_for_language(chosen):
        remember_language(user, chosen)
        return None
    if user.language and user.language != settings.LANGUAGE_CODE:
        return str(user.language)
    remember_language(user, translation.get_language_from_request(request))
    return None


def reader_time_zone(user: Any) -> str:
    """The zone a user's own times are shown in: their first clinic's (staff) or their first
    child's (carers); the server's zone for anyone else."""
    membership = user.clinic_memberships.select_related("clinic").order_by("pk").first()
    if membership is not None:
        return str(membership.clinic.time_zone)
    link = CarerLink.objects.filter(carer=user).select_related("patient").order_by("pk").first()
    return str(link.patient.time_zone) if link is not None else settings.TIME_ZONE
