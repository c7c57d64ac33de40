from django.contrib.auth import views as auth_views
from django.urls import path

from diary.views import accounts, app, carer, core, two_factor

urlpatterns = [
    path("", core.home, name="home"),
    path("diary/<int:patient_id>/", carer.diary_today, name="diary_today"),
    path("diary/<int:patient_id>/save/", carer.save_entry, name="diary_save"),
    path("diary/<int:patient_id>/history/", carer.history, name="diary_history"),
    path("diary/<int:patient_id>/reminders/", carer.reminders, name="diary_reminders"),
    path("diary/<int:patient_id>/<str:day>/", carer.diary_day, name="diary_day"),
    path("diary/<int:patient_id>/<str:day>/correct/", carer.correct_day, name="diary_correct"),
    path("language/", core.set_language, name="set_language"),
    path("sw.js", app.service_worker, name="service_worker"),
    path("manifest.webmanifest", app.manifest, name="manifest"),
    path("accounts/login/", accounts.SignInView.as_view(), name="login"),
    path("invite/<str:token>/", accounts.accept_invitation, name="accept_invitation"),
    path("accounts/logout/", accounts.SignOutView.as_view(), name="logout"),
    path("accounts/", accounts.account, name="account"),
    path("accounts/tokens/<str:digest>/end/", accounts.end_api_token, name="api_token_end"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(success_url="/accounts/password/done/"),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/two-factor/", two_factor.verify, name="two_factor_verify"),
    path("accounts/two-factor/setup/", two_factor.setup, name="two_factor_setup"),
    path(
        "accounts/two-factor/recovery-codes/",
        two_factor.recovery_codes,
        name="two_factor_recovery_codes",
    ),
    path(
        "accounts/password-reset/",
        auth_views.PasswordResetView.as_view(
            email_template_name="registration/password_reset_email.txt",
            html_email_template_name="registration/password_reset_email.html",
            subject_template_name="registration/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("healthz", core.healthz, name="healthz"),
]
