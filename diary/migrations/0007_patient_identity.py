"""A patient's direct identifiers get their own table, outside the historied clinical tables.

``PatientIdentity`` (name, date of birth) is tracked by simple-history without its values, its
history is append-only like the others, and on PostgreSQL the database journal records its
row changes without the values either. The patient gains its birth year (kept after erasure)
and the time of erasure; ``0008`` moves the data, ``0009`` drops the old columns.
"""

from typing import Any

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

from diary.audit import protect_tables

IDENTITY_TABLE = "diary_patientidentity"

JOURNAL_WITHOUT_VALUES = f"""
CREATE OR REPLACE FUNCTION ifn_journal_change_without_values() RETURNS trigger AS $$
DECLARE
    before jsonb;
    after jsonb;
BEGIN
    -- The values are direct identifiers, erased with their row: journal which row changed
    -- and which of its fields, never the values.
    IF TG_OP <> 'INSERT' THEN
        before := jsonb_build_object('id', OLD.id, 'patient_id', OLD.patient_id);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        after := jsonb_build_object('id', NEW.id, 'patient_id', NEW.patient_id);
    END IF;
    IF TG_OP = 'UPDATE' THEN
        after := after || jsonb_build_object('changed_fields', (
            SELECT coalesce(jsonb_agg(key ORDER BY key), '[]'::jsonb)
            FROM jsonb_object_keys(to_jsonb(NEW)) AS key
            WHERE to_jsonb(OLD) -> key IS DISTINCT FROM to_jsonb(NEW) -> key));
    END IF;
    INSERT INTO audit_raw_change (at, db_user, txid, table_name, operation, old_row, new_row)
    VALUES (now(), current_user, txid_current(), TG_TABLE_NAME, TG_OP, before, after);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER {IDENTITY_TABLE}_journal AFTER INSERT OR UPDATE OR DELETE ON {IDENTITY_TABLE}
FOR EACH ROW EXECUTE FUNCTION ifn_journal_change_without_values();
"""

UNJOURNAL = f"""
DROP TRIGGER IF EXISTS {IDENTITY_TABLE}_journal ON {IDENTITY_TABLE};
DROP FUNCTION IF EXISTS ifn_journal_change_without_values();
"""


def journal(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(JOURNAL_WITHOUT_VALUES, params=None)


def unjournal(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNJOURNAL, params=None)


BIRTH_YEAR_HELP = "Year of birth, kept after erasure so age-related clinical meaning survives."
ERASED_AT_HELP = "When the patient's identity was erased."


class Migration(migrations.Migration):
    dependencies = [
        ("diary", "0006_raw_change"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalpatient",
            name="birth_year",
            field=models.PositiveSmallIntegerField(null=True, help_text=BIRTH_YEAR_HELP),
        ),
        migrations.AddField(
            model_name="patient",
            name="birth_year",
            field=models.PositiveSmallIntegerField(null=True, help_text=BIRTH_YEAR_HELP),
        ),
        migrations.AddField(
            model_name="historicalpatient",
            name="erased_at",
            field=models.DateTimeField(blank=True, help_text=ERASED_AT_HELP, null=True),
        ),
        migrations.AddField(
            model_name="patient",
            name="erased_at",
            field=models.DateTimeField(blank=True, help_text=ERASED_AT_HELP, null=True),
        ),
        migrations.CreateModel(
            name="HistoricalPatientIdentity",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("history_role", models.CharField(blank=True, max_length=20)),
                ("history_origin", models.CharField(blank=True, max_length=60)),
                ("history_changed_fields", models.CharField(blank=True, max_length=200)),
                ("history_change_reason", models.TextField(null=True)),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")],
                        max_length=1,
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "patient",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="diary.patient",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical patient identity",
                "verbose_name_plural": "historical patient identities",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="PatientIdentity",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("display_name", models.CharField(max_length=120)),
                ("date_of_birth", models.DateField()),
                (
                    "patient",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="identity",
                        to="diary.patient",
                    ),
                ),
            ],
            options={"verbose_name_plural": "patient identities"},
        ),
        protect_tables("diary_historicalpatientidentity"),
        migrations.RunPython(journal, unjournal),
    ]
