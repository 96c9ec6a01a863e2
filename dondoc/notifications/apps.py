from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "dondoc.notifications"
    label = "notifications"
    verbose_name = "Notifications"
