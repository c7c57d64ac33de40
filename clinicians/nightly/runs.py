"""The night, clinic by clinic: start it, fan it out, notice it is evaluated, finish it.

The periodic trigger (``start_due_nights``) runs every few minutes. For each clinic it opens
a ``NightRun`` for every night that is due and has no run yet (the newest one, plus up to
``CATCH_UP_DAYS`` missed ones after an outage), then hands the clinic's patients to the workers
in batches of ids. Each batch, once stored, asks whether the clinic is fully evaluated; the
batch that finds it so marks the run evaluated (a conditional UPDATE, so only one does) and
queues the finish, which claims the night's emails. Every step is idempotent, so the same
trigger also sweeps up after lost or killed work: runs whose work was handed out a while ago
and has not come back are handed out again, and claimed emails still waiting are queued again.

Work is queued only after the transaction that recorded it has committed, so a worker never
looks for a row it cannot see yet.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterator, Sequence

from django.db.models import Max

from clinicians.alerts.models import Alert
from clinicians.nightly import digests, queue, reminders, schedule, sending, services
from clinicians.nightly.models import NightRun, PatientEvaluation
from clinicians.nightly.reads import unevaluated_patients, zones_by_clinic
from diary.clinics import Clinic

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
CATCH_UP_DAYS = 14
# Work handed out longer ago than this and not finished is handed out again; duplicates are
# harmless (each step is idempotent), so this only bounds how long lost work waits.
STALE_AFTER = datetime.timedelta(minutes=10)


class NightNotOver(ValueError):
    """The night asked for has not reached its cut-off everywhere yet."""


def start_due_nights(now: datetime.datetime) -> list[int]:
    """Start every clinic's due nights (catching up missed ones) and sweep; the new runs' ids."""
    zones = zones_by_clinic()
    last = dict(
        NightRun.objects.values("clinic_id")
        .annotate(last=Max("date"))
        .values_list("clinic_id", "last")
    )
    started = []
    for clinic in Clinic.objects.order_by("pk"):
        time_zones = zones.get(clinic.pk, set()) | {clinic.time_zone}
        due = schedule.due_night(time_zones, clinic.diary_cutoff, now)
        for day in schedule.nights_to_run(last.get(clinic.pk), due, CATCH_UP_DAYS):
            run, created = _open(clinic, day, now)
            if created:
                started.append(run.pk)
    sweep(now)
    return started


def run_night(day: datetime.date, now: datetime.datetime) -> list[int]:
    """Start, or resume where it stopped, the night of ``day`` for every clinic (backfills).

    Raises ``NightNotOver`` if the night is not due yet for some clinic.
    """
    zones = zones_by_clinic()
    clinics = list(Clinic.objects.order_by("pk"))
    for clinic in clinics:
        time_zones = zones.get(clinic.pk, set()) | {clinic.time_zone}
        due_at = schedule.night_due_at(time_zones, clinic.diary_cutoff, day)
        if due_at > now:
            raise NightNotOver(
                f"The night of {day.isoformat()} is due for clinic {clinic.pk} only at "
                f"{due_at.isoformat()}."
            )
    runs = []
    for clinic in clinics:
        run, created = _open(clinic, day, now)
        if not created:
            resume(run, now)
        runs.append(run.pk)
    return runs


def _open(clinic: Clinic, day: datetime.date, now: datetime.datetime) -> tuple[NightRun, bool]:
    run, created = NightRun.objects.get_or_create(
        clinic=clinic, date=day, defaults={"started_at": now, "dispatched_at": now}
    )
    if created:
        logger.info("nightly: clinic %s night %s started", clinic.pk, day.isoformat())
        hand_out(run, now)
    return run, created


def resume(run: NightRun, now: datetime.datetime) -> None:
    """Hand out whatever ``run`` still lacks: its missing patients, or its finish."""
    if run.completed_at is not None:
        return
    if run.evaluated_at is None:
        hand_out(run, now)
    else:
        NightRun.objects.filter(pk=run.pk).update(dispatched_at=now)
        queue.finish_night(run.pk)


def hand_out(run: NightRun, now: datetime.datetime) -> None:
    """Queue the run's unevaluated patients in batches of ids; finish it if there are none."""
    missing = list(
        unevaluated_patients(run.clinic_id, run.date).order_by("pk").values_list("pk", flat=True)
    )
    NightRun.objects.filter(pk=run.pk).update(dispatched_at=now)
    if not missing:
        batch_done(run.pk, now)
        return
    for batch in _batches(missing, BATCH_SIZE):
        queue.evaluate_batch(run.pk, batch)


def _batches(ids: Sequence[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


def evaluate_batch(
    run_id: int, patient_ids: Sequence[int], now: datetime.datetime
) -> services.BatchResult:
    """Evaluate one batch of the run's patients, then check whether the run is evaluated."""
    day = NightRun.objects.filter(pk=run_id).values_list("date", flat=True).first()
    if day is None:
        return services.BatchResult(0, 0)
    result = services.evaluate_patients(patient_ids, day, now=now)
    batch_done(run_id, now)
    return result


def batch_done(run_id: int, now: datetime.datetime) -> bool:
    """Mark the run evaluated and queue its finish if no patient is left; whether it did."""
    run = NightRun.objects.filter(pk=run_id, evaluated_at__isnull=True).first()
    if run is None or unevaluated_patients(run.clinic_id, run.date).exists():
        return False
    evaluated = PatientEvaluation.objects.filter(date=run.date, patient__clinic_id=run.clinic_id)
    opened = Alert.objects.filter(diary_date=run.date, patient__clinic_id=run.clinic_id)
    marked = NightRun.objects.filter(pk=run_id, evaluated_at__isnull=True).update(
        evaluated_at=now, patients_evaluated=evaluated.count(), alerts_opened=opened.count()
    )
    if marked:
        logger.info("nightly: run %s evaluated", run_id)
        queue.finish_night(run_id)
    return bool(marked)


def finish_night(run_id: int, now: datetime.datetime) -> list[int]:
    """Claim the night's digests and carers' gap reminders, mark the run complete, queue sends.

    Returns the ids of the claims this call recorded (a repeated finish records none).
    """
    run = NightRun.objects.select_related("clinic").get(pk=run_id)
    if run.evaluated_at is None:
        return []
    claims = digests.digest_claims(run, now) + reminders.gap_reminder_claims(run, now)
    claim_ids = sending.record_claims(claims, now)
    NightRun.objects.filter(pk=run_id, completed_at__isnull=True).update(completed_at=now)
    logger.info("nightly: run %s complete, %s emails claimed", run_id, len(claim_ids))
    for claim_id in claim_ids:
        queue.send_email(claim_id)
    return claim_ids


def sweep(now: datetime.datetime) -> None:
    """Hand out again the work of runs and emails that has been waiting too long."""
    stale_runs = NightRun.objects.filter(
        completed_at__isnull=True,
        dispatched_at__lt=now - STALE_AFTER,
        date__gte=now.date() - datetime.timedelta(days=CATCH_UP_DAYS + 2),
    )
    for run in stale_runs:
        logger.info("nightly: run %s resumed", run.pk)
        resume(run, now)
    for claim_id in sending.waiting_claims(now):
        queue.send_email(claim_id)


def night_summary(run_ids: Sequence[int]) -> list[NightRun]:
    """The runs ``run_ids`` as stored now, for reports."""
    return list(NightRun.objects.filter(pk__in=run_ids).order_by("date", "clinic_id"))
