"""Every change a person makes to audited data records where it was made (issue 17, item 5).

``WRITES`` walks each page and API operation that changes a tracked (simple-history) record, as
the person allowed to make it, and checks that every history row written says which page or
API operation it came from: ``page:<url name>`` or ``api:<url name>``, never ``system`` or
nothing. ``test_every_url_is_walked_or_writes_no_history`` fails when the resolver gains a URL
that is in neither ``WRITES`` nor ``NO_HISTORY``, so a new write path cannot go unchecked.
Writes no person starts (the nightly job, ``seed_demo``) are checked in their own tests.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from rest_framework.test import APIClient

from clinicians.alerts.models import Alert
from clinicians.nightly.reminders import unsubscribe_token
from clinicians.records import services as records
from clinicians.records.models import PGAAssessment
from diary.clinics import ClinicMembership
from diary.days import DayRules
from diary.invitations import create_invitation
from tests.conftest import api_token, sign_in

EXCLUDED = ("admin/", "static/", "media/", "bench/")  # the Django admin: tests/diary/test_audit.py


@dataclass(frozen=True)
class Write:
    url_name: str
    who: str  # the cast member who makes the change, or "" for a signed link
    send: Callable[[Any, Any, Any], Any]  # (client, cast, what prepare made) -> response
    prepare: Callable[[Any], Any] = lambda cast: None  # before the request, not checked
    api: bool = False

    @property
    def origin(self) -> str:
        if self.api:
            return f"api:{self.url_name.removeprefix('api-')}"
        return f"page:{self.url_name}"


def _today(cast: Any) -> datetime.date:
    return DayRules.for_patient(cast.patient).offered_day(timezone.now())


def _records(cast: Any) -> str:
    return f"/clinic/patients/{cast.patient.pk}/records"


def _admin(cast: Any) -> str:
    return f"/clinic/admin/{cast.clinic.pk}"


def _alert(cast: Any) -> Alert:
    return Alert.objects.create(
        patient=cast.patient,
        rule="severe_symptom",
        audience=Alert.Audience.CARE_TEAM,
        diary_date=timezone.now().date(),
        reason="An item was scored 4.",
        opened_at=timezone.now(),
    )


# Each kind of clinical record the records page adds → its form, given the patient's today.
RECORD_FORMS: dict[str, Callable[[datetime.date], dict[str, str]]] = {
    "treatment": lambda day: {"drug": "baricitinib", "start_date": f"{day}", "regimen": "2 mg"},
    "measurement": lambda day: {"kind": "weight", "date": f"{day}", "value": "21.5"},
    "steroid": lambda day: {
        "drug": "prednisolone",
        "mg_per_day": "5",
        "route": "oral",
        "from_date": f"{day}",
    },
    "pga": lambda day: {"date": f"{day}", "score": "3.5"},
    "appointment": lambda day: {"starts_at": f"{day + datetime.timedelta(days=3)}T09:30"},
    "period": lambda day: {
        "name": "baseline",
        "start": f"{day - datetime.timedelta(days=27)}",
        "end": f"{day}",
        "is_pre_treatment": "on",
    },
}


def _add(kind: str) -> Callable[[Any, Any, Any], Any]:
    def send(client: Any, cast: Any, _: Any) -> Any:
        form = RECORD_FORMS[kind](_today(cast))
        data = {f"{kind}-{name}": value for name, value in form.items()}
        return client.post(f"{_records(cast)}/{kind}/", data)

    return send


def _pga_record(cast: Any) -> Any:
    return records.add_pga(patient=cast.patient, user=cast.clinician, date=_today(cast), score=3)


def _appointment(cast: Any) -> Any:
    starts = timezone.now() + datetime.timedelta(days=2)
    return records.add_appointment(patient=cast.patient, user=cast.clinician, starts_at=starts)


def _remove(kind: str) -> Callable[[Any, Any, Any], Any]:
    def send(client: Any, cast: Any, record: Any) -> Any:
        return client.post(f"{_records(cast)}/{kind}/{record.pk}/remove/", {"reason": "error"})

    return send


def _alert_page(action: str) -> Callable[[Any, Any, Any], Any]:
    def send(client: Any, cast: Any, alert: Alert) -> Any:
        url = f"/clinic/patients/{cast.patient.pk}/alerts/{alert.pk}/{action}/"
        return client.post(url, {"note": "phoned the family"})

    return send


def _alert_api(action: str) -> Callable[[Any, Any, Any], Any]:
    def send(client: Any, cast: Any, alert: Alert) -> Any:
        url = f"/api/v1/alerts/{alert.pk}/{action}/"
        return client.post(url, {"note": "phoned the family"}, format="json")

    return send


def _patient_fields(cast: Any, **changes: Any) -> dict[str, Any]:
    patient = cast.patient
    current = {
        "reference": patient.reference,
        "display_name": patient.display_name,
        "date_of_birth": patient.date_of_birth.isoformat(),
        "disease": patient.disease,
        "time_zone": patient.time_zone,
    }
    return {**current, **changes}


def _member(cast: Any) -> ClinicMembership:
    return ClinicMembership.objects.get(user=cast.clinician, clinic=cast.clinic)


def _invitation_token(cast: Any) -> str:
    _invitation, token = create_invitation(
        patient=cast.unlinked_patient,
        email=cast.carer.email,
        relationship="mother",
        invited_by=cast.clinic_admin,
    )
    return token


def _unsubscribe(client: Any, cast: Any, _: Any) -> Any:
    link = cast.patient.carer_links.get(carer=cast.carer)
    return client.post(f"/reminders/unsubscribe/{unsubscribe_token(link.pk)}/")


WRITES = [
    # clinicians/urls.py: the clinical records page
    *(Write("clinic:record_add", "clinician", _add(kind)) for kind in RECORD_FORMS),
    Write("clinic:record_remove", "clinician", _remove("pga"), _pga_record),
    Write("clinic:record_remove", "clinician", _remove("appointment"), _appointment),
    Write("clinic:alert_acknowledge", "clinician", _alert_page("acknowledge"), _alert),
    Write("clinic:alert_resolve", "clinician", _alert_page("resolve"), _alert),
    Write(
        "clinic:data_rights_erase",
        "clinic_admin",
        lambda client, cast, _: client.post(
            f"/clinic/patients/{cast.patient.pk}/data-rights/erase/",
            {"reason": "parents asked", "confirm_reference": cast.patient.reference},
        ),
    ),
    # clinicians/urls.py: the clinic admin pages
    Write(
        "clinic:admin_member_add",
        "clinic_admin",
        lambda client, cast, _: client.post(
            f"{_admin(cast)}/members/add/",
            {"identifier": "outside-clinician", "role": "clinician"},
        ),
    ),
    Write(
        "clinic:admin_member_new",
        "clinic_admin",
        lambda client, cast, _: client.post(
            f"{_admin(cast)}/members/new/",
            {
                "username": "dr-new",
                "email": "dr-new@example.org",
                "first_name": "Ada",
                "last_name": "New",
                "role": "clinician",
            },
        ),
    ),
    Write(
        "clinic:admin_member_role",
        "clinic_admin",
        lambda client, cast, _: client.post(
            f"{_admin(cast)}/members/{_member(cast).pk}/role/", {"role": "clinic_admin"}
        ),
    ),
    Write(
        "clinic:admin_member_remove",
        "clinic_admin",
        lambda client, cast, _: client.post(f"{_admin(cast)}/members/{_member(cast).pk}/remove/"),
    ),
    Write(
        "clinic:admin_patient_new",
        "clinic_admin",
        lambda client, cast, _: client.post(
            f"{_admin(cast)}/patients/new/",
            _patient_fields(cast, reference="AAA-0003", display_name="New Child"),
        ),
    ),
    Write(
        "clinic:admin_patient_edit",
        "clinic_admin",
        lambda client, cast, _: client.post(
            f"{_admin(cast)}/patients/{cast.patient.pk}/",
            _patient_fields(cast, time_zone="Europe/Dublin", reason="moved"),
        ),
    ),
    Write(
        "clinic:admin_patient_active",
        "clinic_admin",
        lambda client, cast, _: client.post(
            f"{_admin(cast)}/patients/{cast.patient.pk}/active/",
            {"active": "0", "reason": "moved away"},
        ),
    ),
    Write(
        "clinic:admin_thresholds",
        "clinic_admin",
        lambda client, cast, _: client.post(
            f"{_admin(cast)}/thresholds/", {"profile": "UNIFORM_0_5"}
        ),
    ),
    Write(
        "clinic:admin_instrument",
        "clinic_admin",
        lambda client, cast, _: client.post(
            f"{_admin(cast)}/instrument/",
            {"disease": "CANDLE", "control_threshold": "0.6", "reason": "clinic protocol"},
        ),
    ),
    Write(
        "clinic:admin_alert_rules",
        "clinic_admin",
        lambda client, cast, _: client.post(
            f"{_admin(cast)}/alert-rules/",
            {
                "marked_rise_delta": "0.6",
                "severe_temperature_c": "39.5",
                "gap_reminder_days": "2",
                "gap_care_team_days": "5",
                "reason": "clinic protocol",
            },
        ),
    ),
    Write(
        "clinic:admin_cohort_weeks",
        "clinic_admin",
        lambda client, cast, _: client.post(
            f"{_admin(cast)}/cohort-weeks/",
            {
                "primary_week_candle": "24",
                "primary_week_savi": "32",
                "primary_week_ags": "32",
                "primary_week_other": "20",
                "reason": "study protocol",
            },
        ),
    ),
    # diary/urls.py and clinicians/nightly/urls.py: the carer's pages and links
    Write(
        "diary_reminders",
        "carer",
        lambda client, cast, _: client.post(
            f"/diary/{cast.patient.pk}/reminders/", {"reminder_time": "20:30"}
        ),
    ),
    Write(
        "accept_invitation",
        "carer",
        lambda client, cast, token: client.post(f"/invite/{token}/"),
        _invitation_token,
    ),
    Write("reminders_unsubscribe", "", _unsubscribe),
    # the API
    Write("api-alert-acknowledge", "clinician", _alert_api("acknowledge"), _alert, api=True),
    Write("api-alert-resolve", "clinician", _alert_api("resolve"), _alert, api=True),
]

# URL name → why a request there writes no history row (the diary keeps its own source).
NO_HISTORY = {
    **dict.fromkeys(
        [
            "home",
            "diary_today",
            "diary_history",
            "diary_day",
            "service_worker",
            "manifest",
            "healthz",
            "nightly_health",
            "clinic:dashboard",
            "clinic:day",
            "clinic:day_print",
            "clinic:clinic_csv",
            "clinic:patient",
            "clinic:summary",
            "clinic:audit",
            "clinic:audit_csv",
            "clinic:audit_json",
            "clinic:records",
            "clinic:patient_csv",
            "clinic:patient_fhir",
            "clinic:data_rights",
            "clinic:data_rights_export",
            "clinic:admin_home",
            "clinic:admin_clinic",
            "cohort:page",
            "cohort:csv",
            "api-clinic-list",
            "api-clinic-cohort",
            "api-patient-periods",
            "api-patient-list",
            "api-patient-detail",
            "api-patient-dds",
            "api-entry-detail",
            "api-entry-history",
            "api-alert-list",
            "api-schema",
            "api-docs",
            "cohort:page",
            "cohort:csv",
            "api-clinic-list",
            "api-clinic-cohort",
            "api-patient-periods",
        ],
        "reads only",
    ),
    **dict.fromkeys(
        [
            "diary_save",
            "diary_correct",
            "clinic:transcribe",
            "api-patient-entries",
            "api-entry-corrections",
        ],
        "diary versions are append-only and record their own source, user and role",
    ),
    **dict.fromkeys(
        [
            "login",
            "logout",
            "set_language",
            "password_change",
            "password_change_done",
            "password_reset",
            "password_reset_done",
            "password_reset_confirm",
            "password_reset_complete",
            "two_factor_verify",
            "two_factor_setup",
            "two_factor_recovery_codes",
            "api-token",
            "api-logout",
            "account",
            "api_token_end",
        ],
        "account and sign-in data, not clinical records",
    ),
    "clinic:admin_invite": "an invitation is not a tracked record; accepting it is",
}


def _history_models() -> list[Any]:
    return [
        model
        for model in apps.get_models()
        if any(field.name == "history_origin" for field in model._meta.fields)
    ]


def _last_ids() -> dict[Any, int]:
    return {
        model: model.objects.order_by("-history_id").values_list("history_id", flat=True).first()
        or 0
        for model in _history_models()
    }


def _rows_since(last: dict[Any, int]) -> list[Any]:
    return [row for model, pk in last.items() for row in model.objects.filter(history_id__gt=pk)]


def _client(client: Any, cast: Any, write: Write) -> Any:
    if write.api:
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Token {api_token(cast.member(write.who))}")
        return api
    if write.who:
        sign_in(client, cast.member(write.who))
    return client


@pytest.mark.parametrize("write", WRITES, ids=lambda w: f"{w.url_name}-{WRITES.index(w)}")
def test_a_persons_change_records_the_page_or_api_operation(
    client, cast, write, django_capture_on_commit_callbacks
):
    sender = _client(client, cast, write)
    prepared = write.prepare(cast)
    last = _last_ids()
    with django_capture_on_commit_callbacks(execute=True):
        response = write.send(sender, cast, prepared)
    assert response.status_code in (200, 302), response.content[:2000]
    rows = _rows_since(last)
    assert rows, f"{write.url_name} wrote no history"
    origins = {(type(row).__name__, row.history_origin) for row in rows}
    assert origins == {(type(row).__name__, write.origin) for row in rows}


def _url_names(resolver: URLResolver, prefix: str = "", namespace: str = "") -> set[str]:
    names = set()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if route.startswith(EXCLUDED):
            continue
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names |= _url_names(entry, route, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(namespace + entry.name)
    return names


def test_every_url_is_walked_or_writes_no_history():
    walked = {write.url_name for write in WRITES}
    assert not walked & set(NO_HISTORY)
    assert _url_names(get_resolver()) == walked | set(NO_HISTORY)


def test_a_service_called_outside_a_request_or_command_says_system(cast):
    records.add_pga(patient=cast.patient, user=cast.clinician, date=_today(cast), score=Decimal(2))
    assert PGAAssessment.history.get().history_origin == "system"
