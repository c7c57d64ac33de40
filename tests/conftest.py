"""The named cast every permission test uses, and fixtures for the real services.

The cast: ``carer`` and their ``patient`` (clinic A); ``other_carer`` and ``other_patient``
(clinic B); ``clinician`` and ``clinic_admin`` of clinic A; ``outside_clinician`` of clinic B;
``unlinked_patient`` of clinic A with no carer; ``anonymous``, who is signed in as nobody.
"""

import os
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.utils import translation

from diary.clinics import ClinicMembership
from tests.clinicians.factories import ClinicFactory, MembershipFactory
from tests.diary.factories import CarerLinkFactory, PatientFactory, UserFactory

IN_CI = os.environ.get("CI") == "true"


def service_missing(what: str) -> None:
    """A test that needs a service fails under CI and skips elsewhere when it is missing."""
    if IN_CI:
        pytest.fail(f"{what} is required under CI=true but is not available")
    pytest.skip(f"{what} is not available")


@dataclass
class Cast:
    carer: Any
    other_carer: Any
    clinician: Any
    clinic_admin: Any
    outside_clinician: Any
    anonymous: Any
    patient: Any
    other_patient: Any
    unlinked_patient: Any
    clinic: Any
    other_clinic: Any

    def member(self, name: str) -> Any:
        return getattr(self, name)


MEMBERS = ["carer", "other_carer", "clinician", "clinic_admin", "outside_clinician", "anonymous"]
PATIENTS = ["patient", "other_patient", "unlinked_patient"]
# Who may see whom: the oracle every scope test compares against.
SEES = {
    "carer": {"patient"},
    "other_carer": {"other_patient"},
    "clinician": {"patient", "unlinked_patient"},
    "clinic_admin": {"patient", "unlinked_patient"},
    "outside_clinician": {"other_patient"},
    "anonymous": set(),
}


@pytest.fixture
def cast(db: Any) -> Cast:
    clinic = ClinicFactory(name="Clinic A", reference_prefix="AAA")
    other_clinic = ClinicFactory(name="Clinic B", reference_prefix="BBB", time_zone="Asia/Tokyo")
    patient = PatientFactory(clinic=clinic, reference="AAA-0001", disease="CANDLE")
    other_patient = PatientFactory(
        clinic=other_clinic, reference="BBB-0001", disease="SAVI", time_zone="Asia/Tokyo"
    )
    unlinked_patient = PatientFactory(clinic=clinic, reference="AAA-0002", disease="AGS")
    carer = UserFactory(username="carer")
    other_carer = UserFactory(username="other-carer")
    CarerLinkFactory(carer=carer, patient=patient)
    CarerLinkFactory(carer=other_carer, patient=other_patient)
    clinician = MembershipFactory(user__username="clinician", clinic=clinic).user
    clinic_admin = MembershipFactory(
        user__username="clinic-admin", clinic=clinic, role=ClinicMembership.Role.CLINIC_ADMIN
    ).user
    outside_clinician = MembershipFactory(
        user__username="outside-clinician", clinic=other_clinic
    ).user
    return Cast(
        carer=carer,
        other_carer=other_carer,
        clinician=clinician,
        clinic_admin=clinic_admin,
        outside_clinician=outside_clinician,
        anonymous=AnonymousUser(),
        patient=patient,
        other_patient=other_patient,
        unlinked_patient=unlinked_patient,
        clinic=clinic,
        other_clinic=other_clinic,
    )


@pytest.fixture(autouse=True)
def _default_language() -> None:
    # A page request leaves its user's language active in the thread (LocaleMiddleware does not
    # reset it): each test starts in the default language, whatever ran before it.
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fast_test_settings(settings: Any) -> None:
    # Password hashing is deliberately slow; tests hash hundreds of passwords.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Production uses whitenoise's manifest storage, which needs collectstatic; tests do not.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def postgres(db: Any) -> None:
    """Marks a test that is only meaningful on PostgreSQL."""
    if connection.vendor != "postgresql":
        service_missing("PostgreSQL (set DATABASE_URL)")


@pytest.fixture
def redis_url() -> str:
    """The URL of a reachable Redis for broker tests (a test database, flushed by nobody else)."""
    import redis

    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError:
        service_missing(f"Redis at {url}")
    return url


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    for item in items:
        if "postgres" in item.fixturenames:
            item.add_marker(pytest.mark.postgres)
        if "redis_url" in item.fixturenames:
            item.add_marker(pytest.mark.redis)


def verified_device(user: Any) -> Any:
    """The user's confirmed authenticator (TOTP), created on first use."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="test", confirmed=True)


def sign_in(client: Any, user: Any) -> None:
    """Sign ``user`` in on the test client; clinic staff also pass two-factor, as after
    ``/accounts/two-factor/`` (the session records the verified device)."""
    from django_otp import DEVICE_ID_SESSION_KEY

    from diary.security import start_signed_in_session
    from diary.two_factor import must_use_two_factor

    client.force_login(user)
    session = client.session
    start_signed_in_session(session, user)
    if must_use_two_factor(user):
        session[DEVICE_ID_SESSION_KEY] = verified_device(user).persistent_id
    session.save()


def api_token(user: Any) -> str:
    """A new API token as ``POST /api/v1/auth/token/`` issues it (after two-factor for staff)."""
    from diary.tokens import issue_token
    from diary.two_factor import must_use_two_factor

    verified = must_use_two_factor(user)
    return issue_token(user=user, name="test client", verified=verified)[1]


def current_code(device: Any) -> str:
    """The code ``device``'s authenticator app shows now."""
    from django_otp.oath import totp

    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
