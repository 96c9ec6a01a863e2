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

        # Every saved or deleted submission or attachment makes the cached public pages stale,
        # whoever changed it (a service, the admin, a shell): the one place no write escapes.
        from django.db.models.signals import post_delete, post_save

        from dondoc.portal.models import Submission, SubmissionAttachment

        for model in (Submission, SubmissionAttachment):
            for signal in (post_save, post_delete):
                signal.connect(_stale, sender=model)
        # The pages also show names kept elsewhere: the solution group (and the form's choice
        # of groups), the agency that answers, and the program.
        for model in ("tasks.SolutionGroup", "tasks.Program", "orgs.OrgUnit"):
            for signal in (post_save, post_delete):
                signal.connect(_renamed, sender=model)


def _stale(sender, instance, created: bool = False, **kwargs) -> None:
    """A new submission or file is not public (publication is a later save): the cached pages
    stay valid, and a citizen's submission does not empty the cache."""
    from dondoc.portal.models import State, Submission
    from dondoc.portal.public_cache import bump_after_commit

    if created and not (sender is Submission and instance.state == State.PUBLISHED):
        return
    bump_after_commit()


def _renamed(sender, instance, created: bool = False, **kwargs) -> None:
    """A renamed or removed group, program or agency shows at once; a new agency is on no
    public page yet (a new group is: the form offers it), so loading units bumps nothing."""
    from dondoc.orgs.models import OrgUnit
    from dondoc.portal.public_cache import bump_after_commit

    if created and sender is OrgUnit:
        return
    bump_after_commit()
