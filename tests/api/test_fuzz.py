"""Schemathesis fuzzes every operation of the committed schema (docs/openapi.yaml) against the
WSGI app, signed in as a carer and as a clinician, with all of its default checks.

Generated ids are mapped onto the cast's real patients, entries and alerts (in and out of scope)
so the fuzzer reaches the code behind the 404s. Examples per operation are bounded so the whole
run takes a couple of minutes.

One check is configured rather than left at its default: ``positive_data_acceptance`` expects
schema-valid requests to succeed, but some rules depend on stored state and on today's date,
which no schema can express: the diary day rules (future days, the back-fill window, the day's
cut-off for corrections without a reason), whether an item code belongs to this patient's
instrument, an Idempotency-Key already used with another body, a ``from``/``to`` pair out of
order, and a wrong password. Those operations may answer the documented 400 or 422 too.
"""

import datetime
import itertools
import re
from pathlib import Path

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone

from clinicians.alerts.models import Alert
from diary.services import Submission, submit_entry
from tests.conftest import api_token

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"
MAX_EXAMPLES = 30
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
STATE_DEPENDENT = [
    "patients_entries_create",
    "entries_corrections_create",
    "patients_entries_list",
    "patients_dds_retrieve",
    "auth_token_create",
]

config = schemathesis.Config.from_dict(
    {
        "seed": 20261118,
        "suppress-health-check": ["all"],
        "generation": {"max-examples": MAX_EXAMPLES},
        "operations": [
            {
                "include-operation-id": STATE_DEPENDENT,
                "checks": {
                    "positive_data_acceptance": {
                        "expected-statuses": [
                            "2xx",
                            "400",
                            "401",
                            "403",
                            "404",
                            "409",
                            "422",
                        ]
                    }
                },
            }
        ],
    }
)
schema = schemathesis.openapi.from_path(SCHEMA_FILE, config=config)
schema.app = get_wsgi_application()


@pytest.fixture
def targets(cast):
    """Real ids for each path parameter: in the carer's scope, in the clinician's, in neither."""
    now = timezone.now()
    yesterday = now - datetime.timedelta(days=1)
    entries = [
        submit_entry(
            patient=patient,
            user=user,
            submission=Submission(date=yesterday.date(), scores={}),
            source="web",
            now=yesterday,
        ).entry.pk
        for patient, user in [
            (cast.patient, cast.carer),
            (cast.other_patient, cast.other_carer),
            (cast.unlinked_patient, cast.clinician),
        ]
    ]
    alerts = [
        Alert.objects.create(
            patient=patient,
            rule="severe_symptom",
            audience=Alert.Audience.CARE_TEAM,
            diary_date=yesterday.date(),
            reason="An item was scored 4.",
            opened_at=now,
        ).pk
        for patient in (cast.patient, cast.other_patient)
    ]
    patients = [cast.patient.pk, cast.other_patient.pk, cast.unlinked_patient.pk]
    return {
        "patient_id": patients,
        "entry_id": entries,
        "alert_id": alerts,
        "clinic_id": [cast.clinic.pk, cast.other_clinic.pk],
        "_turn": itertools.count(),
    }


@pytest.fixture
def fuzz_settings(settings):
    """The WSGI app as the test client runs it: its host allowed, the test's connection kept.

    Django closes "old" connections around each request; inside a test's transaction that
    would close the connection holding it (the test client disconnects the same handlers).
    """
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    # Fuzzing sends hundreds of wrong passwords from one address; the lockout itself is
    # tested in tests/test_lockout.py, here it would only hide the schema checks behind 429.
    settings.AXES_ENABLED = False
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.parametrize("identity", ["carer", "clinician"])
@schema.parametrize()
@pytest.mark.django_db
def test_api_conforms_to_its_schema(case, identity, cast, targets, fuzz_settings):
    _aim_at_real_objects(case, targets)
    _aim_at_open_days(case, targets)
    token = api_token(cast.member(identity))
    case.call_and_validate(headers={"Authorization": f"Token {token}"})


def _aim_at_open_days(case, targets):
    """Move well-formed diary dates onto the last few days, so entries get created too."""
    body = case.body
    day = body.get("date") if isinstance(body, dict) else None
    if isinstance(day, str) and DATE.fullmatch(day):
        back = next(targets["_turn"]) % 4
        body["date"] = (timezone.now().date() - datetime.timedelta(days=back)).isoformat()


def _aim_at_real_objects(case, targets):
    """Point well-formed ids at real objects in turn (every fourth one is left as drawn)."""
    for name, value in (case.path_parameters or {}).items():
        well_formed = type(value) is int or (isinstance(value, str) and value.isdecimal())
        if name in targets and well_formed:
            choice = next(targets["_turn"]) % (len(targets[name]) + 1)
            if choice < len(targets[name]):
                case.path_parameters[name] = targets[name][choice]
