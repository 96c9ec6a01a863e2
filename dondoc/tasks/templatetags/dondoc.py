"""Template helpers: status badges, permission questions, dates.

Templates only *ask* the permission table (``{% can "task.post_update" task as may_post %}``);
the answer comes from ``dondoc.accounts.policy.can``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from dondoc.accounts import chrome, policy
from dondoc.core import addresses
from dondoc.core.text import fold
from dondoc.tasks.deadlines import Deadline, DeadlineKind, format_deadline, parse_deadline
from dondoc.tasks.outputs import OUTPUT_KIND_LABELS
from dondoc.tasks.rows import RowWriter
from dondoc.tasks.status import STATUS_COLOURS, STATUS_LABELS, Status

register = template.Library()

# The status labels are English message ids defined beside ``Status``; mark them here so that
# the Vietnamese catalogue carries them.
_OUTPUT_KIND_MSGIDS = (
    gettext_noop("Law"),
    gettext_noop("Resolution"),
    gettext_noop("Decree"),
    gettext_noop("Decision"),
    gettext_noop("Directive"),
    gettext_noop("Circular"),
    gettext_noop("Strategy"),
    gettext_noop("Programme"),
    gettext_noop("Scheme"),
    gettext_noop("Plan"),
    gettext_noop("Report"),
    gettext_noop("Other"),
)
_STATUS_MSGIDS = (
    gettext_noop("Completed on time"),
    gettext_noop("Completed late"),
    gettext_noop("In progress"),
    gettext_noop("Due soon"),
    gettext_noop("Overdue"),
    gettext_noop("Regular"),
    gettext_noop("No deadline"),
    gettext_noop("Cancelled"),
)


def status_text(value: str | Status | None) -> str:
    """The translated name of a status value."""
    try:
        status = Status(value)
    except ValueError:
        return ""
    return _(STATUS_LABELS[status])


def output_kind_text(kind: str) -> str:
    """The translated name of an output kind ("decree" -> "Nghị định"); empty when blank."""
    label = OUTPUT_KIND_LABELS.get(kind)
    return _(label) if label else ""


@register.filter
def output_kind_label(kind: str) -> str:
    return output_kind_text(kind)


@register.filter
def deadline_reading(task: Any) -> str:
    """How the deadline as written was read, when that says more than the phrase itself:
    "30/06/2025" for "6/2025", "Thường xuyên (từ 2025)" for "2025 và những năm tiếp theo";
    empty when the phrase was not understood or reads as itself."""
    kind = task.deadline_kind
    if kind == DeadlineKind.DATE and task.due_on:
        reading = f"{task.due_on:%d/%m/%Y}"
    elif kind in (DeadlineKind.CONTINUOUS, DeadlineKind.RECURRING):
        again = parse_deadline(task.deadline_text)
        span = again.span if again.kind == kind else None
        period = task.deadline_period or None
        reading = format_deadline(
            Deadline(task.deadline_text, DeadlineKind(kind), None, period, span=span)
        )
    else:
        return ""
    return "" if fold(reading) == fold(task.deadline_text) else reading


@register.filter
def status_label(value: str | None) -> str:
    return status_text(value)


@register.filter
def status_class(value: str | None) -> str:
    try:
        return STATUS_COLOURS[Status(value)]
    except ValueError:
        return "status-muted"


@register.simple_tag
def status_badge(value: str | None) -> str:
    """``<span class="badge status-overdue">Quá hạn</span>``."""
    if not value:
        return ""
    return format_html('<span class="badge {}">{}</span>', status_class(value), status_text(value))


@register.simple_tag
def task_rows(tasks: Any, numbered: bool = False, labels: Any = None, start: Any = 1) -> str:
    """The ``<tr>`` of the task table (``tasks/_task_table.html``): numbered from ``start``
    when ``numbered``, with an "Item" column when ``labels`` (task id -> label) is given."""
    return RowWriter().rows(
        tasks, start=int(start or 1) if numbered else None, labels=labels or None
    )


def options_html(choices: Any) -> str:
    """The ``<option>`` elements of (value, label) pairs, none selected, escaped; a pair whose
    label is a list is an ``<optgroup>`` of those pairs."""
    out = []
    for value, label in choices:
        if isinstance(label, list):
            out.append(f'<optgroup label="{conditional_escape(value)}">')
            out.append(options_html(label))
            out.append("</optgroup>")
        else:
            out.append(
                f'<option value="{conditional_escape(value)}">{conditional_escape(label)}</option>'
            )
    return "".join(out)


def mark_selected(html: str, selected: Any) -> str:
    """``html`` of ``options_html`` with the option of value ``selected`` marked selected (the
    first one, as ``select_options`` marks every equal one: values are ids, unique)."""
    if selected in (None, ""):
        return html
    opening = f'<option value="{conditional_escape(str(selected))}">'
    return html.replace(opening, f"{opening[:-1]} selected>", 1)


class RenderedOptions:
    """Option lists written once: ``select_options`` marks the selected one in the HTML."""

    def __init__(self, html: str) -> None:
        self.html = html


@register.simple_tag
def select_options(choices: Any, selected: Any = None) -> str:
    """The ``<option>`` elements of (value, label) pairs, the one equal to ``selected`` marked:
    a list of hundreds of options without a template loop per option. ``choices`` may be
    ``RenderedOptions`` (written already)."""
    if isinstance(choices, RenderedOptions):
        return mark_safe(mark_selected(choices.html, selected))  # escaped when written
    chosen = "" if selected in (None, "") else str(selected)
    return mark_safe(  # every value and label is escaped here
        "".join(
            f'<option value="{conditional_escape(value)}"'
            f"{' selected' if str(value) == chosen else ''}>{conditional_escape(label)}</option>"
            for value, label in choices
        )
    )


@register.simple_tag(takes_context=True)
def can(context: dict[str, Any], action: str, obj: Any = None) -> bool:
    """``{% can "import.run" as may_import %}``: may the signed-in user do ``action``?"""
    request = context.get("request")
    user = getattr(request, "user", None)
    return policy.can(user, action, obj)


@register.filter
def ddmmyyyy(value: dt.date | dt.datetime | None) -> str:
    """A date as dd/mm/yyyy, whatever the language; empty for no date."""
    if not value:
        return ""
    # What ``date_format(value, "d/m/Y")`` writes (numbers only, the same in every
    # language), without its format look-ups: a page shows dozens of dates.
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return (
            f"{value.day:02d}/{value.month:02d}/{value.year:04d} "
            f"{value.hour:02d}:{value.minute:02d}"
        )
    if isinstance(value, dt.date):
        return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"
    return date_format(value, "d/m/Y")


@register.filter
def get(mapping: Any, key: Any) -> Any:
    """``{{ row|get:column }}``: look a value up by a key held in a variable."""
    try:
        return mapping[key]
    except (KeyError, IndexError, TypeError):
        return ""


_SECTIONS = (
    ("dashboard", "dashboard"),
    ("task", "tasks"),
    ("attachment", "tasks"),
    ("directive", "directives"),
    ("org", "orgs"),
    ("member", "orgs"),
    ("duplicate", "duplicates"),
    ("import", "import"),
    ("program", "programs"),
)


@register.simple_tag(takes_context=True)
def nav_section(context: dict[str, Any]) -> str:
    """The navigation entry the current page belongs to."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    name = (match.url_name or "") if match else ""
    if match and "import" in (match.namespaces or []):
        return "import"
    for prefix, section in _SECTIONS:
        if name.startswith(prefix):
            return section
    return ""


@register.simple_tag(takes_context=True)
def navigation(context: dict[str, Any]) -> str:
    """The main navigation (``accounts.chrome``): its entries the user's role holds, the
    current page's entry marked."""
    return chrome.navigation(context.get("request"), nav_section(context))


@register.simple_tag(takes_context=True)
def menu_links(context: dict[str, Any]) -> str:
    """The user menu's links (``accounts.chrome``)."""
    return chrome.menu_links(context.get("request"))


@register.simple_tag
def address(name: str, pk: Any = None) -> str:
    """``{% url name %}`` for an address without arguments or with an object's id alone,
    reversed once (``core.addresses``)."""
    if pk is None:
        return mark_safe(addresses.address(name))
    return addresses.address_of(name, pk)


def _text(value: Any) -> str:
    """``{{ value }}`` in an autoescaped template: escaped unless marked safe."""
    return conditional_escape(value if isinstance(value, str) else str(value))


@register.simple_tag(takes_context=True)
def field_block(context: Any, field: Any, wrapper_id: Any = "") -> str:
    """What ``{% include "_field.html" with field=… wrapper_id=… %}`` writes (label, widget,
    help and errors), written here for a form on a page that is opened often (the task
    page's update form): four includes cost about 0.3 ms of template work."""
    errors = field.errors
    attrs = f' id="{_text(wrapper_id)}"' if wrapper_id else ""
    optional = (
        f" <small>({_text(context.get('optional_text', ''))})</small>"
        if not field.field.required
        else ""
    )
    help_text = (
        f'<small class="help" id="{_text(field.auto_id)}_helptext">{_text(field.help_text)}</small>'
        if field.help_text
        else ""
    )
    return mark_safe(
        f'\n<div class="field{" has-error" if errors else ""}"{attrs}>\n'
        f'  <label for="{_text(field.id_for_label)}">{_text(field.label)}{optional}</label>\n'
        f"  {_text(field)}\n"
        f"  {help_text}\n"
        f"  {_text(errors)}\n"
        "</div>\n"
    )
