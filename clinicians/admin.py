from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from clinicians.alerts.models import Alert
from clinicians.audit.models import RecordAccess
from clinicians.nightly.models import EmailClaim, NightRun
from clinicians.records.models import (
    Appointment,
    Measurement,
    PGAAssessment,
    SteroidDose,
    StudyPeriod,
    TreatmentCourse,
)
from diary.clinics import Clinic, ClinicMembership


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


class ReadOnlyAdmin(admin.ModelAdmin):
    """The nightly job's records: to look at (missed nights, unsent emails), never to edit."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(NightRun)
class NightRunAdmin(ReadOnlyAdmin):
    list_display = ("date", "clinic", "started_at", "evaluated_at", "completed_at", "alerts_opened")
    list_filter = ("clinic",)
    date_hierarchy = "date"


@admin.register(EmailClaim)
class EmailClaimAdmin(ReadOnlyAdmin):
    list_display = ("kind", "recipient", "date", "status", "attempts", "last_error", "sent_at")
    list_filter = ("kind", "status")
    date_hierarchy = "date"


from clinicians.cohort import admin as cohort_admin  # noqa: E402,F401  (its registrations)
