from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "dondoc.outbox"
    label = "outbox"
    verbose_name = "Outbox"

    def ready(self) -> None:
        # Load the queue's configuration in every process that may enqueue a job, so that a
        # job never goes to Celery's built-in default application and broker.
        from dondoc.celery import app  # noqa: F401
