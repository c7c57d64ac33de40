"""The cohort API contract (issue 20): ``/clinics/``, ``/clinics/{id}/cohort/`` and
``/patients/{id}/periods/``: shapes, JSON numbers, 400s naming the parameter, 404 outside
scope, the read log, and every cohort cell recomputed from ``/periods/``."""

import datetime
import statistics

import pytest

from clinicians.audit.models import RecordAccess
from tests.clinicians.cohort.cohort_data import build_cohort

PERIODS = ["pre_treatment", "baseline", "primary", "maintenance"]
ROW_FIELDS = {
    "period", "week", "visit_date", "reached", "dds", "dds_day", "dds_change",
    "control_threshold", "below_threshold", "in_remission_range", "days_below_proportion",
    "days_below_proportion_change", "pga", "pga_date", "pga_change", "steroid_mg_per_kg",
    "steroid_change", "steroid_percent_change", "steroid_response", "carried_forward",
}  # fmt: skip
NUMBERS = {
    "dds", "dds_change", "control_threshold", "days_below_proportion",
    "days_below_proportion_change", "pga", "pga_change", "steroid_mg_per_kg", "steroid_change",
    "steroid_percent_change",
}  # fmt: skip
CELL_FIELDS = {
    "measure", "period", "week", "n", "mean", "sd", "change_n", "change_mean", "change_sd",
    "carried_forward", "below_threshold", "in_remission_range", "percent_change_n",
    "percent_change_mean", "percent_change_sd", "responders",
}  # fmt: skip
MEASURES = {
    "dds": ("dds", "dds_change"),
    "days_below_proportion": ("days_below_proportion", "days_below_proportion_change"),
    "pga": ("pga", "pga_change"),
    "steroid_mg_per_kg": ("steroid_mg_per_kg", "steroid_change"),
}


@pytest.fixture
def clinic_patients(cast):
    return build_cohort(cast)


def test_the_clinic_list_is_the_callers_clinics(api, cast):
    answer = api("clinician").get("/api/v1/clinics/")
    assert answer.status_code == 200
    assert answer.json() == [{"id": cast.clinic.pk, "code": "AAA", "name": "Clinic A"}]
    outside = api("outside_clinician").get("/api/v1/clinics/").json()
    assert [clinic["code"] for clinic in outside] == ["BBB"]
    assert api("carer").get("/api/v1/clinics/").status_code == 403


def test_periods_are_rows_of_json_numbers(api, clinic_patients):
    patient = clinic_patients["AAA-0001"]
    answer = api("clinician").get(f"/api/v1/patients/{patient.pk}/periods/")
    assert answer.status_code == 200
    body = answer.json()
    assert body["treatment_start"] and body["on_steroids_at_baseline"] is True
    assert [row["period"] for row in body["rows"]] == PERIODS
    for row in body["rows"]:
        assert set(row) == ROW_FIELDS
        for name in NUMBERS:
            assert row[name] is None or type(row[name]) in (int, float), (row["period"], name)
    primary = body["rows"][2]
    assert primary["week"] == 20 and primary["reached"] is True
    assert primary["dds_change"] == pytest.approx(-1.0)  # every item one point lower
    # 10 mg prednisolone at 20 kg (0.5 mg/kg/day) down to 4 mg (0.2): 60% lower, a response.
    assert primary["steroid_mg_per_kg"] == pytest.approx(0.2)
    assert primary["steroid_percent_change"] == pytest.approx(-60.0)
    assert primary["steroid_response"] is True
    assert body["rows"][0]["dds"] is None  # no pre-treatment period recorded


def test_a_patient_not_started_has_no_rows_and_a_future_visit_no_values(api, clinic_patients):
    not_started = api("clinician").get(
        f"/api/v1/patients/{clinic_patients['AAA-0008'].pk}/periods/"
    )
    assert not_started.json()["treatment_start"] is None and not_started.json()["rows"] == []
    soon = api("clinician").get(f"/api/v1/patients/{clinic_patients['AAA-0009'].pk}/periods/")
    assert {row["reached"] for row in soon.json()["rows"]} == {False}
    assert {row["dds"] for row in soon.json()["rows"]} == {None}


def test_locf_carries_and_marks(api, clinic_patients):
    ags = clinic_patients["AAA-0002"]  # no diary in the week before the primary visit
    observed = api("clinician").get(f"/api/v1/patients/{ags.pk}/periods/?period=primary")
    [row] = observed.json()["rows"]
    assert row["dds"] is None and row["carried_forward"] == []
    carried = api("clinician").get(f"/api/v1/patients/{ags.pk}/periods/?period=primary&locf=1")
    [row] = carried.json()["rows"]
    assert row["dds"] is not None and row["carried_forward"] == ["dds", "pga"]
    assert row["dds_day"] < row["visit_date"]


def test_the_carer_reads_their_own_patients_periods(api, cast, clinic_patients):
    assert api("carer").get(f"/api/v1/patients/{cast.patient.pk}/periods/").status_code == 200


@pytest.mark.parametrize(
    ("query", "field"),
    [("locf=2", "locf"), ("threshold=nice", "threshold"), ("period=week_8", "period"),
     ("locf=", "locf")],
)  # fmt: skip
@pytest.mark.parametrize("what", ["periods", "cohort"])
def test_an_unknown_parameter_value_is_a_400_naming_it(api, cast, query, field, what):
    path = {
        "periods": f"/api/v1/patients/{cast.patient.pk}/periods/",
        "cohort": f"/api/v1/clinics/{cast.clinic.pk}/cohort/",
    }[what]
    answer = api("clinician").get(f"{path}?{query}")
    assert answer.status_code == 400
    assert answer["Content-Type"] == "application/problem+json"
    assert [error["field"] for error in answer.json()["errors"]] == [field]


@pytest.mark.parametrize(
    ("member", "path"),
    [
        ("outside_clinician", "/api/v1/clinics/{clinic}/cohort/"),
        ("carer", "/api/v1/clinics/{clinic}/cohort/"),
        ("clinician", "/api/v1/clinics/{other_clinic}/cohort/"),
        ("other_carer", "/api/v1/patients/{patient}/periods/"),
        ("outside_clinician", "/api/v1/patients/{patient}/periods/"),
        ("clinician", "/api/v1/patients/{other_patient}/periods/"),
    ],
)
def test_outside_scope_is_404_like_a_missing_id(api, cast, member, path):
    ids = {
        "clinic": cast.clinic.pk,
        "other_clinic": cast.other_clinic.pk,
        "patient": cast.patient.pk,
        "other_patient": cast.other_patient.pk,
    }
    forbidden = api(member).get(path.format(**ids))
    missing = api(member).get(path.format(**dict.fromkeys(ids, 999_999)))
    assert forbidden.status_code == missing.status_code == 404
    assert forbidden.json()["detail"] == missing.json()["detail"]


def test_staff_reads_are_logged_per_patient(api, cast, clinic_patients):
    api("clinician").get(f"/api/v1/clinics/{cast.clinic.pk}/cohort/")
    logged = set(
        RecordAccess.objects.filter(what="api_cohort").values_list("patient_id", flat=True)
    )
    assert logged == {p.pk for p in clinic_patients.values()}
    api("clinician").get(f"/api/v1/patients/{cast.patient.pk}/periods/")
    api("carer").get(f"/api/v1/patients/{cast.patient.pk}/periods/")
    reads = RecordAccess.objects.filter(what="api_periods")
    assert list(reads.values_list("user_id", "patient_id")) == [
        (cast.clinician.pk, cast.patient.pk)
    ]


def test_the_cohort_has_every_group_and_cell(api, cast, clinic_patients):
    body = api("clinician").get(f"/api/v1/clinics/{cast.clinic.pk}/cohort/").json()
    assert body["clinic"] == cast.clinic.pk and body["locf"] is False
    assert body["threshold"] == "profile"
    assert [g["disease"] for g in body["groups"]] == ["CANDLE", "SAVI", "AGS", "OTHER"]
    candle, savi, ags, other = body["groups"]
    assert (candle["patients"], savi["patients"], ags["patients"], other["patients"]) == (
        3,
        2,
        2,
        1,
    )
    assert candle["not_started"] == [
        {"id": clinic_patients["AAA-0008"].pk, "reference": "AAA-0008"}
    ]
    assert savi["primary_week"] == 32 and candle["primary_week"] == 20
    for group in body["groups"]:
        assert len(group["rows"]) == 16
        for row in group["rows"]:
            assert set(row) == CELL_FIELDS


def _recomputed(periods, measure, period):
    value_field, change_field = MEASURES[measure]
    if measure == "steroid_mg_per_kg":
        periods = [p for p in periods if p["on_steroids_at_baseline"]]
    rows = [r for p in periods for r in p["rows"] if r["period"] == period]
    values = [r for r in rows if r[value_field] is not None]
    changes = [r[change_field] for r in rows if r[change_field] is not None]
    found = {
        "n": len(values),
        "mean": statistics.fmean(r[value_field] for r in values) if values else None,
        "sd": statistics.stdev(r[value_field] for r in values) if len(values) > 1 else None,
        "change_n": len(changes),
        "change_mean": statistics.fmean(changes) if changes else None,
        "change_sd": statistics.stdev(changes) if len(changes) > 1 else None,
        "carried_forward": sum(1 for r in values if measure in r["carried_forward"]),
    }
    if measure == "dds":
        found["below_threshold"] = sum(1 for r in values if r["below_threshold"])
        found["in_remission_range"] = sum(1 for r in values if r["in_remission_range"])
    if measure == "steroid_mg_per_kg":
        percent = [
            r["steroid_percent_change"] for r in rows if r["steroid_percent_change"] is not None
        ]
        found["percent_change_n"] = len(percent)
        found["percent_change_mean"] = statistics.fmean(percent) if percent else None
        found["percent_change_sd"] = statistics.stdev(percent) if len(percent) > 1 else None
        found["responders"] = sum(1 for r in rows if r["steroid_response"])
    return found


@pytest.mark.parametrize("locf", ["0", "1"])
@pytest.mark.parametrize("threshold", ["profile", "uniform"])
def test_every_cohort_cell_is_recomputed_from_periods(api, cast, clinic_patients, locf, threshold):
    client = api("clinician")
    query = f"?locf={locf}&threshold={threshold}"
    cohort = client.get(f"/api/v1/clinics/{cast.clinic.pk}/cohort/{query}").json()
    listed = client.get("/api/v1/patients/?page_size=200").json()["results"]
    mine = [p for p in listed if p["reference"].startswith("AAA-")]
    assert len(mine) == 9
    periods = {
        p["id"]: client.get(f"/api/v1/patients/{p['id']}/periods/{query}").json() for p in mine
    }
    checked = carried = 0
    for group in cohort["groups"]:
        members = [
            body for body in periods.values()
            if body["disease"] == group["disease"] and body["treatment_start"] is not None
        ]  # fmt: skip
        assert group["patients"] == len(members)
        not_started = [
            b["reference"] for b in periods.values()
            if b["disease"] == group["disease"] and b["treatment_start"] is None
        ]  # fmt: skip
        assert [p["reference"] for p in group["not_started"]] == not_started
        for cell in group["rows"]:
            expected = _recomputed(members, cell["measure"], cell["period"])
            for name, value in expected.items():
                assert cell[name] == pytest.approx(value, rel=1e-12, abs=1e-12), (
                    group["disease"], cell["measure"], cell["period"], name,
                )  # fmt: skip
            checked += cell["n"]
            carried += cell["carried_forward"]
    assert checked > 60  # the clinic is not empty: many values were compared
    assert (carried > 0) == (locf == "1")


def test_the_threshold_switch_chooses_savis_threshold(api, cast, clinic_patients):
    savi = clinic_patients["AAA-0005"]  # the clinic's JAGA profile: SAVI 1.0; uniform: 0.5
    base = f"/api/v1/patients/{savi.pk}/periods/?period=primary"
    profile = api("clinician").get(base).json()["rows"][0]
    uniform = api("clinician").get(base + "&threshold=uniform").json()["rows"][0]
    assert profile["control_threshold"] == 1.0 and uniform["control_threshold"] == 0.5


def test_the_primary_week_is_a_clinic_setting(api, cast, clinic_patients):
    from clinicians.cohort.models import CohortSettings

    CohortSettings.objects.create(clinic=cast.clinic, primary_week_candle=24)
    body = api("clinician").get(f"/api/v1/clinics/{cast.clinic.pk}/cohort/?period=primary").json()
    assert [(g["disease"], g["primary_week"]) for g in body["groups"]] == [
        ("CANDLE", 24), ("SAVI", 32), ("AGS", 32), ("OTHER", 20),
    ]  # fmt: skip
    assert {row["week"] for row in body["groups"][0]["rows"]} == {24}
    periods = api("clinician").get(f"/api/v1/patients/{cast.patient.pk}/periods/?period=primary")
    [row] = periods.json()["rows"]
    start = periods.json()["treatment_start"]
    assert row["week"] == 24
    gap = datetime.date.fromisoformat(row["visit_date"]) - datetime.date.fromisoformat(start)
    assert gap.days == 24 * 7
    assert CohortSettings.history.count() == 1  # audited like every clinic setting
