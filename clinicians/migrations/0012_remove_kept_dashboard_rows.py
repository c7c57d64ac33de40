from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("clinicians", "0011_kept_rows_mark"),
    ]

    operations = [
        migrations.DeleteModel(name="KeptRowsMark"),
        migrations.DeleteModel(name="KeptDashboardRow"),
    ]
