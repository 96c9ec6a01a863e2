from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "dondoc.tasks"
    label = "tasks"
    verbose_name = "Tasks"

    def ready(self) -> None:
        from dondoc.tasks import spans

        spans.connect_signals()
