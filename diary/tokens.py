"""Per-device API tokens (django-rest-knox, ``diary.models.ApiToken``; docs/security.md).

``POST /api/v1/auth/token/`` issues a new key for each device, with a name, an expiry and a
last-used time. A token ends at its expiry, when its owner ends it (API sign-out, the account
page), and with the user's sessions: it carries the session auth hash of its issue, which a new
password (changed, reset, or set by an admin) or a page sign-out changes.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from knox.crypto import hash_token
from knox.settings import knox_settings

from diary import two_factor
from diary.models import ApiToken

logger = logging.getLogger(__name__)
# A token is read on every API request; its last use is written at most this often.
LAST_USED_PRECISION = datetime.timedelta(minutes=1)


def issue_token(*, user: Any, name: str, verified: bool) -> tuple[ApiToken, str]:
    """A new token for one device of ``user`` and its key (shown once: only a digest is kept).

    ``verified``: issued after a two-factor check. Such a token lasts as long as a staff
    session (``STAFF_SESSION_MAX_HOURS``), any other ``API_TOKEN_DAYS``.
    """
    now = timezone.now()
    ended = Q(expiry__lte=now) | ~Q(auth_stamp__in=_stamps(user))
    ApiToken.objects.filter(ended, user=user).delete()
    staff = datetime.timedelta(hours=settings.STAFF_SESSION_MAX_HOURS)
    return ApiToken.objects.create(
        user=user,
        expiry=staff if verified else knox_settings.TOKEN_TTL,
        name=name,
        last_used_at=now,
        verified_at=now if verified else None,
        auth_stamp=user.get_session_auth_hash(),
    )


def token_for_key(key: str) -> ApiToken | None:
    """The token ``key`` opens, with its user and whether the user must use two-factor."""
    return (
        ApiToken.objects.select_related("user")
        .annotate(**two_factor.needs_two_factor("user_id"))
        .filter(digest=hash_token(key))
        .first()
    )


def is_live(token: ApiToken, user: Any, now: datetime.datetime) -> bool:
    """Not expired, and issued under the user's current password and sign-out epoch."""
    if token.expiry is not None and token.expiry <= now:
        return False
    return any(constant_time_compare(token.auth_stamp, stamp) for stamp in _stamps(user))


def live_tokens(user: Any) -> list[ApiToken]:
    """The tokens ``user`` can still use, newest first (the account page)."""
    now = timezone.now()
    return [token for token in ApiToken.objects.filter(user=user) if is_live(token, user, now)]


def token_of(user: Any, digest: str) -> ApiToken:
    """One of ``user``'s own tokens; anyone else's, or none, is a 404."""
    return get_object_or_404(ApiToken, user=user, digest=digest)


def end_token(*, token: ApiToken, why: str) -> None:
    """Ends one token; logged with ids only (a device's name may name a child)."""
    logger.info("api token %s of user %s ended: %s", token.digest[:12], token.user_id, why)
    token.delete()


def note_use(token: ApiToken, now: datetime.datetime) -> None:
    """Records that ``token`` was used, unless that was recorded less than a minute ago."""
    if now - token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def _stamps(user: Any) -> list[str]:
    # SECRET_KEY_FALLBACKS keep tokens, like sessions, alive through a key rotation.
    return [user.get_session_auth_hash(), *user.get_session_auth_fallback_hash()]
