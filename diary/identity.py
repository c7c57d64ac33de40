"""A patient's identity (name and date of birth), written apart from the clinical record.

The identity lives in ``PatientIdentity``, whose history keeps who changed it, when, why and
which fields, never the values; the patient keeps only the birth year. Callers save the patient
and then the identity in one transaction inside their ``audit_context``.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError

from diary.models import Patient, PatientIdentity


def identity_to_save(
    patient: Patient, *, display_name: str, date_of_birth: datetime.date
) -> PatientIdentity | None:
    """``patient``'s identity with these values, or ``None`` when nothing would change.

    Sets the patient's birth year to match (unsaved). An erased patient's identity is never
    recorded again: the same pseudonymised values change nothing, anything else is refused.
    """
    if patient.erased_at is not None:
        if (display_name, date_of_birth) != (patient.display_name, patient.date_of_birth):
            raise ValidationError({"display_name": "This patient's identity has been erased."})
        return None
    identity = patient.identity_or_none() or PatientIdentity(patient=patient)
    identity.display_name = display_name
    identity.date_of_birth = date_of_birth
    identity.full_clean(exclude=["patient"])
    patient.birth_year = date_of_birth.year
    return identity if identity.changed_fields() else None
