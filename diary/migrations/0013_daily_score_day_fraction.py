from django.db import migrations, models


def fill(apps, schema_editor):
    # The stored rows get their days' own scores from the store's one writer (the application's
    # code, as 0012 did); a new database has no entries to score.
    if apps.get_model("diary", "DiaryEntry").objects.exists():
        from diary.daily_scores import rebuild

        rebuild()


class Migration(migrations.Migration):
    dependencies = [
        ("diary", "0012_daily_score"),
    ]

    operations = [
        migrations.AddField(
            model_name="dailyscore",
            name="day_numerator",
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="dailyscore",
            name="day_denominator",
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AddConstraint(
            model_name="dailyscore",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("day_denominator__isnull", True), ("day_numerator__isnull", True)),
                    models.Q(("day_denominator__gt", 0), ("day_numerator__isnull", False)),
                    _connector="OR",
                ),
                name="daily_score_day_fraction",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
