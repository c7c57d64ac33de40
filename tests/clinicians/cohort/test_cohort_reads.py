"""The cohort reads only stored days (``clinicians.cohort.reads``): its days-below-the-threshold
proportions equal SPEC §3.2 counted from the item scores, also where one range holds entries of
two diary versions (read again under the version that governs it)."""

import datetime

import pytest

import scoring
from clinicians.clinic_admin import instruments
from clinicians.cohort.plan import visit_plan
from clinicians.cohort.report import patient_visits_of
from clinicians.cohort.settings import primary_weeks
from clinicians.cohort.visits import Options
from clinicians.dashboard.scores import patient_days
from clinicians.records.selectors import clinical_records
from diary.days import DayRules
from diary.models import DailyScore, Patient
from diary.services import Submission, submit_entry
from tests.clinicians.cohort.cohort_data import build_cohort

DAY = datetime.timedelta(days=1)


def _second_version_in_maintenance(cast):
    """AAA-0001 (CANDLE, started 400 days ago): a version with a sixth item, and three paper
    days scored under it inside the maintenance period, among days of the first version."""
    instruments.create_instrument_version(
        clinic=cast.clinic,
        admin=cast.clinic_admin,
        disease="CANDLE",
        reason="clinic diary",
        control_threshold=None,
        extra_item=instruments.generic_item("swallowing", "Swallowing"),
    )
    patient = Patient.objects.select_related("clinic").get(pk=cast.patient.pk)
    today = DayRules.for_patient(patient).offered_day(datetime.datetime.now(datetime.UTC))
    for n, scores in enumerate([[0, 0, 0, 0, 0, 4], [1, 0, None, None, None, 4], [0] * 6]):
        codes = ("fever", "rash", "musculoskeletal_pain", "headache", "fatigue", "swallowing")
        submit_entry(
            patient=patient,
            user=cast.clinician,
            submission=Submission(
                date=today - DAY * (100 + n), scores=dict(zip(codes, scores, strict=True))
            ),
            source="paper",
            reason="paper diary",
        )
    return today


@pytest.mark.parametrize("threshold", ["profile", "uniform"])
def test_days_below_equal_the_count_from_item_scores(cast, threshold):
    build_cohort(cast)
    today = _second_version_in_maintenance(cast)
    maintenance = (today - DAY * 260, today - DAY * 37)  # since week 20 up to the day before 52
    versions = DailyScore.objects.filter(patient=cast.patient, date__range=maintenance).values_list(
        "instrument_version", flat=True
    )
    assert len(set(versions)) == 2
    options = Options(threshold=threshold)
    patients = list(Patient.objects.filter(clinic=cast.clinic).select_related("clinic"))
    visited = patient_visits_of(patients, options)
    records = clinical_records(p.pk for p in patients)
    weeks = primary_weeks(cast.clinic.pk)
    compared = 0
    for p in patients:
        day = DayRules.for_patient(p).offered_day(datetime.datetime.now(datetime.UTC))
        for plan in visit_plan(records[p.pk], day, weeks[p.disease]):
            row = visited.visits[p.pk].row(plan.period)
            if plan.days_below is None:
                assert row is None or row.days_below_proportion is None
                continue
            first, last = plan.days_below
            days = patient_days([p], first, last)[p.pk]
            instrument = days.governing(first, last)
            expected = scoring.proportion_below(
                instrument,
                days.projected(instrument, first, last),
                first,
                last,
                options.control_threshold(instrument),
            )
            assert row is not None and row.days_below_proportion == expected, (p, plan)
            compared += expected is not None
    assert compared >= 15
