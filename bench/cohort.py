"""The cohort page of a 500-patient clinic, timed in this process: prints figures only.

Run: .venv/bin/python bench/cohort.py [--rebuild] [--runs 20]

It builds (once, then reuses) its own database ``ifn_cohort_bench`` (``BENCH_DATABASE_URL``
for another) with ``bench/nightly.py``'s loader: one clinic of 500 patients, 400 days of
diaries ending yesterday, treatment starts spread from 30 to 450 days ago, a corticosteroid and
weight for every third patient and a PGA at each visit. It times
``GET /clinic/cohort/<id>/`` (the page and its reads, as the dashboard's bar of p95 < 300 ms
is measured) and ``GET /api/v1/clinics/<id>/cohort/`` through Django's test client: no network,
no gunicorn, so the figures are the page's own cost.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ifn_cohort_bench")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("HTTPS", "0")

from bench import nightly  # noqa: E402  (sets DATABASE_URL and the Django settings module)

PATIENTS = 500
DAYS = 400


def seed(rebuild: bool) -> None:
    import django

    nightly.ensure_database()
    django.setup()
    from django.core.management import call_command

    from diary.models import Patient

    call_command("migrate", verbosity=0)
    night = datetime.datetime.now(datetime.UTC).date() - datetime.timedelta(days=1)
    if rebuild or Patient.objects.count() != PATIENTS:
        print(f"Building {PATIENTS} patients × {DAYS} days in {nightly.BENCH_URL} ...")
        nightly.build(PATIENTS, DAYS, night=night, zones=["Europe/London"])
    nightly.ensure_treatment_records(night)


def _time(client: object, path: str, runs: int) -> tuple[float, float, int]:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(path)  # type: ignore[attr-defined]
        timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
    return statistics.median(timings), statistics.quantiles(timings, n=20)[-1], len(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rebuild", action="store_true", help="regenerate the data")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    seed(args.rebuild)

    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from diary.clinics import ClinicMembership

    # The pages' static URLs without collectstatic's manifest (as the tests do); nothing served.
    static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    settings.STORAGES = {**settings.STORAGES, "staticfiles": static}
    membership = ClinicMembership.objects.select_related("user").order_by("pk").first()
    client = Client()
    client.force_login(membership.user)  # signed in with a second factor, as bench/load.py does
    device, _ = TOTPDevice.objects.get_or_create(user=membership.user, name="cohort bench")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    clinic = membership.clinic_id
    for name, path in [
        ("cohort page", f"/clinic/cohort/{clinic}/"),
        ("cohort page, LOCF", f"/clinic/cohort/{clinic}/?locf=1"),
        ("cohort API", f"/api/v1/clinics/{clinic}/cohort/"),
        ("clinic dashboard (for comparison)", "/clinic/"),
    ]:
        client.get(path)  # warm: templates, instruments
        p50, p95, runs = _time(client, path, args.runs)
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        print(
            f"{name}: p50 {p50:.0f} ms, p95 {p95:.0f} ms over {runs} runs ({PATIENTS} patients), "
            f"{len(queries)} queries"
        )
    print(f"load average {os.getloadavg()[0]:.1f} (1 min) at the end")


if __name__ == "__main__":
    main()
