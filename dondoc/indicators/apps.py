from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "dondoc.indicators"
    label = "indicators"
    verbose_name = "Indicators"

    def ready(self) -> None:
        from dondoc.indicators.nq57 import load_indicators
        from dondoc.tasks.importers import nq57

        if load_indicators not in nq57.EXTRA_STEPS:
            nq57.EXTRA_STEPS.append(load_indicators)
