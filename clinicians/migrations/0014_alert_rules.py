"""Clinics' alert rules, versioned; every existing clinic gets SPEC §3.6's defaults as version 1."""

import zoneinfo

import django.db.models.deletion
import simple_history.models
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

from diary.audit import protect_tables

# The defaults every clinic had before clinics chose their own (SPEC §3.6), written out: a
# migration records what was in force when it ran, whatever the code's defaults become.
DEFAULTS = {
    "marked_rise_delta": Decimal("0.50"),
    "severe_temperature_c": Decimal("40.0"),
    "gap_reminder_days": 3,
    "gap_care_team_days": 7,
}
REASON = "SPEC §3.6 defaults, the rules every clinic had before choosing its own"


def defaults_for_existing_clinics(apps, schema_editor):
    Clinic = apps.get_model("diary", "Clinic")
    Rules = apps.get_model("clinicians", "ClinicAlertRules")
    History = apps.get_model("clinicians", "HistoricalClinicAlertRules")
    now = timezone.now()
    for clinic in Clinic.objects.order_by("pk"):
        opened = clinic.created_at.astimezone(zoneinfo.ZoneInfo(clinic.time_zone)).date()
        rules = Rules.objects.create(
            clinic=clinic, version=1, effective_from=opened, created_at=now, **DEFAULTS
        )
        History.objects.create(
            id=rules.pk,
            clinic_id=clinic.pk,
            version=1,
            effective_from=opened,
            created_at=now,
            history_date=now,
            history_type="+",
            history_change_reason=REASON,
            history_role="system",
            history_origin="migration:clinicians.0014",
            **DEFAULTS,
        )


class Migration(migrations.Migration):

    dependencies = [
        ('clinicians', '0013_remove_kept_dashboard_rows'),
        ('diary', '0012_daily_score'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='HistoricalClinicAlertRules',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('history_role', models.CharField(blank=True, max_length=20)),
                ('history_origin', models.CharField(blank=True, max_length=60)),
                ('version', models.PositiveIntegerField()),
                ('effective_from', models.DateField(help_text='The first diary day whose nightly evaluation uses these rules.')),
                ('marked_rise_delta', models.DecimalField(decimal_places=2, help_text='DDS points of rise over 7 days.', max_digits=3)),
                ('severe_temperature_c', models.DecimalField(decimal_places=1, max_digits=3)),
                ('gap_reminder_days', models.PositiveSmallIntegerField()),
                ('gap_care_team_days', models.PositiveSmallIntegerField()),
                ('created_at', models.DateTimeField()),
                ('history_change_reason', models.TextField(null=True)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('clinic', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='diary.clinic')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical clinic alert rules',
                'verbose_name_plural': 'historical clinic alert rules',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='ClinicAlertRules',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.PositiveIntegerField()),
                ('effective_from', models.DateField(help_text='The first diary day whose nightly evaluation uses these rules.')),
                ('marked_rise_delta', models.DecimalField(decimal_places=2, help_text='DDS points of rise over 7 days.', max_digits=3)),
                ('severe_temperature_c', models.DecimalField(decimal_places=1, max_digits=3)),
                ('gap_reminder_days', models.PositiveSmallIntegerField()),
                ('gap_care_team_days', models.PositiveSmallIntegerField()),
                ('created_at', models.DateTimeField()),
                ('clinic', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='alert_rules', to='diary.clinic')),
            ],
            options={
                'verbose_name_plural': 'clinic alert rules',
                'ordering': ['clinic_id', '-version'],
                'constraints': [models.UniqueConstraint(fields=('clinic', 'version'), name='alert_rules_version'), models.CheckConstraint(condition=models.Q(('marked_rise_delta__gt', 0), ('marked_rise_delta__lte', Decimal('3')), ('severe_temperature_c__gte', Decimal('37.5')), ('severe_temperature_c__lte', Decimal('42.0')), ('gap_care_team_days__lte', 28), ('gap_reminder_days__gte', 1), ('gap_reminder_days__lt', models.F('gap_care_team_days'))), name='alert_rules_within_bounds')],
            },
        ),
        migrations.RunPython(defaults_for_existing_clinics, migrations.RunPython.noop),
        protect_tables("clinicians_clinicalertrules", "clinicians_historicalclinicalertrules"),
    ]
