from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "dondoc.core"
    label = "core"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from dondoc.core import history  # noqa: F401  (connects the audit signal)
        from dondoc.core.collation import register_sqlite_collation

        connection_created.connect(register_sqlite_collation, dispatch_uid="dondoc_vi_collation")
