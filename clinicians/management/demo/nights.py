"""The demo's last nights, evaluated by the nightly job itself, so the dashboard opens on the
alerts a clinic would have found this morning (none is written by hand)."""

import datetime

from django.test.utils import override_settings

from clinicians.nightly import runs
from config.celery import app

NIGHTS = 5


def evaluate_last_nights(now: datetime.datetime) -> list[int]:
    """Run the nightly evaluation for the last ``NIGHTS`` diary days that are over everywhere
    (as ``manage.py run_nightly --sync --date`` would, once per day); the runs' ids.

    Tasks run in this process, as in the demo settings, even when a broker is configured. The
    nights' digests and reminders are claimed and marked sent without being printed: they would
    bury the demo logins and break ``seed_demo --json``.
    """
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    run_ids: list[int] = []
    try:
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            for back in range(NIGHTS, 0, -1):
                day = now.date() - datetime.timedelta(days=back)
                try:
                    run_ids += runs.run_night(day, now)
                except runs.NightNotOver:
                    continue  # the newest night is not over in every zone yet
    finally:
        app.conf.task_always_eager = eager
    return run_ids
