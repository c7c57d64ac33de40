"""The header and cookie contract (docs/security.md) on a login page, a carer page, a clinician
page, an API answer, a 404 and a 500, under the settings ``DJANGO_ENV=production`` produces.

The production settings are read from ``config/settings.py`` in a subprocess (the test process
runs in development mode), then applied to the test's settings.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.http import HttpRequest
from django.urls import path

from tests.conftest import sign_in

ROOT = Path(__file__).resolve().parents[1]
SECURITY_SETTINGS = [
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SESSION_COOKIE_NAME",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_NAME",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_SAMESITE",
    "X_FRAME_OPTIONS",
]
PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "DEBUG": "0",
    "SECRET_KEY": "production-like-key-" + "k7Qz" * 12,
    "ALLOWED_HOSTS": "testserver",
    "SITE_URL": "https://testserver",
    "DJANGO_SETTINGS_MODULE": "config.settings",
}


def _production_env() -> dict:
    # The browser tests lift Django's async guard in this process; a deployment never does.
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {**env, **PRODUCTION_ENV}


def _settings_in_production() -> dict:
    script = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {SECURITY_SETTINGS!r}}}))"
    )
    env = _production_env()
    out = subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


@pytest.fixture(scope="module")
def production_values() -> dict:
    return _settings_in_production()


@pytest.fixture
def production(settings, production_values):
    for name, value in production_values.items():
        setattr(settings, name, tuple(value) if isinstance(value, list) else value)
    return settings


def _boom(request: HttpRequest):
    raise RuntimeError("a test-only failure")


urlpatterns = [path("test-only/boom/", _boom)]


def _with_crash_url(settings):
    """A URLconf with the site's URLs plus one test-only view that raises (never in the site)."""
    import config.urls

    module = type(sys)("tests._crash_urls")
    module.urlpatterns = [*urlpatterns, *config.urls.urlpatterns]
    module.handler500 = config.urls.handler500
    module.handler404 = config.urls.handler404
    sys.modules["tests._crash_urls"] = module
    settings.ROOT_URLCONF = "tests._crash_urls"


def _check_headers(response, *, patient_data: bool = True) -> None:
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    csp = response["Content-Security-Policy"]
    directives = {}
    for part in filter(None, (p.strip() for p in csp.split(";"))):
        name, _, value = part.partition(" ")
        directives[name] = value
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    if patient_data:
        assert response["Cache-Control"] == "no-store"


def test_production_settings_are_the_strict_ones(production_values):
    assert production_values["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert production_values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert production_values["SECURE_SSL_REDIRECT"] is True
    assert production_values["SESSION_COOKIE_NAME"] == "__Host-sessionid"
    assert production_values["CSRF_COOKIE_NAME"] == "__Host-csrftoken"
    assert production_values["SESSION_COOKIE_SECURE"] is True
    assert production_values["CSRF_COOKIE_SECURE"] is True
    assert production_values["SESSION_COOKIE_HTTPONLY"] is True
    assert production_values["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_manage_check_deploy_passes_in_production():
    env = _production_env()
    out = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stdout + out.stderr


def test_production_refuses_debug_and_plain_http():
    for extra in ({"DEBUG": "1"}, {"HTTPS": "0"}):
        env = {**_production_env(), **extra}
        out = subprocess.run(  # noqa: S603
            [sys.executable, "-c", "from django.conf import settings; settings.DEBUG"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        assert out.returncode != 0 and "refused with DJANGO_ENV=production" in out.stderr


def test_plain_http_is_redirected_to_https(client, production):
    response = client.get("/accounts/login/")
    assert response.status_code == 301 and response["Location"].startswith("https://")


def test_login_page_headers_and_host_cookies(client, cast, production):
    page = client.get("/accounts/login/", secure=True)
    assert page.status_code == 200
    _check_headers(page)
    csrf = page.cookies["__Host-csrftoken"]
    assert csrf["secure"] and csrf["path"] == "/" and not csrf["domain"]
    assert csrf["samesite"] == "Lax"
    signed_in = client.post(
        "/accounts/login/",
        {"username": "carer", "password": "correct horse battery staple"},
        secure=True,
    )
    assert signed_in.status_code == 302
    session = signed_in.cookies["__Host-sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    assert session["path"] == "/" and not session["domain"]


def test_carer_page_headers(client, cast, production):
    sign_in(client, cast.carer)
    page = client.get(f"/diary/{cast.patient.pk}/", secure=True)
    assert page.status_code == 200
    _check_headers(page)


def test_clinician_page_headers(client, cast, production):
    sign_in(client, cast.clinician)
    page = client.get(f"/clinic/patients/{cast.patient.pk}/", secure=True)
    assert page.status_code == 200
    _check_headers(page)


def test_api_headers(client, cast, production):
    sign_in(client, cast.carer)
    answer = client.get(f"/api/v1/patients/{cast.patient.pk}/", secure=True)
    assert answer.status_code == 200
    _check_headers(answer)


def test_404_headers(client, cast, production):
    sign_in(client, cast.carer)
    for url in ("/no-such-page/", f"/diary/{cast.other_patient.pk}/", "/api/v1/patients/0/"):
        answer = client.get(url, secure=True)
        assert answer.status_code == 404, url
        _check_headers(answer)


def test_500_headers_and_no_patient_data(cast, production):
    from django.test import Client

    _with_crash_url(production)
    client = Client(raise_request_exception=False)
    sign_in(client, cast.carer)
    answer = client.get("/test-only/boom/", secure=True)
    assert answer.status_code == 500
    _check_headers(answer)
    assert cast.patient.display_name.encode() not in answer.content
