"""Template helpers of the report preview."""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from dondoc.reports.compose import Table

register = template.Library()


@register.simple_tag
def doc_table(table: Table) -> str:
    """A report table as HTML, numeric columns centred as in the DOCX."""
    return render_to_string(
        "reports/_table.html",
        {
            "table": table,
            "numeric_index": [i for i, numeric in enumerate(table.numeric) if numeric],
            "empty_text": _("None."),
        },
    )
