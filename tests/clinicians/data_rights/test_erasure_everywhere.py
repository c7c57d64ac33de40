"""Erasure leaves no direct identifier anywhere in the database, history and journal included.

The patient is registered, renamed and given a carer through the product's own pages and
services, so every place those write (history tables, the PostgreSQL journal, the admin log,
django-axes' sign-in log, invitations) holds the identifiers before the erasure. After it, a
search of every column of every table finds none of them, while the pseudonymous clinical
record (reference, entries, versions, scores) is kept. Run on SQLite and on PostgreSQL.
"""

import datetime

from django.utils import timezone

from diary.days import DayRules
from diary.invitations import create_invitation
from diary.models import CarerLink, EntryVersion, ItemScore, Patient, Source, User
from diary.services import Submission, submit_entry
from tests.clinicians.clinic_data import CANDLE
from tests.conftest import sign_in
from tests.database_search import holding

FIRST_NAME = "Zebedee Quixote"
NAME = "Zebedee Quixote-Marchbanks"
BORN = datetime.date(2016, 3, 14)
CARER_USERNAME = "philippa.qv"
CARER_PASSWORD = "a long enough passphrase 42"
CARER_FIRST, CARER_LAST = "Philippa", "Quarrington-Vesey"
CARER_EMAIL = "p.quarrington@example.net"
PATIENT_IDENTIFIERS = [FIRST_NAME, "Marchbanks", BORN.isoformat()]
CARER_IDENTIFIERS = [CARER_USERNAME, CARER_LAST, CARER_EMAIL]


def _register_rename_and_give_a_carer(client, cast):
    base = f"/clinic/admin/{cast.clinic.pk}/"
    sign_in(client, cast.clinic_admin)
    data = {
        "reference": "AAA-0005",
        "display_name": FIRST_NAME,
        "date_of_birth": BORN.isoformat(),
        "disease": "CANDLE",
        "time_zone": "Europe/London",
    }
    assert client.post(f"{base}patients/new/", data).status_code == 302
    patient = Patient.objects.get(reference="AAA-0005")
    renamed = {**data, "display_name": NAME, "reason": "full name"}
    assert client.post(f"{base}patients/{patient.pk}/", renamed).status_code == 302
    _, token = create_invitation(
        patient=patient, email=CARER_EMAIL, relationship="mother", invited_by=cast.clinic_admin
    )
    client.logout()
    accepted = client.post(
        f"/invite/{token}/",
        {"username": CARER_USERNAME, "password1": CARER_PASSWORD, "password2": CARER_PASSWORD},
    )
    assert accepted.status_code == 302
    carer = User.objects.get(username=CARER_USERNAME)
    User.objects.filter(pk=carer.pk).update(first_name=CARER_FIRST, last_name=CARER_LAST)
    client.logout()
    signed_in = client.post(
        "/accounts/login/", {"username": CARER_USERNAME, "password": CARER_PASSWORD}
    )
    assert signed_in.status_code == 302
    return patient, carer


def _one_entry(patient, carer):
    today = DayRules.for_patient(patient).offered_day(timezone.now())
    submit_entry(
        patient=patient,
        user=carer,
        submission=Submission(date=today, scores=dict.fromkeys(CANDLE, 2), notes="itchy"),
        source=Source.WEB,
    )


def test_an_erased_patient_and_their_only_carer_leave_no_identifier_in_any_table(client, cast):
    patient, carer = _register_rename_and_give_a_carer(client, cast)
    _one_entry(patient, carer)
    sign_in(client, cast.clinician)
    assert client.get(f"/clinic/patients/{patient.pk}/").status_code == 200
    before = {needle for _, _, needle in holding(PATIENT_IDENTIFIERS + CARER_IDENTIFIERS)}
    assert before == set(PATIENT_IDENTIFIERS + CARER_IDENTIFIERS)  # the search finds them

    sign_in(client, cast.clinic_admin)
    response = client.post(
        f"/clinic/patients/{patient.pk}/data-rights/erase/",
        {"reason": "family asked", "confirm_reference": "AAA-0005"},
    )
    assert response.status_code == 302

    assert holding(PATIENT_IDENTIFIERS + CARER_IDENTIFIERS) == set()
    # The pseudonymous clinical record stays, entered by the (now anonymous) carer account.
    kept = Patient.objects.get(reference="AAA-0005")
    version = EntryVersion.objects.get(patient=kept)
    assert version.entered_by_id == carer.pk and version.notes == "itchy"
    assert ItemScore.objects.filter(version=version).count() == len(CANDLE)
    assert kept.display_name == "Erased patient AAA-0005" and not kept.is_active
    assert kept.date_of_birth == datetime.date(BORN.year, 1, 1)
    gone = User.objects.get(pk=carer.pk)
    assert not gone.is_active and not gone.has_usable_password()
    client.force_login(gone)  # a session of the closed account is no session at all
    assert client.get(f"/diary/{kept.pk}/")["Location"].startswith("/accounts/login/")


def test_a_carer_of_another_patient_keeps_their_account(client, cast):
    CarerLink.objects.create(carer=cast.carer, patient=cast.unlinked_patient, relationship="other")
    sign_in(client, cast.clinic_admin)
    response = client.post(
        f"/clinic/patients/{cast.patient.pk}/data-rights/erase/",
        {"reason": "family asked", "confirm_reference": "AAA-0001"},
    )
    assert response.status_code == 302
    carer = User.objects.get(pk=cast.carer.pk)
    assert carer.is_active and carer.username == "carer" and carer.email == "carer@example.org"
    sign_in(client, cast.carer)
    assert client.get(f"/diary/{cast.unlinked_patient.pk}/").status_code == 200
    assert client.get(f"/diary/{cast.patient.pk}/").status_code == 404


def test_an_erased_patients_details_can_change_but_no_identity_comes_back(client, cast):
    sign_in(client, cast.clinic_admin)
    client.post(
        f"/clinic/patients/{cast.patient.pk}/data-rights/erase/",
        {"reason": "family asked", "confirm_reference": "AAA-0001"},
    )
    edit = f"/clinic/admin/{cast.clinic.pk}/patients/{cast.patient.pk}/"
    page = client.get(edit).content.decode()
    assert 'value="Erased patient AAA-0001"' in page and 'value="2015-01-01"' in page
    form = {
        "reference": "AAA-0001",
        "display_name": "Erased patient AAA-0001",
        "date_of_birth": "2015-01-01",
        "disease": "CANDLE",
        "time_zone": "Europe/Dublin",
        "reason": "moved",
    }
    assert client.post(edit, form).status_code == 302
    assert client.post(edit, {**form, "display_name": "Someone New"}).status_code == 400
    patient = Patient.objects.get(pk=cast.patient.pk)
    assert patient.time_zone == "Europe/Dublin" and patient.identity_or_none() is None
