"""Celery tasks of the nightly job: thin, idempotent, ids and ISO dates in, a service call out.

No task message carries a name, reference, note or score; workers read by id. Tasks are
acknowledged late (settings), so a task whose worker dies is delivered again, and every service
they call is safe to repeat. The beat schedule is in ``config/celery.py``.
"""

from __future__ import annotations

import datetime
import logging

from celery import shared_task
from django.utils import timezone

from clinicians.nightly import reminders, runs, sending
from clinicians.nightly.models import EmailClaim

logger = logging.getLogger(__name__)


def _moment(now_iso: str | None) -> datetime.datetime:
    if now_iso is None:
        return timezone.now()
    moment = datetime.datetime.fromisoformat(now_iso)
    if moment.tzinfo is None:
        raise ValueError(f"{now_iso!r} must carry its UTC offset")
    return moment


@shared_task(name="clinicians.nightly_tick")
def nightly_tick(now_iso: str | None = None) -> list[int]:
    """Start every clinic's due nights, catch up missed ones, and resume lost work."""
    return runs.start_due_nights(_moment(now_iso))


@shared_task(name="clinicians.evaluate_batch")
def evaluate_batch(run_id: int, patient_ids: list[int]) -> int:
    """Evaluate one batch of a night's patients; the number evaluated by this call."""
    return runs.evaluate_batch(run_id, patient_ids, timezone.now()).evaluated


@shared_task(name="clinicians.finish_night")
def finish_night(run_id: int) -> int:
    """Claim a night's emails and queue them; the number of emails claimed."""
    return len(runs.finish_night(run_id, timezone.now()))


@shared_task(
    bind=True,
    name="clinicians.send_email",
    autoretry_for=(sending.SendFailed,),
    retry_backoff=30,
    retry_backoff_max=1800,
    retry_jitter=True,
    max_retries=sending.MAX_ATTEMPTS - 1,
)
def send_email(self, claim_id: int) -> str:  # type: ignore[no-untyped-def]
    """Send one claimed email; failures retry with exponential back-off, then stay failed.

    Without a broker (tasks run inline) there is no later to retry at: the failure is recorded
    on the claim and the next nightly tick's sweep tries again.
    """
    try:
        return sending.deliver(claim_id)
    except sending.SendFailed:
        if self.request.is_eager:
            return str(EmailClaim.Status.PENDING)
        raise


@shared_task(name="clinicians.reminder_tick")
def reminder_tick(now_iso: str | None = None) -> int:
    """Claim and queue the carers' evening reminders that are due."""
    return len(reminders.start_due_reminders(_moment(now_iso)))
