from django.apps import AppConfig


class ReaderConfig(AppConfig):
    name = "dondoc.reader"
    label = "reader"
    verbose_name = "Directive reader"
