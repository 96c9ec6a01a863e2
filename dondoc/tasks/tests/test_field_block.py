"""``{% field_block %}`` writes what ``{% include "_field.html" %}`` writes."""

from __future__ import annotations

import pytest
from django import forms
from django.template import Context, Template
from django.utils import translation

from dondoc.tasks.forms import ProgressUpdateForm
from dondoc.tasks.models import Task

INCLUDED = Template(
    '{% load i18n %}{% translate "optional" as optional_text %}'
    '{% include "_field.html" with field=form.text %}'
    '{% include "_field.html" with field=form.reported_on %}'
    '{% include "_field.html" with field=form.files %}'
    '{% include "_field.html" with field=form.effective_on wrapper_id="effective-field" %}'
    '{% include "_field.html" with field=form.note %}'
)
WRITTEN = Template(
    '{% load i18n dondoc %}{% translate "optional" as optional_text %}'
    "{% field_block form.text %}"
    "{% field_block form.reported_on %}"
    "{% field_block form.files %}"
    '{% field_block form.effective_on wrapper_id="effective-field" %}'
    "{% field_block form.note %}"
)


class _Form(ProgressUpdateForm):
    note = forms.CharField(
        label="<Note> & more", required=False, help_text="Up to <b>5</b> lines & no more"
    )


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize(
    "data",
    [
        None,
        {"text": "", "reported_on": "31/12/2999", "effective_on": "nonsense"},
        {"text": "Đã xong <b>bước 1</b>", "reported_on": "02/01/2026", "note": "a & b"},
    ],
)
def test_field_block_writes_what_the_include_wrote(language, data):
    with translation.override(language):
        form = _Form(data, task=Task(content="x"), may_set_status=True)
        if data is not None:
            form.is_valid()
        context = {"form": form}
        assert WRITTEN.render(Context(context)) == INCLUDED.render(Context(context))
