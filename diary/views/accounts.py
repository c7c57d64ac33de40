"""Signing in on a phone: the sign-in page that keeps a carer signed in on their device."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.views import LoginView
from django.http import HttpResponse

from diary.accounts import language_after_sign_in, set_language_cookie, start_session


class SignInView(LoginView):
    """Django's sign-in, plus the carer's long session and their language."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {
            **super().get_context_data(**kwargs),
            "carer_session_days": settings.CARER_SESSION_DAYS,
        }

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        user = form.get_user()
        start_session(self.request, user)
        language = language_after_sign_in(self.request, user)
        if language:
            set_language_cookie(response, language)
        return response
