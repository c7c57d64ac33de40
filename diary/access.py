"""The scope choke points: which patients (and entries) a user may see.

Every view, API class, export and task that touches a patient goes through these functions and
nowhere else. Anything outside a user's scope is reported exactly like something that does not
exist (``Http404``), so existence is never revealed.

- A carer sees the active patients linked to them.
- A clinician or clinic admin sees every patient of the clinics they belong to.
- Nobody else sees anything (superusers use the Django admin, not the product).
"""

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from diary.audit import ROLE_CARER, ROLE_CLINIC_ADMIN, ROLE_CLINICIAN
from diary.instruments import CURRENT_VERSION, current_version_annotation
from diary.models import CarerLink, DiaryEntry, Patient


def patients_for(user: Any) -> QuerySet[Patient]:
    """Every patient ``user`` may see, as one queryset without duplicates."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Patient.objects.none()
    linked = CarerLink.objects.filter(carer_id=user.pk).values("patient_id")
    clinics = user.clinic_memberships.values("clinic_id")
    return Patient.objects.filter(
        Q(pk__in=linked, is_active=True) | Q(clinic_id__in=clinics)
    ).select_related("identity")  # the name shown with every patient


def patient_for(user: Any, patient_id: Any) -> Patient:
    """The patient ``patient_id`` if ``user`` may see it; ``Http404`` otherwise.

    The same query also reads the user's role for the patient and the patient's current
    instrument version, so ``role_for`` and ``current_instrument`` need no query of their own
    for this object (a diary submission is one query before its writes, not four).
    """
    pk = _as_id(patient_id)
    if user is None or not user.is_authenticated or not user.is_active:
        raise Http404("No such patient.")
    try:
        patient = _patient_in_scope(user, pk).get()  # get(): no ORDER BY to build or run
    except Patient.DoesNotExist:
        raise Http404("No such patient.") from None
    role = _role(patient._membership_role, patient.is_active and patient._linked)  # type: ignore[attr-defined]
    patient._scope_role = (user.pk, role)  # type: ignore[attr-defined]
    return patient


def _patient_in_scope(user: Any, patient_id: int) -> QuerySet[Patient]:
    """``patients_for``'s patient ``patient_id``, with the role and instrument facts."""
    return (
        patients_for(user)
        .select_related("clinic")
        .annotate(
            _membership_role=Subquery(
                user.clinic_memberships.filter(clinic_id=OuterRef("clinic_id")).values("role")[:1]
            ),
            _linked=Exists(CarerLink.objects.filter(carer_id=user.pk, patient_id=OuterRef("pk"))),
            **{CURRENT_VERSION: current_version_annotation()},
        )
        .filter(pk=patient_id)
    )


def entry_for(user: Any, entry_id: Any) -> DiaryEntry:
    """The diary entry ``entry_id`` if its patient is in ``user``'s scope; ``Http404`` otherwise."""
    pk = _as_id(entry_id)
    entry = (
        DiaryEntry.objects.select_related("patient", "patient__clinic")
        .filter(pk=pk, patient__in=patients_for(user))
        .first()
    )
    if entry is None:
        raise Http404("No such entry.")
    return entry


def role_for(user: Any, patient: Patient) -> str:
    """The role in which ``user`` acts for ``patient``: clinic staff first, then carer.

    Raises ``Http404`` when the patient is outside the user's scope.
    """
    known = getattr(patient, "_scope_role", None)
    if known is not None and known[0] == user.pk:
        role = known[1]
    else:
        membership = user.clinic_memberships.filter(clinic_id=patient.clinic_id).first()
        linked = patient.is_active and (
            membership is None
            and CarerLink.objects.filter(carer_id=user.pk, patient=patient).exists()
        )
        role = _role(None if membership is None else membership.role, linked)
    if role is None:
        raise Http404("No such patient.")
    return role


def _role(membership_role: str | None, linked: bool) -> str | None:
    """Clinic staff first (admin or clinician), then carer of an active patient, else none."""
    if membership_role is not None:
        return ROLE_CLINIC_ADMIN if membership_role == ROLE_CLINIC_ADMIN else ROLE_CLINICIAN
    return ROLE_CARER if linked else None


def is_clinic_staff(user: Any) -> bool:
    return bool(user.is_authenticated and user.clinic_memberships.exists())


def _as_id(value: Any) -> int:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        raise Http404("No such object.") from None
    if pk <= 0 or pk > 2**63 - 1:
        raise Http404("No such object.")
    return pk
