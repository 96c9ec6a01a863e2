"""The user's notifications: the list, marking read, e-mail preferences."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dondoc.accounts.policy import can
from dondoc.core.params import page_number
from dondoc.notifications import services
from dondoc.notifications.forms import PreferenceForm
from dondoc.notifications.models import Notification, NotificationPreference

PAGE_SIZE = 30


def _require(request: HttpRequest) -> None:
    if not can(request.user, "notification.view"):
        raise PermissionDenied


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    _require(request)
    qs = Notification.objects.filter(user=request.user)
    unread_only = request.GET.get("unread") == "1"
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    page = Paginator(qs.order_by("-created_at", "-id"), PAGE_SIZE).get_page(
        page_number(request.GET)
    )
    return render(
        request,
        "notifications/list.html",
        {"page": page, "notifications": page.object_list, "unread_only": unread_only},
    )


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notification read; with ``open`` go to what it is about."""
    _require(request)
    notification = Notification.objects.filter(user=request.user, pk=pk).first()
    if notification is None:
        raise Http404
    services.mark_read(request.user, [pk])
    target = notification.url if "open" in request.POST else request.POST.get("next", "")
    if not target or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "notification-list"
    return redirect(target)


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    _require(request)
    count = services.mark_read(request.user)
    messages.success(request, _("%(count)s notifications marked as read.") % {"count": count})
    return redirect("notification-list")


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    _require(request)
    instance = NotificationPreference.objects.filter(
        user=request.user
    ).first() or NotificationPreference(user=request.user)
    form = PreferenceForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        services.save_preferences(request.user, **form.cleaned_data)
        messages.success(request, _("Your notification preferences have been saved."))
        return redirect("notification-preferences")
    return render(request, "notifications/preferences.html", {"form": form})
