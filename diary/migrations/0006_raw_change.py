"""The database-level journal of clinical row changes (``audit_raw_change``).

On PostgreSQL only: a trigger on every tracked mutable clinical table copies the old and new
row of each INSERT, UPDATE and DELETE into ``audit_raw_change``, whoever makes the change (the
application, a shell, raw SQL); the journal itself is append-only.
"""

from typing import Any

import django.db.models.functions.datetime
from django.db import migrations, models

from diary.audit import protect_tables

JOURNALLED_TABLES = (
    "diary_patient",
    "diary_carerlink",
    "diary_instrumentdefinition",
    "clinicians_clinic",
    "clinicians_clinicmembership",
    "clinicians_alert",
    "clinicians_treatmentcourse",
    "clinicians_measurement",
    "clinicians_steroiddose",
    "clinicians_pgaassessment",
    "clinicians_appointment",
    "clinicians_studyperiod",
)

FUNCTION = """
ALTER TABLE audit_raw_change ALTER COLUMN db_user SET DEFAULT current_user;
ALTER TABLE audit_raw_change ALTER COLUMN txid SET DEFAULT txid_current();
CREATE OR REPLACE FUNCTION ifn_journal_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO audit_raw_change (at, db_user, txid, table_name, operation, old_row, new_row)
        VALUES (now(), current_user, txid_current(), TG_TABLE_NAME, TG_OP, NULL, to_jsonb(NEW));
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO audit_raw_change (at, db_user, txid, table_name, operation, old_row, new_row)
        VALUES (now(), current_user, txid_current(), TG_TABLE_NAME, TG_OP, to_jsonb(OLD),
                to_jsonb(NEW));
    ELSE
        INSERT INTO audit_raw_change (at, db_user, txid, table_name, operation, old_row, new_row)
        VALUES (now(), current_user, txid_current(), TG_TABLE_NAME, TG_OP, to_jsonb(OLD), NULL);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""


def _forward_sql() -> str:
    statements = [FUNCTION]
    for table in JOURNALLED_TABLES:
        statements.append(
            f"CREATE TRIGGER {table}_journal AFTER INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION ifn_journal_change();"
        )
    return "\n".join(statements)


def _reverse_sql() -> str:
    statements = [
        f"DROP TRIGGER IF EXISTS {table}_journal ON {table};" for table in JOURNALLED_TABLES
    ]
    statements.append("DROP FUNCTION IF EXISTS ifn_journal_change();")
    return "\n".join(statements)


def journal(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_forward_sql(), params=None)


def unjournal(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_reverse_sql(), params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("diary", "0005_session_epoch_verified_token"),
        ("clinicians", "0009_evaluation_unique_by_date"),
    ]

    operations = [
        migrations.CreateModel(
            name="RawChange",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("at", models.DateTimeField(db_default=django.db.models.functions.datetime.Now())),
                ("db_user", models.TextField(blank=True, default="")),
                ("txid", models.BigIntegerField(blank=True, null=True)),
                ("table_name", models.TextField()),
                ("operation", models.TextField()),
                ("old_row", models.JSONField(blank=True, null=True)),
                ("new_row", models.JSONField(blank=True, null=True)),
            ],
            options={"db_table": "audit_raw_change", "ordering": ["at", "id"]},
        ),
        migrations.RunPython(journal, unjournal),
        protect_tables("audit_raw_change"),
    ]
