"""Claimed sends: each email is a row before it is a message, and is sent at most once.

``record_claims`` inserts the rows (the unique constraints drop the ones that exist already).
``deliver`` composes the email from the database as it is now, then takes the row with a
conditional UPDATE from ``pending`` to ``sending``; only the caller whose UPDATE changed the
row sends. So a re-run, a second beat, a retried or redelivered task can never send twice, and
a worker killed mid-send leaves the row in ``sending`` for a person to look at (the health check
reports it) rather than risk a second copy. A send that fails returns the row to ``pending``
with the attempt and the error recorded, and the task retries with back-off; after the last
attempt the row is ``failed``.
"""

from __future__ import annotations

import datetime
import logging
import smtplib
from collections.abc import Sequence

from django.core.mail import EmailMultiAlternatives
from django.db.models import F, Q
from django.utils import timezone

from clinicians.nightly import digests, emails, reminders
from clinicians.nightly.models import EmailClaim

logger = logging.getLogger(__name__)

Status = EmailClaim.Status
# A pending claim older than this without a worker on it is queued again (its task was lost).
REQUEUE_AFTER = datetime.timedelta(minutes=10)
# A pending claim that failed is left to its task's back-off retries for this long.
RETRY_QUIET = datetime.timedelta(hours=1)
# Attempts before a claim is left ``failed``: the first send and five retries.
MAX_ATTEMPTS = 6
# Claims older than this are not queued again: a reminder or digest that late is no use.
RECENT = datetime.timedelta(days=2)


class SendFailed(Exception):
    """A send failed and will be retried; the claim is back to ``pending``."""


def record_claims(claims: Sequence[EmailClaim], now: datetime.datetime) -> list[int]:
    """Insert the claims that do not exist yet; the ids of the ones this call inserted.

    Every claim must have ``created_at=now``: rows that already existed were created at
    another moment, so they are told apart without relying on returned ids.
    """
    if not claims:
        return []
    EmailClaim.objects.bulk_create(claims, ignore_conflicts=True)
    keys = {(c.kind, c.recipient_id, c.patient_id, c.date) for c in claims}
    rows = EmailClaim.objects.filter(
        created_at=now,
        status=Status.PENDING,
        attempts=0,
        kind__in={c.kind for c in claims},
        date__in={c.date for c in claims},
    ).values_list("pk", "kind", "recipient_id", "patient_id", "date")
    return sorted(pk for pk, *key in rows if tuple(key) in keys)


def deliver(claim_id: int, *, now: datetime.datetime | None = None) -> str:
    """Send the email of claim ``claim_id`` unless it is taken, done or no longer needed.

    Returns the claim's status afterwards. Raises ``SendFailed`` when the send failed and
    another attempt should follow; the ``MAX_ATTEMPTS``-th failure leaves the claim ``failed``.
    """
    now = now or timezone.now()
    claim = EmailClaim.objects.select_related("recipient", "patient").filter(pk=claim_id).first()
    if claim is None or claim.status != Status.PENDING:
        return claim.status if claim else "missing"
    last_attempt = claim.attempts + 1 >= MAX_ATTEMPTS
    message = compose(claim, now)
    if message is None:
        EmailClaim.objects.filter(pk=claim_id, status=Status.PENDING).update(status=Status.SKIPPED)
        return Status.SKIPPED
    taken = EmailClaim.objects.filter(pk=claim_id, status=Status.PENDING).update(
        status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if not taken:
        return "taken"
    try:
        message.send()
    except Exception as error:  # whatever stopped the hand-over is recorded, then retried
        return _failed(claim, error, last_attempt)
    EmailClaim.objects.filter(pk=claim_id, status=Status.SENDING).update(
        status=Status.SENT,
        sent_at=timezone.now(),  # the moment the server accepted it
    )
    logger.info("email: claim %s (%s) sent", claim_id, claim.kind)
    return Status.SENT


def _failed(claim: EmailClaim, error: Exception, last_attempt: bool) -> str:
    status = Status.FAILED if last_attempt else Status.PENDING
    EmailClaim.objects.filter(pk=claim.pk, status=Status.SENDING).update(
        status=status, last_error=describe(error)
    )
    logger.warning("email: claim %s failed (%s), now %s", claim.pk, describe(error), status)
    if last_attempt:
        return status
    raise SendFailed(f"claim {claim.pk}: {describe(error)}") from error


def describe(error: Exception) -> str:
    """The error's kind and SMTP code: enough to act on, never an address or a body."""
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{type(error).__name__} {error.smtp_code}"
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = sorted({code for code, _ in error.recipients.values()})
        return f"SMTPRecipientsRefused {' '.join(map(str, codes))}"
    return type(error).__name__


def compose(claim: EmailClaim, now: datetime.datetime) -> EmailMultiAlternatives | None:
    """The email for ``claim`` as the database stands now, or None if it is no longer due."""
    recipient = claim.recipient
    if not recipient.is_active or not recipient.email:
        return None
    if claim.kind == EmailClaim.Kind.ALERT_DIGEST:
        lines = digests.digest_lines(recipient.pk, claim.date)
        return emails.alert_digest(recipient, day=claim.date, lines=lines) if lines else None
    link = reminders.remindable_link(recipient.pk, claim.patient_id)
    if link is None:
        return None
    if claim.kind == EmailClaim.Kind.EVENING_REMINDER:
        if reminders.has_entry(claim.patient_id, claim.date):
            return None
        return emails.evening_reminder(
            recipient,
            reference=claim.patient.reference,
            day=claim.date,
            diary_url=reminders.diary_url(claim.patient_id, claim.date),
            unsubscribe_url=reminders.unsubscribe_url(link.pk),
        )
    gap = reminders.open_gap(claim.patient_id)
    if gap is None:
        return None
    return emails.gap_reminder(
        recipient,
        reference=claim.patient.reference,
        days_without_entry=gap,
        diary_url=reminders.diary_url(claim.patient_id, None),
        unsubscribe_url=reminders.unsubscribe_url(link.pk),
    )


def waiting_claims(now: datetime.datetime) -> list[int]:
    """Recent pending claims whose task seems lost: queued long ago, not retrying."""
    return list(
        EmailClaim.objects.filter(
            status=Status.PENDING,
            created_at__gte=now - RECENT,
            created_at__lt=now - REQUEUE_AFTER,
        )
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - RETRY_QUIET))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
