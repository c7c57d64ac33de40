from django.db import migrations

from diary.audit import protect_tables


class Migration(migrations.Migration):
    dependencies = [("diary", "0001_initial")]

    operations = [
        protect_tables(
            "diary_diaryentry",
            "diary_entryversion",
            "diary_itemscore",
            "diary_historicalpatient",
            "diary_historicalcarerlink",
            "diary_historicalinstrumentdefinition",
        )
    ]
