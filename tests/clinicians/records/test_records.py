"""Clinical records: services, audit trail, database constraints, and what follows from them."""

import datetime
from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from clinicians.audit.access_log import record_access
from clinicians.audit.models import RecordAccess
from clinicians.dashboard.periods import period_table
from clinicians.dashboard.scores import patient_days
from clinicians.records import services
from clinicians.records.models import Measurement, PGAAssessment, SteroidDose
from clinicians.records.selectors import clinical_records
from tests.clinicians.clinic_data import CANDLE, write_days

DAY = datetime.date(2026, 3, 2)


def _days(n):
    return datetime.timedelta(days=n)


def test_records_are_audited_with_user_role_and_reason(cast):
    services.add_measurement(
        patient=cast.patient, user=cast.clinic_admin, kind="weight", date=DAY, value=Decimal("21.5")
    )
    record = Measurement.history.get()
    assert record.history_user == cast.clinic_admin and record.history_role == "clinic_admin"
    assert record.history_change_reason == "weight recorded"


@pytest.mark.parametrize("name", ["carer", "other_carer", "outside_clinician"])
def test_only_the_clinics_staff_record_clinical_data(cast, name):
    from django.http import Http404

    with pytest.raises((PermissionDenied, Http404)):
        services.add_pga(patient=cast.patient, user=cast.member(name), date=DAY, score=Decimal(2))
    assert not PGAAssessment.objects.exists()


@pytest.mark.parametrize("score", ["-0.5", "10.5", "3.3", "0.25"])
def test_pga_outside_half_steps_is_refused_by_service_and_database(cast, score):
    with pytest.raises(ValidationError):
        services.add_pga(patient=cast.patient, user=cast.clinician, date=DAY, score=Decimal(score))
    with pytest.raises(IntegrityError), transaction.atomic():
        PGAAssessment.objects.create(
            patient=cast.patient,
            date=DAY,
            score=Decimal(score),
            assessed_by=cast.clinician,
            recorded_at=timezone.now(),
        )


def test_implausible_measurements_are_refused_by_the_database(cast):
    with pytest.raises(IntegrityError), transaction.atomic():
        Measurement.objects.create(
            patient=cast.patient,
            kind="height",
            date=DAY,
            value=Decimal("400"),
            recorded_by=cast.clinician,
            recorded_at=timezone.now(),
        )


def test_an_unknown_corticosteroid_is_refused(cast):
    with pytest.raises(ValidationError):
        services.add_steroid_dose(
            patient=cast.patient,
            user=cast.clinician,
            drug="aspirin",
            mg_per_day=Decimal(5),
            from_date=DAY,
        )


def _dose(cast, drug, mg, start, end=None):
    services.add_steroid_dose(
        patient=cast.patient,
        user=cast.clinician,
        drug=drug,
        mg_per_day=Decimal(mg),
        from_date=start,
        to_date=end,
    )


def test_corticosteroid_doses_in_prednisone_equivalents_per_kg(cast):
    services.add_measurement(
        patient=cast.patient, user=cast.clinician, kind="weight", date=DAY, value=Decimal(20)
    )
    _dose(cast, "prednisolone", "10", DAY)
    _dose(cast, "dexamethasone", "0.75", DAY + _days(5), DAY + _days(9))
    _dose(cast, "prednisolone", "4", DAY + _days(20))
    records = clinical_records([cast.patient.pk])[cast.patient.pk]
    assert records.steroid_on(DAY - _days(1)).prednisone_mg is None  # nothing yet: unknown
    assert records.steroid_on(DAY).mg_per_kg == Decimal("0.5000")
    both = records.steroid_on(DAY + _days(5))
    assert both.prednisone_mg == Decimal("15.00") and both.mg_per_kg == Decimal("0.7500")
    assert records.steroid_on(DAY + _days(10)).prednisone_mg == Decimal("10.00")
    assert records.steroid_on(DAY + _days(20)).mg_per_kg == Decimal("0.2000")


def test_steroid_response_against_the_baseline_dose(cast):
    services.add_measurement(
        patient=cast.patient, user=cast.clinician, kind="weight", date=DAY, value=Decimal(20)
    )
    services.add_treatment_course(
        patient=cast.patient,
        user=cast.clinician,
        drug="baricitinib",
        start_date=DAY + _days(10),
        regimen="as prescribed",
    )
    _dose(cast, "prednisolone", "8", DAY)  # 0.4 mg/kg/day at baseline
    _dose(cast, "prednisolone", "6", DAY + _days(30))  # 0.3: 25% lower, above 0.15
    _dose(cast, "prednisolone", "4", DAY + _days(60))  # 0.2: 50% lower
    _dose(cast, "prednisolone", "2.9", DAY + _days(90))  # 0.145: below 0.15
    records = clinical_records([cast.patient.pk])[cast.patient.pk]
    assert records.baseline_day() == DAY + _days(9)
    assert records.steroid_response(DAY + _days(30)) is False
    assert records.steroid_response(DAY + _days(60)) is True
    assert records.steroid_response(DAY + _days(90)) is True


def test_removing_a_record_keeps_it_in_the_history_with_the_reason(cast):
    services.add_pga(patient=cast.patient, user=cast.clinician, date=DAY, score=Decimal("4.5"))
    services.remove_record(
        record=PGAAssessment.objects.get(), user=cast.clinician, reason="wrong visit"
    )
    assert not PGAAssessment.objects.exists()
    removed = PGAAssessment.history.filter(history_type="-").get()
    assert removed.score == Decimal("4.5")
    assert removed.history_change_reason == "entered in error: wrong visit"
    with pytest.raises(ValidationError):
        services.remove_record(
            record=SteroidDose(patient=cast.patient), user=cast.clinician, reason=" "
        )


def _period_days(cast, today):
    return patient_days([cast.patient], today - _days(194), today)[cast.patient.pk]


def test_period_table_hand_worked(cast):
    """Pre-treatment period of 14 days all 2s; primary period ending on a day without enough
    data, so its DDS is carried forward from its last sufficient day and marked."""
    today = DAY + _days(60)
    start = DAY + _days(14)
    days = {DAY + _days(i): dict.fromkeys(CANDLE, 2) for i in range(14)}  # pre-treatment
    days.update({start + _days(i): dict.fromkeys(CANDLE, 1) for i in range(21)})  # on treatment
    days.update({today - _days(i): dict.fromkeys(CANDLE, 0) for i in range(7)})
    write_days(cast.patient, cast.carer, days)
    services.add_treatment_course(
        patient=cast.patient, user=cast.clinician, drug="baricitinib", start_date=start, regimen="x"
    )
    for name, first, last, pre in [
        ("baseline", DAY, DAY + _days(13), True),
        ("primary", start, start + _days(30), False),
    ]:
        services.add_study_period(
            patient=cast.patient,
            user=cast.clinician,
            name=name,
            start=first,
            end=last,
            is_pre_treatment=pre,
        )
    services.add_pga(patient=cast.patient, user=cast.clinician, date=DAY, score=Decimal(6))
    records = clinical_records([cast.patient.pk])[cast.patient.pk]
    baseline, primary, recent = period_table(_period_days(cast, today), records, today)

    assert baseline.is_baseline and baseline.dds_whole_period
    assert baseline.dds == 2 and baseline.proportion == 0 and baseline.pga == 6
    # Primary ends on start+30: its window start+24..start+30 has no entry, so the last
    # sufficient 7-day DDS is carried forward: on start+23 the window holds days 17-20 (4 of 7
    # days, 20 of 35 scores), all 1s.
    assert primary.dds == 1 and primary.dds_carried and primary.dds_day == start + _days(23)
    assert primary.change.absolute == -1 and primary.change.percent == -50
    assert primary.proportion == 0  # daily scores of 1 are not below 0.5
    assert primary.pga == 6 and primary.pga_carried  # PGA from before the period, marked
    assert recent.dds == 0 and not recent.dds_carried
    # The last 28 days hold 2 treatment days at 1 (start+19, start+20) and 7 days at 0.
    assert recent.proportion == Fraction(7, 9)
    assert recent.change.percent == -100


def test_record_access_log_is_one_row_per_patient(cast):
    written = record_access(
        user=cast.clinician, patient_ids=[cast.patient.pk, cast.patient.pk], what="summary"
    )
    assert written == 1 and RecordAccess.objects.get().what == "summary"


def test_record_access_log_and_record_history_are_append_only_on_postgresql(cast, postgres):
    record_access(user=cast.clinician, patient_ids=[cast.patient.pk], what="patient_page")
    services.add_pga(patient=cast.patient, user=cast.clinician, date=DAY, score=Decimal(2))
    for sql in [
        "UPDATE clinicians_recordaccess SET what = 'x'",
        "DELETE FROM clinicians_recordaccess",
        "DELETE FROM clinicians_historicalpgaassessment",
        "UPDATE clinicians_historicalpgaassessment SET score = 9",
    ]:
        with (
            pytest.raises(Exception, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)


def test_records_read_by_a_join_with_the_clinic_are_the_same(cast):
    """``among`` (the clinic's patients) changes how the rows are read, not which."""
    from diary.models import Patient

    staff = {cast.clinic.pk: cast.clinician, cast.other_clinic.pk: cast.outside_clinician}
    for patient in (cast.patient, cast.unlinked_patient, cast.other_patient):
        user = staff[patient.clinic_id]
        services.add_measurement(
            patient=patient, user=user, kind="weight", date=DAY, value=Decimal(20)
        )
        services.add_steroid_dose(
            patient=patient, user=user, drug="prednisolone", mg_per_day=Decimal(8), from_date=DAY
        )
    ids = [cast.patient.pk, cast.unlinked_patient.pk]
    among = Patient.objects.filter(clinic=cast.clinic)
    by_ids, by_join = clinical_records(ids), clinical_records(ids, among)
    assert set(by_join) == set(ids)  # the other clinic's patient is not read
    for pk in ids:
        assert by_join[pk].doses == by_ids[pk].doses and len(by_join[pk].doses) == 1
        assert by_join[pk].weights == by_ids[pk].weights == {DAY: Decimal(20)}
