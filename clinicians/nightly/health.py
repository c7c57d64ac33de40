"""Whether the nightly job is keeping up: the last night of every clinic completed, and the
recent emails went out.

A problem is reported when a clinic's newest night that has been due for longer than ``GRACE``
has no completed run (missed or stuck), when a recent night is still incomplete, and when a
recent email failed, has waited for a worker too long, or was being sent by a worker that
stopped (``sending`` for more than ``UNCONFIRMED_AFTER``: it may or may not have left, and is
not sent again automatically).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from clinicians.nightly import schedule
from clinicians.nightly.models import EmailClaim, NightRun
from clinicians.nightly.reads import zones_by_clinic
from clinicians.nightly.runs import CATCH_UP_DAYS
from diary.clinics import Clinic

GRACE = datetime.timedelta(hours=2)
RECENT = datetime.timedelta(days=2)
WAITING_TOO_LONG = datetime.timedelta(hours=1)
UNCONFIRMED_AFTER = datetime.timedelta(minutes=15)


@dataclass(frozen=True)
class NightlyHealth:
    problems: list[str] = field(default_factory=list)
    last_nights: dict[int, dict[str, Any]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": "ok" if self.ok else "error",
            "problems": self.problems,
            "clinics": {str(pk): night for pk, night in self.last_nights.items()},
        }


def nightly_health(now: datetime.datetime) -> NightlyHealth:
    """The state of the nightly job at ``now``."""
    health = NightlyHealth()
    _check_nights(health, now)
    _check_emails(health, now)
    return health


def _check_nights(health: NightlyHealth, now: datetime.datetime) -> None:
    zones = zones_by_clinic()
    runs = {
        (run.clinic_id, run.date): run
        for run in NightRun.objects.filter(
            date__gte=now.date() - datetime.timedelta(days=CATCH_UP_DAYS + 2)
        )
    }
    for clinic in Clinic.objects.order_by("pk"):
        time_zones = zones.get(clinic.pk, set()) | {clinic.time_zone}
        expected = schedule.due_night(time_zones, clinic.diary_cutoff, now - GRACE)
        if schedule.local_date(clinic.time_zone, clinic.created_at) > expected:
            continue  # a new clinic: its first night is not due yet
        run = runs.get((clinic.pk, expected))
        health.last_nights[clinic.pk] = {
            "night": expected.isoformat(),
            "completed": bool(run and run.completed_at),
        }
        if run is None:
            health.problems.append(f"clinic {clinic.pk}: the night of {expected} did not run")
    for (clinic_id, day), run in sorted(runs.items()):
        # Started, not dispatched: a night whose work keeps being handed out again and keeps
        # failing must still show up.
        if run.completed_at is None and run.started_at < now - GRACE:
            health.problems.append(f"clinic {clinic_id}: the night of {day} did not complete")


def _check_emails(health: NightlyHealth, now: datetime.datetime) -> None:
    recent = EmailClaim.objects.filter(created_at__gte=now - RECENT)
    failed = recent.filter(status=EmailClaim.Status.FAILED).count()
    waiting = recent.filter(
        status=EmailClaim.Status.PENDING, created_at__lt=now - WAITING_TOO_LONG
    ).count()
    unconfirmed = recent.filter(
        status=EmailClaim.Status.SENDING, claimed_at__lt=now - UNCONFIRMED_AFTER
    ).count()
    if failed:
        health.problems.append(f"{failed} email(s) failed after every retry")
    if waiting:
        health.problems.append(f"{waiting} email(s) waiting for more than an hour")
    if unconfirmed:
        health.problems.append(
            f"{unconfirmed} email(s) unconfirmed: a worker stopped while sending them"
        )
