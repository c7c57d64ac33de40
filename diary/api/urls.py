"""``/api/v1/``: the diary API, its OpenAPI schema and its interactive docs."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from diary.api import views

urlpatterns = [
    path("auth/token/", views.TokenApi.as_view(), name="api-token"),
    path("auth/logout/", views.SignOutApi.as_view(), name="api-logout"),
    path("patients/", views.PatientListApi.as_view(), name="api-patient-list"),
    path("patients/<int:patient_id>/", views.PatientDetailApi.as_view(), name="api-patient-detail"),
    path(
        "patients/<int:patient_id>/entries/",
        views.PatientEntriesApi.as_view(),
        name="api-patient-entries",
    ),
    path("patients/<int:patient_id>/dds/", views.PatientDdsApi.as_view(), name="api-patient-dds"),
    path("entries/<int:entry_id>/", views.EntryDetailApi.as_view(), name="api-entry-detail"),
    path(
        "entries/<int:entry_id>/corrections/",
        views.EntryCorrectionApi.as_view(),
        name="api-entry-corrections",
    ),
    path(
        "entries/<int:entry_id>/history/", views.EntryHistoryApi.as_view(), name="api-entry-history"
    ),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
