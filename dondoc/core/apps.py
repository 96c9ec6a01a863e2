from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "dondoc.core"
    label = "core"

    def ready(self) -> None:
        from dondoc.core import history  # noqa: F401  (connects the audit signal)
