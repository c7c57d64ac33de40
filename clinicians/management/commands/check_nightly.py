"""Check that the last night of every clinic completed and its emails went out.

    manage.py check_nightly    # exit status 0 when all is well, 1 with the problems otherwise

The same check answers at ``/health/nightly``; point a monitor at either.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from clinicians.nightly import health


class Command(BaseCommand):
    help = "Report an error when the last night did not complete or its emails did not go out."

    def handle(self, *args: Any, **options: Any) -> None:
        report = health.nightly_health(timezone.now())
        for clinic_id, night in sorted(report.last_nights.items()):
            state = "completed" if night["completed"] else "NOT completed"
            self.stdout.write(f"clinic {clinic_id}: night of {night['night']} {state}")
        if report.ok:
            self.stdout.write("nightly: ok")
            return
        for problem in report.problems:
            self.stderr.write(f"nightly: {problem}")
        raise SystemExit(1)
