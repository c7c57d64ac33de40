from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("diary.api.urls")),
    path("api/v1/", include("clinicians.api")),
    path("clinic/", include("clinicians.pages.urls")),
    path("", include("diary.urls")),
    path("", include("clinicians.nightly.urls")),
]

# Under /api/ these answer with RFC 9457 problem details; elsewhere with Django's pages.
handler400 = "diary.api.problems.bad_request"
handler404 = "diary.api.problems.page_not_found"
handler500 = "diary.api.problems.server_error"
