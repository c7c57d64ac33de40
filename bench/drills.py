"""Resilience drills on the real stack: each prints what it checked and its result.

Run: .venv/bin/python bench/drills.py [redis] [connections] [worker]   (all three by default)

Run them once per change to the stack (gunicorn, PostgreSQL, Redis, Celery settings). They use
their own PostgreSQL database ``ifn_drill`` (``DRILL_DATABASE_URL``; 1,000 patients, 14 days of
diary, seeded by ``bench/nightly.py``'s loader), their own ``redis-server`` on a free port (so
the drill may stop it) and their own SMTP server on loopback; they never touch shared services.

1. **redis**: carers submit for 80 s while Redis is stopped for 60 s of it: every submission
   still succeeds (nothing a carer sends waits on Redis), then the nightly trigger runs the
   night on the worker and the alerts are there.
2. **connections**: a PostgreSQL role with a connection limit, all its connections held by idle
   sessions: the API and the clinic pages answer 503 with Retry-After within a second or two
   instead of hanging; the phone's entry, sent again with the same key once connections are
   free, is saved once.
3. **worker**: a worker killed (SIGKILL) while it evaluates the night: a new worker picks up the
   unacknowledged task, the night completes, and no email is delivered twice.
"""

from __future__ import annotations

import collections
import datetime
import os
import sys
import tempfile
import threading
import time
import uuid
import zoneinfo
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault(
    "LOAD_DATABASE_URL",
    os.environ.get("DRILL_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ifn_drill"),
)
sys.path.insert(0, str(ROOT))

from bench import load, nightly  # noqa: E402

DRILL_ROLE = "ifn_drill_app"
ROLE_CONNECTIONS = 4
results: list[tuple[str, bool, str]] = []


def check(label: str, ok: bool, detail: str = "") -> None:
    results.append((label, ok, detail))
    print(f"  {'ok  ' if ok else 'FAIL'} {label}{': ' + detail if detail else ''}", flush=True)


def harness():  # type: ignore[no-untyped-def]
    """The nightly tests' real services (redis-server, aiosmtpd, celery worker)."""
    from tests.clinicians import nightly_harness

    return nightly_harness


def reset_nights() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(nightly.TRUNCATE)


def night_state() -> tuple[int, int, int, int]:
    """Runs, completed runs, alerts, email claims still pending."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM clinicians_nightrun),"
            " (SELECT count(*) FROM clinicians_nightrun WHERE completed_at IS NOT NULL),"
            " (SELECT count(*) FROM clinicians_alert),"
            " (SELECT count(*) FROM clinicians_emailclaim WHERE status = 'pending')"
        )
        return cursor.fetchone()


def night_complete() -> bool:
    runs, complete, _, pending = night_state()
    return runs > 0 and runs == complete and pending == 0


# --- 1. Redis stopped during the evening ---------------------------------------------------------


def drill_redis(work: Path, data: Path) -> None:
    print("\nDrill 1: Redis stopped for 60 s while carers submit", flush=True)
    h = harness()
    redis = h.RedisServer()
    redis.start()
    reset_nights()
    started = load.now()
    try:
        extra = {"REDIS_URL": redis.url}
        with load.Stack(load.free_port(), work, extra=extra) as stack:
            outcome: dict[str, object] = {}
            runner = threading.Thread(
                target=lambda: outcome.update(
                    zip(
                        ("figures", "result"),
                        load.run_locust(stack, 10, 80, ["CarerUser"], work, data, "redis"),
                        strict=True,
                    )
                )
            )
            runner.start()
            time.sleep(10)
            redis.stop()
            down = time.monotonic()
            check("Redis stopped during the load", not redis.ping())
            time.sleep(60)
            redis.start()
            check("Redis back after", True, f"{time.monotonic() - down:.0f} s")
            runner.join()
            load.print_figures("carers during the outage", outcome["figures"])  # type: ignore[arg-type]
            services = h.Services(load.LOAD_URL, redis.url, 25, {"CONN_MAX_AGE": "0"})
            services.manage("run_nightly")  # what the next beat tick does
            h.wait_until(night_complete, 300, "the night after Redis came back")
    finally:
        redis.stop()
    failed = load.verify(started, [outcome["result"]])  # type: ignore[list-item]
    check("submissions during the outage: none lost, none doubled, no 5xx", not failed)
    runs, complete, alerts, _ = night_state()
    check("the night ran once Redis was back", complete == runs > 0, f"{complete} runs complete")
    check("alerts caught up", alerts > 0, f"{alerts} alerts opened")


# --- 2. PostgreSQL connections exhausted ---------------------------------------------------------


CUTOFF_HOUR = 4  # the clinics' diary cut-off in bench/nightly.py's data


def _free_evening(payload: dict) -> tuple[dict, datetime.date]:
    """A carer and the evening their phone offers now, which no earlier drill has sent."""
    for carer in reversed(payload["carers"]):
        local = datetime.datetime.now(zoneinfo.ZoneInfo(carer["zone"]))
        day = local.date() - datetime.timedelta(days=1 if local.hour < CUTOFF_HOUR else 0)
        if day.isoformat() not in carer["used"]:
            return carer, day
    raise SystemExit("every carer has sent tonight's diary: rebuild the drill database")


def drill_connections(work: Path, data: Path) -> None:
    import json

    import psycopg
    import requests

    print("\nDrill 2: PostgreSQL connections exhausted", flush=True)
    base, name = load.LOAD_URL.rsplit("/", 1)
    with psycopg.connect(load.LOAD_URL, autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [DRILL_ROLE]).fetchone()
        if not exists:
            admin.execute(f"CREATE ROLE {DRILL_ROLE} LOGIN")
        # A role limit applies to a non-superuser only, and to this drill's role only: the
        # shared PostgreSQL keeps every other connection slot.
        admin.execute(f"ALTER ROLE {DRILL_ROLE} CONNECTION LIMIT {ROLE_CONNECTIONS}")
        admin.execute(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {DRILL_ROLE}")
        admin.execute(f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {DRILL_ROLE}")
    role_url = f"postgres://{DRILL_ROLE}@{base.split('@', 1)[1]}/{name}"
    payload = json.loads(data.read_text())
    carer, day = _free_evening(payload)
    clinician = payload["clinicians"][0]
    extra = {"DATABASE_URL": role_url, "CONN_MAX_AGE": "0", "DB_CONNECT_TIMEOUT": "2"}
    key = str(uuid.uuid4())
    body = {"date": day.isoformat(), "scores": dict.fromkeys(carer["items"], 1)}
    submit = (
        f"/api/v1/patients/{carer['patient']}/entries/",
        {"Authorization": f"Token {carer['token']}", "Idempotency-Key": key},
    )
    cookie = {"Cookie": f"{payload['session_cookie']}={clinician['session']}"}
    with load.Stack(load.free_port(), work, extra=extra, worker=False) as stack:
        held = [psycopg.connect(role_url) for _ in range(ROLE_CONNECTIONS)]
        try:
            for what, call in [
                ("diary submission", lambda: requests.post(
                    stack.url + submit[0], json=body, headers=submit[1], timeout=30)),
                ("clinic dashboard", lambda: requests.get(
                    stack.url + "/clinic/", headers=cookie, timeout=30, allow_redirects=False)),
            ]:  # fmt: skip
                started = time.monotonic()
                response = call()
                elapsed = time.monotonic() - started
                check(
                    f"{what} with every connection taken: 503 with Retry-After, fast",
                    response.status_code == 503
                    and "Retry-After" in response.headers
                    and elapsed < 3,
                    f"{response.status_code} in {elapsed * 1000:.0f} ms,"
                    f" Retry-After {response.headers.get('Retry-After')}",
                )
        finally:
            for connection in held:
                connection.close()
        # The phone keeps an entry answered 503 in its queue and sends it again, same key.
        again = requests.post(stack.url + submit[0], json=body, headers=submit[1], timeout=30)
        detail = f"{again.status_code} {again.text[:200] if again.status_code != 201 else ''}"
        check("the queued entry sent again once connections are free", again.status_code == 201,
              detail)  # fmt: skip
    with psycopg.connect(load.LOAD_URL) as conn:
        (stored,) = conn.execute(
            "SELECT count(*) FROM diary_entryversion WHERE idempotency_key = %s", [key]
        ).fetchone()
    check("saved exactly once", stored == 1, f"{stored} version(s) with its key")


# --- 3. A worker killed during the night ---------------------------------------------------------


def drill_worker(work: Path) -> None:
    from django.db import connection

    print("\nDrill 3: a worker killed (SIGKILL) during the nightly run", flush=True)
    h = harness()
    redis, smtp = h.RedisServer(), h.start_smtp()
    redis.start()
    reset_nights()
    services = h.Services(load.LOAD_URL, redis.url, smtp.port, {"CELERY_VISIBILITY_TIMEOUT": "5"})
    try:
        first = h.Worker(services, "first").start()
        try:
            services.manage("run_nightly")

            def evaluating() -> bool:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT count(*) FROM clinicians_patientevaluation")
                    return cursor.fetchone()[0] > 0

            h.wait_until(evaluating, 120, "the first evaluations")
            first.kill()
        finally:
            first.stop()
        _, complete, _, _ = night_state()
        check("worker killed before the night completed", complete == 0, f"{complete} complete")
        time.sleep(6)  # past the visibility timeout: the unacknowledged task is handed out again
        second = h.Worker(services, "second").start()
        try:
            h.wait_until(night_complete, 300, "the night after the worker was replaced")
            time.sleep(2)
        finally:
            second.stop()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*), count(DISTINCT (patient_id, date))"
                " FROM clinicians_patientevaluation"
            )
            evaluations, distinct = cursor.fetchone()
            cursor.execute("SELECT count(*) FROM clinicians_emailclaim WHERE status = 'sent'")
            (sent,) = cursor.fetchone()
        delivered = collections.Counter(
            (tuple(m.recipients), m.subject, str(m.message["Message-ID"]))
            for m in smtp.inbox.messages
        )
        messages = smtp.inbox.messages
        per_claim = collections.Counter((tuple(m.recipients), m.subject) for m in messages)
        runs, complete, alerts, _ = night_state()
        check("the night completed", complete == runs > 0, f"{complete}/{runs} runs")
        check("each patient evaluated once", evaluations == distinct, f"{evaluations:,}")
        check(
            "no email delivered twice",
            max(per_claim.values(), default=1) == 1 and len(delivered) == smtp.inbox.count(),
            f"{smtp.inbox.count()} delivered, {sent} claims sent, {alerts} alerts",
        )
    finally:
        smtp.stop()
        redis.stop()


def main() -> int:
    everything = ["redis", "connections", "worker"]
    chosen = [a for a in sys.argv[1:] if not a.startswith("-")] or everything
    night = load.seed(load.SMALL, "--rebuild" in sys.argv)
    work = Path(tempfile.mkdtemp(prefix="ifn-drills-"))
    data = work / "data.json"
    load.prepare(night, data)
    print(f"Drills on {load.LOAD_URL} ({load.SMALL.patients:,} patients); logs in {work}")
    if "redis" in chosen:
        drill_redis(work, data)
    if "connections" in chosen:
        load.prepare(night, data)
        drill_connections(work, data)
    if "worker" in chosen:
        drill_worker(work)
    failed = [label for label, ok, _ in results if not ok]
    print(f"\n{len(results) - len(failed)} of {len(results)} checks passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
