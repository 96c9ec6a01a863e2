"""Change history with the address each change came from.

Every model's ``HistoricalRecords`` uses ``AuditedHistory`` as a base, so each history row holds
who (``history_user``), when (``history_date``), what (the field values and the change type) and
from where (``ip_address``, taken from the request that made the change, if any).
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.db import models
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record


class AuditedHistory(models.Model):
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        abstract = True


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or behind a proxy (``DONDOC_BEHIND_PROXY``) the
    last hop of X-Forwarded-For, the one our proxy added; earlier hops are the client's word."""
    if settings.DONDOC_BEHIND_PROXY:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if hops[-1] and _is_address(hops[-1]):
            return hops[-1]
    return request.META.get("REMOTE_ADDR") or None


@receiver(pre_create_historical_record)
def _record_ip_address(sender, history_instance, **kwargs) -> None:
    if not isinstance(history_instance, AuditedHistory):
        return
    request = getattr(HistoricalRecords.context, "request", None)
    if request is not None:
        history_instance.ip_address = client_ip(request)
