"""The unread count shown beside the bell in the navigation (counted only when shown)."""

from __future__ import annotations

from html import escape
from typing import Any

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.http import HttpRequest
from django.urls import reverse
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from dondoc.accounts import signin
from dondoc.core import prepared

#: The annotation of the signed-in user that carries the bell's count (``signin.USER_EXTRAS``).
UNREAD = "unread_notification_count"


def _unread(ids: list[int]) -> QuerySet:
    """The number of unread notifications of the user ``ids[0]`` (no row when none), a query
    compiled once (``core.prepared``): the bell is on every page."""
    from dondoc.notifications.models import Notification

    return (
        Notification.objects.filter(user_id=ids[0], read_at__isnull=True)
        .values("user_id")
        .annotate(n=Count("pk"))
        .values_list("n")
        .order_by()
    )


def unread_count() -> Subquery:
    """The user's (``OuterRef("pk")``) unread notifications, counted (no row when none)."""
    from dondoc.notifications.models import Notification

    return Subquery(
        Notification.objects.filter(user_id=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("user_id")
        .annotate(n=Count("pk"))
        .values("n")
    )


def written(**kwargs: Any) -> None:
    """A notification was written: counts read before no longer hold."""
    signin.extras_written()


def notifications(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def unread() -> int:
        cached = getattr(request, "_dondoc_unread", None)
        if cached is None and signin.extras_current(user):
            cached = getattr(user, UNREAD, None) or 0  # read with the user
        if cached is None:
            found = prepared.rows(("unread_notifications",), _unread, [user.pk])
            cached = found[0][0] if found else 0
            request._dondoc_unread = cached
        return cached

    return {"unread_notifications": unread}


_BELL_ICON = (
    '<svg aria-hidden="true" width="16" height="16" viewBox="0 0 24 24" fill="currentColor" '
    'focusable="false"><path d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22zm7-6V11a7 '
    '7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1z"/></svg>'
)


def bell(count: int, href: str | None = None) -> SafeString:
    """The bell of the navigation with ``count`` unread notifications, and the line break that
    ends it: written here rather than by a template, as it is on every page."""
    title = _("Notifications")  # as ``{% translate %}`` writes a literal: unescaped
    href = href if href is not None else escape(reverse("notification-list"))
    unread = (
        f' <span class="bell-count">{escape(str(localize(count)))}</span>'
        f'<span class="visually-hidden"> {_("unread")}</span>'
        if count
        else ""
    )
    return mark_safe(
        f'<a class="link-button bell" href="{href}" title="{title}">{_BELL_ICON}'
        f'<span class="visually-hidden">{title}</span>{unread}</a>\n'
    )
