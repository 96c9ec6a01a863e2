from django.apps import AppConfig


class FollowupsConfig(AppConfig):
    name = "dondoc.followups"
    label = "followups"
    verbose_name = "Follow-ups"
