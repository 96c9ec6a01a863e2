"""The job queue: one Celery application for the web process, the worker and the scheduler.

Run a worker with ``celery -A dondoc worker`` and the scheduler with ``celery -A dondoc beat``
(``bin/start`` runs both as ``worker -B``). Configuration comes from Django's settings
(``CELERY_*``, set from ``DONDOC_BROKER_URL`` and friends in ``dondoc/settings.py``).

What the scheduler runs:
- ``outbox.sweep`` and ``notifications.sweep`` every ``DONDOC_SWEEP_SECONDS``: deliver whatever
  is still pending, so a job lost before it reached the broker is never a lost e-mail;
- ``notifications.remind`` every day at ``DONDOC_REMIND_AT``: the rules of ``dondoc notify``;
- ``figures.checkpoints`` every day at 00:10: the dashboard's checkpoints due up to today
  (``dondoc.tasks.checkpoints``).
"""

from __future__ import annotations

import os
from pathlib import Path

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dondoc.settings")

app = Celery("dondoc")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["dondoc.outbox", "dondoc.notifications", "dondoc.accounts"])
app.autodiscover_tasks(["dondoc.tasks.importers", "dondoc.tasks"], related_name="jobs")


def _schedule() -> dict:
    from django.conf import settings

    hour, minute = settings.DONDOC_REMIND_AT
    return {
        "outbox-sweep": {"task": "outbox.sweep", "schedule": settings.DONDOC_SWEEP_SECONDS},
        "notifications-sweep": {
            "task": "notifications.sweep",
            "schedule": settings.DONDOC_SWEEP_SECONDS,
        },
        "notifications-remind": {
            "task": "notifications.remind",
            "schedule": crontab(hour=hour, minute=minute),
        },
        "figures-checkpoints": {
            "task": "figures.checkpoints",
            "schedule": crontab(hour=0, minute=10),
        },
    }


@app.on_after_configure.connect
def _configure(sender: Celery, **kwargs) -> None:
    sender.conf.beat_schedule = _schedule()
    options = sender.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "control_folder"):
        if key in options:  # the filesystem transport needs its folders to exist
            Path(options[key]).mkdir(parents=True, exist_ok=True)
