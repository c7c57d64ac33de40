"""Per-clinic alert rules (SPEC §3.6): the admin form, versions and audit, the nightly run, the
digest and the alert text.

Cast: clinic A (Europe/London) with ``clinician``, ``clinic_admin``, ``patient`` (CANDLE, carer
``carer``); clinic B (Asia/Tokyo) with ``outside_clinician`` and ``other_patient``.
"""

import datetime
import re
from decimal import Decimal
from fractions import Fraction
from importlib import import_module

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

import scoring
from clinicians.alerts.rules import ClinicAlertRules, rules_in_force
from clinicians.clinic_admin.services import set_alert_rules
from clinicians.models import Alert
from clinicians.nightly import runs, services
from diary.clinics import Clinic
from tests.clinicians.nightly_harness import calm, write_day
from tests.conftest import MEMBERS, sign_in
from tests.diary.factories import PatientFactory

D = datetime.date
UTC = datetime.UTC
DAY = D(2026, 11, 18)
# The night of the 18th is due for both clinics (London's cut-off at 04:00 UTC on the 19th).
AFTER = datetime.datetime(2026, 11, 19, 4, 0, tzinfo=UTC)
LONG_BEFORE = datetime.datetime(2026, 10, 1, 12, 0, tzinfo=UTC)
VALID = {
    "marked_rise_delta": "0.6",
    "severe_temperature_c": "39.5",
    "gap_reminder_days": "2",
    "gap_care_team_days": "5",
    "reason": "agreed at the clinical governance meeting",
}


@pytest.fixture(autouse=True)
def _clinics_opened_long_ago(cast):
    Clinic.objects.update(created_at=datetime.datetime(2026, 1, 5, tzinfo=UTC))


def choose(cast, clinic, now=LONG_BEFORE, **values):
    """Save ``clinic``'s alert rules as its admin (clinic B's admin is added on the way)."""
    chosen = {
        "marked_rise_delta": Decimal("0.5"),
        "severe_temperature_c": Decimal("40.0"),
        "gap_reminder_days": 3,
        "gap_care_team_days": 7,
        **values,
    }
    clinic.memberships.get_or_create(user=cast.clinic_admin, defaults={"role": "clinic_admin"})
    return set_alert_rules(clinic=clinic, admin=cast.clinic_admin, reason="test", now=now, **chosen)


def page_of(client, cast):
    sign_in(client, cast.clinic_admin)
    return f"/clinic/admin/{cast.clinic.pk}/alert-rules/"


# --- the form -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"marked_rise_delta": "0"}, "marked_rise_delta"),
        ({"marked_rise_delta": "-0.5"}, "marked_rise_delta"),
        ({"marked_rise_delta": "3.01"}, "marked_rise_delta"),
        ({"marked_rise_delta": "0.125"}, "marked_rise_delta"),  # hundredths at most
        ({"marked_rise_delta": "a lot"}, "marked_rise_delta"),
        ({"severe_temperature_c": "37.4"}, "severe_temperature_c"),
        ({"severe_temperature_c": "42.1"}, "severe_temperature_c"),
        ({"gap_reminder_days": "0"}, "gap_reminder_days"),
        ({"gap_care_team_days": "29"}, "gap_care_team_days"),
        ({"gap_reminder_days": "5", "gap_care_team_days": "5"}, "gap_care_team_days"),
        ({"gap_reminder_days": "6", "gap_care_team_days": "5"}, "gap_care_team_days"),
        ({"reason": ""}, "reason"),
        ({"reason": "   "}, "reason"),
    ],
)
def test_out_of_bounds_values_are_a_400_naming_the_field(client, cast, changes, field):
    response = client.post(page_of(client, cast), VALID | changes)
    assert response.status_code == 400
    form = response.context["alert_rules_form"]
    assert list(form.errors) == [field]
    assert ClinicAlertRules.objects.count() == 0


def test_the_bounds_themselves_are_accepted(client, cast):
    url = page_of(client, cast)
    low = VALID | {"marked_rise_delta": "0.01", "severe_temperature_c": "37.5"}
    high = VALID | {"marked_rise_delta": "3", "severe_temperature_c": "42.0"}
    gaps = VALID | {"gap_reminder_days": "1", "gap_care_team_days": "28"}
    for data in (low, high, gaps):
        assert client.post(url, data).status_code == 302
    assert ClinicAlertRules.objects.filter(clinic=cast.clinic).count() == 3


def test_saving_the_same_rules_again_changes_nothing(client, cast):
    url = page_of(client, cast)
    assert client.post(url, VALID).status_code == 302
    again = client.post(url, VALID | {"marked_rise_delta": "0.60"})
    assert again.status_code == 400
    assert "already the clinic" in again.content.decode()
    assert ClinicAlertRules.objects.count() == 1


@pytest.mark.parametrize("name", MEMBERS)
def test_only_the_clinics_admins_change_its_rules(client, cast, name):
    if name != "anonymous":
        sign_in(client, cast.member(name))
    response = client.post(f"/clinic/admin/{cast.clinic.pk}/alert-rules/", VALID)
    expected = {"clinic_admin": 302, "anonymous": 302}.get(name, 404)
    assert response.status_code == expected
    if name == "anonymous":
        assert "/login" in response["Location"] or "accounts" in response["Location"]
    assert ClinicAlertRules.objects.count() == (1 if name == "clinic_admin" else 0)


def test_an_admin_of_clinic_a_cannot_change_clinic_b(client, cast):
    sign_in(client, cast.clinic_admin)
    response = client.post(f"/clinic/admin/{cast.other_clinic.pk}/alert-rules/", VALID)
    assert response.status_code == 404
    assert not ClinicAlertRules.objects.filter(clinic=cast.other_clinic).exists()


# --- versions and the audit trail ------------------------------------------------------------


def test_each_change_is_a_new_version_with_who_when_why_shown_on_the_page(client, cast):
    url = page_of(client, cast)
    first = client.get(f"/clinic/admin/{cast.clinic.pk}/")
    assert "Not changed yet" in first.content.decode()
    assert first.context["alert_rules_form"].initial["severe_temperature_c"] == Decimal("40.0")
    client.post(url, VALID)
    client.post(url, VALID | {"severe_temperature_c": "39.0", "reason": "fever policy"})
    one, two = ClinicAlertRules.objects.filter(clinic=cast.clinic).order_by("version")
    assert (one.version, two.version) == (1, 2)
    assert (one.severe_temperature_c, two.severe_temperature_c) == (
        Decimal("39.5"),
        Decimal("39.0"),
    )
    history = two.history.get()
    assert history.history_user == cast.clinic_admin
    assert history.history_role == "clinic_admin"
    assert history.history_change_reason == "fever policy"
    assert history.history_origin == "page:clinic:admin_alert_rules"
    page = client.get(f"/clinic/admin/{cast.clinic.pk}/")
    text = page.content.decode()
    assert "fever policy" in text and "agreed at the clinical governance meeting" in text
    assert page.context["alert_rules_form"].initial["severe_temperature_c"] == Decimal("39.0")


def test_a_change_applies_from_the_first_night_not_yet_due(cast):
    # At 03:00 UTC on the 19th London's night of the 18th is not due yet (cut-off 04:00): the
    # change applies to it. From 04:00 that night is due and keeps the rules it had.
    before_cutoff = datetime.datetime(2026, 11, 19, 3, 0, tzinfo=UTC)
    assert choose(cast, cast.clinic, now=before_cutoff).effective_from == DAY
    later = choose(cast, cast.clinic, now=AFTER, gap_reminder_days=2)
    assert later.effective_from == DAY + datetime.timedelta(days=1)


def test_rules_in_force_follow_the_night_evaluated(cast):
    choose(cast, cast.clinic, severe_temperature_c=Decimal("39.5"))  # from 1 October
    choose(cast, cast.clinic, now=AFTER, severe_temperature_c=Decimal("41.0"))  # from the 19th
    for day, limit in [(DAY, "39.5"), (DAY + datetime.timedelta(days=1), "41.0")]:
        rules = rules_in_force([cast.clinic.pk, cast.other_clinic.pk], day)
        assert rules[cast.clinic.pk].severe_temperature_c == Decimal(limit)
        assert rules[cast.other_clinic.pk] == scoring.DEFAULT_ALERT_SETTINGS
    assert rules_in_force([cast.clinic.pk], D(2026, 9, 1))[cast.clinic.pk] == (
        scoring.DEFAULT_ALERT_SETTINGS
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_the_rules_are_append_only_in_the_database(cast):
    rules = choose(cast, cast.clinic)
    for statement in (
        ClinicAlertRules.objects.filter(pk=rules.pk).update,
        ClinicAlertRules.history.filter(id=rules.pk).update,
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            statement(gap_reminder_days=1)


# --- the nightly run, the alert text and the digest ------------------------------------------


def rising_week_with_a_fever(patient, author):
    """0s for a week, then (1, 1, 1, 1, 0) for a week: the 7-day DDS rises by 0.8 on DAY; the
    highest temperature on DAY is 39.6 °C."""
    for offset in range(13, -1, -1):
        day = DAY - datetime.timedelta(days=offset)
        scores = calm(0) if offset > 6 else calm(1) | {"fatigue": 0}
        extra = {"temperature_c": "39.6"} if offset == 0 else {}
        write_day(patient, author, day, scores, **extra)


def test_two_clinics_with_different_rules_open_different_alerts_from_the_same_diary(cast):
    patient_b = PatientFactory(
        clinic=cast.other_clinic, disease="CANDLE", time_zone="Europe/London"
    )
    rising_week_with_a_fever(cast.patient, cast.carer)
    rising_week_with_a_fever(patient_b, cast.outside_clinician)
    choose(
        cast,
        cast.clinic,
        marked_rise_delta=Decimal("0.9"),
        severe_temperature_c=Decimal("39.5"),
    )
    # Clinic B keeps the defaults (rise 0.5, 40.0 °C).
    services.evaluate_patients([cast.patient.pk, patient_b.pk], DAY, now=AFTER)
    alerts_a = {a.rule: a for a in Alert.objects.filter(patient=cast.patient)}
    alerts_b = {a.rule: a for a in Alert.objects.filter(patient=patient_b)}
    assert set(alerts_a) == {"severe_symptom"}
    assert set(alerts_b) == {"marked_rise"}
    assert "a temperature of 39.5 °C or more" in alerts_a["severe_symptom"].reason
    assert alerts_a["severe_symptom"].details["temperature_limit_c"] == "39.5"
    assert "clinic rule: a rise of 0.5 or more over 7 days" in alerts_b["marked_rise"].reason
    assert alerts_b["marked_rise"].details["delta"] == "1/2"


def test_a_later_change_never_rewrites_an_opened_alert(cast):
    rising_week_with_a_fever(cast.patient, cast.carer)
    choose(cast, cast.clinic, severe_temperature_c=Decimal("39.5"))
    services.evaluate_patients([cast.patient.pk], DAY, now=AFTER)
    alert = Alert.objects.get(patient=cast.patient, rule="severe_symptom")
    reason, details = alert.reason, alert.details
    choose(cast, cast.clinic, now=AFTER, severe_temperature_c=Decimal("41.5"))
    alert.refresh_from_db()
    assert (alert.reason, alert.details) == (reason, details)
    assert "39.5 °C" in alert.reason and alert.history.count() == 1


def test_the_patient_page_and_the_api_show_the_clinics_rule(client, cast):
    rising_week_with_a_fever(cast.patient, cast.carer)
    choose(cast, cast.clinic, marked_rise_delta=Decimal("0.6"))
    services.evaluate_patients([cast.patient.pk], DAY, now=AFTER)
    sign_in(client, cast.clinician)
    page = client.get(f"/clinic/patients/{cast.patient.pk}/").content.decode()
    assert "7-day DDS rose by 0.800 over 7 days" in page
    assert "(clinic rule: a rise of 0.6 or more over 7 days)" in page
    assert "rule ≥ 0.5" not in page and "rise of 0.5" not in page
    alerts = client.get("/api/v1/alerts/").json()
    rows = alerts["results"] if isinstance(alerts, dict) else alerts
    [rise] = [row for row in rows if row["rule"] == "marked_rise"]
    assert "clinic rule: a rise of 0.6 or more" in rise["reason"]


def test_the_digest_names_the_clinics_rule_values(cast, smtp):
    choose(
        cast,
        cast.clinic,
        marked_rise_delta=Decimal("0.6"),
        severe_temperature_c=Decimal("39.5"),
        gap_reminder_days=2,
        gap_care_team_days=5,
    )
    write_day(cast.patient, cast.carer, DAY, calm(0) | {"fever": None}, temperature_c="39.6")
    # The AGS patient joined long ago and has written nothing for 5 days or more.
    gap = cast.unlinked_patient
    type(gap).objects.filter(pk=gap.pk).update(
        created_at=datetime.datetime(2026, 11, 1, 9, tzinfo=UTC)
    )
    cast.clinician.language = "ja"
    cast.clinician.save(update_fields=["language"])
    runs.start_due_nights(AFTER)
    [english] = [m for m in smtp.to(cast.clinic_admin.email) if "alert" in m.subject]
    text = english.part("text/plain")
    html = re.sub(r"<[^>]+>", " ", english.part("text/html"))
    for body in (text, html):
        assert "Severe symptom recorded (clinic rule: an item at 4 or more," in body
        assert "a temperature of 39.5 °C or more)" in body
        assert "No diary entry for 5 days or more" in body
        assert "40.0" not in body and "7 days" not in body.replace("over 7 days", "")
        assert "scored" not in body and "39.6" not in body  # the patient's values stay out
    [japanese] = [m for m in smtp.to(cast.clinician.email) if "アラート" in m.subject]
    assert "体温39.5℃以上" in japanese.part("text/plain")
    assert "5日以上日誌の記録なし" in japanese.part("text/plain")


def test_existing_clinics_get_the_defaults_by_migration(cast):
    migration = import_module("clinicians.migrations.0014_alert_rules")
    state = MigrationExecutor(connection).loader.project_state(("clinicians", "0014_alert_rules"))
    migration.defaults_for_existing_clinics(state.apps, None)
    defaults = scoring.DEFAULT_ALERT_SETTINGS
    for clinic in (cast.clinic, cast.other_clinic):
        (rules,) = ClinicAlertRules.objects.filter(clinic=clinic)
        assert rules.version == 1 and rules.effective_from == D(2026, 1, 5)
        assert rules.settings() == defaults
        history = rules.history.get()
        assert (history.history_role, history.history_user) == ("system", None)
        assert history.history_change_reason.startswith("SPEC §3.6 defaults")
    assert Fraction(migration.DEFAULTS["marked_rise_delta"]) == defaults.marked_rise_delta
