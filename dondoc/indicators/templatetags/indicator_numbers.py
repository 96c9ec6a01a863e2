"""``{{ value|figure }}``: a figure as the page's language writes it, no trailing zeros.

Vietnamese: 73.000 and 25,5; English: 73,000 and 25.5.
"""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

register = template.Library()


@register.filter
def figure(value: Decimal | None) -> str:
    if value is None:
        return "—"
    number = Decimal(value).normalize()
    text = f"{number:,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if (get_language() or "vi").startswith("vi"):
        text = text.replace(",", " ").replace(".", ",").replace(" ", ".")
    return text


#: Label and badge class of each status (status.IndicatorStatus values).
STATUS_LABELS = {
    "target_achieved": (_("Target achieved"), "status-completed"),
    "on_track": (pgettext_lazy("indicator status", "On track"), "status-in-progress"),
    "acceleration_needed": (_("Acceleration needed"), "status-regular"),
    "limited_progress": (_("Limited progress"), "status-due-soon"),
    "deterioration": (_("Deterioration"), "status-overdue"),
    "no_data": (_("No data"), "status-muted"),
    "not_assessed": (_("Not assessed"), "status-muted"),
}


@register.filter
def status_label(status) -> str:
    return str(STATUS_LABELS.get(str(status), (status, ""))[0])


@register.filter
def status_class(status) -> str:
    return STATUS_LABELS.get(str(status), ("", "status-muted"))[1]


@register.filter
def percent(value, digits: int = 1) -> str:
    """0.0718 → "7,2 %" (a rate or a ratio as a percentage)."""
    if value is None:
        return "—"
    return f"{figure(round(Decimal(str(value)) * 100, int(digits)))} %"


@register.filter
def decimal_figure(value, digits: int = 2) -> str:
    """A float shown as a figure with at most ``digits`` decimals."""
    if value is None:
        return "—"
    return figure(round(Decimal(str(value)), int(digits)))


#: Why a status is "not assessed" (``status.Assessment.reason``), translated.
REASONS = {
    "qualitative target, assessed by hand": _("qualitative target, assessed by hand"),
    "one value only: no growth to measure": _("one value only: no growth to measure"),
    "the due date is not after the baseline": _("the due date is not after the baseline"),
}


@register.filter
def reason_label(reason: str) -> str:
    return str(REASONS.get(reason, reason))
