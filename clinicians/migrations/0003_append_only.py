from django.db import migrations

from diary.audit import protect_tables


class Migration(migrations.Migration):
    dependencies = [("clinicians", "0002_initial"), ("diary", "0002_append_only")]

    operations = [
        protect_tables("clinicians_historicalclinic", "clinicians_historicalclinicmembership")
    ]
