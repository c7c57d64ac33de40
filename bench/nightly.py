"""Benchmark of the nightly run on PostgreSQL: prints figures, asserts nothing about timing.

Run: .venv/bin/python bench/nightly.py [--patients 10000] [--days 365] [--rebuild]

It builds (once, then reuses) its own database ``ifn_bench`` (``BENCH_DATABASE_URL`` to use
another) holding 10 clinics in three time zones, 10,000 patients spread over the four diseases,
one carer each, three clinicians per clinic and a year of diaries: about 8% of days missed,
some patients silent for the last 4 or 8 days, 3% of entries corrected once (so "latest version
only" is real work), a few severe days and fevers. The rows are generated inside PostgreSQL
(``INSERT ... SELECT generate_series``), deterministically.

Then it times, on the night of the last diary day:

1. **Evaluation**: ``clinicians.nightly.services.evaluate_patients`` over every patient in the
   batches the tasks use, in this process: the code a worker runs, minus the broker.
2. **The whole night**: ``runs.run_night`` with tasks inline: runs, batches, evaluation,
   completion, digest and reminder claims and their emails composed; delivery goes to Django's
   in-memory backend, so email delivery is excluded.
3. **Two processes**: the evaluation split over two processes, as two workers on this 2-core
   machine would share it.
4. **Floor**: one SQL query reading the same rows (latest item scores of the 14 days every
   evaluation reads, for every patient), fetched into Python.

Each timing starts from no alerts and no evaluations (the tables are truncated), so every
alert is inserted; a real night, with alerts already open, inserts fewer.
"""

from __future__ import annotations

import argparse
import datetime
import multiprocessing
import os
import platform
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ifn_bench")
os.environ["DATABASE_URL"] = BENCH_URL
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.pop("REDIS_URL", None)  # tasks inline: the benchmark times the code, not a broker
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402
import psycopg  # noqa: E402

NIGHT = datetime.date(2026, 11, 18)
NOW = datetime.datetime(2026, 11, 19, 12, 0, tzinfo=datetime.UTC)  # every zone's night is due
CLINIC_ZONES = ["Europe/London"] * 5 + ["Asia/Tokyo"] * 3 + ["America/New_York"] * 2
ITEMS = {
    "CANDLE": ["fever", "rash", "musculoskeletal_pain", "headache", "fatigue"],
    "SAVI": ["fever", "rash", "musculoskeletal_pain", "headache", "fatigue", "respiratory"],
    "AGS": ["fever", "skin", "irritability", "sleep", "feeding", "vomiting", "pain", "fatigue"],
    "OTHER": ["fever", "rash", "musculoskeletal_pain", "headache", "fatigue"],
}
TRUNCATE = (
    "TRUNCATE clinicians_historicalalert, clinicians_alert, clinicians_patientevaluation,"
    " clinicians_nightrun, clinicians_emailclaim"
)


def ensure_database() -> None:
    base, name = BENCH_URL.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            admin.execute(f'CREATE DATABASE "{name}"')


def loaded(patients: int, days: int) -> bool:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM diary_patient")
        count = cursor.fetchone()[0]
        cursor.execute("SELECT min(date), max(date) FROM diary_diaryentry")
        first, last = cursor.fetchone()
    return count == patients and last == NIGHT and first == NIGHT - datetime.timedelta(days - 1)


def build(
    patients: int,
    days: int,
    *,
    night: datetime.date = NIGHT,
    zones: list[str] = CLINIC_ZONES,
    long_every: int = 1,
    long_days: int = 0,
) -> None:
    """Generate the clinics, people and a year of diaries inside PostgreSQL.

    One clinic per entry of ``zones`` (the patients are shared evenly), diaries of ``days``
    days ending on ``night``; every ``long_every``-th patient gets ``long_days`` days instead
    when that is longer (the load test's patients with three years of diary); then the stored
    scores and the treatment records (``ensure_treatment_records``).
    """
    from django.db import connection

    first = night - datetime.timedelta(days=days - 1)
    long_first = night - datetime.timedelta(days=max(days, long_days) - 1)
    joined = datetime.datetime.combine(long_first, datetime.time(9), tzinfo=datetime.UTC)
    columns, values, defaults = _other_columns(
        "diary.User",
        "id password is_superuser username first_name last_name email is_staff is_active"
        " date_joined language last_login",
    )
    items = ", ".join(
        f"('{disease}', '{code}', {position})"
        for disease, codes in ITEMS.items()
        for position, code in enumerate(codes)
    )
    steps = [
        (
            "tables",
            "TRUNCATE diary_itemscore, diary_entryversion, diary_diaryentry, diary_carerlink,"
            " diary_historicalcarerlink, diary_patient, diary_historicalpatient,"
            " clinicians_clinicmembership, clinicians_historicalclinicmembership,"
            " clinicians_clinic, clinicians_historicalclinic, diary_user CASCADE",
        ),
        (
            "clinics",
            "INSERT INTO clinicians_clinic (id, name, reference_prefix, time_zone,"
            " threshold_profile, diary_cutoff, backfill_days, created_at)"
            " SELECT n, 'Bench clinic ' || n, 'B' || lpad(n::text, 2, '0'), z, 'JAGA',"
            " '04:00', 3, %(joined)s"
            " FROM unnest(%(zones)s::text[]) WITH ORDINALITY AS t(z, n)",
        ),
        (
            "users",
            "INSERT INTO diary_user (id, password, is_superuser, username, first_name,"  # noqa: S608
            f" last_name, email, is_staff, is_active, date_joined, language{columns})"
            " SELECT n, '!', false, 'bench-user-' || n, '', '', 'bench-user-' || n"
            " || '@example.org', false, true, %(joined)s, CASE WHEN n %% 3 = 0 THEN 'ja'"
            f" ELSE 'en' END{values} FROM generate_series(1, %(patients)s + 30) AS n",
        ),
        (
            "memberships",
            "INSERT INTO clinicians_clinicmembership (user_id, clinic_id, role, created_at)"
            " SELECT %(patients)s + n, (n - 1) %% %(clinics)s + 1, 'clinician', %(joined)s"
            " FROM generate_series(1, 30) AS n",
        ),
        (
            "patients",
            "INSERT INTO diary_patient (id, clinic_id, reference, birth_year,"
            " disease, time_zone, is_active, created_at)"
            " SELECT n, c.id, c.reference_prefix || '-' || lpad(n::text, 5, '0'), 2015,"
            " (ARRAY['CANDLE', 'SAVI', 'AGS', 'OTHER'])[n %% 4 + 1], c.time_zone, true,"
            " %(joined)s FROM generate_series(1, %(patients)s) AS n"
            " JOIN clinicians_clinic c ON c.id = (n - 1) %% %(clinics)s + 1",
        ),
        (
            "identities",
            "INSERT INTO diary_patientidentity (patient_id, display_name, date_of_birth)"
            " SELECT id, 'Bench patient ' || id, date '2015-01-01' FROM diary_patient",
        ),
        (
            "carer links",
            "INSERT INTO diary_carerlink (carer_id, patient_id, relationship, created_at,"
            " reminders_enabled, reminder_time)"
            " SELECT id, id, 'mother', %(joined)s, true, '19:00' FROM diary_patient",
        ),
        (
            "entries",
            # About 8% of days are missed; every 50th patient is silent for the last 4 days
            # and every 97th for the last 8 (diary-gap alerts for carers and care teams).
            "INSERT INTO diary_diaryentry (patient_id, date, timeliness, created_at)"
            " SELECT p.id, d::date, 'on_time', d + interval '20 hours'"
            " FROM diary_patient p CROSS JOIN generate_series(CASE WHEN p.id %% %(long_every)s = 0"
            " THEN %(long_first)s ELSE %(first)s END::date, %(night)s::date,"
            " interval '1 day') AS d"
            " WHERE abs(hashtext(p.id || ':' || d::date)) %% 100 >= 8"
            " AND NOT (p.id %% 50 = 0 AND d::date > %(night)s::date - 4)"
            " AND NOT (p.id %% 97 = 0 AND d::date > %(night)s::date - 8)",
        ),
        (
            "versions",
            "INSERT INTO diary_entryversion (entry_id, patient_id, number, temperature_c,"
            " notes, entered_by_id, entered_by_role, source, received_at,"
            " instrument_version, reason, request_fingerprint)"
            " SELECT e.id, e.patient_id, v.number,"
            " CASE WHEN abs(hashtext('t' || e.id)) %% 4000 = 0 THEN 40.2 END, '',"
            " e.patient_id, 'carer', 'web', e.created_at, 1,"
            " CASE WHEN v.number = 2 THEN 'corrected' ELSE '' END, ''"
            " FROM diary_diaryentry e CROSS JOIN LATERAL (SELECT 1 AS number UNION ALL"
            " SELECT 2 WHERE abs(hashtext('c' || e.id)) %% 100 < 3) AS v",
        ),
        (
            "item scores",
            # A per-patient level (0 to 2) plus day-to-day noise: some patients controlled,
            # some active, a few severe days; 3% of items left blank. A corrected version
            # scores one point lower than the version it replaces.
            f"WITH items(disease, code, position) AS (VALUES {items})"  # noqa: S608 - constants
            " INSERT INTO diary_itemscore (version_id, item_code, score)"
            " SELECT v.id, i.code, CASE WHEN h %% 100 < 3 THEN NULL ELSE"
            " least(4, greatest(0, round((p.id %% 7) / 3.0 + (h %% 100 - 50) / 28.0)"
            " - (v.number - 1)))::int END"
            " FROM diary_entryversion v JOIN diary_patient p ON p.id = v.patient_id"
            " JOIN items i ON i.disease = p.disease"
            " CROSS JOIN LATERAL (SELECT abs(hashtext(v.entry_id || ':' || i.code)) AS h) AS x",
        ),
        ("sequences", "SELECT setval('diary_user_id_seq', (SELECT max(id) FROM diary_user))"),
        ("analyse", None),
    ]
    params = {
        "joined": joined,
        "zones": zones,
        "clinics": len(zones),
        "patients": patients,
        "first": first,
        "long_first": long_first,
        "long_every": long_every,
        "night": night,
        **defaults,
    }
    for label, sql in steps:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            if sql is None:
                cursor.execute("VACUUM ANALYZE")
            else:
                cursor.execute(sql, params)
        print(f"  {label:<12} {time.perf_counter() - started:6.1f} s", flush=True)
    _fill_daily_scores()
    ensure_treatment_records(night)


def ensure_treatment_records(night: datetime.date) -> None:
    """Treatment starts 30-450 days before ``night`` (so the cohort report has baseline, primary
    and maintenance visits), a corticosteroid and weight for every third patient and a PGA at
    each visit; added once (a database built before they were is given them too)."""
    from django.db import transaction
    from django.utils import timezone

    from clinicians.records.models import Measurement, PGAAssessment, SteroidDose, TreatmentCourse
    from diary.clinics import ClinicMembership
    from diary.models import Patient

    if TreatmentCourse.objects.exists():
        return
    started = time.perf_counter()
    who = ClinicMembership.objects.order_by("pk").first().user
    now = timezone.now()
    courses, doses, weights, pgas = [], [], [], []
    for n, patient in enumerate(Patient.objects.order_by("pk")):
        start = night - datetime.timedelta(days=30 + (n * 37) % 421)
        common = {"patient": patient, "recorded_by": who, "recorded_at": now}
        courses.append(TreatmentCourse(drug="baricitinib", start_date=start, regimen="-", **common))
        for week in (0, 20, 32, 52):
            day = start + datetime.timedelta(days=7 * week)
            if day <= night:
                score = Decimal(max(0, 8 - week // 8 - n % 3))
                pgas.append(PGAAssessment(patient=patient, date=day, score=score,
                                          assessed_by=who, recorded_at=now))  # fmt: skip
        if n % 3 == 0:
            first = start - datetime.timedelta(days=60)
            weights.append(Measurement(kind="weight", date=first, value=Decimal(20), **common))
            doses.append(SteroidDose(drug="prednisolone", mg_per_day=Decimal(10), from_date=first,
                                     **common))  # fmt: skip
            later = start + datetime.timedelta(days=90)
            doses.append(SteroidDose(drug="prednisolone", mg_per_day=Decimal(3), from_date=later,
                                     **common))  # fmt: skip
    with transaction.atomic():
        TreatmentCourse.objects.bulk_create(courses, batch_size=2000)
        SteroidDose.objects.bulk_create(doses, batch_size=2000)
        Measurement.objects.bulk_create(weights, batch_size=2000)
        PGAAssessment.objects.bulk_create(pgas, batch_size=2000)
    print(f"  {'treatments':<12} {time.perf_counter() - started:6.1f} s", flush=True)


def _fill_daily_scores() -> None:
    """The stored 7-day DDS the pages read, written by the application's own rebuild."""
    from django.db import connection

    from diary.daily_scores import rebuild

    started = time.perf_counter()
    written = rebuild()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE diary_dailyscore")
    seconds = time.perf_counter() - started
    print(f"  {'scores':<12} {seconds:6.1f} s ({written:,} daily scores)", flush=True)


def _other_columns(model: str, given: str) -> tuple[str, str, dict[str, object]]:
    """Columns of ``model`` the loader does not set (added since), filled with their defaults."""
    from django.apps import apps

    fields = [
        f
        for f in apps.get_model(model)._meta.concrete_fields
        if f.column not in given.split() and not f.null
    ]
    columns = "".join(f", {f.column}" for f in fields)
    values = "".join(f", %(default_{f.column})s" for f in fields)
    return columns, values, {f"default_{f.column}": f.get_default() for f in fields}


def patient_batches() -> list[list[int]]:
    from clinicians.nightly.runs import BATCH_SIZE
    from diary.models import Patient

    batches = []
    for clinic_id in range(1, len(CLINIC_ZONES) + 1):
        ids = list(
            Patient.objects.filter(clinic_id=clinic_id).order_by("pk").values_list("pk", flat=True)
        )
        batches += [ids[i : i + BATCH_SIZE] for i in range(0, len(ids), BATCH_SIZE)]
    return batches


def reset() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(TRUNCATE)


def time_evaluation(batches: list[list[int]]) -> tuple[float, int, int]:
    from clinicians.nightly import services

    reset()
    started = time.perf_counter()
    evaluated = opened = 0
    for batch in batches:
        result = services.evaluate_patients(batch, NIGHT, now=NOW)
        evaluated += result.evaluated
        opened += result.alerts_opened
    return time.perf_counter() - started, evaluated, opened


def _evaluate_share(batches: list[list[int]]) -> float:
    from django.db import connection

    from clinicians.nightly import services

    connection.close()
    started = time.perf_counter()
    for batch in batches:
        services.evaluate_patients(batch, NIGHT, now=NOW)
    return time.perf_counter() - started


def time_two_processes(batches: list[list[int]]) -> float:
    from django.db import connection

    reset()
    connection.close()
    shares = [batches[0::2], batches[1::2]]
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(2) as pool:
        pool.map(_evaluate_share, shares)
    return time.perf_counter() - started


def time_whole_night() -> tuple[float, dict[str, int]]:
    from django.conf import settings
    from django.core import mail

    from clinicians.nightly import runs
    from clinicians.nightly.models import EmailClaim, NightRun

    reset()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    started = time.perf_counter()
    run_ids = runs.run_night(NIGHT, NOW)
    elapsed = time.perf_counter() - started
    complete = NightRun.objects.filter(pk__in=run_ids, completed_at__isnull=False).count()
    figures = {
        "runs": len(run_ids),
        "complete": complete,
        "emails": len(mail.outbox),
        "claims": EmailClaim.objects.count(),
    }
    return elapsed, figures


def time_floor() -> tuple[float, int]:
    from django.db import connection

    sql = """
        SELECT v.patient_id, e.date, s.item_code, s.score
        FROM diary_itemscore s
        JOIN diary_entryversion v ON v.id = s.version_id
        JOIN diary_diaryentry e ON e.id = v.entry_id
        WHERE e.date BETWEEN %s AND %s
          AND NOT EXISTS (SELECT 1 FROM diary_entryversion w
                          WHERE w.entry_id = v.entry_id AND w.number > v.number)
    """
    timings, rows = [], 0
    for _ in range(3):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, [NIGHT - datetime.timedelta(days=13), NIGHT])
            rows = len(cursor.fetchall())
        timings.append(time.perf_counter() - started)
    return statistics.median(timings), rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--rebuild", action="store_true", help="regenerate the diaries")
    args = parser.parse_args()

    ensure_database()
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if args.rebuild or not loaded(args.patients, args.days):
        print(f"Building {args.patients:,} patients × {args.days} days in {BENCH_URL} ...")
        build(args.patients, args.days)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT (SELECT count(*) FROM diary_entryversion),"
                       " (SELECT count(*) FROM diary_itemscore)")  # fmt: skip
        versions, scores = cursor.fetchone()
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, PostgreSQL {connection.pg_version // 10000}; "
        f"{args.patients:,} patients, {versions:,} entry versions, {scores:,} item scores"
    )

    batches = patient_batches()
    floor, rows = time_floor()
    evaluation, evaluated, opened = time_evaluation(batches)
    two = time_two_processes(batches)
    night, figures = time_whole_night()

    def line(label: str, seconds: float) -> None:
        print(
            f"{label:<44} {seconds:7.2f} s {evaluated / seconds:9,.0f} patients/s"
            f" {seconds / floor:6.1f}× floor"
        )

    print(f"Night of {NIGHT}: {evaluated:,} patients evaluated, {opened:,} alerts opened")
    print(f"{'floor: one query, same rows (' + format(rows, ',') + ')':<44} {floor:7.2f} s")
    line("evaluation, one process (batches of 500)", evaluation)
    line("evaluation, two processes", two)
    line("whole night, one process (delivery excluded)", night)
    print(
        f"whole night: {figures['runs']} runs, {figures['complete']} complete, "
        f"{figures['claims']} emails claimed, {figures['emails']} composed"
    )


if __name__ == "__main__":
    main()
