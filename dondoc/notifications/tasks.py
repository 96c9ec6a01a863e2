"""Jobs of the notifications: send e-mail of new notifications, sweep, the daily reminders."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from dondoc.notifications import runner, services
from dondoc.outbox.services import run_job


@shared_task(bind=True, name="notifications.deliver", acks_late=True, max_retries=8)
def deliver_notifications(self, ids: list[int]) -> int:
    """Send the e-mail of these notifications (those still pending)."""
    return run_job(self, lambda token: services.deliver(ids, token=token))


@shared_task(bind=True, name="notifications.sweep", acks_late=True, max_retries=0)
def sweep(self) -> int:
    """Send every e-mail still pending (a job that never reached the worker, a retry due)."""
    return run_job(self, lambda token: services.deliver(token=token))


@shared_task(bind=True, name="notifications.remind", acks_late=True, max_retries=0)
def remind(self) -> int:
    """The daily reminders, as ``dondoc notify`` runs them; safe to run twice."""
    report = runner.run(timezone.localdate(), token=self.request.id)
    return report.created
