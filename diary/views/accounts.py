"""Signing in on a phone: the sign-in page that keeps a carer signed in on their device, the
page a carer lands on from their clinic's invitation, sign-out, and the account page with the
apps signed in with the account."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView, LogoutView
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from diary import tokens
from diary.accounts import (
    language_after_sign_in,
    reader_time_zone,
    set_language_cookie,
    start_session,
)
from diary.forms import AcceptInvitationForm
from diary.invitations import accept_as_existing_user, accept_as_new_carer, open_invitation
from diary.security import start_signed_in_session


class SignOutView(LogoutView):
    """Sign-out ends every session and every API token of this user, on every device, not
    only this one (a new epoch changes the hash both carry: diary.tokens)."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            get_user_model().objects.filter(pk=request.user.pk).update(
                session_epoch=F("session_epoch") + 1
            )
        return super().post(request, *args, **kwargs)


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
        start_signed_in_session(self.request.session, user)
        start_session(self.request, user)
        language = language_after_sign_in(self.request, user)
        if language:
            set_language_cookie(response, language)
        return response


@login_required
@require_GET
def account(request: HttpRequest) -> HttpResponse:
    """The signed-in user's account: password, two-factor, and the apps signed in with it."""
    context = {
        "api_tokens": tokens.live_tokens(request.user),
        "zone": reader_time_zone(request.user),
    }
    return render(request, "registration/account.html", context)


@login_required
@require_POST
def end_api_token(request: HttpRequest, digest: str) -> HttpResponse:
    """Signs one app out (a lost phone, say); another user's token is a 404."""
    tokens.end_token(token=tokens.token_of(request.user, digest), why="account page")
    messages.success(request, _("That app is signed out."))
    return redirect("account")


@require_http_methods(["GET", "POST"])
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    """A carer arrives from the clinic's email: they choose a username and password (or, when
    already signed in, add the child to their diary)."""
    invitation = open_invitation(token)
    if invitation is None:
        return render(request, "registration/invitation_invalid.html", status=404)
    if request.user.is_authenticated:
        if request.method == "POST" and accept_as_existing_user(
            invitation=invitation, user=request.user
        ):
            return redirect("diary_today", patient_id=invitation.patient_id)
        return render(request, "registration/invitation_accept.html", {"invitation": invitation})
    form = AcceptInvitationForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        user = accept_as_new_carer(
            invitation=invitation,
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password1"],
        )
        if user is None:
            return render(request, "registration/invitation_invalid.html", status=404)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        start_signed_in_session(request.session, user)
        start_session(request, user)
        return redirect("diary_today", patient_id=invitation.patient_id)
    context = {"invitation": invitation, "form": form}
    return render(request, "registration/invitation_accept.html", context)
