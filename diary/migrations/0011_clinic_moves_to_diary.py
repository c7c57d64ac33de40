"""Clinic and ClinicMembership move from clinicians to diary (diary imports nothing from clinicians)."""

import datetime
import diary.clinics
import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


MOVED = ["clinic", "clinicmembership", "historicalclinic", "historicalclinicmembership"]


def _relabel(apps, old, new):
    # Permissions and admin log entries point at content types: keep them by relabelling.
    content_type = apps.get_model("contenttypes", "ContentType")
    taken = content_type.objects.filter(app_label=new).values_list("model", flat=True)
    content_type.objects.filter(app_label=old, model__in=MOVED).exclude(model__in=list(taken)).update(
        app_label=new
    )


def move_content_types(apps, schema_editor):
    _relabel(apps, "clinicians", "diary")


def move_content_types_back(apps, schema_editor):
    _relabel(apps, "diary", "clinicians")


class Migration(migrations.Migration):

    dependencies = [
        ('diary', '0010_api_tokens_per_device'),
        ('clinicians', '0011_kept_rows_mark'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        # The tables stay where they are (db_table): only Django's idea of the owning app moves.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Clinic',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=200)),
                        ('reference_prefix', models.CharField(help_text='Prefix of patient references, e.g. GOS.', max_length=8, unique=True)),
                        ('time_zone', models.CharField(max_length=64, validators=[diary.clinics.validate_time_zone])),
                        ('threshold_profile', models.CharField(choices=[('JAGA', 'JAGA programme (CANDLE 0.5, SAVI 1.0, AGS 0.5, other 0.5)'), ('UNIFORM_0_5', 'Uniform 0.5 (2023 trial analysis)')], default='JAGA', max_length=20)),
                        ('diary_cutoff', models.TimeField(default=datetime.time(4, 0), help_text='Local time on the morning after a diary day until which it is on time.')),
                        ('backfill_days', models.PositiveSmallIntegerField(default=3, help_text='Days after the diary day during which carers may still enter it.')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                    ],
                    options={
                        'db_table': 'clinicians_clinic',
                        'ordering': ['name'],
                    },
                ),
                migrations.AlterField(
                    model_name='historicalinstrumentdefinition',
                    name='clinic',
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='diary.clinic'),
                ),
                migrations.AlterField(
                    model_name='historicalpatient',
                    name='clinic',
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='diary.clinic'),
                ),
                migrations.AlterField(
                    model_name='instrumentdefinition',
                    name='clinic',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='instrument_definitions', to='diary.clinic'),
                ),
                migrations.AlterField(
                    model_name='patient',
                    name='clinic',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='patients', to='diary.clinic'),
                ),
                migrations.CreateModel(
                    name='HistoricalClinic',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('history_role', models.CharField(blank=True, max_length=20)),
                        ('history_origin', models.CharField(blank=True, max_length=60)),
                        ('name', models.CharField(max_length=200)),
                        ('reference_prefix', models.CharField(db_index=True, help_text='Prefix of patient references, e.g. GOS.', max_length=8)),
                        ('time_zone', models.CharField(max_length=64, validators=[diary.clinics.validate_time_zone])),
                        ('threshold_profile', models.CharField(choices=[('JAGA', 'JAGA programme (CANDLE 0.5, SAVI 1.0, AGS 0.5, other 0.5)'), ('UNIFORM_0_5', 'Uniform 0.5 (2023 trial analysis)')], default='JAGA', max_length=20)),
                        ('diary_cutoff', models.TimeField(default=datetime.time(4, 0), help_text='Local time on the morning after a diary day until which it is on time.')),
                        ('backfill_days', models.PositiveSmallIntegerField(default=3, help_text='Days after the diary day during which carers may still enter it.')),
                        ('created_at', models.DateTimeField(blank=True, editable=False)),
                        ('history_change_reason', models.TextField(null=True)),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'historical clinic',
                        'verbose_name_plural': 'historical clinics',
                        'db_table': 'clinicians_historicalclinic',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='HistoricalClinicMembership',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('history_role', models.CharField(blank=True, max_length=20)),
                        ('history_origin', models.CharField(blank=True, max_length=60)),
                        ('role', models.CharField(choices=[('clinician', 'Clinician'), ('clinic_admin', 'Clinic admin')], max_length=20)),
                        ('created_at', models.DateTimeField(blank=True, editable=False)),
                        ('history_change_reason', models.TextField(null=True)),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('clinic', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='diary.clinic')),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('user', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'historical clinic membership',
                        'verbose_name_plural': 'historical clinic memberships',
                        'db_table': 'clinicians_historicalclinicmembership',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='ClinicMembership',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('role', models.CharField(choices=[('clinician', 'Clinician'), ('clinic_admin', 'Clinic admin')], max_length=20)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('clinic', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to='diary.clinic')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='clinic_memberships', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'clinicians_clinicmembership',
                        'constraints': [models.UniqueConstraint(fields=('user', 'clinic'), name='membership_unique'), models.CheckConstraint(condition=models.Q(('role__in', ['clinician', 'clinic_admin'])), name='membership_role_known')],
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
