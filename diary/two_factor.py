"""Two-factor sign-in (django-otp): TOTP authenticator apps plus single-use recovery codes.

Clinic staff (clinicians, clinic admins) and site admins must have a confirmed device and
verify it after the password, on every new session, before any page or API answer other than
the two-factor pages themselves. Carers may opt in; once they have a device they verify it too.
A TOTP code is accepted once (django-otp keeps the last time step used), and a recovery code
is deleted when used. Wrong codes are throttled here, not by django-otp (``code_wait``).
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODES = 10
# A slip costs nothing: three wrong codes in a row are free. Each further one doubles the wait
# (2 s, 4 s, ... up to an hour), so guessing one of a million codes stays hopeless.
FREE_WRONG_CODES = 3
MAX_WAIT_SECONDS = 3600
NOT_NEEDED_KEY = "two_factor_not_needed"
# Paths a signed-in but not yet verified user may still reach.
_OPEN_PREFIXES = ("/accounts/two-factor/", "/accounts/logout/", "/static/", "/language/")
_OPEN_PATHS = ("/healthz", "/sw.js", "/manifest.webmanifest")


def must_use_two_factor(user: Any) -> bool:
    """Clinic staff and site admins always; others once they have chosen to."""
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    return bool(
        get_user_model()
        .objects.filter(pk=user.pk)
        .annotate(**needs_two_factor())
        .values_list("is_staff_member", "has_totp", "has_recovery_codes")[0]
        != (False, False, False)
    )


def needs_two_factor(user_ref: str = "pk") -> dict[str, Exists]:
    """Annotations saying, in the same query, whether a user must use two-factor."""
    from django.apps import apps

    membership = apps.get_model("diary", "ClinicMembership")
    return {
        "is_staff_member": Exists(membership.objects.filter(user_id=OuterRef(user_ref))),
        "has_totp": Exists(TOTPDevice.objects.filter(user_id=OuterRef(user_ref), confirmed=True)),
        "has_recovery_codes": Exists(
            StaticDevice.objects.filter(user_id=OuterRef(user_ref), confirmed=True)
        ),
    }


def has_device(user: Any) -> bool:
    return any(True for _ in devices_for_user(user, confirmed=True))


@dataclass(frozen=True)
class CodeCheck:
    """The device a code belongs to, or none; ``wait`` seconds when tried too soon."""

    device: Any = None
    wait: int = 0


def check_code(user: Any, code: str) -> CodeCheck:
    """Check ``code`` against the user's confirmed devices (wrong, reused or too soon: none)."""
    code = "".join(code.split())
    if not code:
        return CodeCheck()
    # A six-digit code goes to the authenticator, anything else to the recovery codes, so a
    # mistyped code does not also throttle the other device.
    kind = TOTPDevice if code.isdigit() and len(code) == 6 else StaticDevice
    for device in kind.objects.filter(user_id=user.pk, confirmed=True):
        wait = code_wait(device)
        if wait:
            return CodeCheck(wait=wait)
        if device.verify_token(code):
            return CodeCheck(device=device)
    return CodeCheck()


def code_wait(device: Any) -> int:
    """Seconds before ``device`` takes another code, after its wrong codes in a row."""
    failures = device.throttling_failure_count
    last = device.throttling_failure_timestamp
    if failures < FREE_WRONG_CODES or last is None:
        return 0
    required = min(2 ** (failures - FREE_WRONG_CODES + 1), MAX_WAIT_SECONDS)
    remaining = required - (timezone.now() - last).total_seconds()
    return max(0, math.ceil(remaining))


def sign_in_second_factor(request: HttpRequest, device: Any) -> None:
    """Mark this session as verified with ``device``."""
    otp_login(request, device)


def start_enrolment(user: Any) -> TOTPDevice:
    """The user's unconfirmed authenticator (a new secret unless one is waiting)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


@transaction.atomic
def confirm_enrolment(user: Any, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm ``device`` with a first code; returns fresh recovery codes, or None."""
    if code_wait(device) or not device.verify_token("".join(code.split())):
        return None
    TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return new_recovery_codes(user)


@transaction.atomic
def new_recovery_codes(user: Any) -> list[str]:
    """Replace the user's recovery codes with ``RECOVERY_CODES`` new single-use ones."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery codes", confirmed=True)
    codes = [secrets.token_hex(5) for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def otpauth_uri(device: TOTPDevice) -> str:
    """The ``otpauth://`` address authenticator apps read (shown as a QR code and as text)."""
    issuer = settings.OTP_TOTP_ISSUER
    label = quote(f"{issuer}:{device.user.get_username()}")
    return (
        f"otpauth://totp/{label}?secret={base32_secret(device)}&issuer={quote(issuer)}"
        f"&algorithm=SHA1&digits={device.digits}&period={device.step}"
    )


def base32_secret(device: TOTPDevice) -> str:
    import base64

    return base64.b32encode(device.bin_key).decode("ascii").rstrip("=")


class TwoFactorMiddleware:
    """Sends a signed-in user who must use two-factor, and has not verified this session, to
    the verification (or enrolment) page; the API answers 403 instead."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()
            and not _is_open(request.path)
            and _must_verify(request, user)
        ):
            return _ask_for_second_factor(request, user)
        return self.get_response(request)


def remember_if_not_needed(session: Any, user: Any) -> None:
    """At sign-in: note in the session that this user needs no second factor (carers)."""
    if not must_use_two_factor(user):
        session[NOT_NEEDED_KEY] = user.pk


def _must_verify(request: HttpRequest, user: Any) -> bool:
    # A carer without a device is checked once per session, not on every evening tap; enrolling
    # verifies the session, and staff membership is only ever checked afresh.
    if request.session.get(NOT_NEEDED_KEY) == user.pk:
        return False
    if must_use_two_factor(user):
        return True
    request.session[NOT_NEEDED_KEY] = user.pk
    return False


def _is_open(path: str) -> bool:
    return path.startswith(_OPEN_PREFIXES) or path in _OPEN_PATHS


def _ask_for_second_factor(request: HttpRequest, user: Any) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(
            {
                "type": "urn:ifn-diary:problem:two-factor-required",
                "title": "Two-factor verification required",
                "status": 403,
                "detail": "Verify your authenticator code at /accounts/two-factor/ first.",
            },
            status=403,
            content_type="application/problem+json",
        )
    name = "two_factor_verify" if has_device(user) else "two_factor_setup"
    return redirect(f"{reverse(name)}?next={quote(request.get_full_path())}")


def qr_svg(uri: str) -> str:
    """The address as an inline SVG QR code (no style attributes: the CSP forbids them)."""
    import segno

    return str(segno.make(uri, error="m").svg_inline(scale=4, border=2))
