"""Writes to clinic records. Alerts move open → acknowledged → resolved, never back.

Each change is one transaction that locks the alert row first, so two clinicians pressing
"acknowledge" at once leave one acknowledgement, and it is saved through the model so the audit
trail (django-simple-history) records who, in which role, and why.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from clinicians.alerts.models import Alert
from diary.access import role_for
from diary.audit import audit_context

NOTE_MAX_LENGTH = 2000


class AlertStateError(Exception):
    """The alert is not in a state that allows this change (HTTP 409)."""


def acknowledge_alert(
    *, alert: Alert, user: Any, note: str = "", now: datetime.datetime | None = None
) -> Alert:
    """Mark an open alert as seen by ``user``; ``AlertStateError`` unless it is open."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Alert.objects.select_for_update().get(pk=alert.pk)
        if locked.status != Alert.Status.OPEN:
            raise AlertStateError(f"This alert is already {locked.status}.")
        _acknowledge(locked, user, note, now)
        with _audit(locked, user, "acknowledge alert", note):
            locked.save()
    return locked


def resolve_alert(
    *, alert: Alert, user: Any, note: str = "", now: datetime.datetime | None = None
) -> Alert:
    """Close an open or acknowledged alert; resolving an open one acknowledges it too."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Alert.objects.select_for_update().get(pk=alert.pk)
        if locked.status == Alert.Status.RESOLVED:
            raise AlertStateError("This alert is already resolved.")
        if locked.status == Alert.Status.OPEN:
            _acknowledge(locked, user, "", now)
        locked.status = Alert.Status.RESOLVED
        locked.resolved_by = user
        locked.resolved_at = now
        locked.resolution_note = note
        with _audit(locked, user, "resolve alert", note):
            locked.save()
    return locked


def _acknowledge(alert: Alert, user: Any, note: str, now: datetime.datetime) -> None:
    alert.status = Alert.Status.ACKNOWLEDGED
    alert.acknowledged_by = user
    alert.acknowledged_at = now
    alert.acknowledgement_note = note


def _audit(alert: Alert, user: Any, action: str, note: str) -> Any:
    role = role_for(user, alert.patient)
    return audit_context(user=user, role=role, reason=note or action)
