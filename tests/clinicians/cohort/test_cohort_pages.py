"""The cohort page and its CSV (issue 20): Table 2 per disease group with n in every cell,
LOCF and threshold switches, "not started", Figure 2, pseudonymous, logged, scoped."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clinicians.audit.models import RecordAccess
from tests.clinicians.cohort.cohort_data import build_cohort
from tests.conftest import sign_in
from tests.diary.factories import PatientFactory


@pytest.fixture
def clinic_patients(cast):
    return build_cohort(cast)


def _page(client, cast, query=""):
    sign_in(client, cast.clinician)
    return client.get(f"/clinic/cohort/{cast.clinic.pk}/{query}")


def test_the_page_has_a_table_and_a_figure_per_group(client, cast, clinic_patients):
    response = _page(client, cast)
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("NNS/CANDLE", "SAVI", "AGS", "Other"):
        assert f">{name}</h2>" in html
    assert html.count('<table class="data cohort">') == 4
    assert html.count('<svg class="chart"') == 4
    assert "Primary (week 32)" in html and "Primary (week 20)" in html
    assert "n = 3" in html  # CANDLE's three started patients at baseline
    assert 'class="carried"' not in html  # observed values only by default
    assert "AAA-0008" in html.split("Not started", 1)[1]


def test_the_page_names_nobody(client, cast, clinic_patients):
    html = _page(client, cast).content.decode()
    for patient in clinic_patients.values():
        assert patient.display_name not in html
    assert "BBB-0001" not in html


def test_locf_marks_every_carried_value(client, cast, clinic_patients):
    html = _page(client, cast, "?locf=1&threshold=uniform").content.decode()
    assert html.count('class="carried"') >= 2  # AGS's primary DDS and PGA at least
    assert "1 carried forward" in html
    assert "uniform threshold 0.5" in html


def test_reading_the_page_is_logged_per_patient(client, cast, clinic_patients):
    _page(client, cast)
    logged = RecordAccess.objects.filter(what="cohort_page", user=cast.clinician)
    assert set(logged.values_list("patient_id", flat=True)) == {
        p.pk for p in clinic_patients.values()
    }


@pytest.mark.parametrize("query", ["?locf=yes", "?threshold=NICE"])
def test_an_unknown_switch_is_a_400(client, cast, query):
    response = _page(client, cast, query)
    assert response.status_code == 400
    assert query[1:].split("=")[0] in response.content.decode().split("Unknown value for:")[1]
    assert not RecordAccess.objects.exists()


@pytest.mark.parametrize("member", ["outside_clinician", "carer"])
def test_outside_the_clinic_is_404(client, cast, member):
    sign_in(client, cast.member(member))
    assert client.get(f"/clinic/cohort/{cast.clinic.pk}/").status_code == 404
    assert client.get(f"/clinic/cohort/{cast.clinic.pk}/export.csv").status_code == 404


def test_the_dashboard_links_to_the_cohort(client, cast):
    sign_in(client, cast.clinician)
    html = client.get("/clinic/").content.decode()
    assert f'href="/clinic/cohort/{cast.clinic.pk}/"' in html


def test_the_csv_has_every_cell_and_the_patients_not_started(client, cast, clinic_patients):
    sign_in(client, cast.clinician)
    response = client.get(f"/clinic/cohort/{cast.clinic.pk}/export.csv?locf=1")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:7] == ["disease", "measure", "period", "week", "n", "mean", "sd"]
    cells = rows[1 : 1 + 4 * 16]
    assert {row[0] for row in cells} == {"CANDLE", "SAVI", "AGS", "OTHER"}
    candle_primary = next(r for r in cells if r[:3] == ["CANDLE", "dds", "primary"])
    assert candle_primary[3] == "20" and candle_primary[4] == "3"
    assert float(candle_primary[8]) < 0  # a fall, written as a number, not neutralised text
    assert ["CANDLE", "AAA-0008"] in rows
    for patient in clinic_patients.values():
        assert patient.display_name not in text
    logged = RecordAccess.objects.filter(what="cohort_csv")
    assert logged.count() == len(clinic_patients)


def test_the_csv_refuses_an_unknown_switch(client, cast):
    sign_in(client, cast.clinician)
    response = client.get(f"/clinic/cohort/{cast.clinic.pk}/export.csv?threshold=x")
    assert response.status_code == 400 and b"threshold" in response.content


def test_the_page_queries_do_not_grow_with_patients(client, cast, clinic_patients):
    sign_in(client, cast.clinician)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/clinic/cohort/{cast.clinic.pk}/").status_code == 200
        return len(captured.captured_queries)

    queries()  # the session's first request touches it
    before = queries()
    for n in range(3):
        PatientFactory(clinic=cast.clinic, reference=f"AAA-01{n}", disease="SAVI")
    assert queries() == before
