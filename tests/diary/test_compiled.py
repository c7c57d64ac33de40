"""Compiled queries give what the ORM gives for the same queryset."""

import pytest
from django.db.models import Count, Exists, OuterRef

from diary.compiled import CompiledQuery
from diary.models import CarerLink, Patient


def _patients(pk, carer_id):
    return (
        Patient.objects.select_related("clinic")
        .annotate(
            linked=Exists(CarerLink.objects.filter(carer_id=carer_id, patient_id=OuterRef("pk"))),
            carers=Count("carer_links"),
        )
        .filter(pk=pk)
    )


QUERY = CompiledQuery(_patients, pk=-901, carer_id=-902)


def test_a_compiled_query_returns_the_instance_the_orm_returns(cast):
    for patient, carer in [(cast.patient, cast.carer), (cast.other_patient, cast.carer)]:
        compiled = QUERY.first(pk=patient.pk, carer_id=carer.pk)
        orm = _patients(patient.pk, carer.pk).first()
        assert compiled == orm and compiled.linked is orm.linked
        assert compiled.carers == orm.carers
        assert compiled.created_at == orm.created_at  # converted as the ORM does
        with_clinic = Patient.clinic.is_cached(compiled)
        assert with_clinic and compiled.clinic.time_zone == orm.clinic.time_zone
        assert compiled._state.adding is False and compiled._state.db == "default"
    assert QUERY.first(pk=cast.patient.pk + 10_000, carer_id=cast.carer.pk) is None


def test_a_stand_in_the_query_does_not_use_is_refused(cast):
    unused = CompiledQuery(lambda pk, other: Patient.objects.filter(pk=pk), pk=-1, other=-2)
    with pytest.raises(ValueError, match="other"):
        unused.first(pk=cast.patient.pk, other=0)
