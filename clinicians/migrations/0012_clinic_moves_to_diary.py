"""Clinic and ClinicMembership now live in diary (see diary/0011_clinic_moves_to_diary)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('clinicians', '0011_kept_rows_mark'),
        ('diary', '0011_clinic_moves_to_diary'),
    ]

    operations = [
        # State only: the tables now belong to diary.Clinic and diary.ClinicMembership (db_table).
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='clinicmembership',
                    name='clinic',
                ),
                migrations.AlterField(
                    model_name='nightrun',
                    name='clinic',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='night_runs', to='diary.clinic'),
                ),
                migrations.RemoveField(
                    model_name='historicalclinicmembership',
                    name='clinic',
                ),
                migrations.RemoveField(
                    model_name='clinicmembership',
                    name='user',
                ),
                migrations.RemoveField(
                    model_name='historicalclinic',
                    name='history_user',
                ),
                migrations.RemoveField(
                    model_name='historicalclinicmembership',
                    name='history_user',
                ),
                migrations.RemoveField(
                    model_name='historicalclinicmembership',
                    name='user',
                ),
                migrations.DeleteModel(
                    name='Clinic',
                ),
                migrations.DeleteModel(
                    name='ClinicMembership',
                ),
                migrations.DeleteModel(
                    name='HistoricalClinic',
                ),
                migrations.DeleteModel(
                    name='HistoricalClinicMembership',
                ),
            ],
        ),
    ]
