"""Celery application: configured from Django settings (``CELERY_*``), tasks auto-discovered."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("ifn_diary")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
