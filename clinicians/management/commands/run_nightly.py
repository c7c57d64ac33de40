"""Run the nightly alert evaluation: the due nights now (as the beat does), or one given night.

    manage.py run_nightly                    # every clinic's due nights, catching up missed ones
    manage.py run_nightly --date 2026-11-18  # the night of 18 November for every clinic
    manage.py run_nightly --sync ...         # in this process, even when a broker is configured

It calls the same services as the ``nightly-alerts`` periodic task, so it serves backfills and
deployments without beat. Work goes to the Celery workers when ``REDIS_URL`` is set and is done
in this process otherwise (or with ``--sync``). Running it again does nothing twice.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from clinicians.nightly import runs
from config.celery import app


class Command(BaseCommand):
    help = "Evaluate the due nights (or --date) for every clinic and claim the night's emails."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", type=datetime.date.fromisoformat, help="YYYY-MM-DD")
        parser.add_argument(
            "--sync", action="store_true", help="Do the work in this process, not on workers."
        )

    def handle(self, *args: Any, date: datetime.date | None, sync: bool, **options: Any) -> None:
        if sync:
            app.conf.task_always_eager = True
        now = timezone.now()
        if date is None:
            run_ids = runs.start_due_nights(now)
        else:
            try:
                run_ids = runs.run_night(date, now)
            except runs.NightNotOver as error:
                raise CommandError(str(error)) from None
        for run in runs.night_summary(run_ids):
            state = "complete" if run.completed_at else "evaluating on the workers"
            self.stdout.write(
                f"clinic {run.clinic_id} night of {run.date}: {state}, "
                f"{run.patients_evaluated} patients evaluated, {run.alerts_opened} alerts opened"
            )
        if not run_ids:
            self.stdout.write("No night to start; lost work, if any, was handed out again.")
