"""Send the carers' evening reminders that are due now (what the ``carer-reminders`` periodic
task does): each carer whose chosen local time has passed without an entry for the day, once.

    manage.py send_reminders [--sync]
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from clinicians.nightly import reminders
from config.celery import app


class Command(BaseCommand):
    help = "Claim and send the evening reminders that are due now."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--sync", action="store_true", help="Send from this process, not from workers."
        )

    def handle(self, *args: Any, sync: bool, **options: Any) -> None:
        if sync:
            app.conf.task_always_eager = True
        claim_ids = reminders.start_due_reminders(timezone.now())
        self.stdout.write(f"{len(claim_ids)} evening reminder(s) claimed.")
