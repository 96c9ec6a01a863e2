"""Jobs of the outbox: deliver queued e-mail now, and sweep whatever is still pending."""

from __future__ import annotations

from celery import shared_task

from dondoc.outbox import services


@shared_task(bind=True, name="outbox.deliver", acks_late=True, max_retries=8)
def deliver_mail(self, ids: list[int]) -> int:
    return services.run_job(self, lambda token: services.deliver(ids, token=token))


@shared_task(bind=True, name="outbox.sweep", acks_late=True, max_retries=0)
def sweep(self) -> int:
    return services.run_job(self, lambda token: services.deliver(token=token))
