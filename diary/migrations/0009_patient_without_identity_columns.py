"""The patient table and its history lose the name and date of birth (now in the identity).

The placeholder defaults only serve a rollback: re-added columns need a value before ``0008``'s
reverse fills the patients' own from their identities.
"""

import datetime

from django.db import migrations, models

BIRTH_YEAR_HELP = "Year of birth, kept after erasure so age-related clinical meaning survives."
ROLLBACK_PLACEHOLDER = datetime.date(1900, 1, 1)


class Migration(migrations.Migration):
    dependencies = [("diary", "0008_identity_out_of_history")]

    operations = [
        migrations.AlterField(
            model_name="historicalpatient",
            name="display_name",
            field=models.CharField(max_length=120, default=""),
        ),
        migrations.AlterField(
            model_name="patient",
            name="display_name",
            field=models.CharField(max_length=120, default=""),
        ),
        migrations.AlterField(
            model_name="historicalpatient",
            name="date_of_birth",
            field=models.DateField(default=ROLLBACK_PLACEHOLDER),
        ),
        migrations.AlterField(
            model_name="patient",
            name="date_of_birth",
            field=models.DateField(default=ROLLBACK_PLACEHOLDER),
        ),
        migrations.RemoveField(model_name="historicalpatient", name="date_of_birth"),
        migrations.RemoveField(model_name="historicalpatient", name="display_name"),
        migrations.RemoveField(model_name="patient", name="date_of_birth"),
        migrations.RemoveField(model_name="patient", name="display_name"),
        migrations.AlterField(
            model_name="historicalpatient",
            name="birth_year",
            field=models.PositiveSmallIntegerField(help_text=BIRTH_YEAR_HELP),
        ),
        migrations.AlterField(
            model_name="patient",
            name="birth_year",
            field=models.PositiveSmallIntegerField(help_text=BIRTH_YEAR_HELP),
        ),
    ]
