"""``{% date_input "as_of" state.as_of id="f-as_of" %}``: the one dd/mm/yyyy date input, for
filter forms written by hand in templates (forms use ``dondoc.core.forms.DateField``)."""

from __future__ import annotations

from typing import Any

from django import template

from dondoc.core.forms import DateInput

register = template.Library()


@register.simple_tag
def date_input(name: str, value: Any = None, **attrs: Any) -> str:
    attributes = {key.replace("_", "-"): val for key, val in attrs.items()}
    attributes.setdefault("id", name)
    return DateInput().render(name, value, attrs=attributes)
