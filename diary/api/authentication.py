"""Token authentication: django-rest-knox's per-device tokens, with this project's rules.

``Authorization: Token <key>`` (knox's ``AUTH_HEADER_PREFIX``). A token is refused once it has
expired, once its user has a new password or has signed out on a page (``diary.tokens``), and
when its user must use two-factor (clinic staff, site admins, carers who opted in) but the token
was not issued after a two-factor check at ``POST /api/v1/auth/token/``.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication
from rest_framework import exceptions

from diary import tokens


class TwoFactorTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, token: bytes) -> tuple[Any, Any]:
        try:
            key = token.decode("utf-8")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("Invalid token.") from None
        # One query: the token, its user and whether the user needs two-factor.
        api_token = tokens.token_for_key(key)
        if api_token is None:
            raise exceptions.AuthenticationFailed("Invalid token.")
        now = timezone.now()
        if not tokens.is_live(api_token, api_token.user, now):
            api_token.delete()
            raise exceptions.AuthenticationFailed(
                "This token has ended: ask for a new one at /api/v1/auth/token/."
            )
        user, _ = self.validate_user(api_token)
        if _needs_two_factor(api_token) and api_token.verified_at is None:
            raise exceptions.AuthenticationFailed(
                "This token needs a fresh two-factor sign-in at /api/v1/auth/token/."
            )
        tokens.note_use(api_token, now)
        # Known from the same query; saves the access log a query per carer request.
        user.is_clinic_staff_member = api_token.is_staff_member
        return user, api_token


def _needs_two_factor(api_token: Any) -> bool:
    user = api_token.user
    return bool(
        user.is_staff
        or user.is_superuser
        or api_token.is_staff_member
        or api_token.has_totp
        or api_token.has_recovery_codes
    )


class TwoFactorTokenScheme(KnoxTokenScheme):
    """The schema's security scheme for this class (same name as before: ``tokenAuth``)."""

    target_class = "diary.api.authentication.TwoFactorTokenAuthentication"
    name = "tokenAuth"
