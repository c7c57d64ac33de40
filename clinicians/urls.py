from django.urls import path

from clinicians.alerts import views as alerts
from clinicians.audit.views import audit_csv, audit_json, audit_page
from clinicians.clinic_admin import views as clinic_admin
from clinicians.dashboard import views
from clinicians.data_rights import views as data_rights
from clinicians.exports import views as exports
from clinicians.records import views as records

app_name = "clinic"

patient = "patients/<int:patient_id>/"
admin = "admin/<int:clinic_id>/"

urlpatterns = [
    path("", views.dashboard_page, name="dashboard"),
    path("day/", views.clinic_day_page, name="day"),
    path("day/print/", views.clinic_day_print, name="day_print"),
    path("export.csv", exports.clinic_csv, name="clinic_csv"),
    path(patient, views.patient_page, name="patient"),
    path(f"{patient}summary/", views.summary_page, name="summary"),
    path(f"{patient}audit/", audit_page, name="audit"),
    path(f"{patient}audit.csv", audit_csv, name="audit_csv"),
    path(f"{patient}audit.json", audit_json, name="audit_json"),
    path(
        f"{patient}alerts/<int:alert_id>/acknowledge/",
        alerts.alert_acknowledge,
        name="alert_acknowledge",
    ),
    path(f"{patient}alerts/<int:alert_id>/resolve/", alerts.alert_resolve, name="alert_resolve"),
    path(f"{patient}records/", records.records_page, name="records"),
    path(f"{patient}records/<str:kind>/", records.add_record, name="record_add"),
    path(
        f"{patient}records/<str:kind>/<int:record_id>/remove/", records.remove, name="record_remove"
    ),
    path(f"{patient}transcribe/", records.transcribe, name="transcribe"),
    path(f"{patient}export.csv", exports.patient_csv, name="patient_csv"),
    path(f"{patient}export.fhir.json", exports.patient_fhir, name="patient_fhir"),
    path(f"{patient}data-rights/", data_rights.data_rights_page, name="data_rights"),
    path(
        f"{patient}data-rights/export.zip",
        data_rights.export_archive,
        name="data_rights_export",
    ),
    path(f"{patient}data-rights/erase/", data_rights.erase, name="data_rights_erase"),
    path("admin/", clinic_admin.admin_home, name="admin_home"),
    path(admin, clinic_admin.clinic_page, name="admin_clinic"),
    path(f"{admin}members/add/", clinic_admin.member_add, name="admin_member_add"),
    path(f"{admin}members/new/", clinic_admin.member_new, name="admin_member_new"),
    path(
        f"{admin}members/<int:membership_id>/role/",
        clinic_admin.member_role,
        name="admin_member_role",
    ),
    path(
        f"{admin}members/<int:membership_id>/remove/",
        clinic_admin.member_remove,
        name="admin_member_remove",
    ),
    path(f"{admin}patients/new/", clinic_admin.patient_new, name="admin_patient_new"),
    path(
        f"{admin}patients/<int:patient_id>/", clinic_admin.patient_edit, name="admin_patient_edit"
    ),
    path(
        f"{admin}patients/<int:patient_id>/active/",
        clinic_admin.patient_active,
        name="admin_patient_active",
    ),
    path(f"{admin}invitations/", clinic_admin.invite, name="admin_invite"),
    path(f"{admin}thresholds/", clinic_admin.thresholds, name="admin_thresholds"),
    path(f"{admin}instrument/", clinic_admin.instrument, name="admin_instrument"),
    path(f"{admin}alert-rules/", clinic_admin.alert_rules_change, name="admin_alert_rules"),
    path(f"{admin}cohort-weeks/", clinic_admin.cohort_weeks, name="admin_cohort_weeks"),
]
