"""Property: for random graphs of clinics, patients (active or not), carers, carer links and
staff memberships, every answer of the scope choke points matches a simple oracle.

Oracle: a carer sees the active patients linked to them; clinic staff see every patient of
the clinics they belong to; nobody sees anything else, and ``patient_for`` answers 404 for
exactly the patients ``patients_for`` leaves out.
"""

import pytest
from django.http import Http404
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diary.access import patient_for, patients_for
from diary.clinics import Clinic, ClinicMembership
from diary.models import CarerLink, Patient, User

CLINICS = 3
PATIENTS = 6
USERS = 5

graphs = st.fixed_dictionaries(
    {
        "patient_clinic": st.lists(
            st.integers(0, CLINICS - 1), min_size=PATIENTS, max_size=PATIENTS
        ),
        "patient_active": st.lists(st.booleans(), min_size=PATIENTS, max_size=PATIENTS),
        "links": st.sets(st.tuples(st.integers(0, USERS - 1), st.integers(0, PATIENTS - 1))),
        "memberships": st.sets(st.tuples(st.integers(0, USERS - 1), st.integers(0, CLINICS - 1))),
        "user_active": st.lists(st.booleans(), min_size=USERS, max_size=USERS),
    }
)


def oracle(graph: dict, user: int) -> set[int]:
    if not graph["user_active"][user]:
        return set()
    linked = {p for u, p in graph["links"] if u == user and graph["patient_active"][p]}
    clinics = {c for u, c in graph["memberships"] if u == user}
    staff = {p for p in range(PATIENTS) if graph["patient_clinic"][p] in clinics}
    return linked | staff


@pytest.mark.django_db(transaction=False)
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(graph=graphs)
def test_scope_matches_the_oracle_on_random_link_graphs(graph):
    from django.db import transaction

    try:
        with transaction.atomic():
            _check(graph)
            raise _Rollback
    except _Rollback:
        pass


class _Rollback(Exception):
    pass


def _check(graph: dict) -> None:
    clinics = [
        Clinic.objects.create(name=f"C{c}", reference_prefix=f"P{c}", time_zone="Europe/London")
        for c in range(CLINICS)
    ]
    patients = [
        Patient.objects.create(
            clinic=clinics[graph["patient_clinic"][p]],
            reference=f"P-{p}",
            birth_year=2015,
            disease="CANDLE",
            time_zone="Europe/London",
            is_active=graph["patient_active"][p],
        )
        for p in range(PATIENTS)
    ]
    users = [
        User.objects.create(username=f"u{u}", is_active=graph["user_active"][u])
        for u in range(USERS)
    ]
    for u, p in graph["links"]:
        CarerLink.objects.create(carer=users[u], patient=patients[p], relationship="mother")
    for u, c in graph["memberships"]:
        ClinicMembership.objects.create(user=users[u], clinic=clinics[c], role="clinician")
    index = {patient.pk: p for p, patient in enumerate(patients)}
    for u, user in enumerate(users):
        expected = oracle(graph, u)
        seen = [index[pk] for pk in patients_for(user).values_list("pk", flat=True)]
        assert len(seen) == len(set(seen)), "duplicates"
        assert set(seen) == expected, (u, graph)
        for p, patient in enumerate(patients):
            if p in expected:
                assert patient_for(user, patient.pk).pk == patient.pk
            else:
                with pytest.raises(Http404):
                    patient_for(user, patient.pk)
