import datetime
import time
from typing import Any

from django.core.management.base import BaseCommand

from diary import daily_scores


class Command(BaseCommand):
    help = (
        "Rewrite the stored 7-day DDS (DailyScore) from the diary: every patient's, or those "
        "given by id; every day, or those from --since on. Safe to run at any time; each batch "
        "of patients is one transaction."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("patient_ids", nargs="*", type=int, help="Patient ids (default all).")
        parser.add_argument(
            "--since", type=datetime.date.fromisoformat, help="First date rewritten (YYYY-MM-DD)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        written = daily_scores.rebuild(options["patient_ids"] or None, options["since"])
        seconds = time.monotonic() - started
        self.stdout.write(f"{written} daily scores written in {seconds:.1f} s.")
