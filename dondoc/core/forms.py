"""The form fields every form uses for dates and quarters.

``DateField`` reads what ``dondoc.core.dates.parse_date`` reads (dd/mm/yyyy, ISO accepted)
within the supported range and says why it refuses; ``DateInput`` is a text input showing
dd/mm/yyyy, never the browser's date picker (that one shows the browser's own order,
mm/dd/yyyy in an English browser, and 04/10 must never be read as 10 April). A small script
(``static/js/app.js``) adds a calendar button to it. ``PeriodField`` reads a quarter typed
"Quý I/2025" (or "2025-Q1") and shows it as "Quý I/2025".
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from dondoc.core.dates import (
    DATE_PATTERN,
    DATE_PLACEHOLDER,
    DateError,
    Period,
    format_date,
    parse_date,
    parse_period,
)


class DateInput(forms.TextInput):
    """A date typed dd/mm/yyyy."""

    input_type = "text"

    def __init__(self, attrs: dict | None = None) -> None:
        defaults = {
            "placeholder": DATE_PLACEHOLDER,
            "pattern": DATE_PATTERN,
            "inputmode": "numeric",
            "autocomplete": "off",
            "size": "10",
            "maxlength": "10",
            "data-date-input": "",
            "title": _("A date written dd/mm/yyyy, for example 31/03/2025"),
        }
        super().__init__(attrs={**defaults, **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, dt.date):
            return format_date(value)
        return super().format_value(value)


class DateField(forms.Field):
    """A date typed dd/mm/yyyy (or ISO) between 01/01/1945 and 31/12/2100."""

    widget = DateInput

    def to_python(self, value: Any) -> dt.date | None:
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        try:
            return parse_date(value)
        except DateError as exc:
            raise forms.ValidationError(str(exc), code="invalid") from None

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            return self.to_python(data) != self.to_python(initial)
        except forms.ValidationError:
            return True


class PeriodInput(forms.TextInput):
    def __init__(self, attrs: dict | None = None) -> None:
        defaults = {"placeholder": "Quý I/2025", "size": "12", "maxlength": "20"}
        super().__init__(attrs={**defaults, **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, Period):
            return value.title
        if isinstance(value, str):
            try:
                return parse_period(value).title
            except DateError:
                return value
        return super().format_value(value)


class PeriodField(forms.Field):
    """A quarter typed "Quý I/2025" (also "I/2025", "2025-Q1")."""

    widget = PeriodInput

    def to_python(self, value: Any) -> Period | None:
        if isinstance(value, Period):
            return value
        if value in self.empty_values or not str(value).strip():
            return None
        try:
            return parse_period(str(value))
        except DateError as exc:
            raise forms.ValidationError(str(exc), code="invalid") from None


def first_errors(form: forms.Form) -> str:
    """The form's error messages in one line (for a refusal of query parameters)."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            parts.append(f"{label}: {error}" if label else str(error))
    return " ".join(parts)


def lazy_text(message: Any, **values: Any) -> str:
    """``message % values``, translated when it is shown. A lazy message filled in with ``%``
    right away is translated once, when the form's class is made, in the language then active;
    this one is translated for each reader, as the labels are."""
    return lazy(lambda: str(message) % values, str)()
