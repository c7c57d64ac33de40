import datetime
import json
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

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
    assert Patient.objects.count() >= 12

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


def test_the_diaries_are_plausible_six_months(db):
    _seed_json()
    today = timezone.now().date()
    for patient in Patient.objects.all():
        dates = list(patient.entries.values_list("date", flat=True))
        assert min(dates) <= today - datetime.timedelta(days=175)
        assert max(dates) >= today - datetime.timedelta(days=2)
        assert 140 < len(dates) < 182  # some missed days
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
