"""The two-factor pages: verify a code after the password, set up an authenticator (with
recovery codes), and make new recovery codes."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from diary import two_factor


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else "/"


@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """After the password: the code from the authenticator app, or a recovery code."""
    if not two_factor.has_device(request.user):
        return redirect("two_factor_setup")
    check = two_factor.CodeCheck()
    if request.method == "POST":
        check = two_factor.check_code(request.user, request.POST.get("code", ""))
        if check.device is not None:
            two_factor.sign_in_second_factor(request, check.device)
            return redirect(_next(request))
    context = {"next": _next(request), "error": request.method == "POST", "wait": check.wait}
    return render(request, "registration/two_factor_verify.html", context, status=200)


@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
@login_required
def setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator: the secret as a QR code and as text, then a first code."""
    if two_factor.has_device(request.user) and not request.user.is_verified():
        return redirect("two_factor_verify")
    device = two_factor.start_enrolment(request.user)
    error = False
    if request.method == "POST":
        codes = two_factor.confirm_enrolment(request.user, device, request.POST.get("code", ""))
        if codes is not None:
            two_factor.sign_in_second_factor(request, device)
            return render(request, "registration/two_factor_codes.html", {"codes": codes})
        error = True
    uri = two_factor.otpauth_uri(device)
    context = {
        "secret": two_factor.base32_secret(device),
        "uri": uri,
        "qr": two_factor.qr_svg(uri),
        "error": error,
    }
    return render(request, "registration/two_factor_setup.html", context)


@require_POST
@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes (the old ones stop working); only for a verified session."""
    if not request.user.is_verified():
        return redirect("two_factor_verify")
    codes = two_factor.new_recovery_codes(request.user)
    return render(request, "registration/two_factor_codes.html", {"codes": codes})
