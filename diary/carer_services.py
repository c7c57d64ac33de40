"""Writes a carer makes about themselves: their evening reminder for each of their children."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.http import Http404

from diary.audit import ROLE_CARER, audit_context
from diary.models import CarerLink, Patient


def carer_link_for(user: Any, patient: Patient) -> CarerLink:
    """The link between ``user`` and ``patient`` (already in scope); 404 for clinic staff."""
    link = CarerLink.objects.filter(carer_id=user.pk, patient=patient).first()
    if link is None:
        raise Http404("Reminders belong to carers.")
    return link


def set_reminder(*, link: CarerLink, enabled: bool, time: datetime.time, user: Any) -> CarerLink:
    """Store the carer's evening reminder (time in the patient's zone) or their opt-out."""
    audit = audit_context(user=user, role=ROLE_CARER, reason="reminder settings")
    with transaction.atomic(), audit:
        link.reminders_enabled = enabled
        link.reminder_time = time.replace(second=0, microsecond=0)
        link.save(update_fields=["reminders_enabled", "reminder_time"])
    return link
