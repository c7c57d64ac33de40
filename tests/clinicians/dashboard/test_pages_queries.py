"""Query counts of the clinician pages do not grow with patients or entries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clinicians.alerts.models import Alert
from clinicians.records.models import Appointment, Measurement, PGAAssessment, SteroidDose
from tests.clinicians.clinic_data import CANDLE, write_days
from tests.conftest import sign_in
from tests.diary.factories import PatientFactory

# Every visit alike: nothing is kept between visits, so nothing is looked up or written. 12,
# plus the stored 7-day DDS read twice: each patient's day whole, and 28 days' values.
DASHBOARD_QUERIES = 13
# 24 for the page itself, plus the verified two-factor device django-otp loads per request.
PATIENT_PAGE_QUERIES = 25
# 20, plus the stored 7-day DDS the summaries read (``DailyScore``) besides their diary days.
CLINIC_DAY_PRINT_QUERIES = 21


def _clinic_of(cast, count, days):
    """``count`` CANDLE patients of clinic A, each with ``days`` days of entries (items 0-2),
    every third with an open alert and every fifth with an appointment tomorrow."""
    today = timezone.now().date()
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    patients = PatientFactory.create_batch(count, clinic=cast.clinic, disease="CANDLE")
    for index, patient in enumerate(patients):
        write_days(
            patient,
            cast.carer,
            {
                today - datetime.timedelta(days=d): dict.fromkeys(CANDLE, (index + d) % 3)
                for d in range(days)
            },
        )
        if index % 3 == 0:
            Alert.objects.create(
                patient=patient,
                rule="marked_rise",
                audience="care_team",
                diary_date=today,
                reason="rise",
                opened_at=timezone.now(),
            )
        if index % 5 == 0:
            Appointment.objects.create(
                patient=patient,
                starts_at=tomorrow,
                clinician=cast.clinician,
                recorded_by=cast.clinician,
                recorded_at=timezone.now(),
            )
    return patients


@pytest.mark.parametrize("count", [10, 500])
def test_dashboard_queries_do_not_grow_with_patients(
    client, cast, count, django_assert_max_num_queries
):
    _clinic_of(cast, count, days=20)
    sign_in(client, cast.clinician)
    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        response = client.get("/clinic/")
    assert response.status_code == 200
    assert response.content.decode().count('<svg class="spark"') == count + 2


@pytest.mark.parametrize("days", [7, 400])
def test_patient_page_queries_do_not_grow_with_entries(
    client, cast, days, django_assert_max_num_queries
):
    (patient,) = _clinic_of(cast, 1, days=days)
    today = timezone.now().date()
    for weeks in range(0, days // 7, 4):
        day = today - datetime.timedelta(weeks=weeks)
        kwargs = {"patient": patient, "recorded_at": timezone.now()}
        Measurement.objects.create(
            kind="weight", date=day, value=30, recorded_by=cast.clinician, **kwargs
        )
        SteroidDose.objects.create(
            drug="prednisolone", mg_per_day=5, from_date=day, recorded_by=cast.clinician, **kwargs
        )
        PGAAssessment.objects.create(date=day, score=2, assessed_by=cast.clinician, **kwargs)
    sign_in(client, cast.clinician)
    for key in ("4w", "all"):
        with django_assert_max_num_queries(PATIENT_PAGE_QUERIES):
            assert client.get(f"/clinic/patients/{patient.pk}/?range={key}").status_code == 200


@pytest.mark.parametrize("count", [5, 60])
def test_printing_a_clinic_day_does_not_grow_with_appointments(client, cast, count):
    _clinic_of(cast, count, days=30)
    sign_in(client, cast.clinician)
    tomorrow = (timezone.now() + datetime.timedelta(days=1)).date()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/clinic/day/print/?date={tomorrow.isoformat()}")
    assert response.status_code == 200
    assert response.content.decode().count('class="sheet"') == len(range(0, count, 5))
    assert len(queries) <= CLINIC_DAY_PRINT_QUERIES, [q["sql"][:80] for q in queries]
