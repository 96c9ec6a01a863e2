from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "dondoc.orgs"
    label = "orgs"
