from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("clinicians", "0012_clinic_moves_to_diary"),
    ]

    operations = [
        migrations.DeleteModel(name="KeptRowsMark"),
        migrations.DeleteModel(name="KeptDashboardRow"),
    ]
