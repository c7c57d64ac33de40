from django.db import migrations

from diary.audit import protect_tables


class Migration(migrations.Migration):
    dependencies = [("clinicians", "0004_alert")]

    operations = [protect_tables("clinicians_historicalalert")]
