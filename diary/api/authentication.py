"""Token authentication that respects two-factor sign-in.

A token belonging to someone who must use two-factor (clinic staff, site admins, carers who
opted in) is accepted only if it was issued after a two-factor check at
``POST /api/v1/auth/token/`` and for ``STAFF_SESSION_MAX_HOURS`` after that check.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from diary import two_factor


class TwoFactorTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        # One query: the token, its user, its two-factor check and whether the user needs one.
        token = _token(key).first()
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid token.")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        needs = token.user.is_staff or token.user.is_superuser
        needs = needs or token.is_staff_member or token.has_totp or token.has_recovery_codes
        if needs and not _verified_recently(token):
            raise exceptions.AuthenticationFailed(
                "This token needs a fresh two-factor sign-in at /api/v1/auth/token/."
            )
        # Known from the same query; saves the access log a query per carer request.
        token.user.is_clinic_staff_member = token.is_staff_member
        return token.user, token


def _token(key: str) -> QuerySet[Any]:
    return (
        Token.objects.select_related("user", "verified")
        .annotate(**two_factor.needs_two_factor("user_id"))
        .filter(key=key)
    )


def _verified_recently(token: Any) -> bool:
    verified = getattr(token, "verified", None)
    if verified is None:
        return False
    limit = timezone.now() - datetime.timedelta(hours=settings.STAFF_SESSION_MAX_HOURS)
    return bool(verified.verified_at >= limit)
