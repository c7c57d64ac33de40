import datetime
import json
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from clinicians.alerts.models import Alert
from clinicians.cohort.report import patient_visits_of
from clinicians.cohort.visits import Options
from clinicians.management.demo.cast import DEMO_DAYS, PATIENTS
from clinicians.nightly.models import NightRun
from diary.access import patients_for
from diary.clinics import Clinic, ClinicMembership
from diary.models import DiaryEntry, EntryVersion, Patient, User


def _seed_json() -> list[dict]:
    out = StringIO()
    call_command("seed_demo", "--json", stdout=out)
    return json.loads(out.getvalue())


def test_seed_demo_builds_the_demo_world_and_prints_usable_logins(db, client):
    accounts = _seed_json()
    assert Clinic.objects.count() == 2
    for clinic in Clinic.objects.all():
        roles = sorted(clinic.memberships.values_list("role", flat=True))
        assert roles == ["clinic_admin", "clinician", "clinician"]
    diseases = set(Patient.objects.values_list("disease", flat=True))
    assert diseases == {"CANDLE", "SAVI", "AGS", "OTHER"}
    assert Patient.objects.count() >= 20

    for account in accounts:
        user = User.objects.get(username=account["username"])
        assert user.check_password(account["password"])
        if account["role"] != "site_admin":
            visible = sorted(patients_for(user).values_list("reference", flat=True))
            assert visible == sorted(account["patients"]), account["username"]
    carers = [a for a in accounts if a["role"] == "carer"]
    assert any(len(a["patients"]) == 2 for a in carers)

    carer = next(a for a in carers if len(a["patients"]) == 2)
    signed_in = client.post(
        "/accounts/login/", {"username": carer["username"], "password": carer["password"]}
    )
    assert signed_in.status_code == 302
    page = client.get("/", follow=True)  # a carer lands on tonight's diary
    assert page.status_code == 200
    for reference in carer["patients"]:
        name = Patient.objects.get(reference=reference).display_name
        assert name.encode() in page.content  # both children in the switcher


def test_the_diaries_are_plausible_fourteen_months(db):
    _seed_json()
    today = timezone.now().date()
    for spec in PATIENTS:
        dates = list(
            Patient.objects.get(reference=spec.reference).entries.values_list("date", flat=True)
        )
        span = DEMO_DAYS - spec.joined
        assert min(dates) <= today - datetime.timedelta(days=span - 7), spec.reference
        assert max(dates) >= today - datetime.timedelta(days=2), spec.reference
        assert 0.8 * span < len(dates) < span, spec.reference  # some missed days
    assert DiaryEntry.objects.filter(timeliness="late").exists()
    assert EntryVersion.objects.filter(number=2).exclude(reason="").exists()
    assert EntryVersion.objects.exclude(temperature_c=None).exists()
    assert EntryVersion.objects.exclude(sleep_hours=None).exists()


def test_seeding_again_is_deterministic_and_adds_nothing(db):
    first = _seed_json()
    counts = (DiaryEntry.objects.count(), EntryVersion.objects.count())
    scores = list(
        EntryVersion.objects.order_by("patient__reference", "entry__date", "number").values_list(
            "patient__reference", "entry__date", "scores__item_code", "scores__score"
        )
    )
    second = _seed_json()
    assert (DiaryEntry.objects.count(), EntryVersion.objects.count()) == counts
    assert [a["username"] for a in first] == [a["username"] for a in second]
    assert first[0]["password"] != second[0]["password"]
    assert ClinicMembership.objects.count() == 6
    again = list(
        EntryVersion.objects.order_by("patient__reference", "entry__date", "number").values_list(
            "patient__reference", "entry__date", "scores__item_code", "scores__score"
        )
    )
    assert again == scores


def test_every_disease_group_in_each_clinic_has_a_year_of_cohort_visits(db):
    _seed_json()
    for clinic in Clinic.objects.all():
        patients = Patient.objects.filter(clinic=clinic).select_related("clinic")
        visits = patient_visits_of(patients, Options()).visits.values()
        assert any(v.treatment_start is None for v in visits), clinic.reference_prefix
        for disease in ("CANDLE", "SAVI", "AGS", "OTHER"):
            complete = [
                v
                for v in visits
                if v.disease == disease
                and all(
                    (row := v.row(period)) is not None
                    and row.dds is not None
                    and row.pga is not None
                    for period in ("baseline", "primary", "maintenance")
                )
            ]
            assert len(complete) >= 2, (clinic.reference_prefix, disease)
        on_steroids = [v for v in visits if v.on_steroids_at_baseline]
        assert any(v.row("primary").steroid_response for v in on_steroids)
        assert any(v.row("primary").steroid_response is False for v in on_steroids)
        assert any(v.rows and not v.on_steroids_at_baseline for v in visits)


def test_the_last_nights_are_evaluated_and_leave_open_alerts(db):
    _seed_json()
    assert NightRun.objects.filter(completed_at__isnull=False).count() >= 2 * 4
    open_rules = set(Alert.objects.filter(status=Alert.Status.OPEN).values_list("rule", flat=True))
    assert {"marked_rise", "severe_symptom", "diary_gap"} <= open_rules
    for clinic in Clinic.objects.all():
        assert Alert.objects.filter(patient__clinic=clinic, status=Alert.Status.OPEN).exists()
    opened = Alert.objects.count()
    _seed_json()  # seeding again evaluates nothing twice
    assert Alert.objects.count() == opened
