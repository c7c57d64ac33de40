from django.urls import path

from clinicians.nightly import views

urlpatterns = [
    path("health/nightly", views.nightly_health, name="nightly_health"),
    path("reminders/unsubscribe/<str:token>/", views.unsubscribe, name="reminders_unsubscribe"),
]
