"""The form renderer: the plain ``<input>`` and ``<textarea>`` widgets written in Python.

Django renders every widget through a template (``input.html`` including ``attrs.html``): about
a millisecond per field, several per page for a form of five fields. The HTML written here is
the one those templates give, character for character (``tests/test_renderer.py`` compares
them); every other widget template (selects, checkboxes, a file input showing its current file)
goes through the templates as before.
"""

from __future__ import annotations

from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape

#: Widget templates that are ``input.html`` and nothing else.
_INPUTS = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in (
        "input", "text", "date", "datetime", "time", "hidden", "number", "email", "url",
        "password", "search", "tel", "color", "file",
    )
)  # fmt: skip
_TEXTAREA = "django/forms/widgets/textarea.html"
_CLEARABLE_FILE = "django/forms/widgets/clearable_file_input.html"
#: An empty error list writes nothing (``{% if errors %}`` in both templates).
_ERRORS = frozenset(("django/forms/errors/list/default.html", "django/forms/errors/list/ul.html"))


def _attrs(attrs: dict[str, Any]) -> str:
    """``attrs.html``: `` name="value"`` per attribute, `` name`` for True, nothing for False."""
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{conditional_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget: dict[str, Any]) -> str:
    value = widget["value"]
    shown = "" if value is None else f' value="{conditional_escape(value)}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"{shown}{_attrs(widget["attrs"])}>'
    )


class FormRenderer(DjangoTemplates):
    """``DjangoTemplates`` but for the plain input and textarea widgets (see the module)."""

    def render(self, template_name: str, context: Any, request: Any = None) -> str:
        if template_name in _ERRORS and not context.get("errors"):
            return ""
        widget = context.get("widget")
        if widget is not None:
            if template_name in _INPUTS:
                return _input(widget)
            if template_name == _TEXTAREA:
                value = widget["value"]
                text = conditional_escape(value) if value else ""
                return (
                    f'<textarea name="{conditional_escape(widget["name"])}"'
                    f"{_attrs(widget['attrs'])}>\n{text}</textarea>"
                )
            if template_name == _CLEARABLE_FILE and not widget.get("is_initial"):
                return _input(widget)
        return super().render(template_name, context, request)
