"""``{% bell %}``: the notification bell of the page chrome (``notifications.context.bell``)."""

from __future__ import annotations

from typing import Any

from django import template

from dondoc.core.addresses import address
from dondoc.notifications.context import bell as bell_html

register = template.Library()


@register.simple_tag(takes_context=True)
def bell(context: dict[str, Any]) -> str:
    """The bell with the signed-in user's unread count (read when the page is rendered)."""
    count = context.get("unread_notifications")
    if callable(count):
        count = count()
    return bell_html(count or 0, address("notification-list"))
