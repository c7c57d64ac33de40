from django.db import migrations

from diary.audit import protect_tables


class Migration(migrations.Migration):
    dependencies = [("clinicians", "0007_clinical_records")]

    operations = [
        protect_tables(
            "clinicians_historicaltreatmentcourse",
            "clinicians_historicalmeasurement",
            "clinicians_historicalsteroiddose",
            "clinicians_historicalpgaassessment",
            "clinicians_historicalappointment",
            "clinicians_historicalstudyperiod",
            "clinicians_recordaccess",
        )
    ]
