"""The unread count shown beside the bell in the navigation (counted only when shown)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def notifications(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def unread() -> int:
        from dondoc.notifications.models import Notification

        cached = getattr(request, "_dondoc_unread", None)
        if cached is None:
            cached = Notification.objects.filter(user=user, read_at__isnull=True).count()
            request._dondoc_unread = cached
        return cached

    return {"unread_notifications": unread}
