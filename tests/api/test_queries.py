"""List endpoints read a fixed number of queries, however much data there is."""

import datetime
import zoneinfo

import pytest
from django.utils import timezone

from clinicians.alerts.models import Alert
from diary.services import Submission, correct_entry, submit_entry
from tests.diary.factories import CarerLinkFactory, PatientFactory

LONDON = zoneinfo.ZoneInfo("Europe/London")
TODAY = timezone.now().astimezone(LONDON).date()


def fill(cast, patients, days):
    """``patients`` more patients of clinic A, each with ``days`` entries (one corrected)."""
    everyone = [cast.patient]
    for n in range(patients - 1):
        patient = PatientFactory(clinic=cast.clinic, reference=f"AAA-1{n:03d}")
        CarerLinkFactory(carer=cast.carer, patient=patient)
        everyone.append(patient)
    for patient in everyone:
        for back in range(days):
            day = TODAY - datetime.timedelta(days=back + 1)
            evening = datetime.datetime.combine(day, datetime.time(21), tzinfo=LONDON)
            submission = Submission(date=day, scores={"fever": back % 5, "rash": 1})
            result = submit_entry(
                patient=patient, user=cast.carer, submission=submission, source="web", now=evening
            )
            if back == 0:
                correct_entry(
                    entry=result.entry,
                    user=cast.carer,
                    submission=submission,
                    source="web",
                    now=evening,
                )
        Alert.objects.create(
            patient=patient,
            rule="severe_symptom",
            audience=Alert.Audience.CARE_TEAM,
            diary_date=TODAY,
            reason="An item was scored 4.",
            opened_at=timezone.now(),
            status=Alert.Status.ACKNOWLEDGED,
            acknowledged_by=cast.clinician,
            acknowledged_at=timezone.now(),
        )


LISTS = [
    ("carer", "/api/v1/patients/"),
    ("clinician", "/api/v1/patients/"),
    ("carer", "/api/v1/patients/{patient}/entries/"),
    ("carer", "/api/v1/patients/{patient}/dds/?from={start}"),
    ("carer", "/api/v1/entries/{entry}/history/"),
    ("clinician", "/api/v1/alerts/"),
]
MAX_QUERIES = 5


@pytest.mark.parametrize(("member", "path"), LISTS)
@pytest.mark.parametrize(("patients", "days"), [(1, 1), (12, 40)])
def test_list_queries_do_not_grow_with_the_data(
    api, cast, django_assert_max_num_queries, member, path, patients, days
):
    fill(cast, patients, days)
    entry = cast.patient.entries.order_by("-date").first()
    url = path.format(
        patient=cast.patient.pk, entry=entry.pk, start=TODAY - datetime.timedelta(days=90)
    )
    client = api(member)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    body = response.json()
    rows = body.get("results", body.get("days", body.get("versions")))
    assert rows


def test_each_request_s_token_query_is_planned_once_per_connection(api, cast, postgres):
    # config/settings.py: server-side parameters and psycopg's prepared statements, so the
    # query every API request runs is parsed and planned once per connection, not each time.
    from django.db import connection

    client = api("carer")
    for _ in range(7):
        assert client.get("/api/v1/patients/").status_code == 200
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ['%FROM "diary_apitoken"%'],
        )
        assert cursor.fetchone()[0] == 1
