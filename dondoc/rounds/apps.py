from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoundsConfig(AppConfig):
    name = "dondoc.rounds"
    label = "rounds"
    verbose_name = _("Reporting rounds")

    def ready(self) -> None:
        from dondoc.rounds.services import file_in_open_round
        from dondoc.tasks.reporting import when_recorded

        when_recorded(file_in_open_round)
