"""Every carer and staff page, as the person who sees it, with realistic content.

``world(cast)`` writes four weeks of diary with notes, open and acknowledged alerts, the
clinical records, an appointment, an invitation, an unsubscribe link and a password-reset link;
``WALKS`` lists, per person, the pages they are shown and how to reach each one. The
accessibility test walks them all; ``NOT_PAGES`` names the URLs that answer with no page of
their own (POST-only, files, redirects), so a new page URL is walked or named there.
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.tokens import default_token_generator
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from clinicians.models import Alert
from clinicians.nightly.reminders import unsubscribe_token
from clinicians.records import services as clinical
from diary.clinics import ClinicMembership
from diary.days import DayRules
from diary.invitations import create_invitation
from diary.models import CarerLink
from tests.clinicians.clinic_data import CANDLE, write_days
from tests.clinicians.factories import ClinicFactory, MembershipFactory
from tests.diary.factories import UserFactory

# URLs that answer with no page of their own: POST-only actions, files, redirects, health.
NOT_PAGES = {
    "diary_save",
    "set_language",
    "service_worker",
    "manifest",
    "logout",
    "api_token_end",
    "two_factor_recovery_codes",  # POST; its page is the one set-up ends on, walked below
    "healthz",
    "nightly_health",
    "clinic:clinic_csv",
    "cohort:csv",
    "clinic:admin_alert_rules",
    "clinic:admin_cohort_weeks",
    "clinic:audit_csv",
    "clinic:audit_json",
    "clinic:alert_acknowledge",
    "clinic:alert_resolve",
    "clinic:record_add",
    "clinic:record_remove",
    "clinic:patient_csv",
    "clinic:patient_fhir",
    "clinic:data_rights_export",
    "clinic:data_rights_erase",
    "clinic:admin_member_add",
    "clinic:admin_member_new",
    "clinic:admin_member_role",
    "clinic:admin_member_remove",
    "clinic:admin_patient_active",
    "clinic:admin_invite",
    "clinic:admin_thresholds",
}


@dataclass
class World:
    """What the walk needs to know about the data ``world`` wrote."""

    patient: int
    clinic: int
    today: datetime.date
    clinic_day: datetime.date
    invitation_token: str
    unsubscribe_token: str
    reset_path: str
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Visit:
    """One page: its URL name (for the coverage check) and its path in ``World``."""

    name: str
    path: Callable[[World], str]


def world(cast: Any) -> World:
    """28 days of diary (scores 1, a 3 on one day) with notes, alerts, records and links."""
    today = DayRules.for_patient(cast.patient).offered_day(timezone.now())
    days = {today - datetime.timedelta(days=d): dict.fromkeys(CANDLE, 1) for d in range(1, 28)}
    days[today - datetime.timedelta(days=3)] = {**dict.fromkeys(CANDLE, 1), "rash": 3}
    notes = {today - datetime.timedelta(days=d): f"Rash on the arms ({d})" for d in range(1, 20)}
    write_days(cast.patient, cast.carer, days, notes=notes)
    _records(cast, today)
    _alerts(cast, today)
    # Admin of a second clinic: the clinic admin's home lists both instead of redirecting.
    MembershipFactory(
        user=cast.clinic_admin,
        clinic=ClinicFactory(name="Clinic C", reference_prefix="CCC"),
        role=ClinicMembership.Role.CLINIC_ADMIN,
    )
    UserFactory(username="new-carer")  # a carer with no child yet: diary/home.html
    MembershipFactory(user__username="new-clinician", clinic=cast.clinic)  # no authenticator
    _invitation, token = create_invitation(
        patient=cast.unlinked_patient,
        email="parent@example.org",
        relationship="mother",
        invited_by=cast.clinic_admin,
    )
    link = CarerLink.objects.get(carer=cast.carer, patient=cast.patient)
    uid = urlsafe_base64_encode(force_bytes(cast.carer.pk))
    moment = timezone.now() + datetime.timedelta(days=1)
    return World(
        patient=cast.patient.pk,
        clinic=cast.clinic.pk,
        today=today,
        clinic_day=moment.astimezone(zoneinfo.ZoneInfo(cast.clinic.time_zone)).date(),
        invitation_token=token,
        unsubscribe_token=unsubscribe_token(link.pk),
        reset_path=f"/accounts/reset/{uid}/{default_token_generator.make_token(cast.carer)}/",
    )


def _records(cast: Any, today: datetime.date) -> None:
    user, patient = cast.clinician, cast.patient
    start = today - datetime.timedelta(days=14)
    clinical.add_treatment_course(
        patient=patient, user=user, drug="baricitinib", start_date=start, regimen="2 mg bd"
    )
    for kind, value in (("weight", Decimal(25)), ("height", Decimal(121))):
        clinical.add_measurement(patient=patient, user=user, kind=kind, date=start, value=value)
    clinical.add_steroid_dose(
        patient=patient,
        user=user,
        drug="prednisolone",
        mg_per_day=Decimal(10),
        from_date=start - datetime.timedelta(days=10),
    )
    clinical.add_pga(patient=patient, user=user, date=start, score=Decimal(4))
    clinical.add_study_period(
        patient=patient,
        user=user,
        name="baseline",
        start=start - datetime.timedelta(days=13),
        end=start - datetime.timedelta(days=1),
        is_pre_treatment=True,
    )
    clinical.add_appointment(
        patient=patient,
        user=user,
        starts_at=timezone.now() + datetime.timedelta(days=1),
        clinician=user,
        purpose="Review",
    )


def _alerts(cast: Any, today: datetime.date) -> None:
    now = timezone.now()
    Alert.objects.create(
        patient=cast.patient,
        rule="above_threshold",
        audience=Alert.Audience.CARE_TEAM,
        diary_date=today - datetime.timedelta(days=1),
        reason="7-day DDS 1.000 is at or above the control threshold 0.5.",
        opened_at=now,
    )
    Alert.objects.create(
        patient=cast.patient,
        rule="severe_symptom",
        audience=Alert.Audience.CARE_TEAM,
        diary_date=today - datetime.timedelta(days=3),
        reason="An item was scored 3 or 4.",
        opened_at=now - datetime.timedelta(days=3),
        status=Alert.Status.ACKNOWLEDGED,
        acknowledged_by=cast.clinician,
        acknowledged_at=now - datetime.timedelta(days=2),
        acknowledgement_note="Called the family.",
    )


def _day(w: World, days_ago: int = 1) -> str:
    return (w.today - datetime.timedelta(days=days_ago)).isoformat()


def _patient(w: World) -> str:
    return f"/clinic/patients/{w.patient}/"


ANONYMOUS = [
    Visit("login", lambda w: "/accounts/login/"),
    Visit("password_reset", lambda w: "/accounts/password-reset/"),
    Visit("password_reset_done", lambda w: "/accounts/password-reset/sent/"),
    Visit("password_reset_confirm", lambda w: "/accounts/reset/MQ/not-a-valid-token/"),
    Visit("password_reset_confirm", lambda w: w.reset_path),  # the new-password form
    Visit("password_reset_complete", lambda w: "/accounts/reset/done/"),
    Visit("accept_invitation", lambda w: f"/invite/{w.invitation_token}/"),
    Visit("accept_invitation", lambda w: "/invite/not-a-valid-token/"),
    Visit("reminders_unsubscribe", lambda w: f"/reminders/unsubscribe/{w.unsubscribe_token}/"),
]
CARER = [
    Visit("diary_today", lambda w: f"/diary/{w.patient}/"),
    Visit("diary_day", lambda w: f"/diary/{w.patient}/{_day(w)}/"),  # filled in
    Visit("diary_day", lambda w: f"/diary/{w.patient}/{_day(w, 30)}/"),  # not filled in
    Visit("diary_correct", lambda w: f"/diary/{w.patient}/{_day(w)}/correct/"),
    Visit("diary_history", lambda w: f"/diary/{w.patient}/history/"),
    Visit("diary_reminders", lambda w: f"/diary/{w.patient}/reminders/"),
    Visit("account", lambda w: "/accounts/"),
    Visit("password_change", lambda w: "/accounts/password/"),
    Visit("password_change_done", lambda w: "/accounts/password/done/"),
    Visit("accept_invitation", lambda w: f"/invite/{w.invitation_token}/"),  # signed in
]
STAFF = [
    Visit("clinic:dashboard", lambda w: "/clinic/"),
    Visit("clinic:day", lambda w: f"/clinic/day/?date={w.clinic_day.isoformat()}"),
    Visit("clinic:day_print", lambda w: f"/clinic/day/print/?date={w.clinic_day.isoformat()}"),
    Visit("clinic:patient", _patient),
    Visit("clinic:patient", lambda w: f"{_patient(w)}?range=4w"),
    Visit("clinic:summary", lambda w: f"{_patient(w)}summary/"),
    Visit("clinic:audit", lambda w: f"{_patient(w)}audit/"),
    Visit("clinic:records", lambda w: f"{_patient(w)}records/"),
    Visit("clinic:transcribe", lambda w: f"{_patient(w)}transcribe/"),
    Visit("clinic:data_rights", lambda w: f"{_patient(w)}data-rights/"),
    Visit("clinic:admin_home", lambda w: "/clinic/admin/"),
    Visit("clinic:admin_clinic", lambda w: f"/clinic/admin/{w.clinic}/"),
    Visit("clinic:admin_patient_new", lambda w: f"/clinic/admin/{w.clinic}/patients/new/"),
    Visit(
        "clinic:admin_patient_edit",
        lambda w: f"/clinic/admin/{w.clinic}/patients/{w.patient}/",
    ),
    Visit("clinic:admin_instrument", lambda w: f"/clinic/admin/{w.clinic}/instrument/"),
    Visit("cohort:page", lambda w: f"/clinic/cohort/{w.clinic}/"),
    Visit("cohort:page", lambda w: f"/clinic/cohort/{w.clinic}/?locf=1&threshold=uniform"),
    Visit("account", lambda w: "/accounts/"),
    Visit("password_change", lambda w: "/accounts/password/"),
]
# Reached by signing in rather than by URL: the two-factor pages and a childless carer's home.
SIGN_IN_PAGES = {"two_factor_verify", "two_factor_setup", "home"}


def walked_names() -> set[str]:
    return {visit.name for visit in ANONYMOUS + CARER + STAFF} | SIGN_IN_PAGES
