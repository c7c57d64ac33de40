"""Reminders to carers: the evening reminder at their chosen time, and the diary-gap reminder.

- **Evening reminder.** A frequent run finds, in each patient time zone, the carers whose
  chosen local reminder time has passed today with no entry for today, and claims one reminder
  per carer, patient and local day.
- **Diary-gap reminder.** When the night opens a ``diary_gap_reminder`` alert (no entry for
  three days), its carers are reminded the next morning. It shares the evening reminder's
  claim key, so a carer gets at most one reminder per patient and day. A night caught up later
  than the following day's cut-off reminds nobody: the news is stale.

Carers choose per patient (``CarerLink.reminders_enabled`` and ``reminder_time``); every
reminder carries a signed link that turns reminders off without signing in.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core import signing
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse

import scoring
from clinicians.alerts.models import Alert
from clinicians.nightly import queue, schedule
from clinicians.nightly.models import EmailClaim, NightRun
from diary.audit import ROLE_CARER, audit_context
from diary.days import ONE_DAY, DayRules
from diary.models import CarerLink, DiaryEntry

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "clinicians.reminders.unsubscribe"
UNRESOLVED = [Alert.Status.OPEN, Alert.Status.ACKNOWLEDGED]
GAP_REMINDER = str(scoring.AlertRule.DIARY_GAP_REMINDER)


def remindable_links() -> QuerySet[CarerLink]:
    """Carer links that may get reminders: switched on, active carer with an address and patient."""
    return CarerLink.objects.filter(
        reminders_enabled=True, carer__is_active=True, patient__is_active=True
    ).exclude(carer__email="")


def start_due_reminders(now: datetime.datetime) -> list[int]:
    """Claim every evening reminder due at ``now`` and queue it; the ids of the new claims."""
    zones = remindable_links().values_list("patient__time_zone", flat=True).distinct()
    claims = []
    for zone in sorted(set(zones.order_by())):
        claims.extend(_due_in_zone(zone, now))
    from clinicians.nightly import sending  # sending composes with this module

    claim_ids = sending.record_claims(claims, now)
    for claim_id in claim_ids:
        queue.send_email(claim_id)
    if claim_ids:
        logger.info("reminders: %s evening reminders claimed", len(claim_ids))
    return claim_ids


def _due_in_zone(zone: str, now: datetime.datetime) -> list[EmailClaim]:
    today = schedule.local_date(zone, now)
    entered = DiaryEntry.objects.filter(patient_id=OuterRef("patient_id"), date=today)
    claimed = EmailClaim.objects.filter(
        recipient_id=OuterRef("carer_id"), patient_id=OuterRef("patient_id"), date=today
    )
    links = (
        remindable_links()
        .filter(patient__time_zone=zone, reminder_time__lte=schedule.local_time(zone, now))
        .filter(~Exists(entered), ~Exists(claimed))
        .values_list("carer_id", "patient_id")
    )
    return [
        EmailClaim(
            kind=EmailClaim.Kind.EVENING_REMINDER,
            recipient_id=carer_id,
            patient_id=patient_id,
            date=today,
            created_at=now,
        )
        for carer_id, patient_id in links
    ]


def gap_reminder_claims(run: NightRun, now: datetime.datetime) -> list[EmailClaim]:
    """Unsaved gap-reminder claims for the carers of patients whose gap alert ``run`` opened."""
    alerts = Alert.objects.filter(
        diary_date=run.date,
        rule=GAP_REMINDER,
        patient__clinic_id=run.clinic_id,
        status__in=UNRESOLVED,
    ).values_list("patient_id", "patient__time_zone")
    rules = {zone: DayRules(zone, run.clinic.diary_cutoff, 0) for _, zone in alerts}
    timely = [
        patient_id
        for patient_id, zone in alerts
        # The reminder belongs to the morning after the gap; a caught-up night is too late.
        if run.started_at < rules[zone].cutoff_moment(run.date + ONE_DAY)
    ]
    links = remindable_links().filter(patient_id__in=timely).values_list("carer_id", "patient_id")
    return [
        EmailClaim(
            kind=EmailClaim.Kind.GAP_REMINDER,
            recipient_id=carer_id,
            patient_id=patient_id,
            date=run.date + ONE_DAY,
            created_at=now,
        )
        for carer_id, patient_id in links
    ]


def remindable_link(carer_id: int, patient_id: int | None) -> CarerLink | None:
    return remindable_links().filter(carer_id=carer_id, patient_id=patient_id).first()


def has_entry(patient_id: int | None, day: datetime.date) -> bool:
    return DiaryEntry.objects.filter(patient_id=patient_id, date=day).exists()


def open_gap(patient_id: int | None) -> int | None:
    """Days without entry of the patient's unresolved gap reminder alert, or None."""
    alert = (
        Alert.objects.filter(patient_id=patient_id, rule=GAP_REMINDER, status__in=UNRESOLVED)
        .order_by("-diary_date")
        .first()
    )
    if alert is None:
        return None
    return int(alert.details.get("days_without_entry") or 0) or None


def diary_url(patient_id: int | None, day: datetime.date | None) -> str:
    """The carer's page for ``day`` (or for the day the form offers first)."""
    if day is None:
        return settings.SITE_URL + reverse("diary_today", args=[patient_id])
    return settings.SITE_URL + reverse("diary_day", args=[patient_id, day.isoformat()])


def unsubscribe_token(link_id: int) -> str:
    return signing.dumps(link_id, salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(link_id: int) -> str:
    return settings.SITE_URL + reverse("reminders_unsubscribe", args=[unsubscribe_token(link_id)])


def link_for_token(token: str) -> CarerLink | None:
    """The carer link a signed unsubscribe token names, or None if the token is not ours."""
    try:
        link_id = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if type(link_id) is not int:
        return None
    return CarerLink.objects.select_related("carer", "patient").filter(pk=link_id).first()


def stop_reminders(*, link: CarerLink) -> None:
    """Turn off reminder emails for ``link``'s carer and patient (the unsubscribe link)."""
    if not link.reminders_enabled:
        return
    with audit_context(user=link.carer, role=ROLE_CARER, reason="unsubscribed by email link"):
        link.reminders_enabled = False
        link.save(update_fields=["reminders_enabled"])
