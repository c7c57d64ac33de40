"""Every read of a patient through the API by clinic staff is in the record access log; a
carer's reads of their own child and refused reads are not."""

import datetime

from clinicians.audit.models import RecordAccess
from diary.services import Submission, submit_entry


def _entry(cast):
    day = datetime.date.today() - datetime.timedelta(days=1)
    return submit_entry(
        patient=cast.patient,
        user=cast.carer,
        submission=Submission(date=day, scores={"fever": 1}),
        source="web",
    ).entry


def test_staff_api_reads_of_a_patient_are_logged(api, cast):
    entry = _entry(cast)
    pk = cast.patient.pk
    for url in (
        f"/api/v1/patients/{pk}/",
        f"/api/v1/patients/{pk}/entries/",
        f"/api/v1/patients/{pk}/dds/",
        f"/api/v1/entries/{entry.pk}/",
        f"/api/v1/entries/{entry.pk}/history/",
    ):
        assert api("clinician").get(url).status_code == 200, url
    logged = list(
        RecordAccess.objects.filter(user=cast.clinician)
        .order_by("pk")
        .values_list("patient_id", "what")
    )
    assert logged == [
        (pk, "api_patient"),
        (pk, "api_entries"),
        (pk, "api_dds"),
        (pk, "api_entry"),
        (pk, "api_entry_history"),
    ]


def test_carer_reads_and_refused_reads_are_not_staff_reads(api, cast):
    pk = cast.patient.pk
    assert api("carer").get(f"/api/v1/patients/{pk}/").status_code == 200
    assert api("outside_clinician").get(f"/api/v1/patients/{pk}/").status_code == 404
    assert not RecordAccess.objects.exists()
