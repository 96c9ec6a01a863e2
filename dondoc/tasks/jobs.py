"""Jobs of the tasks app run by the scheduler (``dondoc/celery.py``)."""

from __future__ import annotations

from celery import shared_task

from dondoc.tasks import checkpoints


@shared_task(name="figures.checkpoints", acks_late=True, max_retries=0)
def add_checkpoints() -> int:
    """Add the dashboard's checkpoints due up to today (``checkpoints.extend``): without it the
    figures stay right, and each day read past the last checkpoint reads more span rows."""
    return checkpoints.extend()
