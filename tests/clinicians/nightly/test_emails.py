"""The nightly emails, received by a real SMTP server on loopback (Celery tasks run inline).

Cast: clinic A (London) has ``clinician`` and ``clinic_admin``, ``patient`` (carer ``carer``)
and ``unlinked_patient``; clinic B (Tokyo) has ``outside_clinician`` and ``other_patient``
(carer ``other_carer``).
"""

import datetime
import re

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from clinicians.alerts.models import Alert
from clinicians.nightly import digests, health, reminders, runs, sending, services
from clinicians.nightly.models import EmailClaim, NightRun
from diary.clinics import Clinic, ClinicMembership
from diary.models import CarerLink
from tests.clinicians.factories import MembershipFactory
from tests.clinicians.nightly_harness import calm, joined, write_day
from tests.conftest import sign_in

D = datetime.date
UTC = datetime.UTC
DAY = D(2026, 11, 18)
AFTER = datetime.datetime(2026, 11, 19, 4, 0, tzinfo=UTC)
NAMES = re.compile(r"Patient \d+")  # the factories' display names


@pytest.fixture(autouse=True)
def _clinics_opened_long_ago(cast):
    # The cast's clinics are created today; these tests run nights of earlier days.
    Clinic.objects.update(created_at=datetime.datetime(2026, 1, 5, tzinfo=UTC))


def severe(cast, patient=None, day=DAY):
    patient = patient or cast.patient
    author = {cast.patient: cast.carer, cast.other_patient: cast.other_carer}[patient]
    write_day(patient, author, day, calm(1) | {"rash": 4}, notes="private note")


def digests_to(smtp, user):
    return [m for m in smtp.to(user.email) if "new alert" in m.subject or "アラート" in m.subject]


# --- digests --------------------------------------------------------------------------------


def test_each_clinician_gets_one_digest_with_reference_rule_and_link_only(cast, smtp, settings):
    settings.SITE_URL = "https://diary.test"
    severe(cast)
    runs.start_due_nights(AFTER)
    for member in (cast.clinician, cast.clinic_admin):
        [digest] = digests_to(smtp, member)
        text, html = digest.part("text/plain"), digest.part("text/html")
        assert "AAA-0001" in text and "AAA-0001" in html
        assert "Severe symptom recorded" in text
        assert f"https://diary.test/clinic/patients/{cast.patient.pk}/" in html
        visible = re.sub(r"<[^>]+>", " ", html)  # without tags (and their CSS)
        for body in (digest.subject, text, visible):
            assert cast.patient.display_name not in body
            assert "private note" not in body
            assert not NAMES.search(body)
            assert not re.search(r"\b[0-4]\.\d", body)  # no DDS figure
            assert "scored" not in body  # the alert's reason stays in the database
    assert smtp.to(cast.outside_clinician.email) == []  # clinic B had nothing new


def test_running_the_night_again_sends_nothing_twice(cast, smtp):
    severe(cast)
    runs.start_due_nights(AFTER)
    runs.run_night(DAY, AFTER + datetime.timedelta(hours=1))
    runs.start_due_nights(AFTER + datetime.timedelta(hours=2))
    call_command("run_nightly", "--date", DAY.isoformat())
    assert len(digests_to(smtp, cast.clinician)) == 1
    assert EmailClaim.objects.filter(kind="alert_digest").count() == 2


def test_no_digest_when_nothing_is_new(cast, smtp):
    runs.start_due_nights(AFTER)
    assert smtp.count() == 0
    assert NightRun.objects.filter(completed_at__isnull=False).count() == 2


def test_an_alert_that_stays_open_is_not_news_the_next_night(cast, smtp):
    severe(cast)
    runs.start_due_nights(AFTER)
    severe(cast, day=DAY + datetime.timedelta(1))
    runs.start_due_nights(AFTER + datetime.timedelta(days=1))
    assert len(digests_to(smtp, cast.clinician)) == 1


def test_a_clinician_of_two_clinics_gets_one_digest_once_both_are_evaluated(cast, smtp):
    MembershipFactory(user=cast.clinician, clinic=cast.other_clinic)
    severe(cast)
    severe(cast, cast.other_patient)
    # 20:00 UTC: Tokyo's night of the 18th is due (19:00), London's is not yet (04:00 tomorrow).
    runs.start_due_nights(datetime.datetime(2026, 11, 18, 20, 0, tzinfo=UTC))
    assert digests_to(smtp, cast.outside_clinician)
    assert digests_to(smtp, cast.clinician) == []
    runs.start_due_nights(AFTER)
    [digest] = digests_to(smtp, cast.clinician)
    assert "AAA-0001" in digest.part("text/plain") and "BBB-0001" in digest.part("text/plain")


def test_a_clinician_removed_between_evaluation_and_send_gets_nothing(cast, smtp):
    severe(cast)
    run = NightRun.objects.create(
        clinic=cast.clinic, date=DAY, started_at=AFTER, dispatched_at=AFTER
    )
    services.evaluate_patients([cast.patient.pk, cast.unlinked_patient.pk], DAY, now=AFTER)
    NightRun.objects.filter(pk=run.pk).update(evaluated_at=AFTER)
    NightRun.objects.create(  # clinic B's night is evaluated too, with nothing new
        clinic=cast.other_clinic, date=DAY, started_at=AFTER, dispatched_at=AFTER,
        evaluated_at=AFTER,
    )  # fmt: skip
    run.refresh_from_db()
    claim_ids = sending.record_claims(digests.digest_claims(run, AFTER), AFTER)
    assert len(claim_ids) == 2
    ClinicMembership.objects.filter(user=cast.clinician).delete()
    statuses = {EmailClaim.objects.get(pk=pk).recipient_id: sending.deliver(pk) for pk in claim_ids}
    assert statuses == {cast.clinician.pk: "skipped", cast.clinic_admin.pk: "sent"}
    assert smtp.to(cast.clinician.email) == []
    assert len(smtp.to(cast.clinic_admin.email)) == 1


def test_a_digest_is_in_the_clinicians_language(cast, smtp):
    cast.outside_clinician.language = "ja"
    cast.outside_clinician.save()
    severe(cast, cast.other_patient)
    runs.start_due_nights(AFTER)
    [digest] = smtp.to(cast.outside_clinician.email)
    assert "新しいアラート" in digest.subject
    assert "重い症状の記録" in digest.part("text/plain")
    assert 'lang="ja"' in digest.part("text/html")


def test_a_claim_is_sent_once_by_whoever_takes_it_first(cast, smtp):
    severe(cast)
    runs.start_due_nights(AFTER)
    claim = EmailClaim.objects.get(recipient=cast.clinician)
    assert sending.deliver(claim.pk) == "sent"
    EmailClaim.objects.filter(pk=claim.pk).update(status="pending")  # as if a retry raced
    EmailClaim.objects.filter(pk=claim.pk, status="pending").update(status="sending")
    assert sending.deliver(claim.pk) == "sending"
    assert len(smtp.to(cast.clinician.email)) == 1


# --- failures -------------------------------------------------------------------------------


def test_a_failed_send_is_recorded_and_tried_again_until_it_goes(cast, smtp):
    smtp.refuse_next = 3
    severe(cast)
    runs.start_due_nights(AFTER)  # without a broker: one attempt each, then the sweeps retry
    claims = EmailClaim.objects.filter(kind="alert_digest")
    assert {(c.status, c.attempts, c.last_error) for c in claims} == {
        ("pending", 1, "SMTPDataError 451")
    }
    later = timezone.now() + sending.RETRY_QUIET + datetime.timedelta(minutes=1)
    runs.sweep(later)  # one more refusal, then the other goes
    runs.sweep(later + sending.RETRY_QUIET + datetime.timedelta(minutes=1))
    claims = {c.recipient_id: c for c in EmailClaim.objects.filter(kind="alert_digest")}
    assert {c.status for c in claims.values()} == {"sent"}
    assert sorted(c.attempts for c in claims.values()) == [2, 3]
    assert all(c.sent_at for c in claims.values())
    assert len(smtp.to(cast.clinician.email)) == len(smtp.to(cast.clinic_admin.email)) == 1


def test_a_send_that_keeps_failing_ends_failed_and_the_health_check_says_so(cast, smtp):
    smtp.refuse_next = 100
    severe(cast)
    runs.start_due_nights(AFTER)
    moment = timezone.now()
    for _ in range(sending.MAX_ATTEMPTS):
        moment += sending.RETRY_QUIET + datetime.timedelta(minutes=1)
        runs.sweep(moment)
    claim = EmailClaim.objects.get(recipient=cast.clinician)
    assert (claim.status, claim.attempts, claim.last_error) == ("failed", 6, "SMTPDataError 451")
    report = health.nightly_health(timezone.now())
    assert "2 email(s) failed after every retry" in report.problems


def test_on_a_broker_the_send_task_retries_with_exponential_back_off():
    from clinicians.nightly.tasks import send_email

    assert send_email.autoretry_for == (sending.SendFailed,)
    assert (send_email.retry_backoff, send_email.retry_jitter) == (30, True)
    assert send_email.max_retries == sending.MAX_ATTEMPTS - 1


# --- evening reminders ----------------------------------------------------------------------

EVENING = datetime.datetime(2026, 11, 18, 19, 5, tzinfo=UTC)  # 19:05 in London (GMT)


def test_an_evening_reminder_goes_once_after_the_chosen_time_without_an_entry(cast, smtp):
    assert reminders.start_due_reminders(EVENING - datetime.timedelta(minutes=10)) == []
    assert len(reminders.start_due_reminders(EVENING)) == 1
    reminders.start_due_reminders(EVENING + datetime.timedelta(minutes=5))
    [reminder] = smtp.to(cast.carer.email)
    assert "Wednesday 18 November 2026" in reminder.subject
    text = reminder.part("text/plain")
    assert "AAA-0001" in text and cast.patient.display_name not in text
    assert "not watched in real time" in text
    assert f"/diary/{cast.patient.pk}/2026-11-18/" in text
    assert reminder.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert smtp.to(cast.other_carer.email) == []  # 04:05 the next morning in Tokyo


def test_no_evening_reminder_when_the_day_has_an_entry(cast, smtp):
    write_day(cast.patient, cast.carer, DAY, calm(0))
    reminders.start_due_reminders(EVENING)
    assert smtp.to(cast.carer.email) == []


def test_the_chosen_time_is_local_to_the_patient(cast, smtp):
    CarerLink.objects.filter(carer=cast.other_carer).update(reminder_time=datetime.time(21, 0))
    reminders.start_due_reminders(datetime.datetime(2026, 11, 18, 11, 59, tzinfo=UTC))
    assert smtp.to(cast.other_carer.email) == []  # 20:59 in Tokyo
    reminders.start_due_reminders(datetime.datetime(2026, 11, 18, 12, 0, tzinfo=UTC))
    assert len(smtp.to(cast.other_carer.email)) == 1


def test_a_reminder_is_in_the_carers_language(cast, smtp):
    cast.carer.language = "ja"
    cast.carer.save()
    reminders.start_due_reminders(EVENING)
    [reminder] = smtp.to(cast.carer.email)
    assert "2026年11月18日（水）" in reminder.subject
    assert "リアルタイム" in reminder.part("text/plain")


def test_the_unsubscribe_link_works_without_signing_in(cast, smtp, client):
    reminders.start_due_reminders(EVENING)
    [reminder] = smtp.to(cast.carer.email)
    url = re.search(r"https?://\S+/reminders/unsubscribe/\S+/", reminder.part("text/plain"))[0]
    path = url.split("://", 1)[1].split("/", 1)[1]
    page = client.get(f"/{path}")
    assert page.status_code == 200 and b"Stop reminder emails?" in page.content
    assert CarerLink.objects.get(carer=cast.carer).reminders_enabled  # a GET changes nothing
    done = client.post(f"/{path}")
    assert done.status_code == 200 and b"Reminder emails are off" in done.content
    link = CarerLink.objects.get(carer=cast.carer)
    assert not link.reminders_enabled
    assert link.history.first().history_role == "carer"
    reminders.start_due_reminders(EVENING + datetime.timedelta(days=1))
    assert len(smtp.to(cast.carer.email)) == 1


def test_a_forged_unsubscribe_token_is_not_found(cast, client):
    token = reminders.unsubscribe_token(CarerLink.objects.get(carer=cast.carer).pk)
    url = reverse("reminders_unsubscribe", args=[token[:-2] + "xx"])
    assert client.post(url).status_code == 404
    assert CarerLink.objects.get(carer=cast.carer).reminders_enabled


# --- diary-gap reminders --------------------------------------------------------------------


def test_three_missed_days_remind_the_carers_once_and_replace_that_evenings_reminder(cast, smtp):
    joined(cast.patient, DAY - datetime.timedelta(days=10))
    write_day(cast.patient, cast.carer, DAY - datetime.timedelta(days=3), calm(0))
    runs.start_due_nights(AFTER)  # the 16th, 17th and 18th are missing
    [gap] = smtp.to(cast.carer.email)
    assert "no diary for 3 days" in gap.subject
    reminders.start_due_reminders(EVENING + datetime.timedelta(days=1))  # the evening of the 19th
    runs.start_due_nights(AFTER + datetime.timedelta(days=1))  # the gap goes on: no new alert
    assert len(smtp.to(cast.carer.email)) == 1
    reminders.start_due_reminders(EVENING + datetime.timedelta(days=2))
    assert len(smtp.to(cast.carer.email)) == 2  # the evening reminder of the 20th


def test_a_night_caught_up_too_late_reminds_no_carer(cast, smtp):
    joined(cast.patient, DAY - datetime.timedelta(days=10))
    write_day(cast.patient, cast.carer, DAY - datetime.timedelta(days=3), calm(0))
    runs.run_night(DAY, AFTER + datetime.timedelta(days=2))
    assert Alert.objects.filter(rule="diary_gap_reminder").exists()
    assert smtp.to(cast.carer.email) == []


# --- health ---------------------------------------------------------------------------------


def test_health_is_ok_after_a_completed_night(cast, client, capsys):
    runs.start_due_nights(AFTER)
    report = health.nightly_health(AFTER + datetime.timedelta(hours=3))
    assert report.ok, report.problems


def test_health_reports_a_missed_night_over_http_and_the_command(cast, client, capsys):
    runs.start_due_nights(AFTER - datetime.timedelta(days=2))
    response = client.get(reverse("nightly_health"))
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert any("did not run" in problem for problem in body["problems"])
    with pytest.raises(SystemExit) as exit_info:
        call_command("check_nightly")
    assert exit_info.value.code == 1
    assert "did not run" in capsys.readouterr().err


def test_health_reports_a_night_that_did_not_complete(cast):
    NightRun.objects.create(clinic=cast.clinic, date=DAY, started_at=AFTER, dispatched_at=AFTER)
    runs.start_due_nights(AFTER)  # clinic B runs; clinic A's night is stuck
    report = health.nightly_health(AFTER + datetime.timedelta(hours=3))
    assert f"clinic {cast.clinic.pk}: the night of {DAY} did not complete" in report.problems


def test_health_reports_an_email_left_unconfirmed_by_a_stopped_worker(cast):
    EmailClaim.objects.create(
        kind="alert_digest", recipient=cast.clinician, date=DAY, status="sending",
        created_at=AFTER, claimed_at=AFTER, attempts=1,
    )  # fmt: skip
    report = health.nightly_health(AFTER + datetime.timedelta(minutes=30))
    assert any("unconfirmed" in problem for problem in report.problems)


def test_health_is_ok_over_http_when_the_nights_completed(cast, client):
    runs.start_due_nights(datetime.datetime.now(tz=UTC) - datetime.timedelta(hours=2))
    runs.start_due_nights(datetime.datetime.now(tz=UTC))
    response = client.get(reverse("nightly_health"))
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "ok"


# --- commands and admin ---------------------------------------------------------------------


def test_the_commands_run_the_same_services(cast, smtp, capsys):
    call_command("run_nightly", "--sync")
    assert NightRun.objects.filter(completed_at__isnull=False).count() == 2
    assert "night of" in capsys.readouterr().out
    call_command("send_reminders", "--sync")
    assert "evening reminder(s) claimed" in capsys.readouterr().out
    with pytest.raises(CommandError, match="is due for clinic"):
        call_command("run_nightly", "--date", "2999-01-01")


def test_operators_can_see_the_nights_and_emails_in_the_admin(cast, client, admin_user):
    runs.start_due_nights(AFTER)
    sign_in(client, admin_user)
    assert client.get("/admin/clinicians/nightrun/").status_code == 200
    assert client.get("/admin/clinicians/emailclaim/").status_code == 200
