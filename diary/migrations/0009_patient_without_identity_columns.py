"""The patient table and its history lose the name and date of birth (now in the identity)."""

from django.db import migrations, models

BIRTH_YEAR_HELP = "Year of birth, kept after erasure so age-related clinical meaning survives."


class Migration(migrations.Migration):
    dependencies = [("diary", "0008_identity_out_of_history")]

    operations = [
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
