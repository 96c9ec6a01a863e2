"""The unread count shown beside the bell in the navigation (counted only when shown)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet
from django.http import HttpRequest

from dondoc.core import prepared


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


def notifications(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def unread() -> int:
        cached = getattr(request, "_dondoc_unread", None)
        if cached is None:
            found = prepared.rows(("unread_notifications",), _unread, [user.pk])
            cached = found[0][0] if found else 0
            request._dondoc_unread = cached
        return cached

    return {"unread_notifications": unread}
