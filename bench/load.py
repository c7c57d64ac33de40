"""Load test of the evening peak on the real stack: prints figures, asserts nothing about timing.

Run: .venv/bin/python bench/load.py [--smoke] [--rebuild] [--seconds N]

It seeds its own PostgreSQL database with ``bench/nightly.py``'s loader (``ifn_load``: 10,000
patients in 20 clinics of 500, a year of diaries ending yesterday, every 101st patient with
three years; ``--smoke``: ``ifn_smoke``, 1,000 patients in 2 clinics, 14 days), then starts on
loopback gunicorn (``config/gunicorn.conf.py``, ``BENCH_FLOOR=1``) and a Celery worker on Redis
(``LOAD_REDIS_URL``, default database 14 of the local Redis), and runs locust headless
(``bench/locustfile.py``), bounded in time:

1. **floor 1** (full run only): 20 users posting to the floor view (one inserted row);
2. **submit 1** (full run only): 20 carers submitting back to back;
3. **floor 2**, **submit 2**: the same again, so each ratio to the floor compares neighbouring
   phases, twice;
4. **evening**: 20 carers (submit, 10% retried with the same key, 5% a new key for the same
   day, then their week) and 5 clinicians (dashboard, patient page with three years); the smoke
   run is this phase alone, 30 s with 20 users.

Then it checks, from the database: every
accepted key is stored exactly once and the entries created equal the distinct accepted keys
(nothing lost, nothing duplicated), and no request got a 5xx. Any failed check exits 1 (that
is what CI runs); timings never fail it. Last, the full run times the SQL the dashboard and
the patient page need, alone (their floors).
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SMOKE = "--smoke" in sys.argv
DEFAULT_DB = "ifn_smoke" if SMOKE else "ifn_load"
LOAD_URL = os.environ.get("LOAD_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{DEFAULT_DB}")
os.environ["BENCH_DATABASE_URL"] = LOAD_URL  # bench/nightly.py builds into this database
sys.path.insert(0, str(ROOT))

from bench import nightly  # noqa: E402  (sets DATABASE_URL and the Django settings module)

os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")  # the page floors run requests in-process
os.environ.setdefault("HTTPS", "0")

REDIS_URL = os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/14")
TOKEN_NAME = "bench/load.py"  # the device name of the carers' API tokens


@dataclass(frozen=True)
class Profile:
    patients: int
    days: int
    zones: list[str]
    long_every: int
    long_days: int


FULL = Profile(
    10_000,
    365,
    ["Europe/London"] * 10 + ["Asia/Tokyo"] * 6 + ["America/New_York"] * 4,
    101,
    3 * 365 + 1,
)
SMALL = Profile(1_000, 14, ["Europe/London", "Asia/Tokyo"], 97, 60)


# --- the database ------------------------------------------------------------------------------


META = "CREATE TABLE IF NOT EXISTS bench_load_meta (patients int NOT NULL, night date NOT NULL)"


def seed(profile: Profile, rebuild: bool) -> datetime.date:
    """Build the database once (again with ``rebuild``); returns the last seeded diary day."""
    import django

    nightly.ensure_database()
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(META)
        cursor.execute("SELECT patients, night FROM bench_load_meta")
        meta = cursor.fetchone()
    night = datetime.datetime.now(datetime.UTC).date() - datetime.timedelta(days=1)
    # Diaries that end more than the back-fill window ago leave no evening to submit for.
    fresh = meta and meta[1] >= night - datetime.timedelta(days=2)
    if meta and meta[0] == profile.patients and fresh and not rebuild:
        nightly.ensure_treatment_records(meta[1])  # a database built before they were
        return meta[1]
    print(f"Building {profile.patients:,} patients × {profile.days} days in {LOAD_URL} ...")
    nightly.build(
        profile.patients,
        profile.days,
        night=night,
        zones=profile.zones,
        long_every=profile.long_every,
        long_days=profile.long_days,
    )
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM bench_load_meta")
        cursor.execute("INSERT INTO bench_load_meta VALUES (%s, %s)", [profile.patients, night])
    return night


# The last seeded days are removed before a run, so that every carer has this many evenings
# free within the back-fill window (the seeded clinics allow the offered day and the three
# before it): the phases together submit more diaries than there are carers. The offered day
# is the seeded night itself for a carer whose clock is before the 04:00 cut-off or behind
# UTC, and the day after for one ahead of it, so with fewer days freed than the window holds,
# how many evenings a carer has would depend on the hour the run starts.
FREED_DAYS = 4


def free_from(night: datetime.date) -> datetime.date:
    """The first diary day a run may submit (entries from it on are removed by ``prepare``)."""
    return night - datetime.timedelta(days=FREED_DAYS - 1)


def prepare(night: datetime.date, data_path: Path) -> None:
    """Tokens for the carers, signed-in sessions for the clinicians, no rows of earlier runs."""
    from django.db import connection

    night = free_from(night) - datetime.timedelta(days=1)  # the last day kept

    with connection.cursor() as cursor:
        # Earlier runs' entries are the days after the seeded ones. Diary versions are
        # append-only (a trigger refuses DELETE), so the triggers are off for this session.
        cursor.execute("SET session_replication_role = replica")
        cursor.execute(
            "DELETE FROM diary_itemscore WHERE version_id IN (SELECT v.id FROM"
            " diary_entryversion v JOIN diary_diaryentry e ON e.id = v.entry_id"
            " WHERE e.date > %s)",
            [night],
        )
        cursor.execute(
            "DELETE FROM diary_entryversion WHERE entry_id IN"
            " (SELECT id FROM diary_diaryentry WHERE date > %s)",
            [night],
        )
        cursor.execute("DELETE FROM diary_diaryentry WHERE date > %s", [night])
        cursor.execute("SET session_replication_role = origin")
        cursor.execute("DROP TABLE IF EXISTS bench_floor")
    from bench.floor import CREATE
    from diary.daily_scores import rebuild

    with connection.cursor() as cursor:
        cursor.execute(CREATE)
    started = time.monotonic()
    rebuild(since=night + datetime.timedelta(days=1))  # the windows of the days removed
    print(
        f"Daily scores from {night + datetime.timedelta(days=1)} rewritten in "
        f"{time.monotonic() - started:.1f} s"
    )
    clinicians = _clinicians()
    write_data(night, data_path, clinicians, _issue_tokens())


def _issue_tokens() -> dict[int, str]:
    """A new API token for each carer, as the token endpoint issues them, by patient id
    (the keys are not stored, so earlier runs' tokens are ended)."""
    from django.db import transaction

    from diary.models import ApiToken, CarerLink
    from diary.tokens import issue_token

    by_carer: dict[int, str] = {}
    with transaction.atomic():
        ApiToken.objects.filter(name=TOKEN_NAME).delete()
        for link in CarerLink.objects.select_related("carer").order_by("carer_id"):
            if link.carer_id not in by_carer:
                _, by_carer[link.carer_id] = issue_token(
                    user=link.carer, name=TOKEN_NAME, verified=False
                )
        links = CarerLink.objects.values_list("patient_id", "carer_id")
        return {patient: by_carer[carer] for patient, carer in links}


def write_data(
    night: datetime.date,
    path: Path,
    clinicians: list[dict[str, object]],
    tokens: dict[int, str],
    evening_reserve: int = 0,
) -> None:
    """What locust needs, with the days each carer already sent in an earlier phase, and how
    many free evenings a submission-only phase must leave to the evening phase."""
    data = {
        "first_free_day": free_from(night).isoformat(),
        "carers": _carers(free_from(night), tokens),
        "clinicians": clinicians,
        "session_cookie": _session_cookie_name(),
        "evening_reserve": evening_reserve,
    }
    path.write_text(json.dumps(data))


def _carers(first_free: datetime.date, tokens: dict[int, str]) -> list[dict[str, object]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.patient_id, p.time_zone, p.disease, coalesce((SELECT"
            " array_agg(e.date::text) FROM diary_diaryentry e WHERE e.patient_id = p.id AND"
            " e.date >= %s), '{}') FROM diary_carerlink c"
            " JOIN diary_patient p ON p.id = c.patient_id ORDER BY c.patient_id",
            [first_free],
        )
        return [
            {"patient": pk, "token": tokens[pk], "zone": zone, "items": nightly.ITEMS[disease],
             "used": used}
            for pk, zone, disease, used in cursor.fetchall()
        ]  # fmt: skip


def _clinicians() -> list[dict[str, object]]:
    """One signed-in session per clinician, with a verified second factor when it is on."""
    from django.db import connection

    from diary.clinics import ClinicMembership

    clinicians = []
    for membership in ClinicMembership.objects.select_related("user").order_by("pk"):
        with connection.cursor() as cursor:
            # The clinic's patients with the longest diary (three years in the full run).
            cursor.execute(
                "SELECT p.id FROM diary_patient p WHERE p.clinic_id = %s AND"
                " (SELECT min(date) FROM diary_diaryentry e WHERE e.patient_id = p.id)"
                " = (SELECT min(date) FROM diary_diaryentry) ORDER BY p.id",
                [membership.clinic_id],
            )
            long_patients = [row[0] for row in cursor.fetchall()]
        if long_patients:
            clinicians.append(
                {
                    "session": _signed_in(membership.user),
                    "long_patients": long_patients,
                    "clinic": membership.clinic_id,
                }
            )
    return clinicians


def _signed_in(user: object) -> str:
    """A session key for ``user`` as the sign-in (and two-factor) pages would leave it."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    session = client.session
    if "django_otp" in settings.INSTALLED_APPS:
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device, _ = TOTPDevice.objects.get_or_create(user=user, name="load test")
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return session.session_key


def _session_cookie_name() -> str:
    from django.conf import settings

    return settings.SESSION_COOKIE_NAME


# --- the stack ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stack_env(port: int) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": LOAD_URL,
        "REDIS_URL": REDIS_URL,
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-secret-key"),
        "ALLOWED_HOSTS": "127.0.0.1",
        "HTTPS": "0",
        "DEBUG": "0",
        "BENCH_FLOOR": "1",
        "LOG_LEVEL": "WARNING",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "PYTHONPATH": str(ROOT),
    }


def _redis_answers(url: str) -> None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except redis.RedisError as error:
        raise SystemExit(f"Redis does not answer at {url}: {error}") from None


class Stack:
    """gunicorn and one Celery worker on loopback, stopped on exit."""

    def __init__(
        self,
        port: int,
        log_dir: Path,
        *,
        extra: dict[str, str] | None = None,
        worker: bool = True,
        page_pool: int = 0,
        worker_nice: int = 10,
    ) -> None:
        self.port, self.log_dir, self.processes = port, log_dir, []
        self.extra, self.worker = extra or {}, worker
        # ``page_pool`` processes of the same gunicorn serve the clinic pages on a port of their
        # own (what a load balancer routing /clinic/ to its own pool gives); the others serve
        # the API. 0: one pool for everything (the default and the documented figures).
        self.page_pool, self.pages_port = page_pool, free_port() if page_pool else port
        # The worker's CPU priority (``nice``), as systemd's ``Nice=10`` sets it in production
        # where workers share a machine with gunicorn (docs/deployment.md): background work
        # yields the cores to pages and submissions, and has them when they are idle.
        self.worker_nice = worker_nice

    def __enter__(self) -> Stack:
        env, bin_dir = stack_env(self.port) | self.extra, Path(sys.executable).parent
        _redis_answers(env["REDIS_URL"])
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT, env=env, check=True,
        )  # fmt: skip
        gunicorn = [bin_dir / "gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi"]
        if self.page_pool:
            api = max(2 * (os.cpu_count() or 1) - self.page_pool, 1)
            self._start(gunicorn, env | {"GUNICORN_WORKERS": str(api)})
            pages = {"GUNICORN_WORKERS": str(self.page_pool)}
            self._start(gunicorn, stack_env(self.pages_port) | self.extra | pages)
        else:
            self._start(gunicorn, env)
        if self.worker:
            nice = ["nice", "-n", str(self.worker_nice)] if self.worker_nice else []
            self._start(
                [*nice, bin_dir / "celery", "-A", "config", "worker", "--concurrency", "1",
                 "--loglevel", "WARNING", "--without-gossip", "--without-mingle"],
                env,
            )  # fmt: skip
        self.wait_ready()
        return self

    def _start(self, command: list[object], env: dict[str, str]) -> None:
        program = next(Path(str(part)).name for part in command if part != "nice")
        log = open(self.log_dir / f"{program}.log", "ab")  # noqa: SIM115
        self.processes.append(subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pages_url(self) -> str:
        return f"http://127.0.0.1:{self.pages_port}"

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        for url in dict.fromkeys([self.url, self.pages_url]):
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/healthz", timeout=2):  # noqa: S310
                        break
                except (urllib.error.URLError, OSError):
                    if time.monotonic() > deadline:
                        raise SystemExit(
                            f"gunicorn did not answer on {url} (logs in {self.log_dir})"
                        ) from None
                    time.sleep(0.5)

    def __exit__(self, *_: object) -> None:
        for process in reversed(self.processes):
            process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


# --- locust ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    name: str
    requests: int
    failures: int
    rps: float
    p50: float
    p95: float
    p99: float


def run_locust(
    stack: Stack, users: int, seconds: int, classes: list[str], work: Path, data: Path, tag: str
) -> tuple[list[Figures], dict[str, object]]:
    results = work / f"{tag}.json"
    log = open(work / f"locust-{tag}.log", "wb")  # noqa: SIM115
    env = {**os.environ, "LOAD_DATA": str(data), "LOAD_RESULTS": str(results)}
    env["LOAD_PAGES_URL"] = stack.pages_url
    subprocess.run(
        [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"),
         "--headless", "-H", stack.url, "-u", str(users), "-r", str(users),
         "-t", f"{seconds}s", "--stop-timeout", "10", "--csv", str(work / tag),
         "--only-summary", "--loglevel", "WARNING", *classes],
        env=env, check=False, stdout=log, stderr=log,
    )  # fmt: skip
    figures = []
    with open(work / f"{tag}_stats.csv") as stats:
        for row in csv.DictReader(stats):
            figures.append(
                Figures(
                    row["Name"], int(row["Request Count"]), int(row["Failure Count"]),
                    float(row["Requests/s"]), float(row["50%"]), float(row["95%"]),
                    float(row["99%"]),
                )
            )  # fmt: skip
    return figures, json.loads(results.read_text())


def print_figures(title: str, figures: list[Figures]) -> None:
    print(f"\n{title}")
    head = f"{'count':>7} {'fail':>5} {'req/s':>7} {'p50':>6} {'p95':>6} {'p99':>6}"
    print(f"  {'request':<36} {head}  (ms)")
    for f in figures:
        print(
            f"  {f.name:<36} {f.requests:7,} {f.failures:5} {f.rps:7.1f} {f.p50:6.0f}"
            f" {f.p95:6.0f} {f.p99:6.0f}"
        )


# --- checks ------------------------------------------------------------------------------------


def verify(started: datetime.datetime, results: list[dict[str, object]]) -> list[str]:
    """Nothing lost, nothing duplicated, no 5xx: the failed checks, printed as they go."""
    from django.db import connection

    accepted = {(p, k) for r in results for p, k in r["accepted"]}  # type: ignore[attr-defined]
    errors = sum(int(r["server_errors"]) for r in results)  # type: ignore[call-overload]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT patient_id, idempotency_key::text FROM diary_entryversion"
            " WHERE received_at >= %s",
            [started],
        )
        stored = cursor.fetchall()
        cursor.execute("SELECT count(*) FROM diary_diaryentry WHERE created_at >= %s", [started])
        (entries,) = cursor.fetchone()
    lost = accepted - set(stored)
    checks = [
        ("entries were accepted", len(accepted) > 0, f"{len(accepted):,} distinct keys"),
        ("no accepted entry lost", not lost, f"{len(lost)} missing"),
        ("no key stored twice", len(stored) == len(set(stored)), f"{len(stored):,} versions"),
        ("entries created == distinct accepted keys", entries == len(accepted),
         f"{entries:,} entries, {len(accepted):,} keys"),
        ("no 5xx answer", errors == 0, f"{errors} 5xx"),
    ]  # fmt: skip
    print("\nChecks")
    failed = []
    for label, ok, detail in checks:
        print(f"  {'ok  ' if ok else 'FAIL'} {label}: {detail}")
        if not ok:
            failed.append(label)
    return failed


# --- page floors: the SQL a page runs, timed alone ---------------------------------------------


def page_floor(path: str, session: str, runs: int) -> tuple[float, float, int]:
    """p50 and p95 (ms) of running, alone, the SQL statements one request for ``path`` runs."""
    from django.conf import settings
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(SERVER_NAME="127.0.0.1")
    client.cookies[settings.SESSION_COOKIE_NAME] = session
    with CaptureQueriesContext(connection) as captured:
        status = client.get(path).status_code
    if status != 200:
        raise SystemExit(f"{path} answered {status} in the floor measurement")
    skip = ("SAVEPOINT", "RELEASE")
    statements = [q["sql"] for q in captured.captured_queries if not q["sql"].startswith(skip)]
    timings = []
    for _ in range(runs):
        with transaction.atomic(), connection.cursor() as cursor:
            started = time.perf_counter()
            for sql in statements:
                cursor.execute(sql)
                if cursor.description:
                    cursor.fetchall()
            timings.append((time.perf_counter() - started) * 1000)
            transaction.set_rollback(True)
    return statistics.median(timings), statistics.quantiles(timings, n=20)[-1], len(statements)


# --- the run -----------------------------------------------------------------------------------


def now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="30 s, 20 users, small seed (CI)")
    parser.add_argument("--rebuild", action="store_true", help="regenerate the diaries")
    parser.add_argument("--seconds", type=int, help="length of the evening phase")
    parser.add_argument(
        "--page-pool",
        type=int,
        default=0,
        help="gunicorn processes of their own for the clinic pages (an experiment; default 0)",
    )
    parser.add_argument(
        "--worker-nice",
        type=int,
        default=10,
        help="the Celery worker's nice level (production's Nice=10; 0 for none)",
    )
    args = parser.parse_args()
    profile = SMALL if args.smoke else FULL

    night = seed(profile, args.rebuild)
    work = Path(tempfile.mkdtemp(prefix="ifn-load-"))
    data = work / "data.json"
    prepare(night, data)
    print(
        f"Machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}; {LOAD_URL}: "
        f"{profile.patients:,} patients, diaries to {night}; logs and CSV in {work}"
    )
    results, figures = [], {}
    started = now()
    stack = Stack(free_port(), work, page_pool=args.page_pool, worker_nice=args.worker_nice)
    with stack:
        # Floor and submissions twice, alternately: each ratio compares phases a minute and a
        # half apart at most, and a host that slows down for one phase shows as two ratios
        # that disagree instead of one wrong one.
        phases = [] if args.smoke else [(f"{tag} {i}", 20, 45, [user])
                                        for i in (1, 2)
                                        for tag, user in (("floor", "FloorUser"),
                                                          ("submit", "SubmitUser"))]  # fmt: skip
        users = 20 if args.smoke else 25
        phases.append(("evening", users, args.seconds or (30 if args.smoke else 120),
                       ["CarerUser", "ClinicianUser"]))  # fmt: skip
        prepared = json.loads(data.read_text())
        clinicians = prepared["clinicians"]
        tokens = {carer["patient"]: carer["token"] for carer in prepared["carers"]}
        # An evening carer waits at least 0.5 s between diaries: this many at most, which the
        # submission-only phases leave free (on a fast machine they would otherwise take
        # every evening there is, and the evening phase would have no carer left to submit).
        _, evening_users, evening_seconds, _ = phases[-1]
        reserve = evening_users * evening_seconds * 2
        for tag, count, seconds, classes in phases:
            write_data(night, data, clinicians, tokens, reserve)
            rows, result = run_locust(stack, count, seconds, classes, work, data, tag)
            print_figures(f"{tag}: {count} users, {seconds} s ({', '.join(classes)})", rows)
            figures[tag], _ = {f.name: f for f in rows}, results.append(result)
    failed = verify(started, results)
    if not args.smoke:
        print_ratios(figures, json.loads(data.read_text())["clinicians"][0])
    return 1 if failed else 0


def print_ratios(figures: dict[str, dict[str, Figures]], clinician: dict[str, object]) -> None:
    evening = figures["evening"]
    print("\nRatios to the floors")
    for i in (1, 2):
        floor = figures[f"floor {i}"]["floor: insert one row"].rps
        submit = figures[f"submit {i}"]["submit entry"].rps
        print(
            f"  submission throughput, round {i}: {submit:.1f}/s ÷ floor {floor:.1f}/s"
            f" = {submit / floor:.2f}"
        )
    session = str(clinician["session"])
    patient = clinician["long_patients"][0]  # type: ignore[index]
    for name, path in [
        ("clinic dashboard", "/clinic/"),
        ("patient page (3 years)", f"/clinic/patients/{patient}/?range=all"),
        ("cohort page", f"/clinic/cohort/{clinician['clinic']}/"),
    ]:
        p50, p95, statements = page_floor(path, session, 30)
        page = evening[name]
        print(
            f"  {name}: p50 {page.p50:.0f} ms, p95 {page.p95:.0f} ms under load; its"
            f" {statements} SQL statements alone p50 {p50:.0f} ms, p95 {p95:.0f} ms;"
            f" p95 ÷ floor p95 = {page.p95 / p95:.1f}"
        )
    if "submit entry" in evening:
        print(f"  submit entry under the evening load: p95 {evening['submit entry'].p95:.0f} ms")
    else:
        print("  submit entry under the evening load: none sent (no free evening was left)")


if __name__ == "__main__":
    sys.exit(main())
