"""The Celery application: configured from Django settings (``CELERY_*``).

Without ``REDIS_URL`` tasks run in-process (eager); with it they go through Redis to a worker.
Periodic tasks live in django-celery-beat's tables so admins can see and pause them;
``CELERY_BEAT_SCHEDULE`` in settings is the default that its DatabaseScheduler copies into them.
Broker timeouts and redelivery (``BROKER_*``): settings "Celery" and docs/core.md.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive_project.settings")

app = Celery("archive_project")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
