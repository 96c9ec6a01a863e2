"""``{% date_input "as_of" state.as_of id="f-as_of" %}``: the one dd/mm/yyyy date input, for
filter forms written by hand in templates (forms use ``dondoc.core.forms.DateField``);
``{{ report.period|quarter }}``: a quarter shown as "Quý I/2025"."""

from __future__ import annotations

from typing import Any

from django import template

from dondoc.core.dates import DateError, Period, parse_period
from dondoc.core.forms import DateInput

register = template.Library()


@register.simple_tag
def date_input(name: str, value: Any = None, **attrs: Any) -> str:
    attributes = {key.replace("_", "-"): val for key, val in attrs.items()}
    attributes.setdefault("id", name)
    return DateInput().render(name, value, attrs=attributes)


@register.filter
def quarter(value: Any) -> str:
    """A quarter as shown in the pages: ``2025-Q1`` becomes ``Quý I/2025``."""
    if isinstance(value, Period):
        return value.title
    try:
        return parse_period(str(value)).title
    except DateError:
        return str(value or "")
