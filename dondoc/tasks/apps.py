from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "dondoc.tasks"
    label = "tasks"
    verbose_name = "Tasks"

    def ready(self) -> None:
        from dondoc.tasks import checkpoints, spans

        spans.connect_signals()
        checkpoints.connect_signals()
