"""The nightly job with its real parts: a Celery worker process on a real Redis broker, against
PostgreSQL, sending to a real SMTP server on loopback.

Each test starts its own ``redis-server`` on a free port (so it may stop it, and nothing else
shares its queues), commits its data (``transaction=True``) so the worker sees it, drives the
night through ``manage.py`` in a subprocess exactly as an operator or cron would, and stops
every process it started. Every wait is bounded.
"""

from __future__ import annotations

import base64
import collections
import datetime
import json
import re
import threading
import time
import uuid

import pytest
import redis
from django.db import connection
from rest_framework.test import APIClient

from clinicians.alerts.models import Alert
from clinicians.nightly import health, schedule
from clinicians.nightly.models import EmailClaim, NightRun, PatientEvaluation
from config.celery import app as celery_app
from diary.clinics import ClinicMembership
from diary.services import Submission, submit_entry
from tests.clinicians.factories import MembershipFactory
from tests.clinicians.nightly_harness import (
    Services,
    Worker,
    calm,
    database_url,
    start_smtp,
    wait_until,
    write_day,
)
from tests.conftest import api_token

pytestmark = pytest.mark.django_db(transaction=True)

DAY = datetime.date(2026, 11, 18)
UTC = datetime.UTC


@pytest.fixture
def mailbox():
    server = start_smtp()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def services(postgres, redis_server, mailbox):
    return Services(database_url(connection.settings_dict), redis_server.url, mailbox.port)


def severe(patient, author, day=DAY):
    write_day(patient, author, day, calm(1) | {"rash": 4}, notes="private note about the child")


def night_done(*days):
    """True once every clinic's night of each of ``days`` is complete and every email settled."""
    runs = NightRun.objects.filter(date__in=days)
    settled = not EmailClaim.objects.filter(status="pending").exists()
    return runs.count() == 2 * len(days) and not runs.filter(completed_at=None) and settled


def broker_idle(url):
    """True once the worker has nothing queued or unacknowledged on the broker."""
    broker = redis.Redis.from_url(url)
    return broker.llen("celery") == 0 and broker.hlen("unacked") == 0


# Celery logs "Task <name>[<id>] received", then one line for how it ended (succeeded, raised,
# retry, ...).
_TASK_LINE = re.compile(r"Task [\w.]+\[([\w-]+)\] (\w+)")


def worker_settled(worker):
    """True once every task the worker received has ended, as its log reports."""
    received, finished = set(), set()
    for task_id, event in _TASK_LINE.findall(worker.output()):
        (received if event == "received" else finished).add(task_id)
    return received <= finished


def digest_counts(mailbox):
    return collections.Counter(
        recipient for message in mailbox.inbox.messages for recipient in message.recipients
    )


class BrokerTap:
    """Every command sent to Redis while it runs (``MONITOR``): what travels on the broker."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.client = redis.Redis.from_url(url)
        self.commands: list[str] = []
        self._thread = threading.Thread(target=self._listen, daemon=True)

    def __enter__(self) -> BrokerTap:
        self._thread.start()
        self.catch_up("Redis MONITOR to start")
        return self

    def catch_up(self, what: str = "Redis MONITOR to catch up") -> None:
        """Wait until MONITOR has reported every command sent before this call: it reports
        commands in order, so once it reports a probe sent now, it has reported them all."""
        probe, marker = redis.Redis.from_url(self.url), f"tap-probe-{uuid.uuid4()}"

        def seen() -> bool:
            # Sent again on every poll: a probe sent before MONITOR has started is never reported.
            probe.echo(marker)
            return any(marker in c for c in self.commands)

        wait_until(seen, 10, what)

    def __exit__(self, *exc: object) -> None:
        self.client.connection_pool.disconnect()
        self._thread.join(timeout=5)

    def _listen(self) -> None:
        try:
            with self.client.monitor() as monitor:
                for event in monitor.listen():
                    self.commands.append(event["command"])
        except (redis.RedisError, OSError, ValueError, AttributeError):
            return  # disconnected by __exit__

    def messages(self) -> list[dict]:
        """The task messages pushed to a queue: name, arguments, and the raw text."""
        found = []
        for command in self.commands:
            if not command.upper().startswith("LPUSH"):
                continue
            body = re.search(r'"body": "([A-Za-z0-9+/=]+)"', command)
            name = re.search(r'"task": "([\w.]+)"', command)
            args, kwargs, _ = json.loads(base64.b64decode(body[1]))
            found.append({"task": name[1], "args": args, "kwargs": kwargs, "raw": command})
        return found


def only_ids_and_iso_dates(value) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    if isinstance(value, list):
        return all(isinstance(item, int) and not isinstance(item, bool) for item in value)
    if isinstance(value, str):
        try:
            datetime.datetime.fromisoformat(value)
        except ValueError:
            return False
        return True
    return False


def test_the_night_run_twice_sends_each_clinician_one_digest_with_only_ids_on_the_broker(
    cast, services, mailbox, redis_server
):
    severe(cast.patient, cast.carer)
    severe(cast.other_patient, cast.other_carer)
    worker = Worker(services, "first").start()
    try:
        with BrokerTap(redis_server.url) as tap:
            services.manage("run_nightly", "--date", DAY.isoformat())
            wait_until(lambda: night_done(DAY), 60, "the night of the 18th")
            services.manage("run_nightly", "--date", DAY.isoformat())  # the night again
            services.manage("run_nightly")  # and the periodic path, as two beats would
            wait_until(lambda: broker_idle(redis_server.url), 60, "the worker to finish")
            wait_until(lambda: worker_settled(worker), 10, "the worker's last task to end")
            tap.catch_up()
    finally:
        worker.stop()
    staff = [cast.clinician.email, cast.clinic_admin.email, cast.outside_clinician.email]
    assert {address: digest_counts(mailbox)[address] for address in staff} == dict.fromkeys(
        staff, 1
    )
    assert PatientEvaluation.objects.filter(date=DAY).count() == 3
    messages = tap.messages()
    assert {m["task"] for m in messages} >= {
        "clinicians.evaluate_batch",
        "clinicians.finish_night",
        "clinicians.send_email",
    }
    for message in messages:
        assert message["kwargs"] == {}
        assert all(only_ids_and_iso_dates(arg) for arg in message["args"]), message["args"]
        for secret in (
            cast.patient.display_name,
            cast.other_patient.display_name,
            "AAA-0001",
            "BBB-0001",
            "private note",
            "@example.org",
            "scored",
        ):
            assert secret not in message["raw"]


def test_a_worker_killed_mid_send_is_replaced_nothing_is_sent_twice_and_a_leaver_hears_nothing(
    cast, services, mailbox, redis_server
):
    for n in range(4):
        MembershipFactory(user__username=f"dr-{n}", clinic=cast.clinic)
    severe(cast.patient, cast.carer)
    severe(cast.other_patient, cast.other_carer)
    mailbox.inbox.delay = 1.0  # each message is accepted a second after its data arrives
    services.extra["CELERY_VISIBILITY_TIMEOUT"] = "3"
    first = Worker(services, "first").start()
    try:
        services.manage("run_nightly", "--date", DAY.isoformat())
        wait_until(lambda: mailbox.inbox.count() >= 2, 60, "the second email to be on its way")
        first.kill()  # in the middle of the second send
    finally:
        first.stop()
    killed_at = mailbox.inbox.count()
    # Between the night's evaluation and their digest, the last clinician leaves the clinic.
    leaver = EmailClaim.objects.filter(status="pending").order_by("pk").last().recipient
    ClinicMembership.objects.filter(user=leaver).delete()
    # The broker hands the killed worker's task to the next worker that starts once the
    # visibility timeout has passed (acks_late: it was never acknowledged).
    time.sleep(int(services.extra["CELERY_VISIBILITY_TIMEOUT"]) + 1)
    second = Worker(services, "second").start()
    try:
        wait_until(lambda: night_done(DAY), 90, "the night to complete")
        wait_until(lambda: broker_idle(redis_server.url), 60, "the killed task's redelivery")
        wait_until(lambda: worker_settled(second), 10, "the worker's last task to end")
    finally:
        second.stop()
    assert "succeeded" in second.output() and "'sending'" in second.output()  # redelivered
    counts = digest_counts(mailbox)
    assert len(counts) == 6  # six staff of clinic A and one of clinic B, less the leaver
    assert set(counts.values()) == {1}, counts
    assert leaver.email not in counts
    statuses = collections.Counter(EmailClaim.objects.values_list("status", flat=True))
    assert statuses == {"sent": 5, "sending": 1, "skipped": 1}
    assert EmailClaim.objects.get(recipient=leaver).status == "skipped"
    # The one interrupted send reached the server but was never confirmed: it is not sent
    # again, and the health check asks a person to look.
    unconfirmed = EmailClaim.objects.get(status="sending")
    assert counts[unconfirmed.recipient.email] == 1
    assert killed_at == 2
    report = health.nightly_health(unconfirmed.claimed_at + datetime.timedelta(minutes=20))
    assert any("unconfirmed" in problem for problem in report.problems)


def test_with_redis_down_a_diary_is_still_saved_and_evaluated_once_redis_is_back(
    cast, services, mailbox, redis_server
):
    now = datetime.datetime.now(tz=UTC)
    zones = {cast.clinic.time_zone, cast.patient.time_zone, cast.other_patient.time_zone}
    day = schedule.due_night(zones, datetime.time(4), now)  # a day whose night is due
    worker = Worker(services, "first").start()
    saved = {}
    try:
        redis_server.stop()
        conf = celery_app.conf
        previous = (conf.broker_url, conf.task_always_eager)
        conf.broker_url, conf.task_always_eager = redis_server.url, False
        try:
            started = time.monotonic()
            saved["service"] = submit_entry(
                patient=cast.patient,
                user=cast.carer,
                submission=Submission(date=day, scores=calm(1) | {"rash": 4}),
                source="web",
            )
            api = APIClient()
            api.credentials(HTTP_AUTHORIZATION=f"Token {api_token(cast.other_carer)}")
            saved["api"] = api.post(
                f"/api/v1/patients/{cast.other_patient.pk}/entries/",
                {"date": day.isoformat(), "scores": {"fever": 4}},
                format="json",
                HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
            )
            elapsed = time.monotonic() - started
        finally:
            conf.broker_url, conf.task_always_eager = previous
        assert saved["api"].status_code == 201, saved["api"].content
        assert elapsed < 5  # nothing waited for the broker
        assert not Alert.objects.exists()  # the night has not run: the broker is down
        redis_server.start()
        services.manage("run_nightly", "--date", day.isoformat())
        wait_until(lambda: night_done(day), 90, "the night after Redis came back")
    finally:
        worker.stop()
    assert set(Alert.objects.values_list("patient_id", "rule")) == {
        (cast.patient.pk, "severe_symptom"),
        (cast.other_patient.pk, "severe_symptom"),
    }
    assert digest_counts(mailbox)[cast.clinician.email] == 1


def test_around_a_dst_night_in_london_and_in_tokyo_each_patient_day_is_evaluated_once(
    cast, services, redis_server
):
    # Ticks around each cut-off: 03:00 UTC is 04:00 BST (London's cut-off before the clocks
    # go back on the 25th), 04:00 UTC is 04:00 GMT (after), 19:00 UTC is 04:00 JST.
    ticks = [datetime.datetime(2026, 10, 24, 0, 0, tzinfo=UTC)] + [
        datetime.datetime(2026, 10, day, hour, minute, tzinfo=UTC)
        for day in (24, 25, 26)
        for hour, minute in ((3, 0), (3, 45), (4, 0), (4, 15), (12, 0), (18, 45), (19, 0))
    ]
    publish = (
        "from clinicians.nightly.tasks import nightly_tick\n"
        f"for moment in {[tick.isoformat() for tick in ticks]!r}:\n"
        "    nightly_tick.delay(moment)\n"
    )
    worker = Worker(services, "first").start()
    try:
        services.manage("shell", "-c", publish)
        wait_until(lambda: night_done(datetime.date(2026, 10, 25)), 90, "the night of the 25th")
        wait_until(lambda: broker_idle(redis_server.url), 90, "the worker to finish")
    finally:
        worker.stop()
    per_day = collections.Counter(PatientEvaluation.objects.values_list("patient_id", "date"))
    for patient in (cast.patient, cast.unlinked_patient, cast.other_patient):
        for day in (datetime.date(2026, 10, 24), datetime.date(2026, 10, 25)):
            assert per_day[(patient.pk, day)] == 1
    assert set(per_day.values()) == {1}
    started = {
        (run.clinic_id, run.date): run.started_at
        for run in NightRun.objects.filter(date__in=[datetime.date(2026, 10, d) for d in (24, 25)])
    }
    at = datetime.datetime.fromisoformat
    assert started == {
        # London: 04:00 GMT after the clocks went back on the 25th, and on the 26th.
        (cast.clinic.pk, datetime.date(2026, 10, 24)): at("2026-10-25T04:00+00:00"),
        (cast.clinic.pk, datetime.date(2026, 10, 25)): at("2026-10-26T04:00+00:00"),
        # Tokyo: 04:00 JST is 19:00 UTC the evening before.
        (cast.other_clinic.pk, datetime.date(2026, 10, 24)): at("2026-10-24T19:00+00:00"),
        (cast.other_clinic.pk, datetime.date(2026, 10, 25)): at("2026-10-25T19:00+00:00"),
    }
