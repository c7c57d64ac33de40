from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from clinicians.models import Alert, Clinic, ClinicMembership


@admin.register(Clinic)
class ClinicAdmin(SimpleHistoryAdmin):
    list_display = ("name", "reference_prefix", "time_zone", "threshold_profile")


@admin.register(ClinicMembership)
class ClinicMembershipAdmin(SimpleHistoryAdmin):
    list_display = ("user", "clinic", "role")
    list_filter = ("clinic", "role")


@admin.register(Alert)
class AlertAdmin(SimpleHistoryAdmin):
    list_display = ("patient", "rule", "diary_date", "status", "opened_at")
    list_filter = ("rule", "status")
