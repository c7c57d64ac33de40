import datetime

import factory

from diary.models import CarerLink, Patient, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patient

    clinic = factory.SubFactory("tests.clinicians.factories.ClinicFactory")
    reference = factory.Sequence(lambda n: f"TST-{n:04d}")
    display_name = factory.Sequence(lambda n: f"Patient {n}")
    date_of_birth = datetime.date(2015, 1, 1)
    disease = "CANDLE"
    time_zone = "Europe/London"


class CarerLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CarerLink

    carer = factory.SubFactory(UserFactory)
    patient = factory.SubFactory(PatientFactory)
    relationship = CarerLink.Relationship.MOTHER
