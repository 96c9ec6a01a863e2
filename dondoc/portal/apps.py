from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "dondoc.portal"
    label = "portal"
    verbose_name = _("Public portal")

    def ready(self) -> None:
        from dondoc.notifications import rules
        from dondoc.portal.reminders import answer_events

        rules.register(answer_events)
