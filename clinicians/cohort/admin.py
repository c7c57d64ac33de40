from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from clinicians.cohort.models import CohortSettings


@admin.register(CohortSettings)
class CohortSettingsAdmin(SimpleHistoryAdmin):
    list_display = (
        "clinic",
        "primary_week_candle",
        "primary_week_savi",
        "primary_week_ags",
        "primary_week_other",
    )
