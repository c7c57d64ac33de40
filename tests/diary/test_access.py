import pytest
from django.http import Http404

from diary.access import entry_for, patient_for, patients_for, role_for
from diary.services import Submission, submit_entry
from tests.conftest import MEMBERS, PATIENTS, SEES


@pytest.mark.parametrize("member", MEMBERS)
def test_patients_for_lists_exactly_the_patients_in_scope(cast, member):
    user = cast.member(member)
    visible = set(patients_for(user).values_list("reference", flat=True))
    assert visible == {getattr(cast, name).reference for name in SEES[member]}


@pytest.mark.parametrize("member", MEMBERS)
@pytest.mark.parametrize("patient_name", PATIENTS)
def test_patient_for_answers_404_outside_scope(cast, member, patient_name):
    user, patient = cast.member(member), getattr(cast, patient_name)
    if patient_name in SEES[member]:
        assert patient_for(user, patient.pk) == patient
    else:
        with pytest.raises(Http404):
            patient_for(user, patient.pk)


@pytest.mark.parametrize("member", MEMBERS)
@pytest.mark.parametrize("patient_name", ["patient", "other_patient"])
def test_entry_for_follows_the_patient_scope(cast, member, patient_name, db):
    patient = getattr(cast, patient_name)
    author = cast.carer if patient_name == "patient" else cast.other_carer
    import datetime

    from django.utils import timezone

    day = timezone.now().date() - datetime.timedelta(days=1)
    entry = submit_entry(
        patient=patient,
        user=author,
        submission=Submission(date=day, scores={}),
        source="web",
    ).entry
    user = cast.member(member)
    if patient_name in SEES[member]:
        assert entry_for(user, entry.pk) == entry
    else:
        with pytest.raises(Http404):
            entry_for(user, entry.pk)


@pytest.mark.parametrize("bad_id", ["abc", None, -1, 0, 2**70, "1; DROP TABLE"])
def test_malformed_ids_are_404_not_errors(cast, bad_id):
    with pytest.raises(Http404):
        patient_for(cast.clinician, bad_id)


def test_missing_and_forbidden_ids_look_the_same(cast):
    with pytest.raises(Http404) as missing:
        patient_for(cast.carer, 999_999)
    with pytest.raises(Http404) as forbidden:
        patient_for(cast.carer, cast.other_patient.pk)
    assert str(missing.value) == str(forbidden.value)


def test_inactive_patient_is_hidden_from_carers_but_not_the_clinic(cast):
    cast.patient.is_active = False
    cast.patient.save()
    assert not patients_for(cast.carer).exists()
    assert patient_for(cast.clinician, cast.patient.pk) == cast.patient


def test_role_for_names_the_role_in_which_a_user_acts(cast):
    assert role_for(cast.carer, cast.patient) == "carer"
    assert role_for(cast.clinician, cast.patient) == "clinician"
    assert role_for(cast.clinic_admin, cast.patient) == "clinic_admin"
    with pytest.raises(Http404):
        role_for(cast.outside_clinician, cast.patient)


def test_removing_a_membership_removes_the_scope(cast):
    cast.clinician.clinic_memberships.all().delete()
    assert not patients_for(cast.clinician).exists()


def test_inactive_user_sees_nothing(cast):
    cast.clinician.is_active = False
    assert not patients_for(cast.clinician).exists()
