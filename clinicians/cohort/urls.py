from django.urls import path

from clinicians.cohort import views

app_name = "cohort"

urlpatterns = [
    path("<int:clinic_id>/", views.cohort_page, name="page"),
    path("<int:clinic_id>/export.csv", views.cohort_csv, name="csv"),
]
