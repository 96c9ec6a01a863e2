"""Who in the agency is told that a citizen's submission was sent to it, and what they read.

Called by ``services.route`` inside the routing's transaction: the notifications are written
with it and their e-mail leaves through the job queue once it commits. Those told are the
agency's users who may answer the item (``portal.answer`` for their own agency), except the one
who routed it; routing it again (to another agency, or with another date) is a new event.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from dondoc.accounts.models import User
from dondoc.accounts.policy import agency_holders
from dondoc.notifications import services as notifications
from dondoc.notifications.models import NotificationKind
from dondoc.portal.models import Submission


def routed(item: Submission, *, by: User | None) -> None:
    agency_id = item.routed_to_id
    users = agency_holders("portal.answer", [agency_id])[agency_id]
    with notifications.site_language():
        date = f"{item.answer_due_on:%d/%m/%Y}"
        subject = _("%(kind)s %(code)s was sent to your agency: answer by %(date)s") % {
            "kind": item.get_kind_display(),
            "code": item.display_code,
            "date": date,
        }
        body = "\n".join(
            [
                item.title,
                _("Sent to %(agency)s on %(on)s; the answer is due on %(date)s.")
                % {"agency": item.routed_to, "on": f"{item.routed_on:%d/%m/%Y}", "date": date},
            ]
        )
    notifications.notify(
        [user for user in users if by is None or user.pk != by.pk],
        kind=NotificationKind.PORTAL_ROUTED,
        key=f"portal_routed:{item.pk}:{item.version}",
        subject=subject,
        body=body,
        url=reverse("portal:detail", args=[item.pk]),
    )
