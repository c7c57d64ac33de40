"""Move each patient's name and date of birth into ``PatientIdentity``; scrub them elsewhere.

For every patient: the birth year is set from the date of birth; a patient erased before this
change (named ``Erased patient <reference>``) gets ``erased_at`` from the history row of the
erasure and no identity; every other patient's identity row is created with a history row that
holds no values. The history rows of patients get their birth year, and on PostgreSQL the
journal's copies of patient rows lose the name and date of birth (``0009`` then drops those
columns, history included). The append-only triggers are lifted for this one migration only.

Reversing puts the live identities back on the patients (an erased patient gets its former
pseudonymised name and 1 January of the birth year); what was removed from the history tables
and the journal is gone for good.
"""

import datetime
from typing import Any

from django.db import migrations
from django.db.models.functions import ExtractYear
from django.utils import timezone

ORIGIN = "migration:diary.0008"
REASON = "identity moved out of the history tables"
APPEND_ONLY = {
    "diary_historicalpatient": "diary_historicalpatient_append_only",
    "audit_raw_change": "audit_raw_change_append_only",
}
SCRUB_JOURNAL = """
UPDATE audit_raw_change
SET old_row = old_row - 'display_name' - 'date_of_birth',
    new_row = new_row - 'display_name' - 'date_of_birth'
WHERE table_name = 'diary_patient'
"""


def _triggers(schema_editor: Any, action: str) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for table, trigger in APPEND_ONLY.items():
            schema_editor.execute(f"ALTER TABLE {table} {action} TRIGGER {trigger}", params=None)


def _erased_at(history: Any, patient: Any) -> Any:
    erased_name = f"Erased patient {patient.reference}"
    rows = history.objects.filter(id=patient.pk, display_name=erased_name)
    row = rows.order_by("history_date").first()
    return row.history_date if row is not None else timezone.now()


def move_identity(apps: Any, schema_editor: Any) -> None:
    patients = apps.get_model("diary", "Patient")
    identities = apps.get_model("diary", "PatientIdentity")
    patient_history = apps.get_model("diary", "HistoricalPatient")
    identity_history = apps.get_model("diary", "HistoricalPatientIdentity")
    now = timezone.now()
    _triggers(schema_editor, "DISABLE")
    patients.objects.update(birth_year=ExtractYear("date_of_birth"))
    patient_history.objects.update(birth_year=ExtractYear("date_of_birth"))
    for patient in patients.objects.order_by("pk"):
        if patient.display_name == f"Erased patient {patient.reference}":
            patient.erased_at = _erased_at(patient_history, patient)
            patient.save(update_fields=["erased_at"])
            continue
        identity = identities.objects.create(
            patient=patient, display_name=patient.display_name, date_of_birth=patient.date_of_birth
        )
        identity_history.objects.create(
            id=identity.pk,
            patient_id=patient.pk,
            history_date=now,
            history_type="+",
            history_change_reason=REASON,
            history_role="system",
            history_origin=ORIGIN,
            history_changed_fields="display_name date_of_birth",
        )
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SCRUB_JOURNAL, params=None)
    _triggers(schema_editor, "ENABLE")


def restore_identity(apps: Any, schema_editor: Any) -> None:
    patients = apps.get_model("diary", "Patient")
    identities = apps.get_model("diary", "PatientIdentity")
    for patient in patients.objects.order_by("pk"):
        identity = identities.objects.filter(patient=patient).first()
        if identity is None:
            patient.display_name = f"Erased patient {patient.reference}"
            patient.date_of_birth = datetime.date(patient.birth_year, 1, 1)
        else:
            patient.display_name = identity.display_name
            patient.date_of_birth = identity.date_of_birth
        patient.save(update_fields=["display_name", "date_of_birth"])


class Migration(migrations.Migration):
    dependencies = [("diary", "0007_patient_identity")]

    operations = [migrations.RunPython(move_identity, restore_identity)]
