import datetime

import factory

from diary.models import CarerLink, Patient, PatientIdentity, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class PatientIdentityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PatientIdentity

    patient = factory.SubFactory("tests.diary.factories.PatientFactory", identity=None)
    display_name = factory.Sequence(lambda n: f"Patient {n}")
    date_of_birth = datetime.date(2015, 1, 1)


class PatientFactory(factory.django.DjangoModelFactory):
    """A patient with an identity (``display_name`` and ``date_of_birth`` go to it)."""

    class Meta:
        model = Patient
        skip_postgeneration_save = True  # the identity is saved on its own

    class Params:
        display_name = factory.Sequence(lambda n: f"Patient {n}")
        date_of_birth = datetime.date(2015, 1, 1)

    clinic = factory.SubFactory("tests.clinicians.factories.ClinicFactory")
    reference = factory.Sequence(lambda n: f"TST-{n:04d}")
    birth_year = factory.LazyAttribute(lambda p: p.date_of_birth.year)
    disease = "CANDLE"
    time_zone = "Europe/London"
    identity = factory.RelatedFactory(
        PatientIdentityFactory,
        factory_related_name="patient",
        display_name=factory.SelfAttribute("..display_name"),
        date_of_birth=factory.SelfAttribute("..date_of_birth"),
    )


class CarerLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CarerLink

    carer = factory.SubFactory(UserFactory)
    patient = factory.SubFactory(PatientFactory)
    relationship = CarerLink.Relationship.MOTHER
