from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django_otp.admin import OTPAdminSite

# The Django admin asks for a verified two-factor device as well as the password.
admin.site.__class__ = OTPAdminSite

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("diary.api.urls")),
    path("api/v1/", include("clinicians.alerts.api")),
    path("api/v1/", include("clinicians.cohort.api")),
    path("clinic/", include("clinicians.urls")),
    path("clinic/cohort/", include("clinicians.cohort.urls")),
    path("", include("diary.urls")),
    path("", include("clinicians.nightly.urls")),
]

if settings.BENCH_FLOOR:
    # The load test's floor view (bench/floor.py, docs/performance.md); never on by default.
    from bench.floor import floor

    urlpatterns.append(path("bench/floor/", floor, name="bench-floor"))

# Under /api/ these answer with RFC 9457 problem details; elsewhere with Django's pages.
handler400 = "diary.api.problems.bad_request"
handler404 = "diary.api.problems.page_not_found"
handler500 = "diary.api.problems.server_error"
