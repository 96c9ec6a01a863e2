from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "dondoc.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from dondoc.accounts.signin import USER_EXTRAS
        from dondoc.notifications.context import UNREAD, unread_count, written
        from dondoc.notifications.models import Notification

        # The bell's count is read with the signed-in user, in the same statement.
        USER_EXTRAS[UNREAD] = unread_count
        post_save.connect(written, sender=Notification, dispatch_uid="bell-count")
        post_delete.connect(written, sender=Notification, dispatch_uid="bell-count")
