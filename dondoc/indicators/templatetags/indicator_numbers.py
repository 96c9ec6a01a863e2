"""``{{ value|figure }}``: a figure as the page's language writes it, no trailing zeros.

Vietnamese: 73.000 and 25,5; English: 73,000 and 25.5.
"""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.translation import get_language

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
