from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from clinicians.models import (
    Alert,
    Appointment,
    Clinic,
    ClinicMembership,
    Measurement,
    PGAAssessment,
    RecordAccess,
    SteroidDose,
    StudyPeriod,
    TreatmentCourse,
)


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


@admin.register(TreatmentCourse, Measurement, SteroidDose, PGAAssessment, Appointment, StudyPeriod)
class ClinicalRecordAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "patient")
    list_select_related = ("patient",)


@admin.register(RecordAccess)
class RecordAccessAdmin(admin.ModelAdmin):
    """The access log is append-only: superusers may read it, nobody may change it."""

    list_display = ("at", "user", "patient", "what")
    list_filter = ("what",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
