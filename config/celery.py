"""Celery application: configured from Django settings (``CELERY_*``), tasks auto-discovered.

The beat schedule lives here, in code, in UTC. The triggers are cheap when there is nothing
to do and safe to repeat (two beat processes, a restart), because every night, evaluation and
email is recorded in a row with a unique constraint before anything happens.

- ``nightly-alerts`` every 15 minutes: each clinic's night starts within 15 minutes of the
  diary cut-off (04:00 local by default) having passed in all of its zones, whatever the zone
  and however long the day was around a DST change; missed nights are caught up, lost work is
  handed out again.
- ``carer-reminders`` every 5 minutes: carers whose chosen local time has passed without an
  entry for the day get their evening reminder.

A tick that could not run on time (broker down) expires rather than pile up: the next one does
the same work.
"""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("ifn_diary")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# The nightly job keeps its tasks with it (clinicians/nightly/tasks.py).
app.autodiscover_tasks(["clinicians.nightly"])

app.conf.beat_schedule = {
    "nightly-alerts": {
        "task": "clinicians.nightly_tick",
        "schedule": crontab(minute="*/15"),
        "options": {"expires": 14 * 60},
    },
    "carer-reminders": {
        "task": "clinicians.reminder_tick",
        "schedule": crontab(minute="*/5"),
        "options": {"expires": 4 * 60},
    },
}
