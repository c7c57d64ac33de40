import factory

from diary.clinics import Clinic, ClinicMembership
from tests.diary.factories import UserFactory


class ClinicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Clinic

    name = factory.Sequence(lambda n: f"Clinic {n}")
    reference_prefix = factory.Sequence(lambda n: f"C{n:03d}")
    time_zone = "Europe/London"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClinicMembership

    user = factory.SubFactory(UserFactory)
    clinic = factory.SubFactory(ClinicFactory)
    role = ClinicMembership.Role.CLINICIAN
